"""Factories for communities, topics, replies and meetups, and helpers the community tests share."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

import pytest

_serial = count(1)


@pytest.fixture(autouse=True)
def _posts_go_live(app):
    """Most tests are not about pre-moderation: new members' posts go live unless a test turns it on."""
    app.config["NEW_MEMBER_REVIEW_POSTS"] = 0


@pytest.fixture
def make_reply(app):
    from community.communities.models import Reply, Topic
    from community.extensions import db
    from community.text import render_markdown
    from community.timeutil import now_utc

    def make(topic, author, body: str | None = None, ago: timedelta | None = None, **fields):
        n = next(_serial)
        when = now_utc() - (ago or timedelta(0))
        body = body or f"返信{n}"
        with app.app_context():
            reply = Reply(topic_id=topic.id, author_id=author.id, body=body, body_html=render_markdown(body),
                          created_at=when, **fields)
            db.session.add(reply)
            row = db.session.get(Topic, topic.id)
            row.reply_count += 1
            row.last_post_at = max(row.last_post_at, when)
            db.session.commit()
            db.session.refresh(reply)
            db.session.expunge(reply)
        return reply

    return make


@pytest.fixture
def make_meetup(app):
    """make_meetup(community, author, capacity=None, days=3, **data) through the real service."""
    from community.communities.meetups import create_meetup
    from community.communities.models import Community
    from community.events.models import Event
    from community.extensions import db
    from community.timeutil import now_utc

    def make(community, author, capacity: int | None = None, days: float = 3, **data):
        n = next(_serial)
        starts = now_utc() + timedelta(days=days)
        values = {"title": f"集まり{n}", "starts_at": starts, "ends_at": starts + timedelta(hours=2),
                  "venue_name": "橋本公民館", "address": "相模原市緑区橋本1-1", "area_id": None, "capacity": capacity,
                  "body": "みんなで話しましょう。"}
        values.update(data)
        with app.test_request_context():
            row = db.session.get(Community, community.id)
            values["area_id"] = values["area_id"] or row.area_id
            meetup = create_meetup(row, values, author)
            db.session.commit()
            meetup = db.session.get(Event, meetup.id)
            db.session.expunge(meetup)
        return meetup

    return make


@pytest.fixture
def rows(app):
    """rows(Model, **where) -> list of matching rows (detached), for checking what was stored."""
    from sqlalchemy import select

    from community.extensions import db

    def fetch(model, **where):
        with app.app_context():
            query = select(model).filter_by(**where)
            found = list(db.session.scalars(query))
            for row in found:
                db.session.expunge(row)
            return found

    return fetch


@pytest.fixture
def make_replies(app):
    """make_replies(topic, authors, n, body="返信{n:03d}") -> n replies, oldest first, a minute apart, ending
    `until_ago` before now; one transaction (each commit re-indexes search, so many commits are slow)."""
    from community.communities.models import Reply, Topic
    from community.extensions import db
    from community.text import render_markdown
    from community.timeutil import now_utc

    def make(topic, authors, n: int, body: str = "返信{n:03d}", until_ago: timedelta = timedelta(0)):
        last = now_utc() - until_ago
        with app.app_context():
            replies = []
            for i in range(n):
                text = body.format(n=i)
                replies.append(Reply(topic_id=topic.id, author_id=authors[i % len(authors)].id, body=text,
                                     body_html=render_markdown(text), created_at=last - timedelta(minutes=n - 1 - i)))
            db.session.add_all(replies)
            row = db.session.get(Topic, topic.id)
            row.reply_count += n
            row.last_post_at = max(row.last_post_at, last)
            db.session.commit()
            return [(r.id, r.created_at) for r in replies]

    return make


@pytest.fixture
def make_topics(app):
    """make_topics(community, authors, n, title="話題{n:02d}") in one transaction."""
    from community.communities.models import Topic
    from community.extensions import db
    from community.timeutil import now_utc

    def make(community, authors, n: int, title: str = "話題{n:02d}"):
        now = now_utc()
        with app.app_context():
            db.session.add_all([Topic(community_id=community.id, author_id=authors[i % len(authors)].id,
                                      title=title.format(n=i), body="本文", body_html="<p>本文</p>",
                                      created_at=now - timedelta(minutes=i), last_post_at=now - timedelta(minutes=i))
                                for i in range(n)])
            db.session.commit()

    return make


@pytest.fixture
def make_users(app, password_hash):
    """make_users(n) -> n members made in one transaction."""
    from community.accounts.models import User
    from community.extensions import db

    def make(n: int, **fields):
        with app.app_context():
            users = [User(email=f"bulk{next(_serial)}@example.jp", display_name=f"まとめて{i}", role="member",
                          password_hash=password_hash, **fields) for i in range(n)]
            db.session.add_all(users)
            db.session.commit()
            for user in users:
                db.session.refresh(user)
                db.session.expunge(user)
        return users

    return make
