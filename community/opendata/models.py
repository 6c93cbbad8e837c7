"""Imports run in the background (a CSV uploaded in the browser) and the feeds a group subscribes to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.db import UTCDateTime, utcnow
from community.extensions import Model


class ImportJob(Model):
    """One uploaded file: previewed (nothing written), then confirmed and imported by the background worker in
    batches, `done` of `total` rows so far. The file itself waits in the instance folder (`stored_name`) until the
    job has run or the preview has expired."""

    __tablename__ = "import_jobs"
    __table_args__ = (Index("ix_import_jobs_status", "status", "created_at"),)

    PREVIEW, QUEUED, RUNNING, DONE, FAILED = "preview", "queued", "running", "done", "failed"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))  # "events" or "facilities"
    filename: Mapped[str] = mapped_column(String(200), default="")
    stored_name: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(20), default=PREVIEW)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    changed: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    refused: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(500), default="")
    # The preview, computed once at upload: [[result, line or "", title, reason], …] in file order.
    report: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    group = relationship("Group")

    @property
    def percent(self) -> int:
        return 100 if self.status == self.DONE else int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (self.DONE, self.FAILED)


class FeedSubscription(Model):
    """A URL a group's events are fetched from: an イベント一覧 CSV or an iCalendar feed."""

    __tablename__ = "feed_subscriptions"

    CSV, ICAL = "csv", "ical"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(10), default=CSV)
    interval_hours: Mapped[int] = mapped_column(default=6)
    etag: Mapped[str] = mapped_column(String(300), default="")
    last_modified: Mapped[str] = mapped_column(String(100), default="")
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_fetch_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    group = relationship("Group")
    logs = relationship("FeedLog", back_populates="subscription", cascade="all, delete-orphan", lazy="dynamic",
                        order_by="FeedLog.id.desc()")


class FeedLog(Model):
    """One fetch of a feed: what the server answered, and what the import made of it."""

    __tablename__ = "feed_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("feed_subscriptions.id", ondelete="CASCADE"),
                                                 index=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    outcome: Mapped[str] = mapped_column(String(20))  # imported, not-modified, failed
    http_status: Mapped[int | None] = mapped_column()
    created: Mapped[int] = mapped_column(default=0)
    changed: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    refused: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(String(500), default="")
    details: Mapped[list] = mapped_column(JSON, default=list)  # ["新規: …", "4行目: …"]

    subscription = relationship("FeedSubscription", back_populates="logs")
