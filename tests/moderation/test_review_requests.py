"""An author asks once for another look at a hidden item; it shows up in the queue."""


def _hide(client, login, supporter, kind, item_id, reason="表現を確認しています"):
    login(supporter)
    client.post(f"/moderation/item/{kind}/{item_id}/hide", data={"expected": "published", "reason": reason})


def test_author_asks_once_and_supporters_see_it(client, login, supporter, make_user, make_post, fetch,
                                                audit_entries):
    author = make_user()
    thread = make_post("board", author, title="自転車ゆずります")
    _hide(client, login, supporter, "board", thread.id)
    login(author)
    page = client.get(f"/moderation/review-request/board/{thread.id}").get_data(as_text=True)
    assert "表現を確認しています" in page and "再確認を依頼する" in page
    response = client.post(f"/moderation/review-request/board/{thread.id}", data={"note": "個人情報は消しました"},
                           follow_redirects=True)
    assert "再確認を依頼しました" in response.get_data(as_text=True)
    again = client.post(f"/moderation/review-request/board/{thread.id}", data={"note": "もう一度"})
    assert again.status_code == 200
    assert "再確認を依頼済みです" in again.get_data(as_text=True)
    assert [a[0] for a in audit_entries()] == ["hide", "review_request"]

    login(supporter)
    queue = client.get("/moderation").get_data(as_text=True)
    assert "自転車ゆずります" in queue and "個人情報は消しました" in queue and "非表示のままにする" in queue
    client.post(f"/moderation/item/board/{thread.id}/restore", data={"expected": "hidden"})
    assert fetch("board", thread.id).status == "published"
    assert "自転車ゆずります" not in client.get("/moderation").get_data(as_text=True)
    login(author)
    assert "サポーターが確認しました" in client.get(f"/moderation/review-request/board/{thread.id}").get_data(
        as_text=True)


def test_others_cannot_ask_or_even_learn_of_it(client, login, supporter, member, make_user, make_post):
    thread = make_post("board", make_user())
    _hide(client, login, supporter, "board", thread.id)
    login(member)
    assert client.get(f"/moderation/review-request/board/{thread.id}").status_code == 404
    assert client.post(f"/moderation/review-request/board/{thread.id}", data={}).status_code == 404
    client.post("/logout")
    assert client.get(f"/moderation/review-request/board/{thread.id}").headers["Location"].startswith("/login")


def test_nothing_to_ask_about_a_visible_item(app, client, login, make_user, make_post):
    from sqlalchemy import func, select

    from community.extensions import db
    from community.moderation.models import ReviewRequest

    author = make_user()
    thread = make_post("board", author)
    login(author)
    page = client.get(f"/moderation/review-request/board/{thread.id}").get_data(as_text=True)
    assert "非表示になっていません" in page and "再確認を依頼する</button>" not in page
    client.post(f"/moderation/review-request/board/{thread.id}", data={"note": "x"})
    with app.app_context():
        assert db.session.scalar(select(func.count(ReviewRequest.id))) == 0


def test_group_editors_may_ask_about_their_groups_item(client, login, supporter, editor, make_item):
    event = make_item("event", editor.group)
    _hide(client, login, supporter, "event", event.id)
    login(editor)
    response = client.post(f"/moderation/review-request/event/{event.id}", data={"note": "日付を直しました"},
                           follow_redirects=True)
    assert "再確認を依頼しました" in response.get_data(as_text=True)
