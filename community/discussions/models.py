"""The columns every post of a discussion has (a thread and a reply), and those only a thread has."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from community.content.moderated import ModeratedMixin
from community.db import UTCDateTime, utcnow


class PostMixin(ModeratedMixin):
    """A member's post: its words (Markdown and the cleaned HTML), when it was written and edited, a soft delete
    (the row stays, for moderation; the page shows a placeholder)."""

    @declared_attr
    def author_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ThreadMixin(PostMixin):
    """A post that others reply to: its title, a lock against new replies, and the counters its list shows (kept
    from the published replies by Discussion.refresh_counters)."""

    title: Mapped[str] = mapped_column(String(200))
    is_locked: Mapped[bool] = mapped_column(default=False)
    reply_count: Mapped[int] = mapped_column(default=0)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def heading(self) -> str:
        return self.title
