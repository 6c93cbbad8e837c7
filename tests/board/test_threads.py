"""Reading, replying to, editing, closing and deleting board threads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select


def _replies(app, thread_id):
    from community.board.models import BoardReply
    from community.extensions import db

    with app.app_context():
        rows = list(db.session.scalars(select(BoardReply).where(BoardReply.thread_id == thread_id)
                                       .order_by(BoardReply.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def _notifications(app, user_id=None):
    from community.extensions import db
    from community.notifications.models import Notification

    with app.app_context():
        query = select(Notification).order_by(Notification.id)
        if user_id is not None:
            query = query.where(Notification.user_id == user_id)
        rows = list(db.session.scalars(query))
        for row in rows:
            db.session.expunge(row)
        return rows


def _logout(client):
    with client.session_transaction() as session:
        session.clear()


def test_visitor_reads_a_thread_and_is_invited_to_log_in(client, member, make_thread):
    thread = make_thread(member, title="公園の落とし物", body="青い**帽子**を預かっています。")
    page = client.get(f"/board/{thread.id}").get_data(as_text=True)
    assert "公園の落とし物" in page and "<strong>帽子</strong>" in page
    assert "返信するにはログインしてください" in page
    assert 'action="/board/' not in page  # no reply form, no action buttons
    assert client.get("/board/99999").status_code == 404
    assert client.get("/board/replies/99999").status_code == 404


def test_reply_updates_the_thread_and_notifies_its_author(client, app, login, member, make_user, make_thread, fetch):
    from community.board.models import BoardThread

    long_ago = make_thread(member, title="自転車を探しています", kind="looking")
    other = make_user(name="返信 する人")
    login(other)
    response = client.post(f"/board/{long_ago.id}/reply", data={"body": "駅前で見かけました。"})
    assert response.status_code == 302
    [reply] = _replies(app, long_ago.id)
    assert response.headers["Location"] == f"/board/replies/{reply.id}"
    located = client.get(response.headers["Location"])
    assert located.headers["Location"] == f"/board/{long_ago.id}#reply-{reply.id}"
    page = client.get(f"/board/{long_ago.id}").get_data(as_text=True)
    assert "駅前で見かけました。" in page and f'id="reply-{reply.id}"' in page and "返信 する人" in page
    thread = fetch(BoardThread, long_ago.id)
    assert thread.reply_count == 1 and thread.last_post_at == reply.created_at
    [notification] = _notifications(app)
    assert notification.user_id == member.id and notification.kind == "board_reply"
    assert notification.data == {"thread_title": "自転車を探しています"}
    assert notification.link == f"/board/replies/{reply.id}"
    # the author's own reply notifies nobody
    login(member)
    client.post(f"/board/{long_ago.id}/reply", data={"body": "ありがとうございます！"})
    assert len(_notifications(app)) == 1
    assert fetch(BoardThread, long_ago.id).reply_count == 2


def test_empty_or_too_long_reply_is_refused(client, app, login, member, make_thread):
    thread = make_thread(member)
    login(member)
    for body, message in (("", "本文を入力してください。"), ("あ" * 5001, "本文は5000文字以内にしてください。")):
        response = client.post(f"/board/{thread.id}/reply", data={"body": body})
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert _replies(app, thread.id) == []


def test_repeated_reply_is_refused(client, app, login, veteran, member, make_thread):
    thread = make_thread(member)
    login(veteran)
    assert client.post(f"/board/{thread.id}/reply", data={"body": "同じ文"}).status_code == 302
    again = client.post(f"/board/{thread.id}/reply", data={"body": "同じ文"})
    assert again.status_code == 400
    assert "同じ内容がすでに投稿されています。" in again.get_data(as_text=True)
    assert len(_replies(app, thread.id)) == 1


def test_locked_thread_refuses_replies(client, app, login, member, make_user, make_thread):
    thread = make_thread(member, is_locked=True)
    login(make_user())
    page = client.get(f"/board/{thread.id}").get_data(as_text=True)
    assert "ロックされているため、返信できません" in page and 'name="body"' not in page
    response = client.post(f"/board/{thread.id}/reply", data={"body": "返信できますか"})
    assert response.status_code == 400
    assert "ロックされているため、返信できません" in response.get_data(as_text=True)
    assert _replies(app, thread.id) == []


def test_expired_thread_is_closed_unlisted_and_refuses_replies(client, app, login, member, make_user, make_thread):
    from community.db import utcnow

    expired = make_thread(member, kind="giving", title="期限切れのゆずります", expires_at=utcnow() - timedelta(hours=1))
    open_ = make_thread(member, kind="giving", title="まだ募集中のゆずります")
    listing = client.get("/board").get_data(as_text=True)
    assert "まだ募集中のゆずります" in listing and "期限切れのゆずります" not in listing
    with_closed = client.get("/board?closed=1").get_data(as_text=True)
    assert "期限切れのゆずります" in with_closed and "終了" in with_closed
    page = client.get(f"/board/{expired.id}").get_data(as_text=True)
    assert "この投稿は終了しました" in page and "終了したため、返信できません" in page
    login(make_user())
    response = client.post(f"/board/{expired.id}/reply", data={"body": "まだありますか"})
    assert response.status_code == 400
    assert "終了したため、返信できません" in response.get_data(as_text=True)
    assert _replies(app, expired.id) == []
    assert client.post(f"/board/{open_.id}/reply", data={"body": "まだありますか"}).status_code == 302


def test_author_closes_a_giving_thread_early(client, app, login, member, make_user, make_thread, fetch):
    from community.board.models import BoardThread
    from community.db import utcnow

    thread = make_thread(member, kind="giving", title="早めに終わるゆずります")
    chat = make_thread(member, kind="chat")
    login(make_user())
    assert client.post(f"/board/{thread.id}/close").status_code == 403
    login(member)
    assert client.post(f"/board/{chat.id}/close").status_code == 403
    assert "終了にする" in client.get(f"/board/{thread.id}").get_data(as_text=True)
    response = client.post(f"/board/{thread.id}/close", follow_redirects=True)
    assert "投稿を終了しました" in response.get_data(as_text=True)
    assert fetch(BoardThread, thread.id).expires_at <= utcnow()
    assert "早めに終わるゆずります" not in client.get("/board").get_data(as_text=True)
    again = client.post(f"/board/{thread.id}/close", follow_redirects=True)
    assert "すでに終了しています" in again.get_data(as_text=True)


def test_author_edits_within_the_window_and_the_post_is_marked_edited(client, app, login, member, make_user,
                                                                      make_thread, fetch, area_id):
    from community.board.models import BoardThread

    thread = make_thread(member, title="元の件名", body="元の本文")
    login(make_user())
    assert client.get(f"/board/{thread.id}/edit").status_code == 403
    assert client.post(f"/board/{thread.id}/edit", data={"title": "乗っ取り", "area_id": area_id("tana"),
                                                         "body": "乗っ取り"}).status_code == 403
    login(member)
    form = client.get(f"/board/{thread.id}/edit").get_data(as_text=True)
    assert "元の件名" in form and "元の本文" in form
    bad = client.post(f"/board/{thread.id}/edit", data={"title": "", "area_id": area_id("tana"), "body": "新しい"})
    assert bad.status_code == 400 and "件名を入力してください。" in bad.get_data(as_text=True)
    assert fetch(BoardThread, thread.id).title == "元の件名"
    response = client.post(f"/board/{thread.id}/edit", data={"title": "新しい件名", "area_id": area_id("tana"),
                                                             "body": "新しい*本文*"})
    assert response.status_code == 302
    saved = fetch(BoardThread, thread.id)
    assert saved.title == "新しい件名" and saved.body_html == "<p>新しい<em>本文</em></p>"
    assert saved.area_id == area_id("tana") and saved.edited_at is not None
    assert "編集済み" in client.get(f"/board/{thread.id}").get_data(as_text=True)


def test_edit_window_closes_after_thirty_minutes(client, login, member, make_thread, make_reply, area_id):
    from community.db import utcnow

    old = utcnow() - timedelta(minutes=31)
    thread = make_thread(member, created_at=old)
    reply = make_reply(thread, member, created_at=old)
    login(member)
    assert client.get(f"/board/{thread.id}/edit").status_code == 403
    assert client.post(f"/board/{thread.id}/edit", data={"title": "遅い編集", "area_id": area_id("tana"),
                                                         "body": "遅い"}).status_code == 403
    assert client.get(f"/board/replies/{reply.id}/edit").status_code == 403
    page = client.get(f"/board/{thread.id}").get_data(as_text=True)
    assert f"/board/{thread.id}/edit" not in page and f"/board/replies/{reply.id}/edit" not in page


def test_author_edits_a_reply(client, app, login, member, make_user, make_thread, make_reply):
    thread = make_thread(member)
    replier = make_user()
    reply = make_reply(thread, replier, body="誤字あり")
    login(member)
    assert client.get(f"/board/replies/{reply.id}/edit").status_code == 403
    login(replier)
    assert client.post(f"/board/replies/{reply.id}/edit", data={"body": ""}).status_code == 400
    assert client.post(f"/board/replies/{reply.id}/edit", data={"body": "誤字なし"}).status_code == 302
    [saved] = _replies(app, thread.id)
    assert saved.body == "誤字なし" and saved.edited_at is not None
    page = client.get(f"/board/{thread.id}").get_data(as_text=True)
    assert "誤字なし" in page and "編集済み" in page


def test_only_author_or_staff_deletes_a_thread(client, app, login, member, make_user, supporter, make_thread, fetch):
    from community.board.models import BoardThread

    mine = make_thread(member, title="削除する投稿")
    other = make_thread(make_user(), title="サポーターが消す投稿")
    login(make_user())
    assert client.post(f"/board/{mine.id}/delete").status_code == 403
    login(member)
    assert client.post(f"/board/{other.id}/delete").status_code == 403
    assert client.post(f"/board/{mine.id}/delete").headers["Location"] == "/board"
    assert fetch(BoardThread, mine.id).deleted_at is not None  # soft: the row stays
    assert client.get(f"/board/{mine.id}").status_code == 404
    assert "削除する投稿" not in client.get("/board").get_data(as_text=True)
    assert client.post(f"/board/{mine.id}/delete").status_code == 404
    login(supporter)
    assert client.post(f"/board/{other.id}/delete").status_code == 302
    assert client.get(f"/board/{other.id}").status_code == 404


def test_deleted_reply_leaves_a_placeholder(client, app, login, member, make_user, make_thread, make_reply, fetch):
    from community.board.models import BoardThread
    from community.board.services import refresh_counters
    from community.extensions import db

    thread = make_thread(member)
    replier = make_user()
    reply = make_reply(thread, replier, body="消される返信")
    make_reply(thread, member, body="残る返信")
    with app.test_request_context():
        refresh_counters(db.session.get(BoardThread, thread.id))
        db.session.commit()
    assert fetch(BoardThread, thread.id).reply_count == 2
    login(member)  # the thread's author is not the reply's author
    assert client.post(f"/board/replies/{reply.id}/delete").status_code == 403
    login(replier)
    response = client.post(f"/board/replies/{reply.id}/delete")
    assert response.status_code == 302
    page = client.get(f"/board/{thread.id}").get_data(as_text=True)
    assert "この返信は削除されました" in page and "消される返信" not in page and "残る返信" in page
    assert fetch(BoardThread, thread.id).reply_count == 1
    assert client.post(f"/board/replies/{reply.id}/delete").status_code == 403  # already deleted


def test_hidden_thread_is_shown_only_to_its_author_with_the_reason(client, login, member, make_user, make_thread,
                                                                   make_reply):
    thread = make_thread(member, title="非表示の投稿", status="hidden", hidden_reason="個人情報が含まれています")
    visible = make_thread(member, title="見える投稿")
    hidden_reply = make_reply(visible, make_user(), body="隠された返信", status="hidden", hidden_reason="宣伝")
    assert client.get(f"/board/{thread.id}").status_code == 404
    assert "非表示の投稿" not in client.get("/board").get_data(as_text=True)
    assert "隠された返信" not in client.get(f"/board/{visible.id}").get_data(as_text=True)
    assert client.get(f"/board/replies/{hidden_reply.id}").status_code == 404
    login(member)
    page = client.get(f"/board/{thread.id}").get_data(as_text=True)
    assert "非表示" in page and "個人情報が含まれています" in page


def test_pending_reply_of_a_new_member_is_seen_by_its_author_only(client, app, login, member, make_user,
                                                                  make_thread, fetch):
    from community.board.models import BoardThread

    app.config["NEW_MEMBER_REVIEW_POSTS"] = 3
    author = make_user()
    thread = make_thread(author, title="質問があります", kind="question")
    login(member)
    response = client.post(f"/board/{thread.id}/reply", data={"body": "新人の返信です"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "サポーターの確認後に公開されます" in page and "新人の返信です" in page and "確認待ち" in page
    [reply] = _replies(app, thread.id)
    assert reply.status == "pending"
    assert fetch(BoardThread, thread.id).reply_count == 0  # not public yet
    assert _notifications(app) == []  # the thread's author hears of it when it is published
    login(author)
    assert "新人の返信です" not in client.get(f"/board/{thread.id}").get_data(as_text=True)
    _logout(client)
    assert "新人の返信です" not in client.get(f"/board/{thread.id}").get_data(as_text=True)


def test_reply_link_finds_the_right_page(client, app, login, member, make_user, make_thread, make_reply):
    from community.board.services import REPLIES_PER_PAGE
    from community.db import utcnow

    thread = make_thread(member)
    start = utcnow() - timedelta(hours=2)
    replies = [make_reply(thread, member, body=f"返信{n}", created_at=start + timedelta(minutes=n))
               for n in range(REPLIES_PER_PAGE + 3)]
    first, late = replies[0], replies[REPLIES_PER_PAGE + 1]
    assert client.get(f"/board/replies/{first.id}").headers["Location"] == f"/board/{thread.id}#reply-{first.id}"
    assert client.get(f"/board/replies/{late.id}").headers["Location"] == (
        f"/board/{thread.id}?page=2#reply-{late.id}")
    second = client.get(f"/board/{thread.id}?page=2").get_data(as_text=True)
    assert f'id="reply-{late.id}"' in second and f'id="reply-{first.id}"' not in second
    assert "2 / 2 ページ" in second
    assert client.get(f"/board/{thread.id}?page=abc").status_code == 200


# --- the list: filters, order, pagination ------------------------------------------------------


def test_kind_filter(client, member, make_thread):
    make_thread(member, kind="question", title="質問の投稿")
    make_thread(member, kind="chat", title="雑談の投稿")
    page = client.get("/board?kind=question").get_data(as_text=True)
    assert "質問の投稿" in page and "雑談の投稿" not in page
    unknown = client.get("/board?kind=sale").get_data(as_text=True)
    assert "指定された種類が見つかりません" in unknown and "雑談の投稿" in unknown


@pytest.mark.parametrize("area,shown,not_shown", [
    ("midori", {"橋本の投稿", "藤野の投稿"}, {"相模台の投稿"}),
    ("hashimoto", {"橋本の投稿"}, {"藤野の投稿", "相模台の投稿"}),
    ("minami", {"相模台の投稿"}, {"橋本の投稿", "藤野の投稿"}),
    ("sagamihara", {"橋本の投稿", "藤野の投稿", "相模台の投稿"}, set()),
])
def test_area_filter_includes_every_district_below_a_ward(client, member, make_thread, area, shown, not_shown):
    make_thread(member, area="hashimoto", title="橋本の投稿")
    make_thread(member, area="fujino", title="藤野の投稿")
    make_thread(member, area="sagamidai", title="相模台の投稿")
    page = client.get(f"/board?area={area}").get_data(as_text=True)
    assert all(title in page for title in shown)
    assert not any(title in page for title in not_shown)


def test_unknown_area_shows_everything_with_a_message(client, member, make_thread):
    make_thread(member, title="どこかの投稿")
    page = client.get("/board?area=atlantis").get_data(as_text=True)
    assert "指定された地域が見つかりません" in page and "どこかの投稿" in page


def test_newest_activity_first_and_pagination(client, login, member, make_user, make_thread):
    from community.board.services import THREADS_PER_PAGE
    from community.db import utcnow

    start = utcnow() - timedelta(days=3)
    threads = [make_thread(member, title=f"投稿{n:02d}", created_at=start + timedelta(minutes=n))
               for n in range(THREADS_PER_PAGE + 2)]
    first_page = client.get("/board").get_data(as_text=True)
    assert first_page.index("投稿21") < first_page.index("投稿20")
    assert "投稿00" not in first_page and "1 / 2 ページ" in first_page
    second = client.get("/board?page=2").get_data(as_text=True)
    assert "投稿00" in second and "投稿01" in second and "投稿21" not in second
    # a reply brings the oldest thread to the top
    login(make_user())
    client.post(f"/board/{threads[0].id}/reply", data={"body": "今さらですが"})
    top = client.get("/board").get_data(as_text=True)
    assert top.index("投稿00") < top.index("投稿21")
    assert client.get("/board?page=999").status_code == 200


def test_staff_see_pending_and_hidden_posts_marked(client, login, member, make_user, supporter, make_thread,
                                                   make_reply):
    pending = make_thread(member, title="確認待ちの投稿", status="pending")
    thread = make_thread(member, title="公開中の投稿")
    make_reply(thread, make_user(), body="隠された返信", status="hidden", hidden_reason="宣伝のため")
    login(supporter)
    listing = client.get("/board").get_data(as_text=True)
    assert "確認待ちの投稿" in listing and "確認待ち</span>" in listing
    page = client.get(f"/board/{thread.id}").get_data(as_text=True)
    assert "隠された返信" in page and "宣伝のため" in page
    assert client.get(f"/board/{pending.id}").status_code == 200
