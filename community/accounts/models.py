"""Member accounts and their site-wide role."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask import url_for
from flask_login import AnonymousUserMixin
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from community.db import TimestampMixin, UTCDateTime, utcnow
from community.extensions import Model


class Role(StrEnum):
    MEMBER = "member"
    SUPPORTER = "supporter"
    ADMIN = "admin"


# Higher rank includes the rights of the lower ones.
ROLE_RANK = {Role.MEMBER: 0, Role.SUPPORTER: 1, Role.ADMIN: 2}


class User(TimestampMixin, Model):
    __tablename__ = "users"
    __allow_unmapped__ = True  # session_id below is the object's, not a column

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(20), default=Role.MEMBER, index=True)
    is_suspended: Mapped[bool] = mapped_column(default=False)
    bio: Mapped[str] = mapped_column(Text, default="")
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the profile page shows, as the member chooses.
    show_communities: Mapped[bool] = mapped_column(default=False)
    show_area: Mapped[bool] = mapped_column(default=True)
    profile_hidden: Mapped[bool] = mapped_column(default=False)  # by moderation: bio and posts list hidden
    # Personal feeds: a secret token in the URL; regenerating it voids the old URLs at once.
    feed_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    digest_frequency: Mapped[str] = mapped_column(String(10), default="none")  # none, daily, weekly
    # The interface language the member last chose (menu or ?lang=): what the site writes to them in when no
    # page is open, such as the digest. "": never chose (the site's default).
    language: Mapped[str] = mapped_column(String(10), default="", server_default="")
    # Bumped when the password changes, so that reset links already sent stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    # The version of the terms (利用規約) the member last agreed to, and when (sitepages asks again after a
    # material change). None: an account from before consent was recorded.
    terms_version: Mapped[int | None] = mapped_column()
    terms_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    area = relationship("Area")
    memberships = relationship(
        "GroupMembership", back_populates="user", lazy="raise", cascade="all, delete-orphan"
    )

    # Flask-Login interface
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return not self.is_suspended

    # Which signed-in session this object serves ("<user id>.<token>"), set by accounts.sessions when it opens or
    # finds one; Flask-Login keeps it in the session and the remember-me cookie.
    session_id: str | None = None

    def get_id(self) -> str:
        if not self.session_id:
            raise RuntimeError("sign in through accounts.sessions.sign_in, which opens a session")
        return self.session_id

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, role: Role | str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(role)]

    @property
    def url(self) -> str:
        return url_for("accounts.profile", user_id=self.id)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email!r} {self.role}>"


class UserSession(Model):
    """One signed-in browser. Its row is the session's life on the server: deleting it signs that browser out,
    whatever cookie (session or remember-me) the browser still holds. Only a hash of the token is kept."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Guest(AnonymousUserMixin):
    """The visitor without an account: the policy treats it like any user with no rights."""

    id = None
    role = None
    display_name = ""

    def has_role(self, role) -> bool:
        return False
