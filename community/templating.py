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
            "policy": policy,
            "current_user": current_user,
            "current_locale": str(get_locale()),
            "text_size": text_size(),
            "site_name": app.config["SITE_NAME"],
        }

    app.jinja_env.filters["datetime"] = lambda value, fmt="yyyy年M月d日 H:mm": (
        format_datetime(value, fmt) if value else ""
    )
    app.jinja_env.filters["date"] = lambda value, fmt="yyyy年M月d日": format_date(value, fmt) if value else ""
    app.jinja_env.add_extension("jinja2.ext.do")
