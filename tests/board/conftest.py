"""Board fixtures: threads and replies written straight to the database, and pre-moderation off by default."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import stored


@pytest.fixture(autouse=True)
def no_premoderation(app):
    """Most tests want posts to go live at once; the pre-moderation tests turn it back on."""
    app.config["NEW_MEMBER_REVIEW_POSTS"] = 0


@pytest.fixture
def make_thread(app):
    from community.areas.services import area_by_slug
    from community.board.models import EXPIRING_KINDS, BoardThread
    from community.db import utcnow
    from community.text import render_markdown

    def make(author, kind: str = "chat", area: str = "hashimoto", **fields):
        now = fields.pop("created_at", utcnow())
        body = fields.pop("body", "本文です。")
        with app.app_context():
            thread = BoardThread(
                kind=kind, area_id=area_by_slug(area).id, author_id=author.id if author else None,
                title=fields.pop("title", "テストの投稿"), body=body, body_html=render_markdown(body),
                created_at=now, last_post_at=fields.pop("last_post_at", now),
                expires_at=fields.pop("expires_at", now + timedelta(days=14) if kind in EXPIRING_KINDS else None),
                **fields)
            stored(thread)
        return thread

    return make


@pytest.fixture
def make_reply(app):
    from community.board.models import BoardReply
    from community.db import utcnow
    from community.text import render_markdown

    def make(thread, author, **fields):
        body = fields.pop("body", "返信です。")
        with app.app_context():
            reply = BoardReply(thread_id=thread.id, author_id=author.id, body=body, body_html=render_markdown(body),
                               created_at=fields.pop("created_at", utcnow()), **fields)
            stored(reply)
        return reply

    return make


@pytest.fixture
def veteran(make_user):
    """A member whose account is a month old (no new-account link limit)."""
    from community.db import utcnow

    return make_user("member", name="古参 会員", created_at=utcnow() - timedelta(days=30))


@pytest.fixture
def fetch(app):
    """fetch(Model, id) -> a fresh detached copy of the row, or None."""
    from community.extensions import db

    def get(model, object_id):
        with app.app_context():
            row = db.session.get(model, object_id)
            if row is not None:
                db.session.expunge(row)
            return row

    return get
