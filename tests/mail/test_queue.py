"""The mail queue: no request waits for the mail server, a rolled-back change sends nothing, refused mail is
retried with growing pauses and then shown to admins, and two senders never send one message twice."""

from __future__ import annotations

import socket
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from community.timeutil import now_utc


def _queued(app):
    from community.extensions import db
    from community.mail.models import OutgoingMail

    with app.app_context():
        rows = db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()
        db.session.expunge_all()
        return rows


def _queue(app, n=1, to="someone@example.jp", deliver=False):
    """Queues n messages; unless `deliver`, the commit does not wake the mail thread (the test sends them)."""
    from community.extensions import db
    from community.mail import send_mail

    sender = app.extensions.pop("mail_sender", None)
    try:
        if deliver and sender is not None:
            app.extensions["mail_sender"] = sender
        with app.test_request_context():
            for i in range(n):
                send_mail(to=to, subject=f"件名{i}", text=f"本文{i}")
            db.session.commit()
    finally:
        if sender is not None:
            app.extensions["mail_sender"] = sender


@pytest.fixture
def silent_server():
    """A port that accepts connections and never says a word: a mail server that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    yield listener.getsockname()[1]
    listener.close()


@pytest.fixture
def refusing_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again: connecting is refused


def test_a_request_that_sends_mail_does_not_wait_for_the_mail_server(app, client, member, silent_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=silent_server, MAIL_TIMEOUT=1)
    from community.mail.worker import init_app

    app.config["MAIL_SYNC"] = False
    init_app(app)  # the mail thread as a served site has it
    response = client.post("/password-reset", data={"email": member.email})
    assert response.status_code == 302
    [mail] = _queued(app)
    assert mail.sent_at is None and mail.attempts == 0  # the request answered before any attempt ended
    for _ in range(100):  # the thread gives up on the silent server after MAIL_TIMEOUT and schedules a retry
        if _queued(app)[0].attempts == 1:
            break
        time.sleep(0.1)
    retried = _queued(app)[0]
    assert retried.attempts == 1 and retried.sent_at is None and retried.next_attempt_at > now_utc()


def test_a_rolled_back_change_sends_nothing(app):
    from community.extensions import db
    from community.mail import send_mail

    with app.test_request_context():
        send_mail(to="a@example.jp", subject="件名", text="本文")
        db.session.rollback()
    assert _queued(app) == []


def test_refused_mail_is_retried_with_growing_pauses_then_given_up(app, refusing_port):
    from community.mail.delivery import BACKOFF, deliver_due

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=refusing_port)
    _queue(app)
    now = now_utc()
    pauses = []
    with app.app_context():
        for _ in range(len(BACKOFF) + 1):
            assert deliver_due(now) == (0, 1)
            mail = _queued(app)[0]
            if mail.failed_at is None:
                pauses.append(mail.next_attempt_at - now)
                assert deliver_due(mail.next_attempt_at - timedelta(seconds=1)) == (0, 0)  # not before its time
                now = mail.next_attempt_at
    assert pauses == list(BACKOFF)
    mail = _queued(app)[0]
    assert mail.failed_at is not None and mail.attempts == len(BACKOFF) + 1 and mail.sent_at is None
    with app.app_context():
        assert deliver_due(now + timedelta(days=30)) == (0, 0)  # given up: only an admin's retry sends it again


def test_two_senders_never_send_one_message_twice(app):
    from community.extensions import db
    from community.mail.delivery import _claim, due_mail_ids

    _queue(app, n=3)
    now = now_utc()
    with app.app_context():
        ids = due_mail_ids(now)
        first = [m.id for m in _claim(ids, now)]
        db.session.remove()
        second = [m.id for m in _claim(ids, now)]  # another host's sender saw the same rows as due
    assert len(first) == 3 and second == []


def test_without_a_mail_server_mail_is_written_to_the_log(app, caplog):
    import logging

    caplog.set_level(logging.WARNING)
    _queue(app, to="log@example.jp", deliver=True)
    assert "no MAIL_SERVER configured) to log@example.jp: 件名0" in caplog.text
    assert _queued(app)[0].sent_at is not None


def test_the_message_has_the_site_sender_and_a_message_id_kept_for_every_attempt(app):
    from community.mail.delivery import message_of

    _queue(app)
    mail = _queued(app)[0]
    first, again = message_of(mail, "noreply@example.jp"), message_of(mail, "noreply@example.jp")
    assert first["From"] == "noreply@example.jp" and first["To"] == "someone@example.jp"
    assert first["Message-ID"] == again["Message-ID"] and first["Message-ID"].endswith("@sagamihara-portal.example.jp>")


def test_admins_see_what_failed_and_can_send_it_again(app, client, login, admin, member, refusing_port):
    from community.mail.delivery import deliver_due

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=refusing_port)
    _queue(app, to="stuck@example.jp")
    with app.app_context():
        deliver_due(now_utc())
    assert client.get("/admin/mail").headers["Location"].startswith("/login")
    login(member)
    assert client.get("/admin/mail").status_code == 403
    mail = _queued(app)[0]
    assert client.post(f"/admin/mail/{mail.id}/retry").status_code == 403
    login(admin)
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "stuck@example.jp" in page and "再送待ち（1回失敗）" in page and "ConnectionRefusedError" in page
    assert client.post(f"/admin/mail/{mail.id}/retry", csrf=False).status_code == 400
    assert client.post(f"/admin/mail/{mail.id}/retry").status_code == 302
    assert _queued(app)[0].next_attempt_at <= now_utc()
    app.config["MAIL_SERVER"] = None
    with app.app_context():
        assert deliver_due() == (1, 0)
    assert "送信待ちのメールはありません。" in client.get("/admin/mail").get_data(as_text=True)
    assert client.post("/admin/mail/999999/retry").status_code == 404


def test_admins_can_discard_mail_that_cannot_be_sent(app, client, login, admin, member):
    from community.extensions import db
    from community.moderation.models import AuditEntry

    app.extensions.pop("mail_sender", None)
    _queue(app, to="typo@exmaple.jp")
    mail = _queued(app)[0]
    login(member)
    assert client.post(f"/admin/mail/{mail.id}/discard").status_code == 403
    assert len(_queued(app)) == 1
    login(admin)
    assert client.post(f"/admin/mail/{mail.id}/discard", csrf=False).status_code == 400
    assert len(_queued(app)) == 1
    page = client.post(f"/admin/mail/{mail.id}/discard", follow_redirects=True).get_data(as_text=True)
    assert "メールを破棄しました。" in page and "typo@exmaple.jp" not in page
    assert _queued(app) == []
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "mail_discard")).one()
        assert entry.actor_id == admin.id and entry.details["domain"] == "exmaple.jp"
        assert "typo" not in str(entry.details)
    assert "送信待ちのメールを破棄" in client.get("/moderation/audit").get_data(as_text=True)
    assert client.post(f"/admin/mail/{mail.id}/discard").status_code == 404


def test_send_mail_command(app, runner, refusing_port):
    from community.mail.cli import COMMANDS

    for command in COMMANDS:
        app.cli.add_command(command)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=refusing_port, MAIL_SYNC=False)
    app.extensions.pop("mail_sender", None)
    _queue(app, n=2)
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 1 and "送信 0 件、失敗 2 件" in result.output
    app.config["MAIL_SERVER"] = None
    with app.app_context():
        from community.extensions import db
        from community.mail.models import OutgoingMail

        db.session.execute(OutgoingMail.__table__.update().values(next_attempt_at=now_utc()))
        db.session.commit()
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0 and "送信 2 件、失敗 0 件" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(OutgoingMail.sent_at.is_(None))) == 0


def test_sent_mail_is_not_kept_for_long(app):
    from community.extensions import db
    from community.mail.delivery import KEEP_SENT, deliver_due
    from community.mail.models import OutgoingMail

    _queue(app)
    with app.app_context():
        db.session.execute(OutgoingMail.__table__.update().values(sent_at=now_utc() - KEEP_SENT - timedelta(hours=1)))
        db.session.commit()
        deliver_due()
    assert _queued(app) == []

