"""Fixtures for my page: communities, topics and meetups made directly, follows, and a real SMTP server."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from datetime import timedelta
from itertools import count

import pytest

from tests.factories import stored

_serial = count(1)


@pytest.fixture
def area_id(app):
    def lookup(slug: str) -> int:
        from community.areas.services import area_by_slug

        with app.app_context():
            return area_by_slug(slug).id

    return lookup


@pytest.fixture
def category_id(app):
    def lookup(slug: str) -> int:
        from community.areas.services import category_by_slug

        with app.app_context():
            return category_by_slug(slug).id

    return lookup


@pytest.fixture
def make_community(app):
    """make_community(owner=None, members=(), closed=False, status="published") with active memberships."""
    from community.areas.services import area_by_slug
    from community.communities.models import Community, CommunityMembership
    from community.extensions import db

    def make(owner=None, members=(), closed: bool = False, status: str = "published", area: str = "hashimoto"):
        n = next(_serial)
        with app.app_context():
            community = Community(slug=f"community-{n}", name=f"テストコミュニティ{n}", is_closed=closed,
                                  status=status, area_id=area_by_slug(area).id, member_count=0)
            db.session.add(community)
            db.session.flush()
            if owner is not None:
                db.session.add(CommunityMembership(community_id=community.id, user_id=owner.id, role="admin"))
            for user in members:
                db.session.add(CommunityMembership(community_id=community.id, user_id=user.id))
            db.session.commit()
            db.session.refresh(community)
            db.session.expunge(community)
        return community

    return make


@pytest.fixture
def make_topic(app):
    from community.communities.models import Topic
    from community.timeutil import now_utc

    def make(community, author, status: str = "published", title: str | None = None, at=None):
        n = next(_serial)
        at = at or now_utc()
        with app.app_context():
            topic = Topic(community_id=community.id, author_id=author.id, title=title or f"トピック{n}",
                          body=f"本文{n}", body_html=f"<p>本文{n}</p>", status=status, created_at=at, last_post_at=at)
            stored(topic)
        return topic

    return make


@pytest.fixture
def make_meetup(app):
    """A community's meetup (an Event with community_id and no group), published."""
    from community.areas.services import area_by_slug
    from community.events.models import Event
    from community.events.services import expand_occurrences
    from community.extensions import db
    from community.timeutil import now_utc

    def make(community, starts_at=None, status: str = "published", area: str = "hashimoto"):
        n = next(_serial)
        starts = starts_at or now_utc() + timedelta(days=3)
        with app.app_context():
            event = Event(community_id=community.id, group_id=None, title=f"集まり{n}", starts_at=starts,
                          ends_at=starts + timedelta(hours=2), area_id=area_by_slug(area).id, status=status,
                          published_at=now_utc(), body="", body_html="")
            db.session.add(event)
            db.session.flush()
            expand_occurrences(event)
            db.session.commit()
            db.session.refresh(event)
            db.session.expunge(event)
        return event

    return make


@pytest.fixture
def add_follows(app):
    """add_follows(user, kind, ids): rows written directly (the buttons are tested on their own)."""
    from community.extensions import db
    from community.me.models import Follow

    def add(user, kind: str, ids):
        with app.app_context():
            for target_id in ids:
                db.session.add(Follow(user_id=user.id, target_kind=kind, target_id=target_id))
            db.session.commit()

    return add


@pytest.fixture
def set_published(app):
    """set_published(item, when): moves an item's place in the stream."""
    from community.extensions import db

    def move(item, when):
        with app.app_context():
            row = db.session.get(type(item), item.id)
            row.published_at = when
            db.session.commit()

    return move


@pytest.fixture
def get_user(app):
    from community.accounts.models import User
    from community.extensions import db

    def get(user_id: int):
        with app.app_context():
            user = db.session.get(User, user_id)
            db.session.expunge(user)
        return user

    return get


# --- a real SMTP server on loopback ------------------------------------------------------------------


class _Inbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self):
        self.messages: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """An aiosmtpd server on 127.0.0.1; the app sends to it. Yields the inbox (inbox.messages)."""
    from aiosmtpd.controller import Controller

    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, SITE_URL="https://portal.example.jp")
    try:
        yield inbox
    finally:
        controller.stop()
