"""What a member follows and keeps: follows, bookmarks, and the digest mails already sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from community.db import UTCDateTime, utcnow
from community.extensions import Model

FOLLOW_KINDS = ("area", "category", "group", "community")


class Follow(Model):
    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("user_id", "target_kind", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Bookmark(Model):
    __tablename__ = "bookmarks"
    __table_args__ = (UniqueConstraint("user_id", "item_kind", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    item_kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DigestDelivery(Model):
    """One row per member and period: a digest is queued once even if the command runs twice."""

    __tablename__ = "digest_deliveries"
    __table_args__ = (UniqueConstraint("user_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(20))  # "daily:2026-11-24" or "weekly:2026-W48"
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when the digest was queued
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
