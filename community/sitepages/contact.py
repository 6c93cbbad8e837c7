"""The contact form's messages: stored, mailed to every admin through the mail queue, marked handled by an admin;
handled messages are deleted CONTACT_KEEP_DAYS after they were handled."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from community.accounts.models import Role, User
from community.db import utcnow
from community.extensions import db
from community.locale import member_language, site_name
from community.mail import send_mail
from community.moderation.audit import record
from community.sitepages.models import ContactMessage
from community.sitepages.services import CONTACT_KEEP_DAYS

STATES = ("open", "handled", "all")


class AlreadyHandled(ValueError):
    pass


def submit_message(name: str, email: str, subject: str, body: str, user=None) -> ContactMessage:
    message = ContactMessage(name=name.strip(), email=email.strip(), subject=subject.strip(), body=body.strip(),
                             user_id=getattr(user, "id", None))
    db.session.add(message)
    db.session.flush()
    _mail_admins(message)
    _forget_old_messages()
    return message


def _mail_admins(message: ContactMessage) -> None:
    """Each admin gets the message in the language they chose for the site, not the sender's."""
    admins = db.session.scalars(select(User).where(User.role == Role.ADMIN, User.is_suspended.is_(False))
                                .order_by(User.id)).all()
    link = url_for("sitepages.contact_messages", _external=True)
    for admin in admins:
        with force_locale(member_language(admin)):
            site = site_name()
            text = _("%(site)s のお問い合わせフォームから、次のメッセージが届きました。\n\n"
                     "お名前: %(name)s\nメールアドレス: %(email)s\n件名: %(subject)s\n\n%(body)s\n\n"
                     "対応したら、管理画面で「対応済み」にしてください。\n%(link)s",
                     site=site, name=message.name, email=message.email, subject=message.subject, body=message.body,
                     link=link)
            subject = _("【%(site)s】お問い合わせ: %(subject)s", site=site, subject=message.subject)
        send_mail(to=admin.email, subject=subject, text=text, headers={"Reply-To": message.email})


def _forget_old_messages() -> None:
    db.session.execute(delete(ContactMessage).where(
        ContactMessage.handled_at < utcnow() - timedelta(days=CONTACT_KEEP_DAYS)))


def mark_handled(actor, message: ContactMessage) -> None:
    table = ContactMessage.__table__
    now = utcnow()
    result = db.session.execute(update(table).where(table.c.id == message.id, table.c.handled_at.is_(None))
                                .values(handled_at=now, handled_by_id=actor.id))
    if result.rowcount != 1:
        raise AlreadyHandled(_("このお問い合わせはすでに対応済みです。"))
    record(actor, "contact_handled", kind="contact", item_id=message.id)


def messages_page(state: str, page: int, per_page: int = 20):
    query = select(ContactMessage).options(joinedload(ContactMessage.handled_by))
    if state == "open":
        query = query.where(ContactMessage.handled_at.is_(None))
    elif state == "handled":
        query = query.where(ContactMessage.handled_at.isnot(None))
    query = query.order_by(ContactMessage.created_at.desc(), ContactMessage.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
