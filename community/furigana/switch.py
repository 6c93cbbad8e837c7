"""The furigana switch: `?ruby=1` / `?ruby=0` in any URL (remembered), else the visitor's cookie; off by default.
Only pages with it on pay for the readings."""

from __future__ import annotations

from flask import Flask, Response, g, request
from flask_babel import get_locale

RUBY_COOKIE = "ruby"
ONE_YEAR = 60 * 60 * 24 * 365


def asked() -> bool | None:
    """What `?ruby=` in this URL asks for, if it says 1 or 0."""
    value = request.args.get("ruby")
    return {"1": True, "0": False}.get(value or "")


def furigana_on() -> bool:
    wanted = asked()
    return wanted if wanted is not None else request.cookies.get(RUBY_COOKIE) == "1"


def remember(response: Response, on: bool) -> Response:
    response.set_cookie(RUBY_COOKIE, "1" if on else "0", max_age=ONE_YEAR, httponly=True, samesite="Lax")
    return response


def add_readings(response: Response) -> Response:
    """after_request: a Japanese HTML page gets its readings when the switch is on; `?ruby=` is remembered."""
    if response.mimetype != "text/html" or response.direct_passthrough or response.is_streamed:
        return response
    wanted = asked()
    if wanted is not None and request.cookies.get(RUBY_COOKIE) != ("1" if wanted else "0"):
        remember(response, wanted)
    if furigana_on() and str(get_locale()) == "ja" and not g.get("page_from_cache"):
        from community.furigana.markup import add_furigana
        from community.furigana.services import dictionary

        response.set_data(add_furigana(response.get_data(as_text=True), dictionary()))
    return response


def init_app(app: Flask) -> None:
    """Registered after the page cache, so it runs before it (after_request runs last-registered first): a kept
    page already carries its readings."""
    app.after_request(add_readings)
    app.context_processor(lambda: {"furigana_on": furigana_on()})
