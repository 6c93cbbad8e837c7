"""A member with something of every kind stored about them (posts, memberships, answers, bookmarks, …), beside
another member with their own, for the data download and account deletion tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from tests.conftest import PASSWORD


@dataclass
class Site:
    leaver: object
    other: object
    waiting: object
    community: object
    group: object
    ids: dict = field(default_factory=dict)


@pytest.fixture
def site(app, make_user, make_group, make_community, make_item):
    """`leaver` wrote a board thread, a board reply, a topic and a reply (each beside another member's), joined a
    community and a group, took the one seat of a meetup (`waiting` is next in line), bookmarked, followed,
    reported, was notified and authored a group's event. `other` has rows of every such kind of their own."""
    from community.areas.services import area_by_slug
    from community.board.models import BoardReply, BoardThread
    from community.communities.meetups import create_meetup
    from community.communities.models import Community, Reply, Rsvp, Topic
    from community.content.models import Status
    from community.events.models import Event
    from community.extensions import db
    from community.me.models import Bookmark, Follow
    from community.moderation.models import Report
    from community.notifications.models import Notification
    from community.text import render_markdown
    from community.timeutil import now_utc

    app.config["NEW_MEMBER_REVIEW_POSTS"] = 0
    leaver = make_user(email="leaver@example.jp", name="退会予定の山田", bio="退会者の自己紹介です")
    other = make_user(email="other@example.jp", name="残る佐藤")
    waiting = make_user(email="waiting@example.jp", name="待つ鈴木")
    community = make_community(admin=other, members=[leaver, waiting], name="橋本の散歩の会")
    group = make_group(owner=other, editors=[leaver], name="橋本自治会")
    event = make_item("event", group, title="自治会の夏まつり", body="盆踊りです")
    ids: dict = {"event": event.id}
    with app.test_request_context():
        area = area_by_slug("hashimoto")
        db.session.get(Event, event.id).author_id = leaver.id

        def post(model, author, **values):
            body = values.pop("body")
            row = model(author_id=author.id, body=body, body_html=render_markdown(body), status=Status.PUBLISHED,
                        **values)
            db.session.add(row)
            db.session.flush()
            return row.id

        now = now_utc()
        ids["board"] = post(BoardThread, leaver, kind="chat", area_id=area.id, title="退会者の伝言",
                            body="退会者の伝言の本文", created_at=now, last_post_at=now)
        ids["other_board"] = post(BoardThread, other, kind="chat", area_id=area.id, title="残る人の伝言",
                                  body="残る人の伝言の本文", created_at=now, last_post_at=now)
        ids["board_reply"] = post(BoardReply, leaver, thread_id=ids["other_board"], body="退会者の伝言への返信")
        ids["topic"] = post(Topic, leaver, community_id=community.id, title="退会者のトピック",
                            body="退会者のトピックの本文", created_at=now, last_post_at=now)
        ids["other_topic"] = post(Topic, other, community_id=community.id, title="残る人のトピック",
                                  body="残る人のトピックの本文", created_at=now, last_post_at=now)
        ids["reply"] = post(Reply, leaver, topic_id=ids["other_topic"], body="退会者のトピックへの返信")
        ids["other_reply"] = post(Reply, other, topic_id=ids["topic"], body="残る人の返信")
        for thread_model, thread_id in ((BoardThread, ids["other_board"]), (Topic, ids["other_topic"]),
                                        (Topic, ids["topic"])):
            db.session.get(thread_model, thread_id).reply_count = 1
        start = now_utc() + timedelta(days=3)
        meetup = create_meetup(db.session.get(Community, community.id), {
            "title": "朝の散歩", "starts_at": start, "ends_at": start + timedelta(hours=2), "venue_name": "橋本公園",
            "address": "相模原市緑区橋本1-1", "area_id": area.id, "capacity": 1, "body": "歩きましょう"}, other)
        ids["meetup"] = meetup.id
        db.session.add_all([
            Rsvp(event_id=meetup.id, user_id=leaver.id, answered_at=now - timedelta(minutes=2)),
            Rsvp(event_id=meetup.id, user_id=waiting.id, waitlisted=True, answered_at=now - timedelta(minutes=1)),
            Bookmark(user_id=leaver.id, item_kind="event", item_id=event.id),
            Bookmark(user_id=other.id, item_kind="shop", item_id=4242),
            Follow(user_id=leaver.id, target_kind="area", target_id=area.id),
            Follow(user_id=other.id, target_kind="group", target_id=group.id),
            Report(item_kind="board", item_id=ids["other_board"], reporter_id=leaver.id, reason="spam",
                   note="退会者の通報メモ"),
            Report(item_kind="topic", item_id=ids["topic"], reporter_id=other.id, reason="other",
                   note="残る人の通報メモ"),
            Notification(user_id=leaver.id, kind="join_approved", data={"community_name": "退会者あての通知"}),
            Notification(user_id=other.id, kind="join_approved", data={"community_name": "残る人あての通知"}),
        ])
        db.session.commit()
    return Site(leaver, other, waiting, community, group, ids)


@pytest.fixture
def sign_in(app):
    """sign_in(user) -> a browser of its own, signed in through the login form."""

    def do(user):
        browser = app.test_client()
        response = browser.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return browser

    return do
