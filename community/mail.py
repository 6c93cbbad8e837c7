"""Sending mail through the configured SMTP server, or into the log when there is none."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


def send_mail(to: str, subject: str, text: str, html: str | None = None, headers: dict | None = None) -> None:
    """A plain-text message, multipart/alternative when html is given; headers add e.g. List-Unsubscribe."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    if not config.get("MAIL_SERVER"):
        current_app.logger.warning("Mail not sent (no MAIL_SERVER configured) to %s: %s\n%s", to, subject, text)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
