"""Asia/Tokyo ↔ UTC: stored times are UTC, people think in Japanese local dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")


def now_utc() -> datetime:
    return datetime.now(UTC)


def today_local(now: datetime | None = None) -> date:
    return (now or now_utc()).astimezone(TOKYO).date()


def local_to_utc(day: date, at: time | None = None) -> datetime:
    return datetime.combine(day, at or time(0, 0), tzinfo=TOKYO).astimezone(UTC)


def day_start(day: date) -> datetime:
    return local_to_utc(day)


def day_end(day: date) -> datetime:
    """The first instant of the next local day (an exclusive bound)."""
    return local_to_utc(day + timedelta(days=1))


def to_local(value: datetime) -> datetime:
    return value.astimezone(TOKYO)
