"""Account state changes: registering, authenticating, passwords and reset links."""

from __future__ import annotations

import functools
import hashlib
import secrets

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from community.accounts.models import Role, User
from community.db import utcnow
from community.extensions import db
from community.locale import site_name
from community.mail import send_mail


@functools.cache
def _dummy_hash() -> str:
    # Compared against when the account does not exist, so a wrong e-mail and a wrong password
    # take the same time.
    return generate_password_hash(secrets.token_hex(8), method="scrypt")


class AccountError(ValueError):
    """A user-facing reason why an account action was refused."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def register_user(email: str, display_name: str, password: str, role: Role = Role.MEMBER) -> User:
    """A new account (for commands and the demo; the register page goes through register_or_tell_owner)."""
    if find_user_by_email(email) is not None:
        raise AccountError(_("このメールアドレスはすでに登録されています。"))
    return _new_user(email, display_name, password, role)


def register_or_tell_owner(email: str, display_name: str, password: str) -> User | None:
    """The register page: a new member's account; or, when the address already has one, nothing but a mail to
    its owner (the page answers the same either way, so it never tells anyone that an address is registered)."""
    owner = find_user_by_email(email)
    if owner is None:
        return _new_user(email, display_name, password, Role.MEMBER)
    site = site_name()
    send_mail(
        to=owner.email,
        subject=_("【%(site)s】登録のお申し込みについて", site=site),
        text=_("%(name)s さん\n\nこのメールアドレスで新規登録のお申し込みがありましたが、すでに登録済みのため、"
               "新しいアカウントは作っていません。\n\nご本人のお申し込みなら、次のページからログインしてください。"
               "パスワードを忘れた場合は、ログインページの「パスワードをお忘れの方」から再設定できます。\n%(link)s\n\n"
               "心当たりがない場合は、このメールを破棄してください。アカウントはそのままです。",
               name=owner.display_name, link=url_for("accounts.login", _external=True)),
    )
    return None


def _new_user(email: str, display_name: str, password: str, role: Role) -> User:
    user = User(email=normalise_email(email), display_name=display_name.strip(), role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user when the password is right and the account may log in; None otherwise."""
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or user.is_suspended:
        return None
    user.last_login_at = utcnow()
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise AccountError(_("現在のパスワードが正しくありません。"))
    set_new_password(user, new)


def set_new_password(user: User, new: str) -> None:
    """The new password ends every other session of the account (all of them, from a reset link) and voids
    reset links already sent."""
    from community.accounts.sessions import end_other_sessions

    user.set_password(new)
    user.session_version += 1  # part of the reset links' fingerprint
    end_other_sessions(user)


_UNCHANGED = object()


def update_profile(user: User, display_name: str, bio: str, *, area_id=_UNCHANGED, show_area: bool | None = None,
                   show_communities: bool | None = None) -> None:
    """Name and bio, and (when given) the area and what the public profile page shows."""
    user.display_name = display_name.strip()
    user.bio = bio.strip()
    if area_id is not _UNCHANGED:
        user.area_id = area_id
    if show_area is not None:
        user.show_area = bool(show_area)
    if show_communities is not None:
        user.show_communities = bool(show_communities)


# --- password reset -------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _fingerprint(user: User) -> str:
    # Ties the link to the current password: once it changes, the link no longer works.
    return hashlib.sha256(f"{user.password_hash}.{user.session_version}".encode()).hexdigest()[:16]


def reset_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "f": _fingerprint(user)})


def user_from_reset_token(token: str) -> User | None:
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or user.is_suspended or data.get("f") != _fingerprint(user):
        return None
    return user


def send_password_reset(email: str) -> None:
    """Mails a link when the account exists; says nothing either way."""
    user = find_user_by_email(email)
    if user is None or user.is_suspended:
        return
    link = url_for("accounts.reset_password", token=reset_token(user), _external=True)
    send_mail(
        to=user.email,
        subject=_("【%(site)s】パスワードの再設定", site=site_name()),
        text=_(
            "%(name)s さん\n\n次のリンクから新しいパスワードを設定してください（2時間有効）。\n%(link)s\n\n"
            "心当たりがない場合は、このメールを破棄してください。",
            name=user.display_name,
            link=link,
        ),
    )
