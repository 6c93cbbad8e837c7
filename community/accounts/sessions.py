"""Signed-in sessions kept on the server: signing in opens one, signing out ends it, a password change or a
suspension ends the others, and "sign out everywhere" ends them all. A copied cookie is worth nothing once its
session has ended."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_login import login_user, logout_user
from sqlalchemy import delete, select

from community.accounts.models import User, UserSession
from community.args import whole_number
from community.db import utcnow
from community.extensions import db


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(user: User) -> str:
    """A new session of `user`; returns its id ("<user id>.<token>") and sets it on the object."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_hash(token)))
    _forget_expired(user)
    user.session_id = f"{user.id}.{token}"
    return user.session_id


def sign_in(user: User, remember: bool = False) -> None:
    """Opens a session for `user` and signs this browser in with it (the caller commits)."""
    open_session(user)
    login_user(user, remember=remember)


def session_user(session_id: str) -> User | None:
    """The user whose open session this is, unless suspended; None for an ended, unknown or malformed one."""
    user_text, _, token = session_id.partition(".")
    user_id = whole_number(user_text, 1)
    if user_id is None or not token:
        return None
    user = db.session.scalar(select(User).join(UserSession, UserSession.user_id == User.id)
                             .where(User.id == user_id, UserSession.token_hash == _hash(token)))
    if user is None or user.is_suspended:
        return None
    user.session_id = session_id
    return user


def sign_out(user: User) -> None:
    """Ends this browser's session on the server and in the browser."""
    end_session(user)
    logout_user()


def end_session(user: User) -> None:
    if user.session_id:
        _, _, token = user.session_id.partition(".")
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _hash(token)))


def end_other_sessions(user: User) -> None:
    """Every session of the account but this one (after a password change)."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if user.session_id:
        query = query.where(UserSession.token_hash != _hash(user.session_id.partition(".")[2]))
    db.session.execute(query)


def end_all_sessions(user: User) -> None:
    """Every session of the account (sign out everywhere, suspension)."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))


def _forget_expired(user: User) -> None:
    """Sessions older than the longest a cookie can live (remember-me) are of no use: drop the user's."""
    config = current_app.config
    longest = max(_seconds(config["PERMANENT_SESSION_LIFETIME"]), _seconds(config["REMEMBER_COOKIE_DURATION"]))
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                                 UserSession.created_at < utcnow() - timedelta(seconds=longest)))


def _seconds(value) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
