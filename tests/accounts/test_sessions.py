"""Sessions end on the server: a copied session or remember-me cookie is worth nothing once its session ended."""

from sqlalchemy import func, select

from tests.conftest import PASSWORD


def _sign_in(app, email, remember=False):
    browser = app.test_client()
    data = {"email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert browser.post("/login", data=data).status_code == 302
    return browser


def _copy(app, browser, *names):
    """Another browser holding the same cookies (what someone who copied them would have)."""
    thief = app.test_client()
    for name in names:
        cookie = browser.get_cookie(name)
        assert cookie is not None, name
        thief.set_cookie(name, cookie.value)
    return thief


def _open_sessions(app, user) -> int:
    from community.accounts.models import UserSession
    from community.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).where(UserSession.user_id == user.id))


def test_logging_out_ends_the_session_a_copied_cookie_carried(app, member):
    browser = _sign_in(app, member.email)
    copy = _copy(app, browser, "session")
    assert copy.get("/me").status_code == 200
    assert browser.post("/logout").status_code == 302
    assert copy.get("/me").status_code == 302  # sent to the login page
    assert copy.get("/me").headers["Location"].startswith("/login")
    assert _open_sessions(app, member) == 0


def test_logging_out_ends_the_remember_me_cookie_too(app, member):
    browser = _sign_in(app, member.email, remember=True)
    copy = _copy(app, browser, "remember_token")  # no session cookie: only "stay signed in"
    assert copy.get("/me").status_code == 200
    browser.post("/logout")
    assert _copy(app, copy, "remember_token").get("/me").status_code == 302


def test_each_browser_has_its_own_session(app, member):
    first, second = _sign_in(app, member.email), _sign_in(app, member.email)
    assert _open_sessions(app, member) == 2
    first.post("/logout")
    assert first.get("/me").status_code == 302
    assert second.get("/me").status_code == 200


def test_a_password_change_ends_every_other_session_but_keeps_this_one(app, member):
    here, elsewhere = _sign_in(app, member.email), _sign_in(app, member.email, remember=True)
    remembered = _copy(app, elsewhere, "remember_token")
    response = here.post("/settings", data={"password-current_password": PASSWORD,
                                            "password-password": "brand-new-secret",
                                            "password-password_confirm": "brand-new-secret",
                                            "password-submit": "1"})
    assert response.status_code == 302
    assert here.get("/me").status_code == 200
    assert elsewhere.get("/me").status_code == 302
    assert remembered.get("/me").status_code == 302
    assert _open_sessions(app, member) == 1


def test_sign_out_everywhere_from_settings(app, member):
    here, elsewhere = _sign_in(app, member.email), _sign_in(app, member.email, remember=True)
    page = here.get("/settings").get_data(as_text=True)
    assert 'action="/settings/sign-out-everywhere"' in page and "すべての端末からログアウト" in page
    response = here.post("/settings/sign-out-everywhere")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert here.get("/me").status_code == 302
    assert elsewhere.get("/me").status_code == 302
    assert _open_sessions(app, member) == 0
    assert _sign_in(app, member.email).get("/me").status_code == 200  # signing in again works


def test_sign_out_everywhere_needs_a_signed_in_member_and_a_token(app, client, member):
    assert client.post("/settings/sign-out-everywhere").headers["Location"].startswith("/login")
    browser = _sign_in(app, member.email)
    assert browser.post("/settings/sign-out-everywhere", csrf=False).status_code == 400
    assert browser.get("/me").status_code == 200


def test_a_forged_or_stale_session_id_loads_nobody(app, member):
    browser = app.test_client()
    for forged in (f"{member.id}", f"{member.id}.", f"{member.id}.not-a-token", "x.y", f"{member.id}.1"):
        with browser.session_transaction() as session:
            session["_user_id"] = forged
        assert browser.get("/me").status_code == 302, forged
