"""My page state changes: follows, bookmarks, the personal feed token and the digest choice."""

from __future__ import annotations

import secrets

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select

from community import policy
from community.accounts.models import User
from community.extensions import db
from community.me.models import FOLLOW_KINDS, Bookmark, Follow

BOOKMARK_KINDS = ("event", "shop", "notice", "topic", "board")
DIGEST_FREQUENCIES = ("none", "daily", "weekly")
FEED_TOKEN_MIN_LENGTH = 32


class MeError(ValueError):
    """A user-facing reason why a follow, bookmark or setting was refused."""


# --- follows --------------------------------------------------------------------------------------


def follow_target(kind: str, target_id: int):
    """The area, category, group or community a follow points at, or None."""
    from community.areas.models import Area, Category
    from community.communities.models import Community
    from community.groups.models import Group

    model = {"area": Area, "category": Category, "group": Group, "community": Community}.get(kind)
    return db.session.get(model, target_id) if model is not None else None


def follow(user, kind: str, target) -> bool:
    """Follows the target; True when it is new. The caller has checked policy.can_follow_target."""
    if kind not in FOLLOW_KINDS:
        raise MeError(_("フォローできない種類です。"))
    if target.id in following_state(user, kind, [target.id]):
        return False
    db.session.add(Follow(user_id=user.id, target_kind=kind, target_id=target.id))
    db.session.flush()
    return True


def unfollow(user, kind: str, target_id: int) -> bool:
    result = db.session.execute(delete(Follow).where(
        Follow.user_id == user.id, Follow.target_kind == kind, Follow.target_id == target_id))
    return bool(result.rowcount)


def following_state(user, kind: str, ids) -> set[int]:
    """Which of these targets the user follows: one query for any number of ids (none for a visitor)."""
    ids = {i for i in ids if isinstance(i, int)}
    if not ids or not policy.is_signed_in(user):
        return set()
    return set(db.session.scalars(select(Follow.target_id).where(
        Follow.user_id == user.id, Follow.target_kind == kind, Follow.target_id.in_(ids))))


# --- bookmarks ------------------------------------------------------------------------------------


def bookmark(user, item) -> bool:
    """Keeps the item; True when it is new. The caller has checked policy.can_bookmark."""
    kind = item.KIND
    if kind not in BOOKMARK_KINDS:
        raise MeError(_("保存できない種類です。"))
    if item.id in bookmarked_state(user, kind, [item.id]):
        return False
    db.session.add(Bookmark(user_id=user.id, item_kind=kind, item_id=item.id))
    db.session.flush()
    return True


def unbookmark(user, kind: str, item_id: int) -> bool:
    result = db.session.execute(delete(Bookmark).where(
        Bookmark.user_id == user.id, Bookmark.item_kind == kind, Bookmark.item_id == item_id))
    return bool(result.rowcount)


def bookmarked_state(user, kind: str, ids) -> set[int]:
    """Which of these items the user has bookmarked: one query for any number of ids."""
    ids = {i for i in ids if isinstance(i, int)}
    if not ids or not policy.is_signed_in(user):
        return set()
    return set(db.session.scalars(select(Bookmark.item_id).where(
        Bookmark.user_id == user.id, Bookmark.item_kind == kind, Bookmark.item_id.in_(ids))))


# --- personal feeds -------------------------------------------------------------------------------


def regenerate_feed_token(user) -> str:
    """A new secret for the feed URLs; the old URLs stop working with this commit."""
    user.feed_token = secrets.token_urlsafe(32)
    return user.feed_token


def user_by_feed_token(user_id: int, token: str) -> User | None:
    """The member whose feed this is, or None: unknown member, another member's or an old token, a
    malformed token, a suspended account. Looked up by id, then compared in constant time."""
    if not token or not FEED_TOKEN_MIN_LENGTH <= len(token) <= 64:
        return None
    user = db.session.get(User, user_id)
    if user is None or user.is_suspended or not user.feed_token:
        return None
    return user if secrets.compare_digest(user.feed_token.encode(), token.encode()) else None


# --- digest mail ----------------------------------------------------------------------------------


def set_digest_frequency(user, frequency: str) -> None:
    if frequency not in DIGEST_FREQUENCIES:
        raise MeError(_("配信の頻度を選んでください。"))
    user.digest_frequency = frequency


def _unsubscribe_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="digest-unsubscribe")


def unsubscribe_token(user) -> str:
    return _unsubscribe_serializer().dumps({"u": user.id})


def user_from_unsubscribe_token(token: str) -> User | None:
    try:
        data = _unsubscribe_serializer().loads(token)
    except BadSignature:
        return None
    user_id = data.get("u") if isinstance(data, dict) else None
    return db.session.get(User, user_id) if isinstance(user_id, int) else None
