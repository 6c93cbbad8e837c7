"""Supporter actions: approve, hide (with a reason), restore, uphold, dismiss, lock; each idempotent and
safe when two supporters act at once; nothing is ever deleted; authors are told."""

import pytest


@pytest.fixture
def pending_thread(make_user, make_post):
    author = make_user()
    thread = make_post("board", author, status="pending", title="はじめての伝言")
    thread.author = author
    return thread


def _act(client, kind, item_id, action, **data):
    return client.post(f"/moderation/item/{kind}/{item_id}/{action}", data=data)


def test_approve_publishes_notifies_and_records(client, login, supporter, pending_thread, fetch, audit_entries,
                                                notifications):
    login(supporter)
    response = _act(client, "board", pending_thread.id, "approve", expected="pending", next="/moderation?kind=board")
    assert response.status_code == 302 and response.headers["Location"] == "/moderation?kind=board"
    assert fetch("board", pending_thread.id).status == "published"
    assert audit_entries() == [("approve", supporter.id, "board", pending_thread.id, "")]
    [(kind, data, link)] = notifications(pending_thread.author)
    assert kind == "moderation_approved" and data["item_title"] == "はじめての伝言"


def test_approving_a_group_item_sets_its_publication_date(client, login, supporter, make_user, make_group,
                                                          make_item, fetch):
    event = make_item("event", make_group(owner=make_user(), verified=False))
    assert fetch("event", event.id).status == "pending"
    login(supporter)
    _act(client, "event", event.id, "approve", expected="pending")
    approved = fetch("event", event.id)
    assert approved.status == "published" and approved.published_at is not None
    client.post("/logout")
    assert client.get(f"/events/{event.id}").status_code == 200


def test_hide_needs_a_reason_and_changes_nothing_without_one(client, login, supporter, pending_thread, fetch,
                                                             audit_entries):
    login(supporter)
    response = _act(client, "board", pending_thread.id, "hide", expected="pending", reason="   ")
    assert response.status_code == 400
    assert "理由を入力してください" in response.get_data(as_text=True)
    assert fetch("board", pending_thread.id).status == "pending"
    assert audit_entries() == []


def test_hide_tells_the_author_why_and_restore_brings_it_back(client, login, supporter, make_user, make_post,
                                                              fetch, audit_entries, notifications):
    author = make_user()
    thread = make_post("board", author, title="売ります")
    login(supporter)
    _act(client, "board", thread.id, "hide", expected="published", reason="商用の宣伝は禁止です")
    hidden = fetch("board", thread.id)
    assert (hidden.status, hidden.hidden_reason) == ("hidden", "商用の宣伝は禁止です")
    _act(client, "board", thread.id, "restore", expected="hidden")
    restored = fetch("board", thread.id)
    assert (restored.status, restored.hidden_reason) == ("published", "")
    assert [a[0] for a in audit_entries()] == ["hide", "restore"]
    assert audit_entries("hide")[0][4] == "商用の宣伝は禁止です"
    sent = notifications(author)
    assert [n[0] for n in sent] == ["moderation_hidden", "moderation_restored"]
    assert sent[0][1]["reason"] == "商用の宣伝は禁止です"
    assert sent[0][2] == f"/moderation/review-request/board/{thread.id}"


def test_same_post_twice_gives_one_result_and_one_log_entry(client, login, supporter, pending_thread, fetch,
                                                            audit_entries, notifications):
    login(supporter)
    first = _act(client, "board", pending_thread.id, "approve", expected="pending")
    second = client.post(f"/moderation/item/board/{pending_thread.id}/approve", data={"expected": "pending"},
                         follow_redirects=True)
    assert first.status_code == 302 and second.status_code == 200
    assert "すでに他のサポーターが対応しました" in second.get_data(as_text=True)
    assert len(audit_entries("approve")) == 1
    assert len(notifications(pending_thread.author)) == 1
    assert fetch("board", pending_thread.id).status == "published"


def test_two_supporters_with_stale_forms(client, app, login, supporter, make_user, pending_thread, fetch,
                                         audit_entries):
    """Both opened the queue while the post was pending; one approves, the other then hides."""
    other = make_user("supporter")
    second_client = app.test_client()
    login(supporter)
    login(other, second_client)
    assert _act(client, "board", pending_thread.id, "approve", expected="pending").status_code == 302
    late = second_client.post(f"/moderation/item/board/{pending_thread.id}/hide",
                              data={"expected": "pending", "reason": "宣伝です"}, follow_redirects=True)
    assert late.status_code == 200
    assert "すでに他のサポーターが対応しました" in late.get_data(as_text=True)
    assert fetch("board", pending_thread.id).status == "published"
    assert [a[0] for a in audit_entries()] == ["approve"]
    # a stale restore and a stale dismiss are refused the same way
    assert "すでに他のサポーターが対応しました" in second_client.post(
        f"/moderation/item/board/{pending_thread.id}/restore", data={"expected": "hidden"},
        follow_redirects=True).get_data(as_text=True)
    assert "すでに他のサポーターが対応しました" in second_client.post(
        f"/moderation/item/board/{pending_thread.id}/dismiss", data={"expected": "published"},
        follow_redirects=True).get_data(as_text=True)
    assert len(audit_entries()) == 1


def test_acting_on_one_item_leaves_others_alone(client, login, supporter, make_user, make_post, fetch):
    author = make_user()
    one, two = make_post("board", author, status="pending"), make_post("board", author, status="pending")
    login(supporter)
    _act(client, "board", one.id, "approve", expected="pending")
    assert fetch("board", two.id).status == "pending"


def test_uphold_keeps_an_auto_hidden_item_hidden_once(client, login, supporter, make_user, make_post, members,
                                                      report_as, fetch, audit_entries, notifications):
    author = make_user()
    thread = make_post("board", author)
    for reporter in members(3):
        report_as(reporter, "board", thread.id, "harassment")
    assert fetch("board", thread.id).status == "hidden"
    login(supporter)
    assert _act(client, "board", thread.id, "uphold", expected="hidden", reason="").status_code == 400
    _act(client, "board", thread.id, "uphold", expected="hidden", reason="他の会員への攻撃的な表現があります")
    again = client.post(f"/moderation/item/board/{thread.id}/uphold",
                        data={"expected": "hidden", "reason": "同じ理由"}, follow_redirects=True)
    assert "すでに他のサポーターが対応しました" in again.get_data(as_text=True)
    kept = fetch("board", thread.id)
    assert (kept.status, kept.hidden_reason) == ("hidden", "他の会員への攻撃的な表現があります")
    assert [a[0] for a in audit_entries()] == ["auto_hide", "uphold"]
    assert [n[1]["reason"] for n in notifications(author)] == ["複数の通報により確認中です",
                                                                "他の会員への攻撃的な表現があります"]
    assert f'id="entry-board-{thread.id}"' not in client.get("/moderation").get_data(as_text=True)


def test_restoring_an_auto_hidden_item_closes_its_reports(app, client, login, supporter, make_user, make_post,
                                                          members, report_as, fetch):
    from sqlalchemy import select

    from community.extensions import db
    from community.moderation.models import Report

    thread = make_post("board", make_user())
    for reporter in members(3):
        report_as(reporter, "board", thread.id)
    login(supporter)
    _act(client, "board", thread.id, "restore", expected="hidden")
    assert fetch("board", thread.id).status == "published"
    with app.app_context():
        assert {r.resolution for r in db.session.scalars(select(Report))} == {"dismissed"}


def test_lock_and_unlock_threads_and_topics(client, login, supporter, make_user, make_post, fetch, audit_entries):
    author = make_user()
    thread = make_post("board", author)
    topic = make_post("topic", author, community=make_post("community", author))
    login(supporter)
    for kind, item in (("board", thread), ("topic", topic)):
        _act(client, kind, item.id, "lock", expected="published")
        assert fetch(kind, item.id).is_locked is True
        twice = client.post(f"/moderation/item/{kind}/{item.id}/lock", data={"expected": "published"},
                            follow_redirects=True)
        assert "すでに他のサポーターが対応しました" in twice.get_data(as_text=True)
        _act(client, kind, item.id, "unlock", expected="published")
        assert fetch(kind, item.id).is_locked is False
    assert [a[0] for a in audit_entries()] == ["lock", "unlock", "lock", "unlock"]


def test_only_threads_can_be_locked_and_unknown_actions_are_not_found(client, login, supporter, editor, make_item):
    event = make_item("event", editor.group)
    login(supporter)
    assert _act(client, "event", event.id, "lock", expected="published").status_code == 404
    assert _act(client, "event", event.id, "delete", expected="published").status_code == 404
    assert _act(client, "event", 999999, "approve", expected="pending").status_code == 404
    assert _act(client, "spaceship", 1, "approve", expected="pending").status_code == 404


def test_actions_need_csrf(client, login, supporter, pending_thread, fetch):
    login(supporter)
    response = client.post(f"/moderation/item/board/{pending_thread.id}/approve", data={"expected": "pending"},
                           csrf=False)
    assert response.status_code == 400
    assert fetch("board", pending_thread.id).status == "pending"


def test_next_never_leaves_the_site(client, login, supporter, pending_thread):
    login(supporter)
    response = _act(client, "board", pending_thread.id, "approve", expected="pending", next="https://evil.example/")
    assert response.headers["Location"] == "/moderation"


def test_hiding_a_profile_and_restoring_it(client, login, supporter, make_user, fetch, audit_entries,
                                           notifications):
    target = make_user(bio="連絡先はこちら 090-0000-0000")
    login(supporter)
    page = client.get(f"/moderation/item/profile/{target.id}").get_data(as_text=True)
    assert "090-0000-0000" in page
    _act(client, "profile", target.id, "hide", expected="published", reason="電話番号が載っています")
    assert fetch("profile", target.id).profile_hidden is True
    _act(client, "profile", target.id, "restore", expected="hidden")
    assert fetch("profile", target.id).profile_hidden is False
    assert [a[0] for a in audit_entries()] == ["hide", "restore"]
    assert [n[0] for n in notifications(target)] == ["moderation_hidden", "moderation_restored"]


def test_reports_about_an_item_that_no_longer_exists_can_be_closed(app, client, login, supporter, members,
                                                                   make_user, make_post, report_as, audit_entries):
    from community.extensions import db
    from community.items import load

    thread = make_post("board", make_user())
    reporter, = members(1)
    report_as(reporter, "board", thread.id)
    with app.app_context():
        db.session.delete(load("board", thread.id))
        db.session.commit()
    login(supporter)
    assert "この情報は見つかりません" in client.get("/moderation").get_data(as_text=True)
    assert _act(client, "board", thread.id, "approve", expected="").status_code == 404
    _act(client, "board", thread.id, "dismiss", expected="")
    assert "この情報は見つかりません" not in client.get("/moderation").get_data(as_text=True)
    assert audit_entries("dismiss_reports") == [("dismiss_reports", supporter.id, "board", thread.id, "")]


def test_topic_reply_count_follows_approve_hide_and_restore(client, login, supporter, make_user, make_post, fetch,
                                                           notifications):
    author = make_user()
    community = make_post("community", author)
    topic = make_post("topic", author, community=community)
    newcomer = make_user()
    reply = make_post("reply", newcomer, topic=topic, status="pending")
    login(supporter)
    _act(client, "reply", reply.id, "approve", expected="pending")
    assert fetch("topic", topic.id).reply_count == 1
    [(kind, data, link)] = notifications(author)
    assert kind == "topic_reply" and data["user_name"] == newcomer.display_name
    assert client.get(link).headers["Location"].endswith(f"#reply-{reply.id}")  # the reply's permanent address
    _act(client, "reply", reply.id, "hide", expected="published", reason="重複")
    assert fetch("topic", topic.id).reply_count == 0
    _act(client, "reply", reply.id, "restore", expected="hidden")
    assert fetch("topic", topic.id).reply_count == 1
    assert len(notifications(author)) == 1  # restoring is not a new reply


def test_approving_a_pending_board_reply_counts_it(client, login, supporter, make_user, make_post, fetch):
    author = make_user()
    thread = make_post("board", author)
    reply = make_post("board_reply", make_user(), thread=thread, status="pending")
    login(supporter)
    _act(client, "board_reply", reply.id, "approve", expected="pending")
    assert fetch("board", thread.id).reply_count == 1
    _act(client, "board_reply", reply.id, "hide", expected="published", reason="重複")
    assert fetch("board", thread.id).reply_count == 0
