"""What every template sees: locale choice, text size, the policy, date filters."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Flask, current_app, request
from flask_login import current_user

from community import policy

TEXT_SIZES = ("normal", "large", "xlarge")


# Screens in a facility: their URL alone decides the language (Japanese by default), never the kiosk's browser.
SCREEN_ENDPOINTS = ("signage.screen", "signage.data")
LANGUAGE_COOKIE_SECONDS = 60 * 60 * 24 * 365


def asked_language() -> str | None:
    """The language `?lang=` asks for in this URL, if it is one of the site's."""
    asked = request.args.get("lang", "")
    return asked if asked in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    """`?lang=` in the URL (a link shared in a language), then an explicit choice (cookie), then the browser's
    preference; Japanese when none of them names a language of the site. Signage screens: only their URL."""
    languages = current_app.config["LANGUAGES"]
    asked = asked_language()
    if request.endpoint in SCREEN_ENDPOINTS or asked:
        return asked or languages[0]
    chosen = request.cookies.get("lang")
    if chosen in languages:
        return chosen
    return str(request.accept_languages.best_match(languages, default=languages[0]) or languages[0])


def remember_asked_language(response):
    """A page opened with `?lang=` keeps that language for the next pages (as the language menu does)."""
    asked = asked_language()
    if asked and request.endpoint not in SCREEN_ENDPOINTS and request.cookies.get("lang") != asked \
            and response.mimetype == "text/html":
        response.set_cookie("lang", asked, max_age=LANGUAGE_COOKIE_SECONDS, httponly=True, samesite="Lax")
        remember_member_language(asked)
    return response


def remember_member_language(language: str) -> None:
    """A signed-in member's choice of language is kept with the account too, for what is sent to them later."""
    from community.extensions import db

    if current_user.is_authenticated and getattr(current_user, "language", language) != language:
        current_user.language = language
        db.session.commit()


def text_size() -> str:
    size = request.cookies.get("text_size", "normal")
    return size if size in TEXT_SIZES else "normal"


def init_app(app: Flask) -> None:
    from flask_babel import get_locale

    from community.locale import (
        crumb_text,
        in_parens,
        language_tag,
        local_name,
        site_name,
        user_content_attrs,
        user_text,
    )

    app.after_request(remember_asked_language)

    @app.context_processor
    def inject_globals():
        locale = str(get_locale())
        return {
            "current_locale": locale,
            "html_lang": language_tag(locale),
            "text_size": text_size(),
            "site_name": site_name(),
        }

    # Globals, not context, so that imported macros see them too.
    from community.items import kind_of, link_of, title_of
    from community.roles import role_label
    from community.search.query import MAX_QUERY
    from community.seo.meta import item_meta, json_ld, page_meta
    from community.seo.structured import listing_crumb, trail_steps

    app.jinja_env.globals.update(policy=policy, current_user=current_user, event_span=event_span,
                                 item_link=link_of, item_title=title_of, item_kind=kind_of, role_label=role_label,
                                 search_max_query=MAX_QUERY, page_meta=page_meta, item_meta=item_meta,
                                 trail_steps=trail_steps, listing_crumb=listing_crumb,
                                 category_illustration=category_illustration, language_menu=language_menu)
    app.jinja_env.globals["user_content"] = user_content_attrs
    app.jinja_env.filters["user_text"] = user_text
    app.jinja_env.filters["crumb_text"] = crumb_text
    app.jinja_env.filters["in_parens"] = in_parens
    from community.shops.services import tag_label
    app.jinja_env.filters["shop_tag"] = tag_label
    app.jinja_env.filters["local_name"] = local_name
    app.jinja_env.globals["until_mark"] = _until
    app.jinja_env.filters["json_ld"] = json_ld
    app.jinja_env.filters["extra_info"] = _extra_info
    app.jinja_env.filters["datetime"] = lambda value: f"{format_day(value)} {format_time(value)}" if value else ""
    app.jinja_env.filters["date"] = lambda value: format_day(value) if value else ""
    app.jinja_env.filters["iso"] = machine_readable
    app.jinja_env.add_extension("jinja2.ext.do")


def language_menu() -> list[dict]:
    """The language menu: every language of the site, named in itself, with this page's address in it (`?lang=`
    on the current URL, its other arguments kept), and whether it is the one shown."""
    from urllib.parse import urlencode

    from flask_babel import get_locale

    from community.locale import language_name, language_tag

    current = str(get_locale())
    kept = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    entries = []
    for code in current_app.config["LANGUAGES"]:
        query = urlencode([*kept, ("lang", code)])
        entries.append({"code": code, "name": language_name(code), "tag": language_tag(code),
                        "url": f"{request.script_root}{request.path}?{query}", "current": code == current})
    return entries


def machine_readable(value) -> str:
    """A date or a moment as a <time datetime> value: HTML allows at most three digits of a second, so a moment
    is given to the second."""
    from datetime import datetime

    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value.isoformat()


ILLUSTRATIONS = "img/categories"


@cache
def _illustrated(static_folder: str) -> frozenset[str]:
    """The category slugs that have a drawing of their own under static/img/categories (read once)."""
    folder = Path(static_folder) / ILLUSTRATIONS
    return frozenset(path.stem for path in folder.glob("*.svg"))


def category_illustration(category) -> str:
    """The static file drawn for a category (a card's picture when the item has none): its own, or the generic one."""
    slug = getattr(category, "slug", None)
    name = slug if slug and slug in _illustrated(current_app.static_folder or "") else "generic"
    return f"{ILLUSTRATIONS}/{name}.svg"


JA_WEEKDAYS = "月火水木金土日"
EN_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ZH_WEEKDAYS = "一二三四五六日"
KO_WEEKDAYS = "월화수목금토일"
VI_WEEKDAYS = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")


def _language() -> str:
    from community.locale import interface_language

    return interface_language()


def _english() -> bool:
    return _language() == "en"


def _local(value):
    """Aware datetimes in Japan time; dates as they are."""
    from datetime import datetime

    from community.timeutil import to_local

    return to_local(value) if isinstance(value, datetime) else value


def _extra_info(item) -> list[tuple[str, str]]:
    from community.opendata.services import shown_extra_fields

    return shown_extra_fields(item)


def format_day(value, short: bool = False) -> str:
    """「2026年4月2日(木)」, "Thu 2 Apr 2026", 「2026年4月2日（周四）」, 「2026년 4월 2일 (목)」 or "T5, 2/4/2026"
    (short: without the year). Hand-made: Babel's pattern formatting costs ~1 ms a call, and a listing formats
    hundreds of dates."""
    day = _local(value)
    language = _language()
    if language == "en":
        text = f"{EN_WEEKDAYS[day.weekday()]} {day.day} {EN_MONTHS[day.month - 1]}"
        return text if short else f"{text} {day.year}"
    if language == "zh":
        text = f"{day.month}月{day.day}日（周{ZH_WEEKDAYS[day.weekday()]}）"
        return text if short else f"{day.year}年{text}"
    if language == "ko":
        text = f"{day.month}월 {day.day}일 ({KO_WEEKDAYS[day.weekday()]})"
        return text if short else f"{day.year}년 {text}"
    if language == "vi":
        text = f"{VI_WEEKDAYS[day.weekday()]}, {day.day}/{day.month}"
        return text if short else f"{text}/{day.year}"
    text = f"{day.month}月{day.day}日({JA_WEEKDAYS[day.weekday()]})"
    return text if short else f"{day.year}年{text}"


def format_time(value) -> str:
    moment = _local(value)
    return f"{moment.hour}:{moment.minute:02d}"


def _until(between_times: bool = False) -> str:
    """The mark between a start and an end: 「〜」 in Japanese, 「~」 in Korean; an en dash in the other
    languages, spaced between dates."""
    language = _language()
    if language == "ja":
        return "〜"
    if language == "ko":
        return "~" if between_times else " ~ "
    return "–" if between_times else " – "


def event_span(starts, ends, all_day: bool) -> str:
    """「2026年4月2日(木) 10:00〜12:00」 or "Thu 2 Apr 2026 10:00–12:00": in the reader's language, always in
    Japan time."""
    from datetime import timedelta

    starts_local = _local(starts)
    day = format_day(starts_local)
    if all_day:
        last_day = _local(ends - timedelta(seconds=1)) if ends else starts_local
        if last_day.date() != starts_local.date():
            # The end keeps its year when it is another one: 「2026年4月2日(木)〜2027年3月18日(木)」.
            return f"{day}{_until(False)}{format_day(last_day, short=last_day.year == starts_local.year)}"
        return day
    text = f"{day} {format_time(starts_local)}"
    if ends:
        ends_local = _local(ends)
        if ends_local.date() == starts_local.date():
            text += _until(True) + format_time(ends_local)
        else:
            short = ends_local.year == starts_local.year
            text += f"{_until(False)}{format_day(ends_local, short=short)} {format_time(ends_local)}"
    return text
