"""Creating and reading in-app notifications."""

from __future__ import annotations

from sqlalchemy import func, select, update

from community.db import utcnow
from community.extensions import db
from community.notifications.models import Notification


def notify(user_id: int | None, kind: str, link: str = "", **data) -> None:
    """Queues a notification in the current transaction; nothing for nobody or for the actor alone."""
    if user_id is None:
        return
    db.session.add(Notification(user_id=user_id, kind=kind, link=link, data=data))


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def inbox(user_id: int, page: int, per_page: int = 30):
    query = select(Notification).where(Notification.user_id == user_id).order_by(
        Notification.created_at.desc(), Notification.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def mark_read(user_id: int, notification_id: int | None = None) -> None:
    """One notification, or all of them when no id is given."""
    query = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    db.session.execute(query.values(read_at=utcnow()))
