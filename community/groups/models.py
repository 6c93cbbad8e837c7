"""Publishers: groups (自治会, NPO, shops, schools, city departments) and their editors."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask import url_for
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.db import TimestampMixin, UTCDateTime, utcnow
from community.extensions import Model


class GroupKind(StrEnum):
    NEIGHBOURHOOD = "jichikai"
    NPO = "npo"
    SHOP = "shop"
    SCHOOL = "school"
    CITY = "city"
    CIRCLE = "circle"
    OTHER = "other"


class GroupRole(StrEnum):
    OWNER = "owner"
    EDITOR = "editor"


class Group(TimestampMixin, Model):
    __tablename__ = "groups"
    KIND = "group"  # its name in search (community.items.FINDABLE_KINDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default=GroupKind.OTHER)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    logo: Mapped[str | None] = mapped_column(String(100))
    verified: Mapped[bool] = mapped_column(default=False, index=True)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    area = relationship("Area")
    memberships = relationship(
        "GroupMembership", back_populates="group", lazy="raise", cascade="all, delete-orphan"
    )

    @property
    def url(self) -> str:
        return url_for("groups.detail", slug=self.slug)

    @property
    def link(self) -> str:  # the name every findable kind's address goes by (community.items.link_of)
        return self.url

    def __repr__(self) -> str:
        return f"<Group {self.slug}>"


class GroupMembership(Model):
    __tablename__ = "group_memberships"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10), default=GroupRole.EDITOR)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    group = relationship("Group", back_populates="memberships", lazy="raise")
    user = relationship("User", back_populates="memberships", lazy="raise")

