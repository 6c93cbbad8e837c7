"""Creating and reading in-app notifications."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
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


# --- what a notification says ------------------------------------------------------------------

SENTENCES = {
    "board_reply": _l("あなたの伝言板の投稿「%(thread_title)s」に返信がありました"),
    "topic_reply": _l("コミュニティ「%(community_name)s」のトピック「%(topic_title)s」に返信がありました"),
    "join_request": _l("%(user_name)sさんがコミュニティ「%(community_name)s」への参加を希望しています"),
    "join_approved": _l("コミュニティ「%(community_name)s」への参加が承認されました"),
    "meetup_changed": _l("参加予定の集まり「%(event_title)s」の内容が変更されました"),
    "meetup_cancelled": _l("参加予定の集まり「%(event_title)s」は中止になりました"),
    "waitlist_promoted": _l("キャンセル待ちをしていた「%(event_title)s」に参加できるようになりました"),
    "moderation_hidden": _l("あなたの投稿「%(item_title)s」は非表示になりました。理由: %(reason)s"),
    "moderation_restored": _l("あなたの投稿「%(item_title)s」は再び表示されるようになりました"),
    "moderation_approved": _l("あなたの投稿「%(item_title)s」は確認が済み、公開されました"),
}
GENERIC_SENTENCE = _l("新しい通知があります")


class _Blanks(dict):
    """Formatting data where a missing value reads as an empty string instead of failing."""

    def __missing__(self, key):
        return ""


def sentence_for(notification: Notification) -> str:
    """The notification as one sentence in the reader's language (plain text: templates escape it)."""
    template = SENTENCES.get(notification.kind)
    if template is None:
        return str(GENERIC_SENTENCE)
    data = notification.data if isinstance(notification.data, dict) else {}
    return str(template) % _Blanks(data)


def marked_sentence_for(notification: Notification) -> Markup:
    """The sentence as HTML for the inbox: what people wrote (titles, names, a reason) is marked as user content."""
    from community.locale import user_text

    template = SENTENCES.get(notification.kind)
    if template is None:
        return escape(str(GENERIC_SENTENCE))
    data = notification.data if isinstance(notification.data, dict) else {}
    return escape(str(template)) % _Blanks({key: user_text(value) for key, value in data.items()})


def unread_count_for(user) -> int:
    """The header counter: one COUNT for a signed-in member, nothing for a visitor."""
    from community.policy import is_signed_in

    return unread_count(user.id) if is_signed_in(user) else 0
