"""This process's mail thread: woken after a commit that queued mail, and every minute to retry what failed."""

from __future__ import annotations

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from community.background import Waker


@event.listens_for(Session, "after_flush")
def _note_queued_mail(session, flush_context):
    from community.mail.models import OutgoingMail

    if any(isinstance(obj, OutgoingMail) for obj in session.new):
        session.info["mail_queued"] = True


@event.listens_for(Session, "after_commit")
def _wake_sender(session):
    if session.info.pop("mail_queued", False) and has_app_context():
        sender = current_app.extensions.get("mail_sender")
        if sender is not None:
            sender.wake()


@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop("mail_queued", None)


def init_app(app: Flask) -> None:
    """MAIL_INLINE_SEND=False leaves delivery to `community send-mail` (from cron or a service)."""
    from community.mail.delivery import deliver

    if app.config.get("MAIL_INLINE_SEND", True):
        app.extensions["mail_sender"] = Waker("mail-sender", lambda: deliver(app), sync=app.config.get("MAIL_SYNC"),
                                              interval=60)


def start(app: Flask) -> None:
    """For a serving process: send what earlier processes left queued, and keep retrying every minute."""
    sender = app.extensions.get("mail_sender")
    if sender is not None and not sender.sync:
        sender.wake()
