"""Delivering the queue: claim what is due, send it over one SMTP connection, record what happened."""

from __future__ import annotations

import logging
import smtplib
import socket
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import Flask, current_app
from sqlalchemy import delete, or_, select, update

from community.db import utcnow
from community.extensions import db
from community.mail.models import OutgoingMail

log = logging.getLogger(__name__)

# Pauses after the 1st, 2nd, … failed attempt; after the last one the message is given up (and shown to admins).
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=6),
           timedelta(hours=12))
CLAIM = timedelta(minutes=5)       # a sender that died mid-batch leaves its messages to another after this
BATCH = 50
KEEP_SENT = timedelta(days=7)      # sent messages (reset links among them) are not kept longer
SMTP_ERRORS = (smtplib.SMTPException, OSError, socket.timeout)


def due_mail_ids(now: datetime, limit: int = BATCH) -> list[int]:
    return list(db.session.scalars(
        select(OutgoingMail.id).where(OutgoingMail.sent_at.is_(None), OutgoingMail.failed_at.is_(None),
                                      OutgoingMail.next_attempt_at <= now,
                                      or_(OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until < now))
        .order_by(OutgoingMail.id).limit(limit)))


def _claim(ids: list[int], now: datetime) -> list[OutgoingMail]:
    """The messages this sender took (one UPDATE: another host's sender claiming the same rows gets none of them)."""
    claimed = []
    for mail_id in ids:
        taken = db.session.execute(
            update(OutgoingMail).where(OutgoingMail.id == mail_id, OutgoingMail.sent_at.is_(None),
                                       or_(OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until < now))
            .values(claimed_until=now + CLAIM).execution_options(synchronize_session=False))
        if taken.rowcount == 1:
            claimed.append(mail_id)
    db.session.commit()
    return list(db.session.scalars(select(OutgoingMail).where(OutgoingMail.id.in_(claimed)).order_by(OutgoingMail.id)))


def message_of(mail: OutgoingMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    for name, value in (mail.headers or {}).items():
        message[name] = value
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    return message


def _smtp(config) -> smtplib.SMTP:
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
    if config.get("MAIL_USE_TLS"):
        smtp.starttls()
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return smtp


def _failed(mail: OutgoingMail, error: Exception, now: datetime) -> None:
    mail.attempts += 1
    mail.last_error = f"{type(error).__name__}: {error}"[:500]
    mail.claimed_until = None
    if mail.attempts > len(BACKOFF):
        mail.failed_at = now
        log.error("mail %s to %s given up after %s attempts: %s", mail.id, mail.to, mail.attempts, error)
    else:
        mail.next_attempt_at = now + BACKOFF[mail.attempts - 1]
        log.warning("mail %s not sent (attempt %s), retried at %s: %s", mail.id, mail.attempts,
                    mail.next_attempt_at.isoformat(timespec="seconds"), error)


def deliver_due(now: datetime | None = None) -> tuple[int, int]:
    """Sends every message that is due; returns (sent, failed). Commits as it goes."""
    config = current_app.config
    sent = failed = 0
    while True:
        now = now or utcnow()
        batch = _claim(due_mail_ids(now), now)
        if not batch:
            break
        if not config.get("MAIL_SERVER"):
            for mail in batch:
                log.warning("Mail not sent (no MAIL_SERVER configured) to %s: %s\n%s", mail.to, mail.subject,
                            mail.text)
                mail.sent_at, mail.claimed_until = now, None
                sent += 1
            db.session.commit()
            continue
        try:
            smtp = _smtp(config)
        except SMTP_ERRORS as error:  # the server is down: every message of the batch waits for its next try
            for mail in batch:
                _failed(mail, error, now)
            failed += len(batch)
            db.session.commit()
            break
        with smtp:
            for mail in batch:
                try:
                    smtp.send_message(message_of(mail, config["MAIL_DEFAULT_SENDER"]))
                except SMTP_ERRORS as error:
                    _failed(mail, error, now)
                    failed += 1
                else:
                    mail.sent_at, mail.claimed_until = now, None
                    sent += 1
                db.session.commit()  # one message at a time: a crash never resends what went out before it
        now = None
    db.session.execute(delete(OutgoingMail).where(OutgoingMail.sent_at < utcnow() - KEEP_SENT))
    db.session.commit()
    return sent, failed


def deliver(app: Flask) -> None:
    """For the mail thread: deliver what is due, in an app context of its own."""
    with app.app_context():
        try:
            deliver_due()
        finally:
            db.session.remove()


def discard(mail: OutgoingMail, actor) -> None:
    """An admin gives up on a message that waits or failed (a wrong address, say): it is deleted, and the audit
    log keeps who did it, with the address's domain only."""
    from community.moderation.audit import record

    record(actor, "mail_discard", kind="mail", item_id=mail.id, domain=mail.to.rpartition("@")[2],
           attempts=mail.attempts)
    db.session.delete(mail)


def retry_now(mail: OutgoingMail) -> None:
    """An admin asks for another try of a message that failed or waits."""
    mail.failed_at, mail.claimed_until, mail.next_attempt_at = None, None, utcnow()
