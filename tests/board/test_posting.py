"""Posting threads on the message board: who may, what is checked, what is saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select


def _count(app, model) -> int:
    from community.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _thread_data(area, **overrides):
    data = {"kind": "giving", "title": "ベビーカーをゆずります", "area_id": area, "expires_in_days": "14",
            "body": "**まだ使えます**。橋本駅の近くで受け渡しできます。"}
    data.update(overrides)
    return data


def _threads(app):
    from community.board.models import BoardThread
    from community.extensions import db

    with app.app_context():
        threads = list(db.session.scalars(select(BoardThread).order_by(BoardThread.id)))
        for thread in threads:
            db.session.expunge(thread)
        return threads


@pytest.mark.parametrize("method,url", [
    ("get", "/board/new"), ("post", "/board/new"), ("post", "/board/{thread}/reply"), ("get", "/board/{thread}/edit"),
    ("post", "/board/{thread}/edit"), ("post", "/board/{thread}/close"), ("post", "/board/{thread}/delete"),
    ("get", "/board/replies/{reply}/edit"), ("post", "/board/replies/{reply}/delete"),
])
def test_visitor_is_sent_to_login_for_every_posting_page(client, app, member, make_thread, make_reply, method, url):
    thread = make_thread(member, kind="giving")
    reply = make_reply(thread, member)
    response = getattr(client, method)(url.format(thread=thread.id, reply=reply.id))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_member_posts_a_giving_thread_that_expires(client, app, login, member, area_id):
    from community.db import utcnow

    login(member)
    before = utcnow()
    response = client.post("/board/new", data=_thread_data(area_id("hashimoto"), expires_in_days="10"))
    assert response.status_code == 302
    [thread] = _threads(app)
    assert response.headers["Location"] == f"/board/{thread.id}"
    assert thread.kind == "giving" and thread.status == "published" and thread.author_id == member.id
    assert thread.body_html.startswith("<p><strong>まだ使えます</strong>")
    assert before + timedelta(days=10) <= thread.expires_at <= utcnow() + timedelta(days=10)
    assert thread.last_post_at == thread.created_at
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ベビーカーをゆずります" in page and "<strong>まだ使えます</strong>" in page
    assert "掲載期限" in page
    listing = client.get("/board").get_data(as_text=True)
    assert "ベビーカーをゆずります" in listing and "ゆずります" in listing


def test_expiry_defaults_to_fourteen_days_and_is_ignored_for_other_kinds(client, app, login, member, area_id):
    from community.db import utcnow

    login(member)
    client.post("/board/new", data=_thread_data(area_id("hashimoto"), kind="looking", expires_in_days=""))
    client.post("/board/new", data=_thread_data(area_id("hashimoto"), kind="question", title="質問です",
                                                body="別の本文", expires_in_days="0"))
    looking, question = _threads(app)
    assert abs(looking.expires_at - (utcnow() + timedelta(days=14))) < timedelta(minutes=1)
    assert question.kind == "question" and question.expires_at is None


@pytest.mark.parametrize("overrides,message", [
    ({"title": ""}, "件名を入力してください。"),
    ({"title": "   "}, "件名を入力してください。"),
    ({"title": "<b></b>"}, "HTMLのタグを除くと何も残りません。文字を入力してください。"),
    ({"title": "あ" * 101}, "件名は100文字以内にしてください。"),
    ({"body": ""}, "本文を入力してください。"),
    ({"body": "い" * 5001}, "本文は5000文字以内にしてください。"),
    ({"expires_in_days": "0"}, "掲載日数は1〜60日の間で指定してください。"),
    ({"expires_in_days": "61"}, "掲載日数は1〜60日の間で指定してください。"),
    ({"kind": "sale"}, "種類を選んでください。"),
    ({"area_id": "99999"}, "Not a valid choice"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_saved(client, app, login, member, area_id, overrides, message):
    from community.board.models import BoardThread

    login(member)
    response = client.post("/board/new", data=_thread_data(area_id("hashimoto"), **overrides))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "入力内容を確認してください。" in page
    if message != "Not a valid choice":  # WTForms' own message (translated by its catalogue)
        assert message in page
    assert _count(app, BoardThread) == 0


def test_expiry_that_is_not_a_number_is_refused_in_japanese(client, app, login, member, area_id):
    from community.board.models import BoardThread

    login(member)
    response = client.post("/board/new", data=_thread_data(area_id("hashimoto"), expires_in_days="abc"))
    assert response.status_code == 400
    assert "Not a valid" not in response.get_data(as_text=True)
    assert _count(app, BoardThread) == 0


def test_post_without_csrf_token_is_refused(client, app, login, member, area_id, make_thread):
    from community.board.models import BoardReply, BoardThread

    thread = make_thread(member)
    login(member)
    response = client.post("/board/new", data=_thread_data(area_id("hashimoto")), csrf=False)
    assert response.status_code == 400
    assert "送信を受け付けられませんでした" in response.get_data(as_text=True)
    assert client.post(f"/board/{thread.id}/reply", data={"body": "こんにちは"}, csrf=False).status_code == 400
    assert client.post(f"/board/{thread.id}/delete", csrf=False).status_code == 400
    assert _count(app, BoardThread) == 1 and _count(app, BoardReply) == 0


def test_the_new_page_preselects_a_kind(client, login, member):
    login(member)
    page = client.get("/board/new?kind=looking").get_data(as_text=True)
    assert '<option selected value="looking">' in page


# --- abuse limits (community/posting.py) -------------------------------------------------------


def test_repeated_text_is_refused(client, app, login, veteran, area_id):
    login(veteran)
    assert client.post("/board/new", data=_thread_data(area_id("hashimoto"))).status_code == 302
    again = client.post("/board/new", data=_thread_data(area_id("hashimoto"), title="別の件名"))
    assert again.status_code == 400
    assert "同じ内容がすでに投稿されています。" in again.get_data(as_text=True)
    assert len(_threads(app)) == 1


def test_new_account_may_not_post_many_links(client, app, login, member, veteran, area_id):
    body = "詳しくは https://a.example/ と https://b.example/ と https://c.example/ をご覧ください。"
    login(member)
    refused = client.post("/board/new", data=_thread_data(area_id("hashimoto"), body=body))
    assert refused.status_code == 400
    assert "リンクは2個まで" in refused.get_data(as_text=True)
    assert _threads(app) == []
    login(veteran)
    assert client.post("/board/new", data=_thread_data(area_id("hashimoto"), body=body)).status_code == 302


def test_rate_limit_refuses_a_burst_of_posts(client, app, login, veteran, area_id):
    app.config["POST_RATE_LIMIT"] = 2
    login(veteran)
    for n in range(2):
        assert client.post("/board/new", data=_thread_data(area_id("hashimoto"), body=f"本文{n}")).status_code == 302
    refused = client.post("/board/new", data=_thread_data(area_id("hashimoto"), body="三つ目"))
    assert refused.status_code == 400
    assert "短い時間に多くの投稿がありました" in refused.get_data(as_text=True)
    assert len(_threads(app)) == 2


# --- pre-moderation of a new member's first posts ----------------------------------------------


def test_new_members_first_thread_is_pending_and_seen_only_by_author_and_staff(
        client, app, login, member, make_user, supporter, area_id):
    app.config["NEW_MEMBER_REVIEW_POSTS"] = 3
    login(member)
    response = client.post("/board/new", data=_thread_data(area_id("hashimoto")), follow_redirects=True)
    assert "サポーターの確認後に公開されます" in response.get_data(as_text=True)
    [thread] = _threads(app)
    assert thread.status == "pending"
    own = client.get(f"/board/{thread.id}").get_data(as_text=True)
    assert "確認待ち" in own and "ベビーカーをゆずります" in own
    assert "ベビーカーをゆずります" in client.get("/board").get_data(as_text=True)

    login(make_user())
    assert client.get(f"/board/{thread.id}").status_code == 404
    assert "ベビーカーをゆずります" not in client.get("/board").get_data(as_text=True)
    login(supporter)
    assert "確認待ち" in client.get(f"/board/{thread.id}").get_data(as_text=True)
    with client.session_transaction() as session:
        session.clear()
    assert client.get(f"/board/{thread.id}").status_code == 404
    assert "ベビーカーをゆずります" not in client.get("/board").get_data(as_text=True)


def test_nobody_may_reply_to_a_pending_thread(client, app, login, member, make_user, make_thread):
    from community.board.models import BoardReply

    thread = make_thread(member, status="pending")
    login(member)
    response = client.post(f"/board/{thread.id}/reply", data={"body": "追記です"})
    assert response.status_code == 400
    assert "公開されていないため、返信できません" in response.get_data(as_text=True)
    assert _count(app, BoardReply) == 0


# --- XSS -------------------------------------------------------------------------------------

XSS_TITLES = ["<script>alert('xss')</script>", "\"><img src=x onerror=alert('xss')>", "'><svg/onload=alert('xss')>"]
XSS_BODIES = XSS_TITLES + [
    "<a href=\"javascript:alert('xss')\">click</a>", "[click](javascript:alert('xss'))",
    "![img](javascript:alert('xss'))", "<iframe src=\"javascript:alert('xss')\"></iframe>",
    "<div style=\"background:url(javascript:alert('xss'))\" onmouseover=\"alert('xss')\">hover</div>",
]


@pytest.mark.parametrize("payload", XSS_BODIES)
def test_xss_in_title_and_body_is_cleaned_or_escaped(client, app, login, veteran, make_user, area_id, payload):
    from tests.board.scan import dangerous_markup

    login(veteran)
    title = payload if payload in XSS_TITLES else f"件名 {payload}"
    response = client.post("/board/new", data=_thread_data(area_id("hashimoto"), title=title, body=payload))
    assert response.status_code in (302, 400)
    threads = _threads(app)
    if not threads:  # a title that was nothing but markup is refused as empty
        assert "件名を入力してください。" in response.get_data(as_text=True)
        return
    thread_id = threads[0].id
    login(make_user(created_at=threads[0].created_at - timedelta(days=30)))
    client.post(f"/board/{thread_id}/reply", data={"body": payload})
    for url in (f"/board/{thread_id}", "/board"):
        page = client.get(url).get_data(as_text=True)
        assert dangerous_markup(page) == [], url
