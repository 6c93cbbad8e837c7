"""Recurrence as a group editor thinks of it (repeat, every N, end, skipped dates) and as RFC 5545 stores it.

The form speaks `Recurrence`; the event keeps the RRULE string (`Event.rrule`) and the skipped local dates
(`Event.exdates`); `dates()` expands them, and `describe()` puts the rule into words (「毎月第2木曜 10:00」).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from dateutil.rrule import rrulestr
from flask_babel import gettext as _

# What the form offers: the value is stored in no column, it is read back from the RRULE.
NONE, DAILY, WEEKLY, MONTHLY_BY_DATE, MONTHLY_BY_WEEKDAY = "", "DAILY", "WEEKLY", "MONTHLY", "MONTHLY_NTH"
END_NEVER, END_UNTIL, END_COUNT = "never", "until", "count"
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_COUNT = 400
HORIZON = timedelta(days=2 * 366)  # a rule without an end is expanded this far


@dataclass
class Recurrence:
    """One repeating rule; `until` is a local date (inclusive), `nth` the week of the month (-1: the last)."""

    repeat: str
    interval: int = 1
    end: str = END_NEVER
    until: date | None = None
    count: int | None = None
    nth: int | None = None

    def to_rrule(self, start: datetime) -> str:
        """The RRULE for a series starting at `start` (local time)."""
        freq = "MONTHLY" if self.repeat == MONTHLY_BY_WEEKDAY else self.repeat
        parts = [f"FREQ={freq}"]
        if self.interval > 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.repeat == MONTHLY_BY_WEEKDAY:
            parts.append(f"BYDAY={nth_of(start.date())}{ICAL_DAYS[start.weekday()]}")
        if self.end == END_UNTIL and self.until:
            from community.timeutil import local_to_utc

            until = local_to_utc(self.until + timedelta(days=1)) - timedelta(seconds=1)
            parts.append(f"UNTIL={until.strftime('%Y%m%dT%H%M%SZ')}")
        elif self.end == END_COUNT and self.count:
            parts.append(f"COUNT={self.count}")
        return ";".join(parts)

    @classmethod
    def from_rrule(cls, rrule: str) -> Recurrence | None:
        """The form's view of a stored rule; None when there is none."""
        parts = rule_parts(rrule)
        freq = parts.get("FREQ", "")
        if freq not in ("DAILY", "WEEKLY", "MONTHLY"):
            return None
        repeat = MONTHLY_BY_WEEKDAY if freq == "MONTHLY" and parts.get("BYDAY") else freq
        recurrence = cls(repeat=repeat, interval=_whole(parts.get("INTERVAL")) or 1)
        if "UNTIL" in parts:
            recurrence.end, recurrence.until = END_UNTIL, _until_day(parts["UNTIL"])
        elif "COUNT" in parts:
            recurrence.end, recurrence.count = END_COUNT, _whole(parts["COUNT"])
        if repeat == MONTHLY_BY_WEEKDAY:
            recurrence.nth = _whole(parts["BYDAY"][:-2]) or 1
        return recurrence


def rule_parts(rrule: str) -> dict[str, str]:
    return {key.upper(): value for key, _sep, value in (p.partition("=") for p in (rrule or "").split(";")) if value}


def nth_of(day: date) -> int:
    """Which of its weekday in the month `day` is: 1 to 4, or -1 for the fifth (the last)."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def local_starts(rrule: str, exdates, start: datetime, limit: int = MAX_COUNT, skip: bool = True) -> list[datetime]:
    """The series' starts in local time (`start` is local), within the horizon; skipped dates left out."""
    if not rrule:
        return [start]
    skipped = {date.fromisoformat(d) for d in exdates or ()} if skip else set()
    horizon = start + HORIZON
    starts: list[datetime] = []
    for moment in rrulestr(rrule, dtstart=start):
        if moment > horizon or len(starts) >= limit:
            break
        if moment.date() not in skipped:
            starts.append(moment)
    return starts


def describe(event) -> str:
    """The rule in words, with the time: 「毎週木曜 10:00」「毎月第2木曜」「隔週土曜」; "" for a single date."""
    from community.timeutil import to_local

    recurrence = Recurrence.from_rrule(event.rrule) if event.rrule else None
    if recurrence is None:
        return ""
    start = to_local(event.starts_at)
    words = _rule_words(recurrence, start.date())
    if not event.all_day:
        words += f" {start.hour}:{start.minute:02d}"
    return words


def end_of(event) -> tuple[str, date | int | None]:
    """How the series ends: (END_UNTIL, its last day), (END_COUNT, the number of times) or (END_NEVER, None)."""
    recurrence = Recurrence.from_rrule(event.rrule) if event.rrule else None
    if recurrence is None:
        return END_NEVER, None
    if recurrence.end == END_UNTIL and recurrence.until:
        return END_UNTIL, recurrence.until
    if recurrence.end == END_COUNT and recurrence.count:
        return END_COUNT, recurrence.count
    return END_NEVER, None


def weekday_name(day: date) -> str:
    return (_("月曜"), _("火曜"), _("水曜"), _("木曜"), _("金曜"), _("土曜"), _("日曜"))[day.weekday()]


def _rule_words(recurrence: Recurrence, start: date) -> str:
    n, weekday = recurrence.interval, weekday_name(start)
    if recurrence.repeat == DAILY:
        return _("毎日") if n == 1 else _("%(n)d日ごと", n=n)
    if recurrence.repeat == WEEKLY:
        if n == 1:
            return _("毎週%(weekday)s", weekday=weekday)
        return _("隔週%(weekday)s", weekday=weekday) if n == 2 else _("%(n)d週ごとの%(weekday)s", n=n, weekday=weekday)
    if recurrence.repeat == MONTHLY_BY_WEEKDAY:
        nth = recurrence.nth or nth_of(start)
        on = _("最終%(weekday)s", weekday=weekday) if nth == -1 else _("第%(nth)d%(weekday)s", nth=nth,
                                                                              weekday=weekday)
    else:
        on = _("%(day)d日", day=start.day)
    return _("毎月%(on)s", on=on) if n == 1 else _("%(n)dか月ごとの%(on)s", n=n, on=on)


def _whole(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _until_day(value: str) -> date | None:
    """UNTIL as the local day it ends (a UTC time, or a date)."""
    from community.timeutil import to_local

    try:
        if "T" in value:
            return to_local(datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)).date()
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return None

