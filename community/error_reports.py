"""Optional error reports to Sentry (SENTRY_DSN; the `sentry` extra installs sentry-sdk): unhandled exceptions of
requests and ERROR log records, with the request id and without personal data."""

from __future__ import annotations

import logging
import re
from importlib import metadata
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, g, has_request_context

from community.logs import loggable_path

log = logging.getLogger(__name__)

DISTRIBUTION = "sagamihara-community"
# What is kept of a request: its method, its path (secret tokens masked) and these harmless headers; never the query
# string, the body, cookies, the visitor's address or who is signed in.
KEPT_HEADERS = frozenset({"accept", "accept-language", "content-length", "content-type", "host", "x-request-id"})
# Where text of our own ends up (log messages, exception values): e-mail addresses in it become [email].
SCRUBBED = ("message", "logentry", "exception", "extra")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def release() -> str:
    try:
        return f"{DISTRIBUTION}@{metadata.version(DISTRIBUTION)}"
    except metadata.PackageNotFoundError:
        return f"{DISTRIBUTION}@unknown"


def init_app(app: Flask) -> bool:
    """Starts reporting when SENTRY_DSN is set; True when it did."""
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return False
    try:
        import sentry_sdk
        from sentry_sdk.integrations.flask import FlaskIntegration
        from sentry_sdk.integrations.logging import LoggingIntegration, ignore_logger
    except ImportError:
        log.warning("SENTRY_DSN is set but sentry-sdk is not installed (pip install 'sagamihara-community[sentry]')")
        return False
    ignore_logger("community.requests")  # a failed request reaches Sentry once, from the Flask integration
    sentry_sdk.init(
        dsn=dsn,
        release=release(),
        environment=app.config.get("SENTRY_ENVIRONMENT") or "production",
        integrations=[FlaskIntegration(), LoggingIntegration(level=None, event_level=logging.ERROR)],
        # send_default_pii is left unset: False is its default in every 2.x release, and newer ones deprecate the
        # option (data_collection replaced it). tests/main/test_error_reports.py checks the client sends no PII.
        include_local_variables=False,  # a frame's variables hold users, addresses, tokens
        max_request_body_size="never",
        max_breadcrumbs=0,  # breadcrumbs would carry log lines, SQL and Redis keys (which name addresses)
        auto_enabling_integrations=False,
        before_send=without_personal_data,
    )
    return True


def without_personal_data(event: dict, hint: dict | None = None) -> dict:
    """Sentry's before_send: keeps what helps find the bug and drops what names a person."""
    event.pop("user", None)
    event.pop("breadcrumbs", None)
    event.get("extra", {}).pop("sys.argv", None)  # a command's arguments can hold a password (create-admin)
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("query_string", "cookies", "data", "env"):
            request.pop(key, None)
        if request.get("url"):
            parts = urlsplit(request["url"])
            request["url"] = urlunsplit((parts.scheme, parts.netloc, loggable_path(parts.path), "", ""))
        headers = request.get("headers") or {}
        request["headers"] = {name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS}
    if has_request_context() and "request_id" in g:
        event.setdefault("tags", {})["request_id"] = g.request_id
    for key in SCRUBBED:
        if key in event:
            event[key] = _without_addresses(event[key])
    return event


def _without_addresses(value):
    """E-mail addresses in messages and exception values (a failed mail names its recipient) become [email]."""
    if isinstance(value, str):
        return EMAIL.sub("[email]", value)
    if isinstance(value, dict):
        return {key: _without_addresses(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_addresses(item) for item in value]
    return value
