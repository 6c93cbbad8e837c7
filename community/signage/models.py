"""Urgent notices (緊急情報): a site-wide or area banner that also takes over signage screens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.db import UTCDateTime, utcnow
from community.extensions import Model


class UrgentNotice(Model):
    __tablename__ = "urgent_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    # The やさしい日本語 version (empty: none), plain text like the notice itself.
    easy_title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    easy_body: Mapped[str] = mapped_column(Text, default="", server_default="")
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))  # None: whole city
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    area = relationship("Area")
