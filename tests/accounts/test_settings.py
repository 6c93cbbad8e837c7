"""Changing display name and password; password reset by a mailed link."""

import logging
import re

from tests.conftest import PASSWORD


def test_change_display_name(client, login, member):
    login(member)
    response = client.post("/settings", data={"profile-display_name": "新しい 名前", "profile-bio": "よろしく",
                                              "profile-submit": "1"})
    assert response.status_code == 302
    assert "新しい 名前" in client.get(f"/users/{member.id}").get_data(as_text=True)


def test_change_password_needs_the_current_one(client, login, member):
    login(member)
    response = client.post("/settings", data={"password-current_password": "wrong-one-here",
                                              "password-password": "brand-new-secret",
                                              "password-password_confirm": "brand-new-secret",
                                              "password-submit": "1"})
    assert response.status_code == 400
    assert "現在のパスワードが正しくありません。" in response.get_data(as_text=True)


def test_change_password_then_log_in_with_it(client, app, login, member):
    login(member)
    response = client.post("/settings", data={"password-current_password": PASSWORD,
                                              "password-password": "brand-new-secret",
                                              "password-password_confirm": "brand-new-secret",
                                              "password-submit": "1"})
    assert response.status_code == 302
    assert client.get("/settings").status_code == 200  # still signed in here
    other = app.test_client()
    assert other.post("/login", data={"email": member.email, "password": PASSWORD}).status_code == 400
    assert other.post("/login", data={"email": member.email, "password": "brand-new-secret"}).status_code == 302


def test_password_change_signs_out_other_sessions(client, app, login, member):
    other = login(member, app.test_client())
    login(member)
    client.post("/settings", data={"password-current_password": PASSWORD, "password-password": "brand-new-secret",
                                   "password-password_confirm": "brand-new-secret", "password-submit": "1"})
    assert other.get("/settings").status_code == 302


def _reset_link(caplog) -> str:
    match = re.search(r"http://localhost(/password-reset/\S+)", caplog.text)
    assert match, caplog.text
    return match.group(1)


def test_password_reset_by_link_written_to_the_log(client, member, caplog):
    caplog.set_level(logging.WARNING)
    response = client.post("/password-reset", data={"email": "member@example.jp"})
    assert response.status_code == 302
    link = _reset_link(caplog)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": "reset-password-ok", "password_confirm": "reset-password-ok"})
    assert response.status_code == 302
    assert client.post("/login", data={"email": member.email, "password": "reset-password-ok"}).status_code == 302
    # the link works once only
    client.post("/logout")
    assert client.get(link).status_code == 302


def test_password_reset_does_not_reveal_whether_the_account_exists(client, member, caplog):
    caplog.set_level(logging.WARNING)
    known = client.post("/password-reset", data={"email": "member@example.jp"}, follow_redirects=True)
    unknown = client.post("/password-reset", data={"email": "nobody@example.jp"}, follow_redirects=True)
    message = "登録されているアドレスであれば"
    assert message in known.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    assert caplog.text.count("/password-reset/") == 1


def test_forged_reset_token_is_refused(client, member):
    response = client.get("/password-reset/not-a-real-token", follow_redirects=True)
    assert "このリンクは無効か、期限が切れています" in response.get_data(as_text=True)
