"""The contact form: validated, stored, mailed to the admins through the mail queue, rate limited; admins read the
messages and mark them handled."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import built_app

MESSAGE = {"name": "相模 太郎", "email": "taro@example.jp", "subject": "掲載について",
           "body": "団体の登録方法を教えてください。"}


def _messages(app):
    from community.extensions import db
    from community.sitepages.models import ContactMessage

    with app.app_context():
        rows = db.session.scalars(select(ContactMessage).order_by(ContactMessage.id)).all()
        db.session.expunge_all()
        return rows


def _mail(app):
    from community.extensions import db
    from community.mail.models import OutgoingMail

    with app.app_context():
        rows = db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()
        db.session.expunge_all()
        return rows


def test_a_message_is_stored_and_mailed_to_every_admin(client, app, make_user):
    first, second = make_user("admin", email="a1@example.jp"), make_user("admin", email="a2@example.jp")
    make_user("admin", email="gone@example.jp", is_suspended=True)
    make_user("supporter", email="s@example.jp")
    response = client.post("/contact", data=MESSAGE)
    assert response.status_code == 302
    assert "お問い合わせを受け付けました" in client.get(response.headers["Location"]).get_data(as_text=True)
    [message] = _messages(app)
    assert (message.name, message.email, message.subject, message.body, message.handled_at) == (
        "相模 太郎", "taro@example.jp", "掲載について", "団体の登録方法を教えてください。", None)
    mails = _mail(app)
    assert sorted(mail.to for mail in mails) == [first.email, second.email]
    assert all("掲載について" in mail.subject and "団体の登録方法" in mail.text for mail in mails)
    assert all(mail.headers["Reply-To"] == "taro@example.jp" for mail in mails)


def test_each_admin_gets_the_message_in_the_language_they_chose(client, app, make_user):
    """An admin who reads the site in English gets the notice in English, whatever the sender's language; the
    sender's words stay as written."""
    make_user("admin", email="ja@example.jp")
    make_user("admin", email="en@example.jp", language="en")
    client.post("/contact?lang=en", data=MESSAGE)
    mails = {mail.to: mail for mail in _mail(app)}
    english, japanese = mails["en@example.jp"], mails["ja@example.jp"]
    assert english.subject == "[Sagamihara Community Portal] Contact: 掲載について"
    assert "Sagamihara Community Portal" in english.text and "団体の登録方法を教えてください。" in english.text
    assert japanese.subject == "【さがみはら地域ポータル】お問い合わせ: 掲載について"
    assert "対応済み" in japanese.text


def test_a_signed_in_member_finds_their_name_and_address_filled_in(client, login, member):
    login(member)
    page = client.get("/contact").get_data(as_text=True)
    assert 'value="一般 会員"' in page and 'value="member@example.jp"' in page


@pytest.mark.parametrize(("fields", "error"), [
    ({"name": ""}, "お名前を入力してください。"),
    ({"email": "not-an-address"}, "メールアドレスの形式が正しくありません。"),
    ({"subject": "   "}, "件名を入力してください。"),
    ({"body": ""}, "お問い合わせの内容を入力してください。"),
    ({"body": "あ" * 4001}, "4000文字以内にしてください。"),
])
def test_bad_input_is_refused_with_a_message_and_kept(client, app, admin, fields, error):
    response = client.post("/contact", data={**MESSAGE, **fields})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert error in page
    if "name" not in fields:
        assert 'value="相模 太郎"' in page
    assert _messages(app) == [] and _mail(app) == []


def test_a_post_without_the_csrf_token_is_refused(client, app):
    assert client.post("/contact", data=MESSAGE, csrf=False).status_code == 400
    assert _messages(app) == []


def test_too_many_messages_get_a_clear_429_page(template_database, tmp_path, admin):
    with built_app(template_database, tmp_path / "limited", CONTACT_RATE_LIMIT="2 per hour") as app:
        client = app.test_client()
        assert [client.post("/contact", data=MESSAGE).status_code for _ in range(2)] == [302, 302]
        refused = client.post("/contact", data=MESSAGE)
        assert refused.status_code == 429
        assert "少し時間をおいてから、もう一度お試しください" in refused.get_data(as_text=True)
        assert len(_messages(app)) == 2
        assert client.get("/contact").status_code == 200  # reading the form is not limited


def test_admins_read_the_messages_and_mark_them_handled(client, app, login, admin):
    client.post("/contact", data=MESSAGE)
    client.post("/contact", data={**MESSAGE, "subject": "二件目"})
    login(admin)
    page = client.get("/admin/contact").get_data(as_text=True)
    assert "掲載について" in page and "二件目" in page and "taro@example.jp" in page
    first = _messages(app)[0]
    response = client.post(f"/admin/contact/{first.id}/handled")
    assert response.status_code == 302
    assert _messages(app)[0].handled_at is not None and _messages(app)[0].handled_by_id == admin.id
    open_page = client.get("/admin/contact").get_data(as_text=True)
    assert "二件目" in open_page and "掲載について" not in open_page
    assert "掲載について" in client.get("/admin/contact?state=handled").get_data(as_text=True)
    again = client.post(f"/admin/contact/{first.id}/handled", follow_redirects=True)
    assert "すでに対応済みです" in again.get_data(as_text=True)
    with app.app_context():
        from community.extensions import db
        from community.moderation.models import AuditEntry

        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "contact_handled")).all()
        assert (entry.actor_id, entry.item_kind, entry.item_id) == (admin.id, "contact", first.id)


def test_non_admins_cannot_mark_a_message_handled(client, app, login, supporter):
    client.post("/contact", data=MESSAGE)
    message = _messages(app)[0]
    login(supporter)
    assert client.post(f"/admin/contact/{message.id}/handled").status_code == 403
    assert _messages(app)[0].handled_at is None


def test_handled_messages_are_deleted_after_a_year(client, app):
    from datetime import timedelta

    from community.db import utcnow
    from community.extensions import db
    from community.sitepages.models import ContactMessage

    with app.app_context():
        db.session.add_all([
            ContactMessage(name="古い", email="o@example.jp", subject="古い", body="…",
                           handled_at=utcnow() - timedelta(days=366)),
            ContactMessage(name="未対応", email="p@example.jp", subject="未対応", body="…",
                           created_at=utcnow() - timedelta(days=800)),
        ])
        db.session.commit()
    client.post("/contact", data=MESSAGE)
    assert sorted(m.subject for m in _messages(app)) == ["掲載について", "未対応"]


def test_the_messages_list_runs_the_same_statements_however_many(client, app, login, admin, same_query_count):
    def grow():
        for n in range(4):  # with the first, the rate limit's 5 an hour
            app.test_client().post("/contact", data={**MESSAGE, "subject": f"件名{n}"})
        with app.app_context():
            from sqlalchemy import update

            from community.db import utcnow
            from community.extensions import db
            from community.sitepages.models import ContactMessage

            db.session.execute(update(ContactMessage).values(handled_at=utcnow(), handled_by_id=admin.id))
            db.session.commit()

    client.post("/contact", data=MESSAGE)
    login(admin)
    same_query_count(client, "/admin/contact?state=all", grow)
