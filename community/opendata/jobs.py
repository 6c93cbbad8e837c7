"""Imports started in the browser: the preview (computed, nothing written), the stored upload, and the background
worker that imports a confirmed file in batches while the page shows how far it got.

    job = start_preview(user, group, "events", filename, data)   # reads the file, stores it, keeps the report
    confirm(job)                                                 # queued; the worker thread is woken
    run_pending(app)                                             # the worker: one batch commit at a time
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app, request
from sqlalchemy import select, update

from community.background import Waker
from community.db import utcnow
from community.extensions import db
from community.opendata.models import ImportJob

log = logging.getLogger(__name__)

BATCH = 200
PREVIEW_LIFETIME = timedelta(hours=24)  # an upload not confirmed by then is deleted
STALE_RUN = timedelta(minutes=15)  # a running job whose process died is taken up again after this
NEW, CHANGED, UNCHANGED, REFUSED = "new", "changed", "unchanged", "refused"


@dataclass(frozen=True)
class Kind:
    """One importable layout: how it is read, written and keyed."""

    name: str
    reader: str
    importer: str
    key: str
    data: str


KINDS = {
    "events": Kind("events", "read_events", "import_events", "event_key", "event_data"),
    "facilities": Kind("facilities", "read_facilities", "import_facilities", "facility_key", "facility_data"),
}


def _model(kind: Kind):
    from community.events.models import Event
    from community.shops.models import Shop

    return Event if kind.name == "events" else Shop


def _fields(kind: Kind) -> tuple[str, ...]:
    from community.events.services import EVENT_FIELDS
    from community.opendata import services
    from community.shops.services import SHOP_FIELDS

    if kind.name == "events":
        return EVENT_FIELDS + services.EVENT_OPEN_DATA_FIELDS
    return SHOP_FIELDS + services.SHOP_OPEN_DATA_FIELDS


def read(kind: Kind, data: bytes):
    """The reader's ImportResult; raises OpenDataError for a file that cannot be read at all."""
    from community.opendata import reader

    return getattr(reader, kind.reader)(data)


def area_fallback(group):
    from community.areas.models import Area

    return group.area or db.session.scalar(select(Area).where(Area.parent_id.is_(None)))


def preview_rows(kind: Kind, group, result) -> list[list]:
    """What importing `result` would do to each row, in the words of the import report, without writing anything:
    [result, line, title, reason] for the refused rows (with their line) and then every record in file order."""
    from community.opendata import services

    key_of, data_of = getattr(services, kind.key), getattr(services, kind.data)
    areas, categories = services.AreaMatcher(area_fallback(group)), services.CategoryMatcher()
    keyed = [(key_of(record), record) for record in result.records]
    found = outcomes(_model(kind), _fields(kind), keyed, lambda record: data_of(record, areas, categories))
    rows: list[list] = [[REFUSED, error.line, "", error.reason] for error in result.errors]
    rows += [[outcome, "", getattr(record, "title", "") or getattr(record, "name", ""), ""]
             for outcome, (_key, record) in zip(found, keyed, strict=True)]
    return rows


def outcomes(model, fields: tuple[str, ...], keyed: list, data_of) -> list[str]:
    """NEW, CHANGED or UNCHANGED for each (source key, record), as services._upsert would decide, writing nothing."""
    from community.opendata import services

    found: list[str] = []
    with db.session.no_autoflush:
        existing = services._existing(model, [key for key, _ in keyed])
        seen: set[str] = set()
        for key, record in keyed:
            item = existing.get(key)
            if key in seen:
                outcome = CHANGED  # a second row with the same key: the later one wins
            elif item is None:
                outcome = NEW
            elif item.source_key != key and key.split(":")[1] == "self":
                outcome = UNCHANGED
            else:
                outcome = CHANGED if services._changes(item, fields, data_of(record)) else UNCHANGED
            seen.add(key)
            found.append(outcome)
    return found


def upload_dir() -> Path:
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def start_preview(user, group, kind_name: str, filename: str, data: bytes) -> ImportJob:
    """Reads the file (OpenDataError when it cannot be read at all), keeps it in the instance folder and records
    the preview; the caller commits. Nothing else is written."""
    kind = KINDS[kind_name]
    result = read(kind, data)
    rows = preview_rows(kind, group, result)
    stored = f"{secrets.token_hex(16)}.csv"
    (upload_dir() / stored).write_bytes(data)
    job = ImportJob(group_id=group.id, user_id=getattr(user, "id", None), kind=kind.name, filename=filename[:200],
                    stored_name=stored, status=ImportJob.PREVIEW, total=len(result.records), report=rows,
                    created=sum(1 for r in rows if r[0] == NEW), changed=sum(1 for r in rows if r[0] == CHANGED),
                    unchanged=sum(1 for r in rows if r[0] == UNCHANGED), refused=len(result.errors))
    db.session.add(job)
    return job


def confirm(job: ImportJob) -> None:
    """The preview becomes a queued job (the caller commits, then wakes the worker); the counts start again."""
    job.status, job.done, job.updated_at = ImportJob.QUEUED, 0, utcnow()
    job.created = job.changed = job.unchanged = 0


def discard(job: ImportJob) -> None:
    _remove_file(job)
    db.session.delete(job)


def _remove_file(job: ImportJob) -> None:
    if job.stored_name:
        (upload_dir() / job.stored_name).unlink(missing_ok=True)
        job.stored_name = ""


def expire_previews() -> int:
    """Deletes the previews nobody confirmed within PREVIEW_LIFETIME, and their files; the caller commits."""
    old = list(db.session.scalars(select(ImportJob).where(ImportJob.status == ImportJob.PREVIEW,
                                                          ImportJob.created_at < utcnow() - PREVIEW_LIFETIME)))
    for job in old:
        discard(job)
    return len(old)


def wake() -> None:
    worker = current_app.extensions.get("opendata_importer")
    if worker is not None:
        worker.wake()


# --- the worker ----------------------------------------------------------------------------------------------


def _claim() -> int | None:
    """Takes the oldest queued job (or one whose worker died) for this thread; None when there is none."""
    now = utcnow()
    waiting = ((ImportJob.status == ImportJob.QUEUED)
               | ((ImportJob.status == ImportJob.RUNNING) & (ImportJob.updated_at < now - STALE_RUN)))
    job_id = db.session.scalar(select(ImportJob.id).where(waiting).order_by(ImportJob.id).limit(1))
    if job_id is None:
        return None
    taken = db.session.execute(update(ImportJob).where(ImportJob.id == job_id, waiting)
                               .values(status=ImportJob.RUNNING, updated_at=now, done=0))
    db.session.commit()
    return job_id if taken.rowcount == 1 else _claim()


def run_job(job_id: int) -> None:
    """Imports a claimed job's file in batches, each committed with the job's progress."""
    from community.opendata import services
    from community.opendata.errors import OpenDataError

    job = db.session.get(ImportJob, job_id)
    kind = KINDS[job.kind]
    try:
        data = (upload_dir() / job.stored_name).read_bytes()
        result = read(kind, data)
        job.total, job.refused = len(result.records), len(result.errors)
        job.created = job.changed = job.unchanged = 0
        db.session.commit()
        group = job.group
        areas = services.AreaMatcher(area_fallback(group))
        write = getattr(services, kind.importer)
        records = result.records
        for start in range(0, len(records), BATCH):
            summary = write(records[start:start + BATCH], group, areas)
            job.done = min(start + BATCH, len(records))
            job.created += summary.created
            job.changed += summary.changed
            job.unchanged += summary.unchanged
            job.updated_at = utcnow()
            db.session.commit()  # the batch and the progress together
        job.status, job.finished_at = ImportJob.DONE, utcnow()
        _remove_file(job)
        db.session.commit()
    except (OpenDataError, OSError) as error:
        db.session.rollback()
        _fail(job_id, str(error))
    except Exception as error:
        db.session.rollback()
        log.exception("import job %s failed", job_id)
        _fail(job_id, type(error).__name__)


def _fail(job_id: int, message: str) -> None:
    job = db.session.get(ImportJob, job_id)
    job.status, job.error, job.finished_at = ImportJob.FAILED, message[:500], utcnow()
    _remove_file(job)
    db.session.commit()


def run_pending(app: Flask) -> int:
    """Runs every queued job, one after the other; the number run."""
    ran = 0
    with app.app_context():
        try:
            if expire_previews():
                db.session.commit()
            while (job_id := _claim()) is not None:
                run_job(job_id)
                ran += 1
        finally:
            db.session.remove()
    return ran


def init_app(app: Flask) -> None:
    """IMPORT_SYNC (default: on under TESTING) runs a confirmed import before the request returns."""
    def allow_big_files():
        # Before CSRFProtect reads the form: a city's file may be larger than MAX_CONTENT_LENGTH allows elsewhere.
        if request.endpoint == "opendata.import_upload":
            request.max_content_length = app.config.get("IMPORT_MAX_BYTES", 32 * 1024 * 1024)

    app.before_request_funcs.setdefault(None, []).insert(0, allow_big_files)
    app.extensions["opendata_importer"] = Waker("opendata-import", lambda: run_pending(app),
                                                sync=app.config.get("IMPORT_SYNC", app.testing), interval=60)
