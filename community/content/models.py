"""The publishable-item mixin, its statuses, and the version history kept on every edit."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from community.db import TimestampMixin, UTCDateTime, utcnow
from community.extensions import Model


class Status(StrEnum):
    DRAFT = "draft"          # only the group sees it
    PENDING = "pending"      # waiting for a supporter (unverified group, new member)
    PUBLISHED = "published"  # everyone sees it
    HIDDEN = "hidden"        # withdrawn by the group or hidden by moderation; restorable


def stream_index(table: str) -> Index:
    """Published items newest first by the time a personal stream lists them at (coalesce(published_at,
    created_at), community/me/stream.py): the stream reads its newest rows in this order and stops, instead of
    sorting everything a member follows. Created outside batch migrations (an expression index)."""
    return Index(f"ix_{table}_stream", "status", text("coalesce(published_at, created_at)"))


class PublishableMixin(TimestampMixin):
    """Columns every item a group publishes carries. `KIND` names it in URLs, search and versions."""

    KIND: str = ""

    @declared_attr.directive
    def __table_args__(cls):
        # Listings filter on status and sort by date: one index serves both, so a page of the
        # newest items is read in order instead of sorting every published row.
        return (Index(f"ix_{cls.__tablename__}_listing", "status", "updated_at"), stream_index(cls.__tablename__))

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(12), default=Status.DRAFT, index=True)
    body: Mapped[str] = mapped_column(Text, default="")          # Markdown as written
    body_html: Mapped[str] = mapped_column(Text, default="")     # cleaned with bleach on the way in
    image: Mapped[str | None] = mapped_column(String(80))
    image_alt: Mapped[str] = mapped_column(String(200), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")
    # Where an imported item came from ("opendata:141500:123"), so a second import updates it.
    source_key: Mapped[str | None] = mapped_column(String(120), unique=True)

    @declared_attr
    def group_id(cls) -> Mapped[int | None]:
        # Empty only for a community meetup (an Event with community_id); services require it otherwise.
        return mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)

    @declared_attr
    def author_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @declared_attr
    def area_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"), index=True)

    @declared_attr
    def category_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("categories.id", ondelete="SET NULL"), index=True)

    @declared_attr
    def group(cls):
        return relationship("Group")

    @declared_attr
    def area(cls):
        return relationship("Area")

    @declared_attr
    def category(cls):
        return relationship("Category")

    @declared_attr
    def author(cls):
        return relationship("User")

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def heading(self) -> str:
        return str(getattr(self, "title", None) or getattr(self, "name", ""))


class ContentVersion(Model):
    """The state of an item before an edit: nothing a group writes is lost."""

    __tablename__ = "content_versions"
    __table_args__ = (Index("ix_content_versions_item", "item_kind", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column()
    data: Mapped[dict] = mapped_column(JSON)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    edited_by = relationship("User")
