"""What every template sees: locale choice, text size, the policy, date filters."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import format_date, format_datetime
from flask_login import current_user

from community import policy

TEXT_SIZES = ("normal", "large", "xlarge")


def select_locale() -> str:
    """An explicit choice (cookie) wins; otherwise Japanese unless the browser prefers English."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages, default=languages[0]) or languages[0]


def text_size() -> str:
    size = request.cookies.get("text_size", "normal")
    return size if size in TEXT_SIZES else "normal"


def init_app(app: Flask) -> None:
    from flask_babel import get_locale

    @app.context_processor
    def inject_globals():
        return {
            "current_locale": str(get_locale()),
            "text_size": text_size(),
            "site_name": app.config["SITE_NAME"],
        }

    # Globals, not context, so that imported macros see them too.
    app.jinja_env.globals.update(policy=policy, current_user=current_user, event_span=event_span)
    app.jinja_env.filters["datetime"] = lambda value: (
        f"{format_date(value, _patterns()['day'])} {format_datetime(value, _patterns()['time'])}" if value else ""
    )
    app.jinja_env.filters["date"] = lambda value: format_date(value, _patterns()["day"]) if value else ""
    app.jinja_env.add_extension("jinja2.ext.do")


PATTERNS = {
    "ja": {"day": "yyyy年M月d日(E)", "short_day": "M月d日(E)", "time": "H:mm"},
    "en": {"day": "EEE d MMM yyyy", "short_day": "EEE d MMM", "time": "H:mm"},
}


def _patterns() -> dict:
    from flask_babel import get_locale

    return PATTERNS.get(str(get_locale()), PATTERNS["ja"])


def event_span(starts, ends, all_day: bool) -> str:
    """「2026年4月2日(木) 10:00〜12:00」 in the reader's language, always in Japan time."""
    from datetime import timedelta

    p = _patterns()
    day = format_date(starts, p["day"])
    if all_day:
        last_day = ends - timedelta(seconds=1) if ends else starts
        if format_date(last_day, "yyyyMMdd") != format_date(starts, "yyyyMMdd"):
            return f"{day}〜{format_date(last_day, p['short_day'])}"
        return day
    text = f"{day} {format_datetime(starts, p['time'])}"
    if ends:
        if format_date(ends, "yyyyMMdd") == format_date(starts, "yyyyMMdd"):
            text += "〜" + format_datetime(ends, p["time"])
        else:
            text += f"〜{format_date(ends, p['short_day'])} {format_datetime(ends, p['time'])}"
    return text
