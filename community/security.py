"""Security headers, the request class that keeps control characters (and lone surrogates) out, the session user
loader and the one safe_next_url."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, Request, request, url_for
from werkzeug.datastructures import ImmutableMultiDict

from community.extensions import login_manager

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# C0 controls and DEL, except tab, line feed and carriage return: never typed, and NUL cannot be stored by PostgreSQL.
# Lone surrogates too: they are not text (no encoding can write them), and a database driver, the search analyser or
# a template that meets one raises.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def without_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


class _Parameters(ImmutableMultiDict):
    """Query arguments and form fields as sent, less their control characters (uploaded files pass untouched):
    what comes from outside never carries a NUL into a query, a stored row, a page or a feed."""

    def __init__(self, mapping=None):
        if mapping is not None and not isinstance(mapping, dict):
            mapping = [(_clean(key), _clean(value)) for key, value in mapping]
        super().__init__(mapping)


def _clean(value):
    return without_control_characters(value) if isinstance(value, str) else value


class CleanRequest(Request):
    parameter_storage_class = _Parameters


def init_app(app: Flask) -> None:
    app.request_class = CleanRequest
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None  # the login page itself says why
    login_manager.session_protection = "basic"

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


@login_manager.user_loader
def load_user(session_id: str):
    """The user of an open session (see accounts.sessions): an ended session loads nobody."""
    from community.accounts.sessions import session_user

    return session_user(session_id)


def safe_next_url(target: str | None, default_endpoint: str = "main.home") -> str:
    """Only a path on this site: no scheme, no host, no protocol-relative //, no backslashes."""
    fallback = url_for(default_endpoint)
    if not target:
        return fallback
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return fallback
    return target


def current_path() -> str:
    """The path and query of this request, for ?next= links."""
    return request.full_path.rstrip("?")
