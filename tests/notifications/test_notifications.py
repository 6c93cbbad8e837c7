"""The notifications page, marking read, the sentences and the header's unread counter."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import template_rendered


def _logout(client):
    with client.session_transaction() as session:
        session.clear()


@pytest.mark.parametrize("method,url", [("get", "/notifications"), ("post", "/notifications/1/read"),
                                        ("post", "/notifications/read-all")])
def test_visitor_is_sent_to_login(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_list_newest_first_with_unread_marked(client, login, member, make_user, make_notification):
    from community.db import utcnow

    now = utcnow()
    make_notification(member, thread_title="古い投稿", read=True, at=now - timedelta(days=2))
    make_notification(member, kind="join_approved", link="/communities/x", community_name="写真部",
                      at=now - timedelta(hours=1))
    make_notification(make_user(), thread_title="ほかの人の投稿")
    login(member)
    page = client.get("/notifications").get_data(as_text=True)
    newer = "コミュニティ「写真部」への参加が承認されました"
    older = "あなたの伝言板の投稿「古い投稿」に返信がありました"
    assert newer in page and older in page and "ほかの人の投稿" not in page
    assert page.index(newer) < page.index(older)
    assert "未読の通知: 1 件" in page and page.count(">未読<") == 1
    assert '<a href="/board">' + older in page  # a read one is a plain link


def test_titles_in_sentences_are_escaped(client, login, member, make_notification):
    make_notification(member, thread_title="<script>alert('xss')</script>")
    login(member)
    page = client.get("/notifications").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_mark_one_read_redirects_to_its_link(client, login, member, make_notification, fetch_notification):
    first = make_notification(member, link="/board/replies/5")
    second = make_notification(member)
    login(member)
    response = client.post(f"/notifications/{first.id}/read")
    assert response.status_code == 302 and response.headers["Location"] == "/board/replies/5"
    assert fetch_notification(first.id).read_at is not None
    assert fetch_notification(second.id).read_at is None
    assert "未読の通知: 1 件" in client.get("/notifications").get_data(as_text=True)


def test_another_members_notification_is_404_and_untouched(client, login, member, make_user, make_notification,
                                                            fetch_notification):
    theirs = make_notification(make_user())
    login(member)
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 404
    assert client.post("/notifications/99999/read").status_code == 404
    assert fetch_notification(theirs.id).read_at is None


def test_mark_read_needs_a_csrf_token(client, login, member, make_notification, fetch_notification):
    mine = make_notification(member)
    login(member)
    assert client.post(f"/notifications/{mine.id}/read", csrf=False).status_code == 400
    assert client.post("/notifications/read-all", csrf=False).status_code == 400
    assert fetch_notification(mine.id).read_at is None


def test_stored_link_to_another_site_is_not_followed(client, login, member, make_notification):
    evil = make_notification(member, link="https://evil.example/phish")
    protocol_relative = make_notification(member, link="//evil.example/")
    login(member)
    page = client.get("/notifications").get_data(as_text=True)
    assert "evil.example" not in page
    assert client.post(f"/notifications/{evil.id}/read").headers["Location"] == "/notifications"
    assert client.post(f"/notifications/{protocol_relative.id}/read").headers["Location"] == "/notifications"
    page = client.get("/notifications").get_data(as_text=True)
    assert "evil.example" not in page


def test_read_all_marks_only_own(client, login, member, make_user, make_notification, fetch_notification):
    mine = [make_notification(member) for _ in range(3)]
    theirs = make_notification(make_user())
    login(member)
    response = client.post("/notifications/read-all", follow_redirects=True)
    assert "すべての通知を既読にしました。" in response.get_data(as_text=True)
    assert all(fetch_notification(n.id).read_at is not None for n in mine)
    assert fetch_notification(theirs.id).read_at is None
    assert "未読の通知: 0 件" in response.get_data(as_text=True)


def test_empty_inbox(client, login, member):
    login(member)
    page = client.get("/notifications").get_data(as_text=True)
    assert "通知はまだありません。" in page and "すべて既読にする" not in page


def test_pagination(client, login, member, make_notification):
    from community.db import utcnow

    start = utcnow() - timedelta(days=1)
    for n in range(35):
        make_notification(member, thread_title=f"投稿{n:02d}", at=start + timedelta(minutes=n))
    login(member)
    first = client.get("/notifications").get_data(as_text=True)
    assert "「投稿34」" in first and "「投稿04」" not in first and "1 / 2 ページ" in first
    second = client.get("/notifications?page=2").get_data(as_text=True)
    assert "「投稿04」" in second and "「投稿34」" not in second
    assert client.get("/notifications?page=x").status_code == 200


# --- the sentences ---------------------------------------------------------------------------

SENTENCES = [
    ("board_reply", {"thread_title": "自転車"}, "あなたの伝言板の投稿「自転車」に返信がありました"),
    ("topic_reply", {"community_name": "写真部", "topic_title": "撮影会"},
     "コミュニティ「写真部」のトピック「撮影会」に返信がありました"),
    ("join_request", {"community_name": "写真部", "user_name": "山田"},
     "山田さんがコミュニティ「写真部」への参加を希望しています"),
    ("join_approved", {"community_name": "写真部"}, "コミュニティ「写真部」への参加が承認されました"),
    ("meetup_changed", {"event_title": "撮影散歩"}, "参加予定の集まり「撮影散歩」の内容が変更されました"),
    ("meetup_cancelled", {"event_title": "撮影散歩"}, "参加予定の集まり「撮影散歩」は中止になりました"),
    ("waitlist_promoted", {"event_title": "撮影散歩"},
     "キャンセル待ちをしていた「撮影散歩」に参加できるようになりました"),
    ("moderation_hidden", {"item_title": "宣伝", "reason": "営利目的の宣伝です"},
     "あなたの投稿「宣伝」は非表示になりました。理由: 営利目的の宣伝です"),
    ("moderation_restored", {"item_title": "宣伝"}, "あなたの投稿「宣伝」は再び表示されるようになりました"),
    ("moderation_approved", {"item_title": "はじめまして"}, "あなたの投稿「はじめまして」は確認が済み、公開されました"),
    ("something_new", {"x": 1}, "新しい通知があります"),
    ("board_reply", {}, "あなたの伝言板の投稿「」に返信がありました"),  # missing data never breaks the page
]


@pytest.mark.parametrize("kind,data,expected", SENTENCES)
def test_sentence_for_every_kind(app, kind, data, expected):
    from community.notifications.models import Notification
    from community.notifications.services import sentence_for

    with app.test_request_context():
        assert sentence_for(Notification(kind=kind, data=data)) == expected


# --- the unread counter --------------------------------------------------------------------------


def _rendered_context(app, client, url):
    seen = []

    def record(sender, template, context, **extra):
        seen.append(context)

    template_rendered.connect(record, app)
    try:
        assert client.get(url).status_code == 200
    finally:
        template_rendered.disconnect(record, app)
    return seen[-1]


def test_unread_counter_in_every_template(client, app, login, member, make_user, make_notification):
    assert _rendered_context(app, client, "/board")["unread_notifications"] == 0
    make_notification(member)
    make_notification(member)
    make_notification(member, read=True)
    make_notification(make_user())
    login(member)
    assert _rendered_context(app, client, "/board")["unread_notifications"] == 2
    assert _rendered_context(app, client, "/")["unread_notifications"] == 2
    _logout(client)
    assert _rendered_context(app, client, "/")["unread_notifications"] == 0


def test_unread_counter_asks_one_count_query(client, app, login, member, make_notification, count_queries):
    make_notification(member)
    login(member)
    with count_queries() as counted:
        client.get("/board")
    counts = [s for s in counted.statements if "FROM notifications" in s]
    assert len(counts) == 1 and counts[0].lstrip().upper().startswith("SELECT COUNT")
    _logout(client)
    with count_queries() as counted:
        client.get("/board")
    assert not [s for s in counted.statements if "FROM notifications" in s]


# --- from a board reply to the notification and back ----------------------------------------------


def test_board_reply_notification_end_to_end(client, app, login, member, make_user):
    from community.areas.services import area_by_slug
    from community.board.models import BoardThread
    from community.extensions import db

    app.config["NEW_MEMBER_REVIEW_POSTS"] = 0
    with app.app_context():
        thread = BoardThread(kind="question", area_id=area_by_slug("tana").id, author_id=member.id,
                             title="田名のおすすめの公園は？", body="教えてください", body_html="<p>教えてください</p>")
        db.session.add(thread)
        db.session.commit()
        thread_id = thread.id
    login(make_user())
    client.post(f"/board/{thread_id}/reply", data={"body": "田名バーベキュー場が楽しいです"})
    login(member)
    page = client.get("/notifications").get_data(as_text=True)
    assert "あなたの伝言板の投稿「田名のおすすめの公園は？」に返信がありました" in page
    assert "未読の通知: 1 件" in page
    [notification_id] = [int(part.split("/")[0]) for part in page.split('action="/notifications/')[1:]
                         if part.split("/")[0].isdigit()]
    to_reply = client.post(f"/notifications/{notification_id}/read")
    assert to_reply.headers["Location"].startswith("/board/replies/")
    to_thread = client.get(to_reply.headers["Location"])
    assert to_thread.headers["Location"].startswith(f"/board/{thread_id}#reply-")
    assert "田名バーベキュー場が楽しいです" in client.get(f"/board/{thread_id}").get_data(as_text=True)
    assert "未読の通知: 0 件" in client.get("/notifications").get_data(as_text=True)


# --- SQL-count guard ---------------------------------------------------------------------------------


def test_notifications_page_query_count_does_not_grow(client, login, member, make_notification, count_queries):
    kinds = [("board_reply", {"thread_title": "t"}), ("join_request", {"community_name": "c", "user_name": "u"}),
             ("moderation_hidden", {"item_title": "i", "reason": "r"})]
    for kind, data in kinds:
        make_notification(member, kind=kind, **data)
    login(member)
    with count_queries() as few:
        client.get("/notifications")
    for n in range(45):
        kind, data = kinds[n % 3]
        make_notification(member, kind=kind, read=n % 2 == 0, **data)
    with count_queries() as many:
        client.get("/notifications")
    with count_queries() as second_page:
        client.get("/notifications?page=2")
    assert few.n == many.n == second_page.n
