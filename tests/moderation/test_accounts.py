"""Suspending and reinstating accounts: admins only; a suspended account cannot sign in or post."""

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def troublemaker(make_user, make_post):
    user = make_user(email="trouble@example.jp", bio="宣伝です")
    user.thread = make_post("board", user, title="怪しい儲け話")
    user.other = make_post("board", user, title="もうひとつの儲け話", status="pending")
    return user


def test_supporter_cannot_suspend(client, login, supporter, troublemaker, fetch):
    login(supporter)
    assert client.get(f"/moderation/users/{troublemaker.id}").status_code == 200
    assert "利用停止にする</button>" not in client.get(f"/moderation/users/{troublemaker.id}").get_data(as_text=True)
    response = client.post(f"/moderation/users/{troublemaker.id}/suspend", data={"reason": "スパム"})
    assert response.status_code == 403
    assert client.post(f"/moderation/users/{troublemaker.id}/reinstate", data={}).status_code == 403
    assert client.get("/admin/users").status_code == 403
    assert fetch("profile", troublemaker.id).is_suspended is False


def test_admin_suspends_and_the_account_can_no_longer_sign_in(app, client, login, admin, troublemaker, fetch,
                                                              audit_entries):
    other = app.test_client()
    login(troublemaker, other)  # signed in before the suspension
    login(admin)
    page = client.get(f"/moderation/users/{troublemaker.id}").get_data(as_text=True)
    assert "trouble@example.jp" in page and "利用停止にする</button>" in page
    response = client.post(f"/moderation/users/{troublemaker.id}/suspend", data={"reason": "スパムの投稿を繰り返した"},
                           follow_redirects=True)
    assert "アカウントを利用停止にしました" in response.get_data(as_text=True)
    assert fetch("profile", troublemaker.id).is_suspended is True
    assert fetch("board", troublemaker.thread.id).status == "published"  # content left alone unless asked
    assert audit_entries("suspend") == [("suspend", admin.id, "profile", troublemaker.id, "スパムの投稿を繰り返した")]
    # the open session ends (and stays ended after reinstating), posting is refused, logging in is refused
    assert other.get("/board/new").headers["Location"].startswith("/login")
    client.post(f"/moderation/users/{troublemaker.id}/reinstate", data={})
    assert fetch("profile", troublemaker.id).is_suspended is False
    assert other.get("/board/new").headers["Location"].startswith("/login")
    client.post(f"/moderation/users/{troublemaker.id}/suspend", data={"reason": "再度"})
    client.post("/logout")
    refused = client.post("/login", data={"email": "trouble@example.jp", "password": PASSWORD})
    assert refused.status_code == 400


def test_suspend_with_hiding_all_content_and_reinstate_with_restoring(client, login, admin, troublemaker, make_user,
                                                                     make_post, fetch, audit_entries):
    unrelated = make_post("board", make_user(), title="関係ない投稿")
    login(admin)
    client.post(f"/moderation/users/{troublemaker.id}/suspend",
                data={"reason": "スパム", "hide_content": "y"})
    for thread in (troublemaker.thread, troublemaker.other):
        hidden = fetch("board", thread.id)
        assert hidden.status == "hidden" and hidden.hidden_reason == "アカウントの利用停止に伴い非表示になりました"
    assert fetch("profile", troublemaker.id).profile_hidden is True
    assert fetch("board", unrelated.id).status == "published"
    assert [a[0] for a in audit_entries()] == ["hide", "hide", "hide", "suspend"]
    twice = client.post(f"/moderation/users/{troublemaker.id}/suspend", data={"reason": "スパム"},
                        follow_redirects=True)
    assert "すでに利用停止中です" in twice.get_data(as_text=True)
    client.post(f"/moderation/users/{troublemaker.id}/reinstate", data={"restore_content": "y"})
    assert fetch("profile", troublemaker.id).is_suspended is False
    assert fetch("profile", troublemaker.id).profile_hidden is False
    assert fetch("board", troublemaker.thread.id).status == "published"
    assert fetch("board", troublemaker.other.id).status == "published"
    assert [a[0] for a in audit_entries()][-1] == "reinstate"


def test_reinstating_leaves_separately_hidden_content_hidden(client, login, admin, supporter, troublemaker, fetch):
    login(supporter)
    client.post(f"/moderation/item/board/{troublemaker.thread.id}/hide",
                data={"expected": "published", "reason": "誤った情報"})
    login(admin)
    client.post(f"/moderation/users/{troublemaker.id}/suspend", data={"reason": "スパム", "hide_content": "y"})
    client.post(f"/moderation/users/{troublemaker.id}/reinstate", data={"restore_content": "y"})
    kept = fetch("board", troublemaker.thread.id)
    assert kept.status == "hidden" and kept.hidden_reason == "誤った情報"


def test_suspension_needs_a_reason_and_spares_admins_and_oneself(client, login, admin, make_user, troublemaker,
                                                                 fetch):
    login(admin)
    missing = client.post(f"/moderation/users/{troublemaker.id}/suspend", data={"reason": ""})
    assert missing.status_code == 400 and "理由を入力してください" in missing.get_data(as_text=True)
    assert fetch("profile", troublemaker.id).is_suspended is False
    other_admin = make_user("admin")
    assert client.post(f"/moderation/users/{other_admin.id}/suspend", data={"reason": "x"}).status_code == 403
    assert client.post(f"/moderation/users/{admin.id}/suspend", data={"reason": "x"}).status_code == 403
    assert client.post("/moderation/users/999999/suspend", data={"reason": "x"}).status_code == 404


def test_admin_finds_accounts_and_suspended_ones(client, login, admin, troublemaker, make_user):
    make_user(email="sleeper@example.jp", is_suspended=True)
    login(admin)
    assert "trouble@example.jp" in client.get("/admin/users?q=TROUBLE").get_data(as_text=True)
    suspended = client.get("/admin/users?suspended=1").get_data(as_text=True)
    assert "sleeper@example.jp" in suspended and "trouble@example.jp" not in suspended
