"""Factories for the moderation tests: member posts of every kind, and quick looks at the data."""

from __future__ import annotations

from itertools import count

import pytest

from tests.factories import stored

_serial = count(1)


@pytest.fixture
def make_post(app):
    """make_post(kind, author, status="published", **fields) for community, topic, reply, board,
    board_reply: rows written directly (the communities and board pages are someone else's)."""
    from community.areas.services import area_by_slug
    from community.board.models import BoardReply, BoardThread
    from community.communities.models import Community, CommunityMembership, Reply, Topic
    from community.extensions import db

    def make(kind: str, author, status: str = "published", area: str = "hashimoto", **fields):
        n = next(_serial)
        with app.app_context():
            area_id = area_by_slug(area).id
            if kind == "community":
                item = Community(slug=fields.pop("slug", f"community-{n}"), name=fields.pop("name", f"コミュニティ{n}"),
                                 description="みんなで話そう", description_html="<p>みんなで話そう</p>",
                                 created_by_id=author.id, area_id=area_id, status=status, **fields)
                db.session.add(item)
                db.session.flush()
                db.session.add(CommunityMembership(community_id=item.id, user_id=author.id, role="admin"))
            elif kind == "topic":
                community = fields.pop("community")
                item = Topic(community_id=community.id, author_id=author.id, title=fields.pop("title", f"トピック{n}"),
                             body=f"トピック本文{n}", body_html=f"<p>トピック本文{n}</p>", status=status, **fields)
            elif kind == "reply":
                topic = fields.pop("topic")
                item = Reply(topic_id=topic.id, author_id=author.id, body=fields.pop("body", f"返信{n}"),
                             body_html=f"<p>返信{n}</p>", status=status, **fields)
            elif kind == "board":
                item = BoardThread(kind=fields.pop("board_kind", "chat"), area_id=area_id, author_id=author.id,
                                   title=fields.pop("title", f"伝言{n}"), body=f"伝言本文{n}",
                                   body_html=f"<p>伝言本文{n}</p>", status=status, **fields)
            elif kind == "board_reply":
                thread = fields.pop("thread")
                item = BoardReply(thread_id=thread.id, author_id=author.id, body=f"伝言返信{n}",
                                  body_html=f"<p>伝言返信{n}</p>", status=status, **fields)
            else:
                raise ValueError(kind)
            stored(item)
        return item

    return make


@pytest.fixture
def join(app):
    """join(user, community, role="member"): an active membership."""
    from community.communities.models import CommunityMembership
    from community.extensions import db

    def do(user, community, role: str = "member"):
        with app.app_context():
            db.session.add(CommunityMembership(community_id=community.id, user_id=user.id, role=role))
            db.session.commit()

    return do


@pytest.fixture
def fetch(app):
    """fetch(kind, id) -> a detached copy of the item as it is now in the database."""
    from community.extensions import db
    from community.items import load

    def get(kind: str, item_id: int):
        with app.app_context():
            item = load(kind, item_id)
            if item is not None:
                db.session.refresh(item)
                db.session.expunge(item)
            return item

    return get


@pytest.fixture
def report_as(client, login):
    """report_as(user, kind, item_id, reason="spam") -> the response of the report form post."""

    def do(user, kind: str, item_id: int, reason: str = "spam", note: str = ""):
        login(user)
        return client.post(f"/report/{kind}/{item_id}", data={"reason": reason, "note": note})

    return do


@pytest.fixture
def members(make_user):
    """members(n) -> n new members."""

    def make(n: int):
        return [make_user() for _ in range(n)]

    return make


@pytest.fixture
def update_item(app):
    """update_item(kind, id, **values): sets columns directly (an author, a status, a date)."""
    from community.extensions import db
    from community.items import load

    def do(kind: str, item_id: int, **values):
        with app.app_context():
            item = load(kind, item_id)
            for key, value in values.items():
                setattr(item, key, value)
            db.session.commit()

    return do
