"""/healthz reports the outgoing mail queue: how much waits, how much was given up, how old the oldest waiting
message is; a stuck queue or mail given up lately makes the site "degraded" (still 200)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from community.timeutil import now_utc


@pytest.fixture
def queue_mail(app):
    """queue_mail(age=..., failed_ago=None, sent=False): one message created `age` ago, given up `failed_ago` ago.
    Nothing sends it: this site's mail thread is stopped, as a stuck sender would be."""
    from community.extensions import db
    from community.mail.models import OutgoingMail

    app.extensions.pop("mail_sender", None)

    def add(age=timedelta(0), failed_ago=None, sent=False, attempts=0):
        created = now_utc() - age
        with app.app_context():
            db.session.add(OutgoingMail(to="someone@example.jp", subject="件名", text="本文", created_at=created,
                                        next_attempt_at=created, attempts=attempts,
                                        failed_at=now_utc() - failed_ago if failed_ago is not None else None,
                                        sent_at=created if sent else None))
            db.session.commit()

    return add


def _mail(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    return response.json["status"], response.json["parts"]["mail"]


def test_an_empty_queue_is_ok(client, queue_mail):
    queue_mail(age=timedelta(days=2), sent=True)  # sent mail is not waiting
    status, mail = _mail(client)
    assert status == "ok" and mail == {"ok": True, "waiting": 0, "failed": 0, "oldest_waiting_seconds": 0.0}


def test_mail_waiting_a_little_is_ok(client, queue_mail):
    queue_mail(age=timedelta(minutes=2))
    queue_mail(age=timedelta(seconds=5), attempts=1)  # between retries: still waiting
    status, mail = _mail(client)
    assert status == "ok" and mail["ok"] is True and mail["waiting"] == 2
    assert 115 <= mail["oldest_waiting_seconds"] <= 180


def test_mail_waiting_too_long_makes_the_site_degraded(client, queue_mail):
    queue_mail(age=timedelta(minutes=20), attempts=2)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["status"] == "degraded"
    assert response.json["failing"] == ["mail"] and response.json["checks"]["mail"] is False
    mail = response.json["parts"]["mail"]
    assert mail["ok"] is False and "waits too long" in mail["detail"] and mail["oldest_waiting_seconds"] >= 1200


def test_mail_given_up_lately_makes_the_site_degraded_older_failures_are_only_counted(client, queue_mail):
    queue_mail(age=timedelta(days=3), failed_ago=timedelta(days=2), attempts=7)
    status, mail = _mail(client)
    assert status == "ok" and mail == {"ok": True, "waiting": 0, "failed": 1, "oldest_waiting_seconds": 0.0}
    queue_mail(age=timedelta(days=1), failed_ago=timedelta(hours=1), attempts=7)
    status, mail = _mail(client)
    assert status == "degraded" and mail["ok"] is False and mail["failed"] == 2 and mail["waiting"] == 0
    assert "/admin/mail" in mail["detail"]
