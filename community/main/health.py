"""What /healthz reports: each part the site depends on, whether it answers, and what is wrong when it does not."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from community.extensions import db, limiter

# The outgoing mail queue is "degraded" when its oldest waiting message is older than this (the sender is stuck or
# the mail server refuses), or when a message was given up within the last FAILED_RECENTLY (it stays listed at
# /admin/mail; older failures no longer mark the host).
MAIL_WAIT_LIMIT = timedelta(minutes=15)
MAIL_FAILED_RECENTLY = timedelta(hours=24)
REQUIRED = ("database",)  # without it the site cannot serve its pages: 503 (as with an unreadable index, below)


def _part(ok: bool, detail: str = "") -> dict:
    return {"ok": ok, "detail": detail} if detail else {"ok": ok}


def check_database() -> dict:
    try:
        db.session.execute(text("SELECT 1"))
        return _part(True)
    except (SQLAlchemyError, OSError) as error:
        db.session.rollback()
        return _part(False, f"{type(error).__name__}: the database does not answer")


def check_search(database_ok: bool) -> dict:
    """The index opens and answers ("readable": without it /search falls back to the database and the host
    reports 503), and how far it is behind the change log; an index that missed pruned changes is not ok until
    `community reindex` rebuilds it."""
    from community.search import SearchUnavailable, get_index
    from community.search.indexing import lag

    try:
        index = get_index(current_app.config["SEARCH_INDEX_DIR"])
        if not index.healthy():
            found = index.damage()
            detail = f"a search found the index damaged ({found})" if found else "the search index cannot be read"
            return _part(False, f"{detail}: run `community reindex`") | {"readable": False}
    except (SearchUnavailable, OSError) as error:
        return _part(False, f"{error}: run `community reindex`") | {"readable": False}
    if not database_ok:
        return _part(True)
    try:
        behind = lag(current_app._get_current_object())
    except (SearchUnavailable, SQLAlchemyError) as error:
        db.session.rollback()
        return _part(False, f"{type(error).__name__}: the change log cannot be read")
    if not behind["complete"]:
        return _part(False, "the index missed changes the log no longer holds: run `community reindex`") | behind
    return _part(True) | behind


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


def check_mail(database_ok: bool) -> dict:
    """Mail waiting to be sent (new or between retries), mail given up for good, and the oldest waiting one's age."""
    from community.db import utcnow
    from community.mail.models import OutgoingMail

    if not database_ok:
        return _part(True, "not checked: the database does not answer")
    now = utcnow()
    unsent, failed_at = OutgoingMail.sent_at.is_(None), OutgoingMail.failed_at
    try:
        waiting, oldest = db.session.execute(
            select(func.count(), func.min(OutgoingMail.created_at)).where(unsent, failed_at.is_(None))).one()
        failed, last_failed = db.session.execute(
            select(func.count(), func.max(failed_at)).where(unsent, failed_at.isnot(None))).one()
    except SQLAlchemyError as error:
        db.session.rollback()
        return _part(False, f"{type(error).__name__}: the mail queue cannot be read")
    age = (now - oldest).total_seconds() if oldest is not None else 0.0
    counts = {"waiting": waiting, "failed": failed, "oldest_waiting_seconds": round(age, 1)}
    if last_failed is not None and now - last_failed < MAIL_FAILED_RECENTLY:
        return _part(False, "mail was given up: see /admin/mail") | counts
    if age > MAIL_WAIT_LIMIT.total_seconds():
        return _part(False, "mail waits too long: is the sender running, does the mail server answer?") | counts
    return _part(True) | counts


def health() -> tuple[dict, int]:
    """The report and its HTTP status: 503 when a required part fails, 200 otherwise ("degraded" when another
    part does)."""
    database = check_database()
    parts = {"database": database, "search": check_search(database["ok"]), "rate_limits": check_rate_limit_storage(),
             "mail": check_mail(database["ok"])}
    if not all(parts[name]["ok"] for name in REQUIRED) or parts["search"].get("readable") is False:
        status, code = "error", 503
    elif all(part["ok"] for part in parts.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    failing = [name for name, part in parts.items() if not part["ok"]]
    return {"status": status, "failing": failing, "parts": parts,
            "checks": {name: part["ok"] for name, part in parts.items()}}, code
