"""Whole numbers from text people (or anything) send: query strings, URL fragments, form values, environment."""

from __future__ import annotations


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
