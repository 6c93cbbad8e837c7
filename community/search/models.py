"""The search outbox: index changes written in the same transaction as the data they describe."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from community.db import UTCDateTime, utcnow
from community.extensions import Model


class SearchOutbox(Model):
    """One pending index change; a drain that fails leaves the row for the next try."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column()
    # "add" for an item created in that transaction (cheaper to index), "update" otherwise.
    op: Mapped[str] = mapped_column(String(10), default="update")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
