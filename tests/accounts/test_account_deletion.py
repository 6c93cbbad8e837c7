"""/settings/delete: the password again, the last owner refused, every session ended, personal data gone, public
posts kept under 「退会した会員」 (or removed on request), the address free to register again."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import PASSWORD

GONE = "退会した会員"


def _delete(browser, password: str = PASSWORD, remove_posts: bool = False):
    data = {"password": password}
    if remove_posts:
        data["remove_posts"] = "y"
    return browser.post("/settings/delete", data=data)


def _count(app, model, **where) -> int:
    from community.extensions import db

    with app.app_context():
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return db.session.scalar(query)


def _text(browser, path: str) -> str:
    response = browser.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_the_page_explains_what_happens(site, sign_in):
    page = _text(sign_in(site.leaver), "/settings/delete")
    assert "書き込みも削除する" in page and 'name="password"' in page and "csrf_token" in page


def test_a_wrong_password_changes_nothing(app, site, sign_in):
    from community.accounts.models import User
    from community.board.models import BoardThread

    browser = sign_in(site.leaver)
    response = _delete(browser, password="not-the-password", remove_posts=True)
    assert response.status_code == 400
    assert "パスワードが正しくありません。" in response.get_data(as_text=True)
    assert _count(app, User, id=site.leaver.id) == 1
    assert _count(app, BoardThread, author_id=site.leaver.id) == 1
    assert browser.get("/settings").status_code == 200  # still signed in


def test_the_form_needs_its_csrf_token(app, site, sign_in):
    from community.accounts.models import User

    response = sign_in(site.leaver).post("/settings/delete", data={"password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert _count(app, User, id=site.leaver.id) == 1


def test_deleting_signs_out_and_says_so(app, site, sign_in, audit_entries):
    from community.accounts.models import User, UserSession

    browser = sign_in(site.leaver)
    response = _delete(browser)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "退会の手続きが終わりました" in _text(browser, "/")
    assert browser.get("/settings").status_code == 302  # signed out
    assert _count(app, User, id=site.leaver.id) == 0
    assert _count(app, UserSession, user_id=site.leaver.id) == 0
    [entry] = audit_entries("delete_account")
    assert entry[1:4] == (None, "profile", site.leaver.id)


def test_the_audit_log_keeps_the_number_only(app, site, sign_in, make_user, login, client):
    from community.communities.models import Community
    from community.extensions import db
    from community.moderation import audit
    from community.moderation.models import AuditEntry

    with app.app_context():  # something the member did as a community's moderator
        audit.record(site.leaver, "approve_member", db.session.get(Community, site.community.id))
        db.session.commit()
    _delete(sign_in(site.leaver))
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(e.action, e.actor_id, e.details["former_member_id"]) for e in entries] == [
            ("approve_member", None, site.leaver.id), ("delete_account", None, site.leaver.id)]
        assert "leaver@example.jp" not in str(entries[1].details)
    login(make_user("admin"))
    for path in ("/moderation/audit", "/moderation/audit.csv"):
        page = _text(client, path)
        assert f"退会した会員（{site.leaver.id}）" in page, path
        assert "leaver@example.jp" not in page and "退会予定の山田" not in page, path
    assert "退会（アカウント削除）" in _text(client, "/moderation/audit")


def test_sessions_in_other_browsers_end_too(site, sign_in):
    elsewhere = sign_in(site.leaver)
    assert elsewhere.get("/settings").status_code == 200
    _delete(sign_in(site.leaver))
    response = elsewhere.get("/settings")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_personal_rows_go_and_the_next_in_line_gets_the_seat(app, site, sign_in, notifications):
    from community.communities.models import Community, CommunityMembership, Rsvp
    from community.extensions import db
    from community.groups.models import GroupMembership
    from community.me.models import Bookmark, Follow
    from community.moderation.models import Report
    from community.notifications.models import Notification

    _delete(sign_in(site.leaver))
    user_id = site.leaver.id
    for model in (CommunityMembership, GroupMembership, Rsvp, Bookmark, Follow, Notification):
        assert _count(app, model, user_id=user_id) == 0, model
    assert _count(app, Bookmark) == 1 and _count(app, Follow) == 1  # the other member's stay
    with app.app_context():
        # The report stays, without its reporter.
        assert db.session.scalar(select(Report.reporter_id).where(Report.note == "退会者の通報メモ")) is None
        assert db.session.get(Community, site.community.id).member_count == 2
        rsvp = db.session.scalar(select(Rsvp).where(Rsvp.user_id == site.waiting.id))
        assert rsvp.waitlisted is False
    assert [kind for kind, _, _ in notifications(site.waiting)] == ["waitlist_promoted"]


def test_posts_stay_under_a_former_member_without_a_name_or_link(app, site, sign_in, client):
    ids = site.ids
    _delete(sign_in(site.leaver))
    pages = {
        "board thread": f"/board/{ids['board']}",
        "thread replied to": f"/board/{ids['other_board']}",
        "board": "/board",
        "topic": f"/communities/{site.community.slug}/topics/{ids['topic']}",
        "topic replied to": f"/communities/{site.community.slug}/topics/{ids['other_topic']}",
        "community board": f"/communities/{site.community.slug}/topics",
        "community": f"/communities/{site.community.slug}",
        "meetup": f"/communities/{site.community.slug}/meetups/{ids['meetup']}",
        "event": f"/events/{ids['event']}",
        "search": "/search?q=退会者",
    }
    for name, path in pages.items():
        page = _text(client, path)
        assert "退会予定の山田" not in page, name
        assert f"/users/{site.leaver.id}\"" not in page, name
    assert GONE in _text(client, pages["board thread"]) and "退会者の伝言の本文" in _text(client, pages["board thread"])
    assert "退会者の伝言への返信" in _text(client, pages["thread replied to"])
    assert GONE in _text(client, pages["board"])
    topic = _text(client, pages["topic"])
    assert GONE in topic and "退会者のトピックの本文" in topic
    assert "退会者のトピックへの返信" in _text(client, pages["topic replied to"])
    assert GONE in _text(client, pages["community board"])
    assert "退会者のトピック" in _text(client, pages["search"])
    for path in ("/events.atom", "/api/v1/events", "/notices.atom", "/api/v1/shops"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "退会予定の山田" not in response.get_data(as_text=True), path
    assert "自治会の夏まつり" in client.get("/events.atom").get_data(as_text=True)  # the group's event stays


def test_posts_are_removed_when_asked(app, site, sign_in, client):
    from community.board.models import BoardReply, BoardThread
    from community.communities.models import Reply, Topic
    from community.extensions import db

    ids = site.ids
    _delete(sign_in(site.leaver), remove_posts=True)
    assert client.get(f"/board/{ids['board']}").status_code == 404
    assert client.get(f"/communities/{site.community.slug}/topics/{ids['topic']}").status_code == 404
    thread = _text(client, f"/board/{ids['other_board']}")
    assert "退会者の伝言への返信" not in thread and "この返信は削除されました" in thread
    topic = _text(client, f"/communities/{site.community.slug}/topics/{ids['other_topic']}")
    assert "退会者のトピックへの返信" not in topic and "この返信は削除されました。" in topic
    assert "退会者" not in _text(client, "/board") + _text(client, f"/communities/{site.community.slug}/topics")
    found = _text(client, "/search?q=退会者")
    assert "退会者の伝言" not in found and "退会者のトピック" not in found
    with app.app_context():
        for model, key in ((BoardThread, "board"), (BoardReply, "board_reply"), (Topic, "topic"), (Reply, "reply")):
            row = db.session.get(model, ids[key])
            assert row.deleted_at is not None and row.body == "" and row.author_id is None, model
        assert db.session.get(BoardThread, ids["other_board"]).reply_count == 0


def test_the_last_owner_of_a_group_is_refused(app, site, sign_in, make_group):
    from community.accounts.models import User

    make_group(owner=site.leaver, name="ひとりの会")
    browser = sign_in(site.leaver)
    page = _text(browser, "/settings/delete")
    assert "団体「ひとりの会」の代表者" in page
    response = _delete(browser)
    assert response.status_code == 400
    assert "団体「ひとりの会」の代表者" in response.get_data(as_text=True)
    assert _count(app, User, id=site.leaver.id) == 1


def test_the_last_admin_of_a_community_is_refused(app, site, sign_in, make_community):
    from community.accounts.models import User

    make_community(admin=site.leaver, members=[site.other], name="退会者の会")
    response = _delete(sign_in(site.leaver))
    assert response.status_code == 400
    assert "コミュニティ「退会者の会」の管理者" in response.get_data(as_text=True)
    assert _count(app, User, id=site.leaver.id) == 1


def test_an_owner_with_a_co_owner_may_leave(app, site, sign_in, make_group, make_community):
    from community.accounts.models import User

    make_group(owner=site.leaver, name="ふたりの会", editors=[site.other])
    with app.app_context():
        from community.extensions import db
        from community.groups.models import GroupMembership

        db.session.execute(GroupMembership.__table__.update().where(GroupMembership.user_id == site.other.id)
                           .values(role="owner"))
        db.session.commit()
    assert _delete(sign_in(site.leaver)).status_code == 302
    assert _count(app, User, id=site.leaver.id) == 0


def test_the_address_may_register_again(app, site, sign_in):
    _delete(sign_in(site.leaver))
    browser = app.test_client()
    response = browser.post("/register", data={"email": "leaver@example.jp", "display_name": "戻ってきた山田",
                                               "password": "a-new-password-1", "password_confirm": "a-new-password-1",
                                               "agree": "y"})
    assert response.status_code == 302
    assert browser.get("/settings").status_code == 200
    assert "退会者" not in browser.get("/settings/data.json").get_data(as_text=True)  # a new account, empty


def test_pages_that_named_the_member_still_answer(app, site, sign_in, make_user, login, client):
    _delete(sign_in(site.leaver))
    assert client.get(f"/users/{site.leaver.id}").status_code == 404
    login(make_user("admin"))
    for path in ("/moderation", "/moderation/dashboard", "/moderation/audit", "/moderation/audit.csv",
                 f"/moderation/item/board/{site.ids['other_board']}", f"/moderation/item/topic/{site.ids['topic']}",
                 f"/communities/{site.community.slug}/members", f"/groups/{site.group.slug}/members",
                 f"/communities/{site.community.slug}/meetups/{site.ids['meetup']}"):
        assert client.get(path).status_code == 200, path
    assert client.get(f"/moderation/users/{site.leaver.id}").status_code == 404
    assert "（退会した会員）" in _text(client, f"/moderation/item/board/{site.ids['other_board']}")  # its reporter
