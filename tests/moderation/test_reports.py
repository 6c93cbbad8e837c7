"""Reports: who may report what, one report per member per item, and hiding at the threshold."""

import pytest
from sqlalchemy import func, select


def _report_count(app):
    from community.extensions import db
    from community.moderation.models import Report

    with app.app_context():
        return db.session.scalar(select(func.count(Report.id)))


def test_visitor_is_sent_to_login_to_report(client, editor, make_item):
    event = make_item("event", editor.group)
    response = client.get(f"/report/event/{event.id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert client.post(f"/report/event/{event.id}", data={"reason": "spam"}).headers["Location"].startswith("/login")


def test_member_sees_the_form_with_every_reason(client, login, member, editor, make_item):
    event = make_item("event", editor.group)
    login(member)
    page = client.get(f"/report/event/{event.id}").get_data(as_text=True)
    for label in ("スパム・宣伝", "誤った情報", "個人情報が含まれている", "嫌がらせ・誹謗中傷", "その他"):
        assert label in page
    assert event.title in page
    assert "<legend>通報の理由</legend>" in page


@pytest.mark.parametrize("kind", ["event", "shop", "notice", "community", "topic", "reply", "board",
                                  "board_reply", "profile"])
def test_member_reports_every_kind_of_item(app, client, login, member, editor, make_user, make_item, make_post,
                                           kind):
    author = make_user()
    if kind in ("event", "shop", "notice"):
        item = make_item(kind, editor.group)
    elif kind == "profile":
        item = author
    else:
        community = make_post("community", author)
        topic = make_post("topic", author, community=community)
        thread = make_post("board", author)
        item = {"community": community, "topic": topic, "reply": make_post("reply", author, topic=topic),
                "board": thread, "board_reply": make_post("board_reply", author, thread=thread)}[kind]
    login(member)
    assert client.get(f"/report/{kind}/{item.id}").status_code == 200
    response = client.post(f"/report/{kind}/{item.id}", data={"reason": "wrong", "note": "電話番号が違います"})
    assert response.status_code == 302
    from community.extensions import db
    from community.moderation.models import Report

    with app.app_context():
        report = db.session.scalar(select(Report))
        assert (report.item_kind, report.item_id, report.reporter_id, report.reason, report.note) == (
            kind, item.id, member.id, "wrong", "電話番号が違います")
        assert report.resolved_at is None


def test_second_report_by_the_same_member_is_a_friendly_message(app, client, login, member, editor, make_item):
    event = make_item("event", editor.group)
    login(member)
    first = client.post(f"/report/event/{event.id}", data={"reason": "spam"}, follow_redirects=True)
    assert "通報を受け付けました" in first.get_data(as_text=True)
    again = client.post(f"/report/event/{event.id}", data={"reason": "other"})
    assert again.status_code == 200
    assert "すでに通報いただいています" in again.get_data(as_text=True)
    assert "すでに通報いただいています" in client.get(f"/report/event/{event.id}").get_data(as_text=True)
    assert _report_count(app) == 1


def test_double_submission_race_keeps_one_report(app, member, editor, make_item):
    """Two requests that both passed the 'already reported?' check: the unique constraint decides."""
    from community.accounts.models import User
    from community.extensions import db
    from community.items import load
    from community.moderation import services

    event = make_item("event", editor.group)
    with app.test_request_context():
        user, item = db.session.get(User, member.id), load("event", event.id)
        assert services.submit_report(user, item, "spam") is True
        assert services.submit_report(user, item, "spam") is False  # no error, nothing added
        db.session.commit()
    assert _report_count(app) == 1


def test_own_item_cannot_be_reported(app, client, login, make_user, make_post, editor, make_item):
    author = make_user()
    thread = make_post("board", author)
    login(author)
    response = client.post(f"/report/board/{thread.id}", data={"reason": "spam"})
    assert response.status_code == 403
    assert "ご自身の投稿は通報できません" in response.get_data(as_text=True)
    assert client.get(f"/report/profile/{author.id}").status_code == 403
    event = make_item("event", editor.group)
    from community.events.models import Event
    from community.extensions import db

    with app.app_context():
        db.session.get(Event, event.id).author_id = editor.id
        db.session.commit()
    login(editor)
    assert client.post(f"/report/event/{event.id}", data={"reason": "spam"}).status_code == 403
    assert _report_count(app) == 0


def test_items_the_member_cannot_see_are_not_found(client, login, member, make_user, make_group, make_item,
                                                   make_post):
    owner = make_user()
    pending = make_item("event", make_group(owner=owner, verified=False))
    closed = make_post("community", owner, is_closed=True)
    secret_topic = make_post("topic", owner, community=closed)
    waiting_post = make_post("board", owner, status="pending")
    suspended = make_user(is_suspended=True)
    login(member)
    for url in (f"/report/event/{pending.id}", f"/report/topic/{secret_topic.id}", f"/report/board/{waiting_post.id}",
                f"/report/profile/{suspended.id}", "/report/event/99999", "/report/nonsense/1"):
        assert client.get(url).status_code == 404, url
        assert client.post(url, data={"reason": "spam"}).status_code == 404, url


def test_bad_reason_and_long_note_are_refused(app, client, login, member, editor, make_item):
    event = make_item("event", editor.group)
    login(member)
    missing = client.post(f"/report/event/{event.id}", data={"note": "x"})
    assert missing.status_code == 400
    assert "通報の理由を選んでください" in missing.get_data(as_text=True)
    assert client.post(f"/report/event/{event.id}", data={"reason": "lies"}).status_code == 400
    long = client.post(f"/report/event/{event.id}", data={"reason": "spam", "note": "あ" * 1001})
    assert long.status_code == 400 and "1000文字以内" in long.get_data(as_text=True)
    assert _report_count(app) == 0


def test_report_without_csrf_is_refused(app, client, login, member, editor, make_item):
    event = make_item("event", editor.group)
    login(member)
    assert client.post(f"/report/event/{event.id}", data={"reason": "spam"}, csrf=False).status_code == 400
    assert _report_count(app) == 0


def test_suspended_member_cannot_report(client, login, make_user, editor, make_item):
    event = make_item("event", editor.group)
    suspended = make_user(is_suspended=True)
    login(suspended)
    assert client.post(f"/report/event/{event.id}", data={"reason": "spam"}).headers["Location"].startswith("/login")


# --- hiding at the threshold ------------------------------------------------------------------------


def test_three_distinct_members_hide_an_item_until_review(app, client, editor, make_item, members, report_as,
                                                          fetch, audit_entries, notifications, update_item):
    event = make_item("event", editor.group)
    update_item("event", event.id, author_id=editor.id)
    first, second, third = members(3)
    report_as(first, "event", event.id)
    report_as(second, "event", event.id, "wrong")
    assert fetch("event", event.id).status == "published"
    assert audit_entries("auto_hide") == []
    response = report_as(third, "event", event.id)
    assert response.status_code == 302 and response.headers["Location"] == "/"  # the item is gone for them
    hidden = fetch("event", event.id)
    assert hidden.status == "hidden"
    assert hidden.hidden_reason == "複数の通報により確認中です"
    assert audit_entries("auto_hide") == [("auto_hide", None, "event", event.id, "複数の通報により確認中です")]
    [(kind, data, link)] = notifications(editor)
    assert kind == "moderation_hidden"
    assert data["reason"] == "複数の通報により確認中です" and data["item_title"] == event.title
    assert link == f"/moderation/review-request/event/{event.id}"


def test_threshold_is_configurable(app, editor, make_item, members, report_as, fetch):
    app.config["REPORTS_TO_HIDE"] = 2
    event = make_item("event", editor.group)
    first, second = members(2)
    report_as(first, "event", event.id)
    report_as(second, "event", event.id)
    assert fetch("event", event.id).status == "hidden"


def test_dismissed_reports_do_not_count_again(app, client, login, supporter, editor, make_item, members, report_as,
                                              fetch):
    event = make_item("event", editor.group)
    a, b, c = members(3)
    report_as(a, "event", event.id)
    report_as(b, "event", event.id)
    login(supporter)
    client.post(f"/moderation/item/event/{event.id}/dismiss", data={"expected": "published"})
    report_as(c, "event", event.id)
    assert fetch("event", event.id).status == "published"


def test_reports_hide_a_profile_and_a_board_thread(app, make_user, make_post, members, report_as, fetch):
    author = make_user()
    thread = make_post("board", author)
    for reporter in members(3):
        report_as(reporter, "profile", author.id, "harassment")
        report_as(reporter, "board", thread.id, "harassment")
    assert fetch("profile", author.id).profile_hidden is True
    assert fetch("board", thread.id).status == "hidden"
