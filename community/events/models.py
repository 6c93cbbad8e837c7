"""Events, and their occurrences expanded from an RRULE so listings can filter and page in SQL."""

from __future__ import annotations

from datetime import date, datetime

from flask import url_for
from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.content.models import PublishableMixin, stream_index
from community.db import UTCDateTime
from community.extensions import Model


class Event(PublishableMixin, Model):
    """A group's event, or a community's meetup (community_id set, group_id empty)."""

    __tablename__ = "events"
    # A community's meetups to come are read from its own rows in date order, not by walking every event's date.
    # Both community indexes are partial (meetups only): a NULL-heavy index would have SQLite answer the public
    # clause's "community_id IS NULL OR …" with a scan of nearly every event instead of a list's index.
    __table_args__ = (Index("ix_events_listing", "status", "updated_at"),
                      Index("ix_events_community_start", "community_id", "starts_at",
                            sqlite_where=text("community_id IS NOT NULL"),
                            postgresql_where=text("community_id IS NOT NULL")),
                      stream_index("events"),
                      Index("ix_events_community_id", "community_id", sqlite_where=text("community_id IS NOT NULL"),
                            postgresql_where=text("community_id IS NOT NULL")))
    KIND = "event"

    # Indexed for a community's meetups only (partial index below): a NULL-heavy index would have SQLite answer
    # the public clause's "community_id IS NULL OR …" with a scan of nearly every event instead of a list's index.
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    all_day: Mapped[bool] = mapped_column(default=False)
    time_note: Mapped[str] = mapped_column(String(300), default="")
    # RFC 5545 recurrence, e.g. "FREQ=WEEKLY;UNTIL=20270331T145959Z"; empty for a single date.
    rrule: Mapped[str] = mapped_column(String(200), default="")
    # Local dates the rule skips (RFC 5545 EXDATE, e.g. 祝日休み), as "2026-05-14".
    exdates: Mapped[list] = mapped_column(JSON, default=list)
    venue_name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    latitude: Mapped[float | None] = mapped_column()
    longitude: Mapped[float | None] = mapped_column()
    fee: Mapped[str] = mapped_column(String(300), default="")
    fee_amount: Mapped[int | None] = mapped_column()
    capacity: Mapped[int | None] = mapped_column()
    how_to_apply: Mapped[str] = mapped_column(Text, default="")
    apply_deadline: Mapped[date | None] = mapped_column()
    contact: Mapped[str] = mapped_column(String(300), default="")
    organizer: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    apply_url: Mapped[str] = mapped_column(String(500), default="")  # 申込URL
    capacity_text: Mapped[str] = mapped_column(String(300), default="")  # 定員 as written ("15組（申込順）")
    audience: Mapped[str] = mapped_column(String(300), default="")  # 対象者
    image_url: Mapped[str] = mapped_column(String(500), default="")  # 画像 (an address, not an upload)
    genre: Mapped[str] = mapped_column(String(100), default="")  # イベントジャンル / イベント種類 as the file says
    # The first date still to come (ends after "now" when last computed), denormalised from event_occurrences so
    # upcoming lists are one indexed walk of events, not a ranking of every date: written whenever the dates are
    # (re)expanded and moved on by services.refresh_next_dates once it has passed; both empty once all are over.
    next_start: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    next_end: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Open-data columns without a column of their own, by the file's header ("サブタイトル": "…"): shown on the
    # page as その他の情報, given by the API, and written back by the export.
    extra_fields: Mapped[dict] = mapped_column(JSON, default=dict)

    community = relationship("Community")
    occurrences = relationship("EventOccurrence", back_populates="event", lazy="raise",
                               cascade="all, delete-orphan", order_by="EventOccurrence.starts_at")

    @property
    def link(self) -> str:
        return url_for("events.detail", event_id=self.id)

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"


class EventOccurrence(Model):
    """One date of an event; a single event has one, a repeating one has one per date."""

    __tablename__ = "event_occurrences"
    __table_args__ = (Index("ix_event_occurrences_span", "starts_at", "ends_at"),
                      Index("ix_event_occurrences_event_end", "event_id", "ends_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    event = relationship("Event", back_populates="occurrences")
