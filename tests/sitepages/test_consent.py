"""Consent to the terms: required at registration and recorded with the version and date; after an admin publishes a
material change of the terms, signed-in members agree again before going on."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

FORM = {"email": "new@example.jp", "display_name": "相模 太郎", "password": "a-good-password",
        "password_confirm": "a-good-password"}


def _user(app, email):
    from community.accounts.models import User
    from community.extensions import db

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge_all()
        return user


def test_registering_requires_agreeing_to_the_terms_and_privacy_policy(client, app):
    page = client.get("/register").get_data(as_text=True)
    assert 'href="/terms" target="_blank"' in page and 'href="/privacy" target="_blank"' in page
    refused = client.post("/register", data=FORM)
    assert refused.status_code == 400
    assert "利用規約と個人情報の取扱いへの同意が必要です" in refused.get_data(as_text=True)
    assert _user(app, "new@example.jp") is None


def test_registering_records_the_terms_version_and_date(client, app, login, admin):
    from community.db import utcnow

    assert client.post("/register", data={**FORM, "agree": "y"}).status_code == 302
    user = _user(app, "new@example.jp")
    assert user.terms_version == 0  # the shipped terms
    assert utcnow() - user.terms_accepted_at < timedelta(minutes=1)

    admin_client = login(admin, app.test_client())
    admin_client.post("/admin/pages/terms", data={"title": "利用規約", "body": "## 第1条\n\n改定版です。"})
    fresh = app.test_client()
    fresh.post("/register", data={**FORM, "email": "later@example.jp", "agree": "y"})
    assert _user(app, "later@example.jp").terms_version == 1


def _publish_terms(app, admin, material: bool):
    client = app.test_client()
    with client.session_transaction() as session:
        from tests.conftest import open_test_session

        session["_user_id"] = open_test_session(app, admin)
    data = {"title": "利用規約", "body": "## 第1条\n\n大きく変わりました。", "note": "改定"}
    if material:
        data["material"] = "y"
    assert client.post("/admin/pages/terms", data=data).status_code == 302


def test_a_material_change_asks_signed_in_members_to_agree_again(client, app, login, admin, member):
    login(member)
    assert client.get("/events").status_code == 200
    _publish_terms(app, admin, material=True)

    asked = client.get("/events?area=hashimoto")
    assert asked.status_code == 302
    assert asked.headers["Location"].startswith("/terms/accept?next=")
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert "利用規約が変わりました" in page and "大きく変わりました。" in page
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)  # /areas waits for consent too
    # The site pages, the contact form and signing out stay open; other pages wait.
    assert client.get("/terms").status_code == 200
    assert client.get("/contact").status_code == 200
    assert client.get("/me").status_code == 302

    refused = client.post(asked.headers["Location"], data={"csrf_token": token}, csrf=False)
    assert refused.status_code == 400 and "新しい利用規約への同意が必要です" in refused.get_data(as_text=True)
    agreed = client.post(asked.headers["Location"], data={"agree": "y", "csrf_token": token}, csrf=False)
    assert agreed.status_code == 302 and agreed.headers["Location"] == "/events?area=hashimoto"
    user = _user(app, member.email)
    assert user.terms_version == 1 and user.terms_accepted_at is not None
    assert client.get("/me").status_code == 200
    assert client.get("/terms/accept").status_code == 302  # nothing left to agree to


def test_a_change_not_marked_material_asks_nobody(client, app, login, admin, member):
    login(member)
    _publish_terms(app, admin, material=False)
    assert client.get("/me").status_code == 200
    assert _user(app, member.email).terms_version is None


def test_visitors_are_never_asked(client, app, admin):
    _publish_terms(app, admin, material=True)
    assert client.get("/events").status_code == 200
