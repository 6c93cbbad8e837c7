"""Security headers, the session user loader and the one safe_next_url."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, request, url_for

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


def init_app(app: Flask) -> None:
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
