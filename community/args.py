"""Values from text people (or anything) send: query strings, URL fragments, form values, environment. What is not
understood is None (and, for a filter, a message saying it was ignored), never an error page."""

from __future__ import annotations

from collections.abc import Container
from datetime import date

from flask_babel import gettext as _

# Dates outside these bounds are refused as input: they mean nothing here, and the day arithmetic on
# them (the local midnight in UTC, the day after) would overflow at year 1 and year 9999.
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2999, 12, 31)


def whole_number(value, low: int = 0, high: int | None = None) -> int | None:
    """The number `value` spells in ASCII digits, when it lies from `low` to `high`; None for anything else
    (missing, signs, other scripts' digits such as ２ or ², more digits than any sane number, out of range)."""
    if value is None:
        return None
    text = str(value).strip()
    if not text or not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    number = int(text)
    if number < low or (high is not None and number > high):
        return None
    return number


def chosen(args, name: str, allowed: Container, refused: str, errors: list[str]) -> str | None:
    """The query-string value `name` when it is one of `allowed`; otherwise None, and when something else was
    given, `refused` (what is shown instead) is added to errors."""
    value = args.get(name)
    if not value:
        return None
    if value in allowed:
        return value
    errors.append(refused)
    return None


def day(value: str | None) -> date | None:
    """A date written as 2026-04-01, within the years the site deals with; None for anything else."""
    if not value:
        return None
    try:
        found = date.fromisoformat(value.strip())
    except ValueError:
        return None
    return found if EARLIEST_DATE <= found <= LATEST_DATE else None


def date_range(args, errors: list[str]) -> tuple[date | None, date | None] | None:
    """The from/to dates of a filter form: (start, end), either of them None when not given; None, with a message
    in errors, when a date is not understood or the range runs backwards."""
    start, end = day(args.get("from")), day(args.get("to"))
    if (args.get("from") and start is None) or (args.get("to") and end is None):
        errors.append(_("日付は 2026-04-01 の形で入力してください。"))
        return None
    if start and end and end < start:
        errors.append(_("終了日が開始日より前になっています。"))
        return None
    return start, end
