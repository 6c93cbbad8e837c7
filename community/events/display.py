"""How a listed event's date reads: a long exhibition as its 会期 (「開催中（〜3月18日）」), a repeating event at its
next date with its rule in words, anything else as its date and time. Used by cards, signage and the calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from community.events.recurrence import END_COUNT, END_UNTIL, describe, end_of

# An event running longer than this is shown as a period, not as a date (an exhibition, a 会期).
LONG_EVENT = timedelta(days=3)


def is_long(occurrence) -> bool:
    """Whether this date of an event (an occurrence, or anything with starts_at/ends_at) lasts for weeks."""
    return occurrence.ends_at - occurrence.starts_at > LONG_EVENT


def event_when(event, starts: datetime, ends: datetime, now: datetime | None = None) -> str:
    """The date a list shows for one event at [starts, ends)."""
    from community.templating import event_span
    from community.timeutil import now_utc, to_local

    if ends - starts <= LONG_EVENT:
        return event_span(starts, ends, event.all_day)
    now = now or now_utc()
    this_year = to_local(now).year
    last = to_local(ends - timedelta(seconds=1)).date() if event.all_day else to_local(ends).date()
    if starts <= now:
        return _("開催中（〜%(last)s）", last=_month_day(last, this_year))
    return _("%(first)s〜%(last)s", first=_month_day(to_local(starts).date(), this_year),
             last=_month_day(last, this_year))


def repeat_words(event) -> str:
    """「毎週木曜 10:00」 for a repeating event, "" for any other."""
    return describe(event) if event.rrule else ""


def repeat_end(event) -> str:
    """「2027年3月31日まで」「全10回」, or "" for a rule without an end."""
    from community.templating import format_day

    end, value = end_of(event)
    if end == END_UNTIL and isinstance(value, date):
        return _("%(day)sまで", day=format_day(value))
    if end == END_COUNT:
        return _("全%(n)d回", n=value)
    return ""


def skipped_days(event) -> str:
    """The dates a repeating event skips, as people read them: 「2026年5月14日(木)、…」."""
    from community.templating import format_day

    return _("、").join(format_day(date.fromisoformat(d)) for d in sorted(event.exdates or ()))


def _month_day(day: date, this_year: int) -> str:
    """「3月18日」, with the year when it is not this one (「2027年3月18日」)."""
    if day.year != this_year:
        return _("%(year)d年%(month)d月%(day)d日", year=day.year, month=day.month, day=day.day)
    return _("%(month)d月%(day)d日", month=day.month, day=day.day)
