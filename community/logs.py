"""Logging: the JSON or text line format, the request id, and one line per request on `community.requests` that
names no person (no address, user, query string or cookie; secret tokens in paths masked)."""

from __future__ import annotations

import json
import logging
import re
import socket
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler

request_log = logging.getLogger("community.requests")

HOST = socket.gethostname()
# What a proxy may hand us as the request id; anything else is replaced by one of ours.
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Paths whose segments after the prefix are secrets (a personal feed's user id and token, an unsubscribe or
# password-reset token): logged as "***", keeping a feed's extension.
SECRET_PATH_PREFIXES = ("/me/feed/", "/me/unsubscribe/", "/password-reset/")
KEPT_EXTENSIONS = (".atom", ".ics")
# Answered many times a minute and rarely interesting: logged at DEBUG unless they fail.
QUIET_ENDPOINTS = frozenset({"static", "main.media", "main.healthz"})


def request_id() -> str:
    """This request's id: a well-formed X-Request-ID from the proxy, or a new one."""
    if "request_id" not in g:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    return g.request_id


def loggable_path(path: str) -> str:
    for prefix in SECRET_PATH_PREFIXES:
        if path.startswith(prefix):
            segments = path[len(prefix):].split("/")
            last = segments[-1]
            extension = next((ext for ext in KEPT_EXTENSIONS if last.endswith(ext)), "")
            return prefix + "/".join(["***"] * (len(segments) - 1) + ["***" + extension])
    return path


def remember_exception(error: BaseException) -> None:
    """An exception this request answers with an error page: the request's log line carries its traceback."""
    g.request_exception = error


def _level(status: int, endpoint: str | None) -> int:
    if status == 503:  # the database is busy or a required part is down: the site answers as designed
        return logging.WARNING
    if status >= 500:
        return logging.ERROR
    if endpoint in QUIET_ENDPOINTS and status < 400:
        return logging.DEBUG
    return logging.INFO


def _start_request() -> None:
    g.request_started = time.perf_counter()
    request_id()


def _finish_request(response: Response) -> Response:
    response.headers["X-Request-ID"] = request_id()
    level = _level(response.status_code, request.endpoint)
    if not request_log.isEnabledFor(level):
        return response
    started = g.get("request_started")
    error = g.get("request_exception")
    fields = {
        "request_id": request_id(),
        "method": request.method,
        "path": loggable_path(request.path),
        "endpoint": request.endpoint,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started is not None else None,
        "size": response.content_length,
        "host": HOST,
    }
    request_log.log(level, "%s %s %s %s ms", fields["method"], fields["path"], fields["status"],
                    fields["duration_ms"], extra={"request": fields},
                    exc_info=(type(error), error, error.__traceback__) if error is not None else None)
    return response


def init_app(app: Flask) -> None:
    """Call before the other extensions: the request id and the start time are taken first, and the line is written
    after every other after_request function (they run in reverse order) has shaped the response."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)
    app.after_request(_finish_request)
    configure_logging(app)


# --- where the lines go ------------------------------------------------------------------------------------------


class RequestIdFilter(logging.Filter):
    """Gives every record the id of the request it was logged in ("-" outside a request: threads, commands)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, request id, message; a request's fields; the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        line.update(getattr(record, "request", None) or {})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


LOG_FORMATS = ("json", "text", "off")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class _PortalHandler(logging.StreamHandler):
    """The handler configure_logging installs (told apart from handlers someone else installed)."""


def _configured_elsewhere(logger: logging.Logger) -> bool:
    """Logging set up by the host (gunicorn --log-config, a dictConfig, pytest's capture): leave it as it is."""
    others = [h for h in logger.handlers if not isinstance(h, _PortalHandler) and h is not default_handler]
    return bool(logging.getLogger().handlers or others)


def configure_logging(app: Flask, stream=None) -> None:
    """Lines of the `community` loggers go to stderr (gunicorn passes it on) as JSON, or as text under the
    development server (debug) or with LOG_FORMAT = "text", at LOG_LEVEL; nothing is changed when logging is already
    configured by whoever runs the app, or with LOG_FORMAT = "off"."""
    chosen = app.config.get("LOG_FORMAT") or ("text" if app.debug else "json")
    if chosen not in LOG_FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {chosen!r}")
    logger = logging.getLogger("community")
    if chosen == "off" or _configured_elsewhere(logger):
        return
    for handler in list(logger.handlers):  # a second app in this process replaces the first one's handler
        if isinstance(handler, _PortalHandler) or handler is default_handler:
            logger.removeHandler(handler)
    handler = _PortalHandler(stream or sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if chosen == "json" else logging.Formatter(TEXT_FORMAT))
    logger.addHandler(handler)
    logger.setLevel(str(app.config.get("LOG_LEVEL") or "INFO").upper())
    # Ours alone: a root handler set up later in this process (Alembic's fileConfig in `community init-db`) must not
    # write every line a second time.
    logger.propagate = False
