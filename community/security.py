"""Security headers, the request class that keeps control characters (and lone surrogates) out, the session user
loader and the one safe_next_url."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, Request, g, request, url_for
from werkzeug.datastructures import ImmutableMultiDict

from community.extensions import login_manager

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",  # + the map tile server's origin (tile_source), added by init_app
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


# Pages that hold something of one browser's session for a visitor too: the sign-in forms' CSRF token, a reset token.
SESSION_PAGES = frozenset({"accounts.login", "accounts.register", "accounts.request_password_reset",
                           "accounts.reset_password"})
PERSONAL = "private, no-store"


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


def tile_source(tile_url: str | None) -> str | None:
    """The CSP source of the map tile server in MAP_TILE_URL: its scheme, host and port (Leaflet's {s} subdomain
    placeholder becomes the wildcard label); None for tiles served by this site or an unusable setting."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url.replace("{s}", "*"))
    if parts.scheme not in ("http", "https") or not parts.netloc or not re.fullmatch(r"[A-Za-z0-9.*:\-\[\]]+",
                                                                                       parts.netloc):
        return None
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(app: Flask) -> str:
    source = tile_source(app.config.get("MAP_TILE_URL"))
    if source is None:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace("img-src 'self' data:", f"img-src 'self' data: {source}", 1)


def init_app(app: Flask) -> None:
    app.request_class = CleanRequest
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None  # the login page itself says why
    login_manager.session_protection = "basic"

    @app.teardown_request
    def close_uploads(exc=None):
        """A large upload waits in a temporary file: closed with its request, whether or not the view read it."""
        from flask import request

        if "files" in request.__dict__:  # parsed by this request (reading it here would parse the body)
            for upload in request.files.values():
                upload.close()

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", content_security_policy(app))
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    @app.after_request
    def personal_responses_are_not_stored(response):
        """Whatever is rendered for a signed-in member (their name in the header, their pages, their drafts) is
        theirs: neither a shared cache nor the browser's disk keeps it. The sign-in pages are kept for visitors
        too. A response that set its own Cache-Control (feeds, signage, uploaded images) keeps it, and one that
        never asked who is signed in (static files) is nobody's."""
        if "Cache-Control" not in response.headers and (g.get("signed_in") or request.endpoint in SESSION_PAGES):
            response.headers["Cache-Control"] = PERSONAL
        return response


@login_manager.user_loader
def load_user(session_id: str):
    """The user of an open session (see accounts.sessions): an ended session loads nobody."""
    from community.accounts.sessions import session_user

    user = session_user(session_id)
    g.signed_in = user is not None  # the response is this member's (personal_responses_are_not_stored)
    return user


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
