"""Reports, the audit log, curation (featured items and 特集 collections) and review requests."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask import url_for
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.db import UTCDateTime, utcnow
from community.extensions import Model

# Every kind of thing that can be reported, hidden, featured or collected, by its KIND name.
ITEM_KINDS = ("event", "shop", "notice", "community", "topic", "reply", "board", "board_reply", "profile")


class ReportReason(StrEnum):
    SPAM = "spam"
    WRONG = "wrong"
    PERSONAL = "personal"
    HARASSMENT = "harassment"
    OTHER = "other"


class Report(Model):
    """One member's report of one item; a member reports an item once."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("item_kind", "item_id", "reporter_id"),
                      Index("ix_reports_open", "resolved_at", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    item_kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column()
    # Empty once the reporter has deleted their account: the report stays, without their name.
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution: Mapped[str] = mapped_column(String(20), default="")  # dismissed, hidden, approved

    reporter = relationship("User")


class AuditEntry(Model):
    """Who did what to which item, why and when: every moderation and admin action."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_item", "item_kind", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    item_kind: Mapped[str] = mapped_column(String(20), default="")
    item_id: Mapped[int | None] = mapped_column()
    reason: Mapped[str] = mapped_column(String(1000), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    actor = relationship("User")


class ReviewRequest(Model):
    """An author's one request to look again at a decision on their item."""

    __tablename__ = "review_requests"
    __table_args__ = (UniqueConstraint("item_kind", "item_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Feature(Model):
    """An item a supporter puts on the home page (area_id empty) or on an area page, until an end."""

    __tablename__ = "features"
    __table_args__ = (Index("ix_features_place", "area_id", "ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column()
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(String(300), default="")
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Collection(Model):
    """特集: a curated, ordered list of items with a title and an introduction."""

    __tablename__ = "collections"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    intro_html: Mapped[str] = mapped_column(Text, default="")
    is_published: Mapped[bool] = mapped_column(default=False, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    items = relationship("CollectionItem", lazy="raise", cascade="all, delete-orphan",
                         order_by="CollectionItem.position")

    @property
    def link(self) -> str:
        return url_for("moderation.collection", slug=self.slug)


class CollectionItem(Model):
    __tablename__ = "collection_items"
    __table_args__ = (UniqueConstraint("collection_id", "item_kind", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("collections.id", ondelete="CASCADE"), index=True)
    item_kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column()
    position: Mapped[int] = mapped_column(default=0)
    comment: Mapped[str] = mapped_column(String(500), default="")
