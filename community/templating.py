"""What every template sees: locale choice, text size, the policy, date filters."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_login import current_user

from community import policy

TEXT_SIZES = ("normal", "large", "xlarge")


def select_locale() -> str:
    """An explicit choice (cookie) wins; otherwise Japanese unless the browser prefers English."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get("lang")
    if chosen in languages:
        return chosen
    return str(request.accept_languages.best_match(languages, default=languages[0]) or languages[0])


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
    from community.items import link_of, title_of
    from community.roles import role_label
    from community.search.query import MAX_QUERY
    from community.seo.meta import item_meta, json_ld, page_meta

    app.jinja_env.globals.update(policy=policy, current_user=current_user, event_span=event_span,
                                 item_link=link_of, item_title=title_of, role_label=role_label,
                                 search_max_query=MAX_QUERY, page_meta=page_meta, item_meta=item_meta)
    app.jinja_env.filters["json_ld"] = json_ld
    app.jinja_env.filters["extra_info"] = _extra_info
    app.jinja_env.filters["datetime"] = lambda value: f"{format_day(value)} {format_time(value)}" if value else ""
    app.jinja_env.filters["date"] = lambda value: format_day(value) if value else ""
    app.jinja_env.add_extension("jinja2.ext.do")


JA_WEEKDAYS = "月火水木金土日"
EN_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _english() -> bool:
    from flask_babel import get_locale

    return str(get_locale()) == "en"


def _local(value):
    """Aware datetimes in Japan time; dates as they are."""
    from datetime import datetime

    from community.timeutil import to_local

    return to_local(value) if isinstance(value, datetime) else value


def _extra_info(item) -> list[tuple[str, str]]:
    from community.opendata.services import shown_extra_fields

    return shown_extra_fields(item)


def format_day(value, short: bool = False) -> str:
    """「2026年4月2日(木)」 or "Thu 2 Apr 2026". Hand-made: Babel's pattern formatting costs ~1 ms a call,
    and a listing formats hundreds of dates."""
    day = _local(value)
    if _english():
        text = f"{EN_WEEKDAYS[day.weekday()]} {day.day} {EN_MONTHS[day.month - 1]}"
        return text if short else f"{text} {day.year}"
    text = f"{day.month}月{day.day}日({JA_WEEKDAYS[day.weekday()]})"
    return text if short else f"{day.year}年{text}"


def format_time(value) -> str:
    moment = _local(value)
    return f"{moment.hour}:{moment.minute:02d}"


def event_span(starts, ends, all_day: bool) -> str:
    """「2026年4月2日(木) 10:00〜12:00」 in the reader's language, always in Japan time."""
    from datetime import timedelta

    starts_local = _local(starts)
    day = format_day(starts_local)
    if all_day:
        last_day = _local(ends - timedelta(seconds=1)) if ends else starts_local
        if last_day.date() != starts_local.date():
            # The end keeps its year when it is another one: 「2026年4月2日(木)〜2027年3月18日(木)」.
            return f"{day}〜{format_day(last_day, short=last_day.year == starts_local.year)}"
        return day
    text = f"{day} {format_time(starts_local)}"
    if ends:
        ends_local = _local(ends)
        if ends_local.date() == starts_local.date():
            text += "〜" + format_time(ends_local)
        else:
            short = ends_local.year == starts_local.year
            text += f"〜{format_day(ends_local, short=short)} {format_time(ends_local)}"
    return text
