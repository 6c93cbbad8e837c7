"""Rules every member post goes through: rate limits, link limits for new accounts, repeated text,
and pre-moderation of a new member's first posts. Topics, replies and board posts all call check_post
(check_edit when they are edited)."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from community.content.models import Status
from community.db import utcnow
from community.extensions import db

LINK_RE = re.compile(r"https?://|www\.", re.IGNORECASE)


class PostRefused(ValueError):
    """A user-facing reason why a post was not accepted; nothing was saved."""


def _post_models():
    from community.board.models import BoardReply, BoardThread
    from community.communities.models import Reply, Topic

    return (Topic, Reply, BoardThread, BoardReply)


def _recent_posts(user_id: int, since) -> list[str]:
    bodies: list[str] = []
    for model in _post_models():
        bodies += db.session.scalars(select(model.body).where(model.author_id == user_id, model.created_at >= since))
    return bodies


def _fingerprint(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def approved_post_count(user_id: int) -> int:
    total = 0
    for model in _post_models():
        total += db.session.scalar(select(func.count()).select_from(model).where(
            model.author_id == user_id, model.status == Status.PUBLISHED)) or 0
    return total


def check_post(user, text: str) -> None:
    """Raises PostRefused when the post breaks a limit. Call before writing anything."""
    config = current_app.config
    now = utcnow()
    window = timedelta(minutes=config.get("POST_RATE_WINDOW_MINUTES", 10))
    recent = _recent_posts(user.id, now - window)
    if len(recent) >= config.get("POST_RATE_LIMIT", 10):
        raise PostRefused(_("短い時間に多くの投稿がありました。しばらく時間をおいてから投稿してください。"))
    if text.strip() and any(_fingerprint(body) == _fingerprint(text) for body in recent):
        raise PostRefused(_("同じ内容がすでに投稿されています。"))
    new_account = now - user.created_at < timedelta(days=config.get("NEW_ACCOUNT_DAYS", 7))
    if new_account and len(LINK_RE.findall(text)) > config.get("NEW_ACCOUNT_MAX_LINKS", 2):
        raise PostRefused(_("登録したばかりのアカウントでは、1回の投稿に含められるリンクは%(n)d個までです。",
                            n=config.get("NEW_ACCOUNT_MAX_LINKS", 2)))


def check_edit(user, old_text: str, new_text: str) -> None:
    """An edit goes through the same limits as a new post once its text changes (otherwise a new account could
    post something harmless and edit the links in); an unchanged text, e.g. a title-only fix, is let through."""
    if new_text != old_text:
        check_post(user, new_text)


def initial_status(user) -> Status:
    """A new member's first few posts wait for a supporter (pre-moderation); then they go live at once."""
    from community.policy import is_staff

    needed = current_app.config.get("NEW_MEMBER_REVIEW_POSTS", 0)
    if needed <= 0 or is_staff(user):
        return Status.PUBLISHED
    return Status.PUBLISHED if approved_post_count(user.id) >= needed else Status.PENDING
