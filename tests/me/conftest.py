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
def make_meetup(app):
    """A community's meetup (an Event with community_id and no group), published."""
    from community.areas.services import area_by_slug
    from community.events.models import Event
    from community.events.services import expand_occurrences
    from community.timeutil import now_utc

    def make(community, starts_at=None, status: str = "published", area: str = "hashimoto"):
        n = next(_serial)
        starts = starts_at or now_utc() + timedelta(days=3)
        with app.app_context():
            event = Event(community_id=community.id, group_id=None, title=f"集まり{n}", starts_at=starts,
                          ends_at=starts + timedelta(hours=2), area_id=area_by_slug(area).id, status=status,
                          published_at=now_utc(), body="", body_html="")
            return stored(event, expand_occurrences)

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
