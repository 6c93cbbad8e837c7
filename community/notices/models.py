"""Notices (お知らせ): dated announcements with an optional publishing window."""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from community.content.models import PublishableMixin, stream_index
from community.db import UTCDateTime
from community.extensions import Model


class Notice(PublishableMixin, Model):
    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_listing", "status", "updated_at"),
                      Index("ix_notices_published", "status", "published_at"), stream_index("notices"),
                      # The public listing's count reads this index alone, not every notice's row.
                      Index("ix_notices_window", "status", "publish_from", "publish_until"))
    KIND = "notice"

    title: Mapped[str] = mapped_column(String(200))
    publish_from: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    publish_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # The やさしい日本語 version the editor wrote (empty: none); the body is Markdown, cleaned like the body.
    easy_title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    easy_body: Mapped[str] = mapped_column(Text, default="", server_default="")
    easy_body_html: Mapped[str] = mapped_column(Text, default="", server_default="")

    @property
    def has_easy_version(self) -> bool:
        return bool(self.easy_title)

    @property
    def link(self) -> str:
        return url_for("notices.detail", notice_id=self.id)

    def __repr__(self) -> str:
        return f"<Notice {self.id} {self.title!r}>"
