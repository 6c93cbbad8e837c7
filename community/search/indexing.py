"""Indexing that never loses an update (STYLE.md convention 10).

1. `after_flush`: every change to an indexed item writes a row to `search_outbox` through the
   flushing connection, so the row commits or rolls back with the data it describes.
2. `after_commit`: wakes this process's indexing thread (off the request's critical path).
3. The thread drains the outbox into Whoosh: rows are marked as attempted, the index is written,
   then the rows are deleted. A failure leaves them for the next drain (or `community
   index-worker`); a retried row is written with update_document, so nothing is indexed twice.
"""

from __future__ import annotations

import fcntl
import logging
import threading
from collections import defaultdict
from pathlib import Path

from flask import Flask
from sqlalchemy import delete, event, insert, inspect, select, update
from sqlalchemy.orm import Session

from community.db import utcnow
from community.extensions import db
from community.search import SearchUnavailable, get_index
from community.search.models import SearchOutbox

log = logging.getLogger(__name__)
BATCH = 500
OP_RANK = {"add": 0, "update": 1, "cascade": 2}
# Changing these on a container changes who may find what is inside it.
CASCADE_ATTRIBUTES = {"community": ("is_closed", "status", "name"), "topic": ("status", "deleted_at", "title"),
                      "board": ("status", "deleted_at", "title")}


def _kinds_by_class() -> dict[type, str]:
    from community.items import KINDS
    from community.search.documents import INDEXED_KINDS

    return {KINDS[kind].model: kind for kind in INDEXED_KINDS}


_kind_cache: dict[type, str] = {}


def _kind(obj) -> str | None:
    if not _kind_cache:
        _kind_cache.update(_kinds_by_class())
    return _kind_cache.get(type(obj))


@event.listens_for(Session, "after_flush")
def _collect_changes(session, flush_context):
    rows = []
    for obj in session.new:
        kind = _kind(obj)
        if kind:
            rows.append({"item_kind": kind, "item_id": obj.id, "op": "add", "created_at": utcnow(), "attempts": 0})
    for obj in session.dirty:
        kind = _kind(obj)
        if kind and session.is_modified(obj, include_collections=False):
            state = inspect(obj)
            cascade = any(state.attrs[name].history.has_changes() for name in CASCADE_ATTRIBUTES.get(kind, ()))
            rows.append({"item_kind": kind, "item_id": obj.id, "op": "cascade" if cascade else "update",
                         "created_at": utcnow(), "attempts": 0})
    for obj in session.deleted:
        kind = _kind(obj)
        if kind:
            rows.append({"item_kind": kind, "item_id": obj.id, "op": "cascade", "created_at": utcnow(),
                         "attempts": 0})
    if rows:
        session.connection().execute(insert(SearchOutbox.__table__), rows)
        session.info["search_outbox"] = True


@event.listens_for(Session, "after_commit")
def _wake_indexer(session):
    if session.info.pop("search_outbox", False):
        indexer = _current_indexer()
        if indexer is not None:
            indexer.wake()


@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop("search_outbox", None)


# --- the drain ---------------------------------------------------------------------------------


def _expand_cascades(session, wanted: dict[str, dict[int, str]]) -> None:
    """A community's, topic's or thread's change re-indexes what lives inside it."""
    from community.board.models import BoardReply
    from community.communities.models import Reply, Topic
    from community.events.models import Event

    def add(kind, ids):
        for item_id in ids:
            wanted[kind].setdefault(item_id, "update")

    communities = [i for i, op in wanted.get("community", {}).items() if op == "cascade"]
    if communities:
        add("topic", session.scalars(select(Topic.id).where(Topic.community_id.in_(communities))))
        add("event", session.scalars(select(Event.id).where(Event.community_id.in_(communities))))
        add("reply", session.scalars(select(Reply.id).join(Topic).where(Topic.community_id.in_(communities))))
    topics = [i for i, op in wanted.get("topic", {}).items() if op == "cascade"]
    if topics:
        add("reply", session.scalars(select(Reply.id).where(Reply.topic_id.in_(topics))))
    threads = [i for i, op in wanted.get("board", {}).items() if op == "cascade"]
    if threads:
        add("board_reply", session.scalars(select(BoardReply.id).where(BoardReply.thread_id.in_(threads))))


def drain_once(index_dir: str) -> int:
    """Moves one batch of outbox rows into the index; returns how many rows it handled (0: empty)."""
    from community.search.documents import document, key_of, load_items

    session = db.session
    rows = session.execute(select(SearchOutbox.id, SearchOutbox.item_kind, SearchOutbox.item_id, SearchOutbox.op,
                                  SearchOutbox.attempts).order_by(SearchOutbox.id).limit(BATCH)).all()
    if not rows:
        return 0
    row_ids = [r.id for r in rows]
    # Mark first: if this process dies after writing the index, the retry uses update, never add.
    session.execute(update(SearchOutbox).where(SearchOutbox.id.in_(row_ids))
                    .values(attempts=SearchOutbox.attempts + 1))
    session.commit()
    wanted: dict[str, dict[int, str]] = defaultdict(dict)
    for row in rows:
        op = row.op if row.attempts == 0 or row.op == "cascade" else "update"
        current = wanted[row.item_kind].get(row.item_id, op)
        # Several changes to one item: cascade wins over update, update over add.
        wanted[row.item_kind][row.item_id] = max(current, op, key=OP_RANK.__getitem__)
    _expand_cascades(session, wanted)
    to_add, to_update, to_remove = [], [], []
    for kind, ops in wanted.items():
        items = load_items(kind, ops)
        for item_id, op in ops.items():
            doc = document(items[item_id]) if item_id in items else None
            if doc is None:
                to_remove.append(key_of(kind, item_id))
            elif op == "add":
                to_add.append(doc)
            else:
                to_update.append(doc)
    index = get_index(index_dir)
    index.remove(to_remove)
    index.add(to_add)
    index.update(to_update)
    session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(row_ids)))
    session.commit()
    return len(rows)


def drain(app: Flask, wait: bool = False) -> int:
    """Drains the outbox until it is empty; one drainer per index folder at a time (a file lock).

    With wait, it waits for another drainer to finish and then drains what is left (commands that
    must leave everything searchable before they exit)."""
    index_dir = app.config["SEARCH_INDEX_DIR"]
    lock_path = Path(index_dir).with_name(Path(index_dir).name + ".drain.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handled = 0
    # A request context (with no request behind it) lets url_for build the documents' links.
    with app.test_request_context("/"), open(lock_path, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0  # another process is draining and will see these rows too
        try:
            while True:
                count = drain_once(index_dir)
                handled += count
                if count == 0:
                    break
        except SearchUnavailable as error:
            log.warning("search index unavailable; %s outbox rows wait for the next drain: %s", handled, error)
            db.session.rollback()
        except Exception:
            log.exception("indexing failed; the outbox rows stay for the next drain")
            db.session.rollback()
        finally:
            db.session.remove()
    return handled


def pending_count() -> int:
    from sqlalchemy import func

    return db.session.scalar(select(func.count()).select_from(SearchOutbox)) or 0


# --- the per-process indexing thread -----------------------------------------------------------


class Indexer:
    """Drains after each commit in a background thread; with SEARCH_SYNC (tests) it waits for it."""

    def __init__(self, app: Flask):
        self.app = app
        self.sync = app.config.get("SEARCH_SYNC", False)
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def wake(self) -> None:
        if self.sync:
            worker = threading.Thread(target=drain, args=(self.app,), daemon=True)
            worker.start()
            worker.join()
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="search-indexer", daemon=True)
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        while True:
            # Also wakes every 30 s to retry rows a failed drain left behind.
            self._wake.wait(timeout=30)
            self._wake.clear()
            drain(self.app)


def init_app(app: Flask) -> None:
    """SEARCH_INLINE_DRAIN=False leaves draining to `community index-worker` processes."""
    if app.config.get("SEARCH_INLINE_DRAIN", True):
        app.extensions["search_indexer"] = Indexer(app)


def start(app: Flask) -> None:
    """For a serving process: drain at once what an earlier process left in the outbox, then keep the
    thread waking every 30 seconds to retry anything a failed drain left."""
    indexer = app.extensions.get("search_indexer")
    if indexer is not None and not indexer.sync:
        indexer.wake()


def _current_indexer() -> Indexer | None:
    from flask import current_app, has_app_context

    return current_app.extensions.get("search_indexer") if has_app_context() else None
