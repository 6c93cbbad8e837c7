"""Mail: send_mail() queues a message in the current transaction; after the commit this process's mail thread
(or `community send-mail`) delivers it through the configured SMTP server, or into the log when there is none.
No request waits for the mail server."""

from __future__ import annotations

from email.utils import make_msgid

from flask import current_app

from community.extensions import db


def send_mail(to: str, subject: str, text: str, html: str | None = None, headers: dict | None = None) -> None:
    """Queues a plain-text message (multipart/alternative when html is given); headers add e.g. List-Unsubscribe.
    It goes out after the caller commits; if the transaction rolls back, nothing is sent."""
    from community.mail.models import OutgoingMail

    headers = dict(headers or {})
    if "Message-ID" not in headers:
        domain = current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2] or None
        headers["Message-ID"] = make_msgid(domain=domain)  # the same on every attempt: one message, not several
    db.session.add(OutgoingMail(to=to, subject=subject, text=text, html=html, headers=headers))
