"""Registering, logging in and out, rate limits, safe redirects and CSRF."""

import pytest

from tests.conftest import PASSWORD


def _register(client, email="new@example.jp", password="a-good-password", **extra):  # noqa: S107
    data = {"email": email, "display_name": "相模 太郎", "password": password, "password_confirm": password,
            "agree": "y"}
    data.update(extra)
    return client.post("/register", data=data)


def test_register_signs_the_new_member_in(client, app):
    response = _register(client)
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "ログアウト" in page
    with app.app_context():
        from community.accounts.services import find_user_by_email

        user = find_user_by_email("NEW@example.jp")
        assert user.role == "member"
        assert user.password_hash.startswith("scrypt:")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "not-an-address"}, "メールアドレスの形式が正しくありません。"),
        ({"password": "short", "password_confirm": "short"}, "パスワードは10文字以上にしてください。"),
        ({"password_confirm": "something-else"}, "パスワードが一致しません。"),
        ({"display_name": ""}, "表示名を入力してください。"),
    ],
)
def test_register_refuses_bad_input_with_a_message_and_keeps_the_input(client, app, fields, message):
    response = _register(client, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    if "display_name" not in fields:
        assert 'value="相模 太郎"' in page
    with app.app_context():
        from sqlalchemy import func, select

        from community.accounts.models import User
        from community.extensions import db

        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_registering_a_taken_address_answers_as_for_a_new_one_and_mails_the_owner(client, app, member, caplog):
    """The page must not tell anyone which addresses have accounts: the same redirect and message as a new
    registration; no second account, the owner's password unchanged, and the owner hears of it by mail."""
    import logging

    from sqlalchemy import func, select

    from community.accounts.models import User
    from community.extensions import db

    caplog.set_level(logging.WARNING)
    taken = _register(client, email="Member@example.jp")
    fresh = _register(app.test_client(), email="someone-new@example.jp")
    assert taken.status_code == fresh.status_code == 302
    assert taken.headers["Location"] == fresh.headers["Location"]
    with client.session_transaction() as session:
        flashes = session.get("_flashes")
    assert flashes == [("success", "登録しました。ようこそ、相模 太郎 さん。")]
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(func.lower(User.email) == "member@example.jp")) == 1
        assert db.session.get(User, member.id).check_password(PASSWORD)
    assert "configured) to member@example.jp: 【さがみはら地域ポータル】登録のお申し込みについて" in caplog.text
    assert "登録のお申し込みについて" in caplog.text and "すでに登録済み" in caplog.text
    assert "ログアウト" not in client.get("/").get_data(as_text=True)  # not signed in as the owner


def test_login_and_logout(client, member):
    response = client.post("/login", data={"email": "member@example.jp", "password": PASSWORD})
    assert response.status_code == 302
    assert "ログアウト" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert "ログイン" in client.get("/").get_data(as_text=True)
    assert client.get("/settings").status_code == 302


def test_wrong_password_and_unknown_address_get_the_same_answer(client, member):
    wrong = client.post("/login", data={"email": "member@example.jp", "password": "wrong-password"})
    unknown = client.post("/login", data={"email": "nobody@example.jp", "password": "wrong-password"})
    assert wrong.status_code == unknown.status_code == 400
    message = "メールアドレスまたはパスワードが正しくありません。"
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    assert "ログアウト" not in client.get("/").get_data(as_text=True)


def test_suspended_member_cannot_log_in(client, make_user):
    make_user(email="gone@example.jp", is_suspended=True)
    response = client.post("/login", data={"email": "gone@example.jp", "password": PASSWORD})
    assert response.status_code == 400


def test_sixth_rapid_login_attempt_is_limited(client, member):
    for _ in range(5):
        assert client.post("/login", data={"email": "member@example.jp", "password": "nope-nope"}).status_code == 400
    limited = client.post("/login", data={"email": "member@example.jp", "password": PASSWORD})
    assert limited.status_code == 429
    assert "しばらくお待ちください" in limited.get_data(as_text=True)


def test_next_goes_to_a_page_on_this_site(client, member):
    response = client.post("/login?next=/groups", data={"email": "member@example.jp", "password": PASSWORD})
    assert response.headers["Location"] == "/groups"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "evil.example"]
)
def test_external_next_is_ignored(client, member, target):
    response = client.post("/login", query_string={"next": target},
                           data={"email": "member@example.jp", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_page_that_needs_an_account_sends_a_visitor_to_login_with_next(client):
    response = client.get("/settings")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fsettings"


@pytest.mark.parametrize("url", ["/login", "/register", "/logout", "/password-reset",
                                 "/preferences/language", "/preferences/text-size"])
def test_post_without_csrf_token_is_rejected(client, url):
    response = client.post(url, data={"email": "member@example.jp", "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert "送信を受け付けられませんでした" in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite(client, member):
    response = client.post("/login", data={"email": "member@example.jp", "password": PASSWORD})
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
