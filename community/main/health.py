"""What /healthz reports: each part the site depends on, whether it answers, and what is wrong when it does not."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from community.extensions import db, limiter

REQUIRED = ("database", "search")  # without these the site cannot serve its pages: 503


def _part(ok: bool, detail: str = "") -> dict:
    return {"ok": ok, "detail": detail} if detail else {"ok": ok}


def check_database() -> dict:
    try:
        db.session.execute(text("SELECT 1"))
        return _part(True)
    except (SQLAlchemyError, OSError) as error:
        db.session.rollback()
        return _part(False, f"{type(error).__name__}: the database does not answer")


def check_search() -> dict:
    from community.search import SearchUnavailable, get_index

    try:
        index = get_index(current_app.config["SEARCH_INDEX_DIR"])
        return _part(True) if index.healthy() else _part(False, "the search index cannot be read")
    except (SearchUnavailable, OSError) as error:
        return _part(False, str(error))


def check_rate_limit_storage() -> dict:
    """Redis, where limits are shared; when it is down the limits fall back to each process's memory."""
    uri = str(current_app.config.get("RATELIMIT_STORAGE_URI", "memory://"))
    if uri.startswith("memory://"):
        return _part(True, "in memory (this process)")
    try:
        ok = bool(limiter.storage.check())
    except Exception as error:  # noqa: BLE001 - any failure of the storage client is what this reports
        return _part(False, f"{type(error).__name__}: counting in memory meanwhile")
    return _part(True) if ok else _part(False, "does not answer: counting in memory meanwhile")


def health() -> tuple[dict, int]:
    """The report and its HTTP status: 503 when a required part fails, 200 otherwise ("degraded" when another
    part does)."""
    parts = {"database": check_database(), "search": check_search(), "rate_limits": check_rate_limit_storage()}
    if not all(parts[name]["ok"] for name in REQUIRED):
        status, code = "error", 503
    elif all(part["ok"] for part in parts.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    failing = [name for name, part in parts.items() if not part["ok"]]
    return {"status": status, "failing": failing, "parts": parts,
            "checks": {name: part["ok"] for name, part in parts.items()}}, code
