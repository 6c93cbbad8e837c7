"""Indexing that never loses an update, on every host (STYLE.md convention 10; docs/architecture.md, "Indexing").

1. `after_flush`: every change to an indexed item appends a row to `search_changes` through the flushing
   connection, so the row commits or rolls back with the data it describes. On PostgreSQL the row carries the
   writing transaction's id.
2. `after_commit`: wakes this process's indexing thread (off the request's critical path); the thread also polls
   every SEARCH_POLL_SECONDS for what other hosts wrote.
3. Each host follows the log from its own position, kept in its index folder: it reads only rows below the
   horizon (transactions that have ended, so one that commits after a later-numbered one is never skipped),
   applies them to its index (replacing documents by key, so applying a row twice is harmless), then records
   the new position. Nothing is deleted by a host's reading: `prune` removes rows every live host has applied.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import socket
import threading
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import BigInteger, Text, and_, cast, delete, event, func, insert, inspect, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from community.db import utcnow
from community.extensions import db
from community.search import SearchIndex, SearchUnavailable, get_index
from community.search.models import SearchChange, SearchHost

log = logging.getLogger(__name__)
BATCH = 500
# Changing these on a container changes who may find what is inside it.
CASCADE_ATTRIBUTES = {"community": ("is_closed", "status", "name"), "topic": ("status", "deleted_at", "title"),
                      "board": ("status", "deleted_at", "title")}
# A position in the log: every row at or before (txid, id) has been applied.
Position = tuple[int, int]
START: Position = (0, 0)
NO_HORIZON = 2**62  # SQLite: ids are handed out in commit order, every row read is final
REPORT_EVERY = timedelta(seconds=60)  # a host that has nothing new still says it is alive this often
PRUNE_EVERY = timedelta(seconds=60)
SETTLE = 2.0  # seconds a caller that must see its own commit indexed waits for older transactions to end


def _kinds_by_class() -> dict[type, str]:
    from community.items import FINDABLE_KINDS
    from community.search.documents import INDEXED_KINDS

    return {FINDABLE_KINDS[kind].model: kind for kind in INDEXED_KINDS}


_kind_cache: dict[type, str] = {}


def _kind(obj) -> str | None:
    if not _kind_cache:
        _kind_cache.update(_kinds_by_class())
    return _kind_cache.get(type(obj))


def _is_postgres(bind) -> bool:
    return bind.dialect.name == "postgresql"


def _place_change(obj) -> str | None:
    """"area" or "category" when a renamed or moved area or category changes the place words of the documents
    that carry it (see documents._place_words)."""
    from community.areas.models import Area, Category

    watched = {Area: ("area", ("name", "path")), Category: ("category", ("name",))}.get(type(obj))
    if watched is None:
        return None
    state = inspect(obj)
    # A new area's path is written just after its insert (from "/", which no saved area has): nothing carries it yet.
    before = [value for name in watched[1] for value in state.attrs[name].history.deleted if value not in (None, "/")]
    return watched[0] if before else None


TOUCH = "touch"  # a log row that changes what pages show but no search document
_touch_cache: dict[type, tuple[str, ...] | None] = {}


def _touch_models() -> dict[type, tuple[str, ...] | None]:
    """What pages show besides indexed items (with the columns that matter, None: all): a change to one writes a
    "touch" row, which moves the content version (response caches) and is otherwise skipped by the indexer."""
    if not _touch_cache:
        from community.accounts.models import User
        from community.communities.models import CommunityMembership, Rsvp
        from community.events.models import EventOccurrence
        from community.groups.models import GroupMembership
        from community.moderation.models import Collection, CollectionItem, Feature
        from community.signage.models import UrgentNotice

        # Areas and categories: a rename or move is an "area"/"category" row (_place_change); one added shows on
        # kept pages within a minute (the time bucket), and installing the reference data writes no log.
        _touch_cache.update({model: None for model in (
            UrgentNotice, Feature, Collection, CollectionItem, Rsvp, CommunityMembership,
            GroupMembership, EventOccurrence)})
        _touch_cache[User] = ("display_name", "profile_hidden", "is_suspended", "show_area", "show_communities")
    return _touch_cache


def _touches(session) -> bool:
    models = _touch_models()
    for obj in (*session.new, *session.deleted):
        if type(obj) in models:
            return True
    for obj in session.dirty:
        if type(obj) in models:
            columns = models[type(obj)]
            state = inspect(obj)
            if columns is None and session.is_modified(obj, include_collections=False) or columns and any(
                    state.attrs[name].history.has_changes() for name in columns):
                return True
    return False


@event.listens_for(Session, "after_flush")
def _collect_changes(session, flush_context):
    rows = []
    for obj in session.new:
        kind = _kind(obj)
        if kind:
            rows.append({"item_kind": kind, "item_id": obj.id, "op": "update"})
    for obj in session.dirty:
        kind = _kind(obj)
        if kind and session.is_modified(obj, include_collections=False):
            state = inspect(obj)
            cascade = any(state.attrs[name].history.has_changes() for name in CASCADE_ATTRIBUTES.get(kind, ()))
            rows.append({"item_kind": kind, "item_id": obj.id, "op": "cascade" if cascade else "update"})
        elif not kind and (place := _place_change(obj)):
            rows.append({"item_kind": place, "item_id": obj.id, "op": "cascade"})
    for obj in session.deleted:
        kind = _kind(obj)
        if kind:
            rows.append({"item_kind": kind, "item_id": obj.id, "op": "cascade"})
    if _touches(session):
        rows.append({"item_kind": TOUCH, "item_id": 0, "op": "update"})
    rows = _not_yet_logged(session, rows)
    if rows:
        connection = session.connection()
        statement = insert(SearchChange.__table__)
        if _is_postgres(connection):
            statement = statement.values(txid=cast(cast(func.pg_current_xact_id(), Text), BigInteger))
        now = utcnow()
        connection.execute(statement, [row | {"created_at": now} for row in rows])
        session.info["search_changes"] = True


def _not_yet_logged(session, rows: list[dict]) -> list[dict]:
    """One row per item and kind of change in a transaction: a save that flushes twice (the item, then its dates)
    logs the item once; a cascade already logged covers a later update."""
    logged = session.info.setdefault("search_logged", set())
    fresh = []
    for row in rows:
        key = (row["item_kind"], row["item_id"])
        if (*key, row["op"]) in logged or (*key, "cascade") in logged:
            continue
        logged.add((*key, row["op"]))
        fresh.append(row)
    return fresh


@event.listens_for(Session, "after_soft_rollback")
def _forget_logged(session, previous_transaction):
    session.info.pop("search_logged", None)  # rows written in a rolled-back savepoint are gone: log again


@event.listens_for(Session, "after_commit")
def _wake_indexer(session):
    session.info.pop("search_logged", None)
    if session.info.pop("search_changes", False):
        indexer = _current_indexer()
        if indexer is not None:
            indexer.wake()


@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop("search_changes", None)


# --- positions in the log ----------------------------------------------------------------------


def horizon() -> int:
    """Every transaction with a smaller id has ended (committed or rolled back), so the log rows it wrote are
    final and visible: on PostgreSQL the oldest transaction still running, as the current snapshot sees it."""
    if _is_postgres(db.session.get_bind()):
        return int(db.session.scalar(text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")))
    return NO_HORIZON


def content_version() -> str:
    """A name for "everything committed so far" that changes whenever a change becomes final in the log, on any
    host: the pruning floor, and the newest id and number of the rows below the horizon (on PostgreSQL ids do
    not come in commit order, so the number is what grows when an older transaction's row becomes final). The
    floor moves on every prune, so a name never comes back with other content. Keys response caches; one
    statement."""
    floor = [select(column).where(SearchHost.name == SearchHost.PRUNED).scalar_subquery()
             for column in (SearchHost.txid, SearchHost.change_id)]
    query = select(func.max(SearchChange.id), func.count(), *floor).select_from(SearchChange)
    if _is_postgres(db.session.get_bind()):
        query = query.where(SearchChange.txid < cast(cast(
            func.pg_snapshot_xmin(func.pg_current_snapshot()), Text), BigInteger))
    top, count, floor_txid, floor_id = db.session.execute(query).one()
    return f"{floor_txid or 0}.{floor_id or 0}.{top or 0}.{count}"


def _after(position: Position):
    txid, change_id = position
    return or_(SearchChange.txid > txid, and_(SearchChange.txid == txid, SearchChange.id > change_id))


def _unapplied(position: Position, below: int):
    return select(SearchChange).where(_after(position), SearchChange.txid < below)


def current_position() -> Position:
    """Everything committed so far, as a rebuild that starts reading now will contain it: rows from transactions
    that have not ended yet (txid at or above the horizon) are applied afterwards."""
    limit = horizon()
    if limit == NO_HORIZON:
        reached = (0, db.session.scalar(select(func.max(SearchChange.id))) or 0)
    else:
        reached = (limit - 1, 2**62)
    return max(reached, _floor())  # an emptied log still remembers how far it went


def host_name(app: Flask) -> str:
    """This index folder's name in `search_hosts`: the host and the folder, unless SEARCH_HOST_NAME says."""
    name = app.config.get("SEARCH_HOST_NAME") or f"{socket.gethostname()}:{Path(app.config['SEARCH_INDEX_DIR'])}"
    return name[:255]


def _floor() -> Position:
    row = db.session.get(SearchHost, SearchHost.PRUNED)
    return (row.txid, row.change_id) if row else START


def applied_position(index: SearchIndex) -> tuple[Position, bool]:
    """Where this index is in the log, and whether it is complete (False: it missed pruned rows, or it never had
    a rebuild after the log was first pruned — `community reindex` makes it whole)."""
    state = index.applied()
    floor = _floor()
    if state is None:
        return floor, floor == START  # a new index replays the whole log, if none of it was pruned
    position = (int(state["txid"]), int(state["id"]))
    return position, bool(state.get("complete", True)) and position >= floor


def _report(name: str, position: Position, force: bool) -> None:
    """Tells the other hosts (and pruning) how far this one has got."""
    row = db.session.get(SearchHost, name)
    now = utcnow()
    if row is None:
        db.session.add(SearchHost(name=name, txid=position[0], change_id=position[1], seen_at=now))
    elif force or (row.txid, row.change_id) != position or now - row.seen_at >= REPORT_EVERY:
        row.txid, row.change_id, row.seen_at = position[0], position[1], now
    db.session.commit()


# --- the drain ---------------------------------------------------------------------------------


def _expand_places(session, wanted: dict[str, dict[int, str]]) -> None:
    """A renamed or moved area (with the areas below it) or category re-indexes every item that carries its name;
    communities and board threads as cascades, since their topics and replies carry their place too."""
    from community.areas.models import Area
    from community.items import FINDABLE_KINDS
    from community.search.documents import INDEXED_KINDS, forget_area_names

    areas, categories = list(wanted.pop("area", {})), list(wanted.pop("category", {}))
    if not areas and not categories:
        return
    forget_area_names()
    area_ids: set[int] = set()
    for path in session.scalars(select(Area.path).where(Area.id.in_(areas))):
        area_ids.update(session.scalars(select(Area.id).where(Area.path.startswith(path))))
    for kind in INDEXED_KINDS:
        columns = FINDABLE_KINDS[kind].model.__table__.c
        conditions = [columns[name].in_(ids) for name, ids in (("area_id", area_ids), ("category_id", categories))
                      if ids and name in columns]
        if conditions:
            op = "cascade" if kind in ("community", "board") else "update"
            for item_id in session.scalars(select(columns.id).where(or_(*conditions))):
                wanted[kind][item_id] = "cascade" if "cascade" in (op, wanted[kind].get(item_id)) else "update"


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


def _apply(index: SearchIndex, rows) -> None:
    """One batch of log rows into the index, in one commit (a document per changed item, re-read now)."""
    from community.search.documents import document, key_of, load_items

    wanted: dict[str, dict[int, str]] = defaultdict(dict)
    for row in rows:
        earlier = wanted[row.item_kind].get(row.item_id)
        wanted[row.item_kind][row.item_id] = "cascade" if "cascade" in (earlier, row.op) else "update"
    wanted.pop(TOUCH, None)
    _expand_places(db.session, wanted)
    _expand_cascades(db.session, wanted)
    docs, removed = [], []
    for kind, ops in wanted.items():
        items = load_items(kind, ops)
        for item_id in ops:
            doc = document(items[item_id]) if item_id in items else None
            if doc is None:
                removed.append(key_of(kind, item_id))
            else:
                docs.append(doc)
    index.replace(docs, removed)


_warned_incomplete: set[str] = set()


def follow(app: Flask, settle: float = 0.0) -> int:
    """Applies the log rows this host has not applied, up to the horizon; returns how many it applied.

    With `settle`, rows that have committed but are still above the horizon (an older transaction, in any database
    of the server, has not ended yet) are waited for up to that many seconds: for callers that must see their own
    commit searchable when they return (commands, tests)."""
    index = get_index(app.config["SEARCH_INDEX_DIR"])
    name = host_name(app)
    position, complete = applied_position(index)
    if not complete and name not in _warned_incomplete:
        _warned_incomplete.add(name)
        log.error("the search index at %s missed changes the log no longer holds: run `community reindex`",
                  index.path)
    limit = horizon()
    handled = 0
    deadline = time.monotonic() + settle
    columns = (SearchChange.txid, SearchChange.id, SearchChange.item_kind, SearchChange.item_id, SearchChange.op)
    while True:
        rows = db.session.execute(select(*columns).where(_after(position), SearchChange.txid < limit)
                                  .order_by(SearchChange.txid, SearchChange.id).limit(BATCH)).all()
        if not rows:
            if time.monotonic() < deadline and db.session.scalar(select(SearchChange.id).where(_after(position))
                                                                 .limit(1)) is not None:
                time.sleep(0.02)
                limit = horizon()
                continue
            break
        _apply(index, rows)
        position = (rows[-1].txid, rows[-1].id)
        index.mark_applied({"txid": position[0], "id": position[1], "complete": complete})
        handled += len(rows)
    _report(name, position, force=handled > 0)
    prune_if_due(app)
    return handled


_last_prune: dict[str, float] = {}


def prune_if_due(app: Flask) -> int:
    now = time.monotonic()
    name = host_name(app)
    if now - _last_prune.get(name, float("-inf")) < PRUNE_EVERY.total_seconds():
        return 0
    _last_prune[name] = now
    return prune(timedelta(hours=app.config.get("SEARCH_HOST_TIMEOUT_HOURS", 24 * 7)))


def prune(host_timeout: timedelta) -> int:
    """Deletes the log rows every live host has applied (a host not heard of within host_timeout is not waited
    for: when it comes back it finds itself behind and is told to reindex) and records how far it pruned.

    A host registering meanwhile loses nothing: `rebuild` reports a position at the current horizon, which is at
    or after every position a host has reached."""
    now = utcnow()
    live = db.session.execute(select(SearchHost.txid, SearchHost.change_id).where(
        SearchHost.name != SearchHost.PRUNED, SearchHost.seen_at >= now - host_timeout)).all()
    if not live:
        return 0
    low = min((row.txid, row.change_id) for row in live)
    top = db.session.execute(select(SearchChange.txid, SearchChange.id).where(~_after(low))
                             .order_by(SearchChange.txid.desc(), SearchChange.id.desc()).limit(1)).first()
    if top is None:
        return 0
    deleted = db.session.execute(delete(SearchChange).where(~_after((top.txid, top.id))))
    floor = db.session.get(SearchHost, SearchHost.PRUNED)
    if floor is None:
        floor = SearchHost(name=SearchHost.PRUNED)
        db.session.add(floor)
    if (floor.txid or 0, floor.change_id or 0) < (top.txid, top.id):
        floor.txid, floor.change_id = top.txid, top.id
    floor.seen_at = now
    try:
        db.session.commit()
    except IntegrityError:  # another host recorded the first floor at the same moment; it prunes next time
        db.session.rollback()
        return 0
    return deleted.rowcount or 0


@contextlib.contextmanager
def following_lock(app: Flask, wait: bool):
    """One follower per index folder at a time (a file lock beside it); yields False when another process holds
    it and wait is False."""
    index_dir = Path(app.config["SEARCH_INDEX_DIR"])
    lock_path = index_dir.with_name(index_dir.name + ".drain.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def drain(app: Flask, wait: bool = False, settle: float = 0.0) -> int | None:
    """Follows the log until this host has applied everything that has ended; one follower per index folder.
    Returns how many changes it applied, or None when it failed (logged; the changes wait for the next try).

    With wait, it waits for another follower to finish and then applies what is left, waiting up to SETTLE
    seconds for commits still above the horizon (commands that must leave everything searchable before they
    exit)."""
    if wait:
        settle = settle or SETTLE
    handled = 0
    # A request context (with no request behind it) lets url_for build the documents' links.
    with app.test_request_context("/"), following_lock(app, wait) as mine:
        if not mine:
            return 0  # another process of this host is following and will see these rows too
        try:
            handled = follow(app, settle)
        except SearchUnavailable as error:
            log.warning("search index unavailable; changes wait for the next try: %s", error)
            db.session.rollback()
            return None
        except Exception:
            log.exception("indexing failed; the changes wait for the next try")
            db.session.rollback()
            return None
        finally:
            db.session.remove()
    return handled


def rebuild(app: Flask, progress=None, procs: int = 1, limitmb: int = 256) -> int:
    """A fresh index from the database that then follows the log without a gap: the position is taken (and
    reported, so no host prunes past it) before the first item is read; changes that end after it are applied
    again afterwards, which is harmless. `limitmb`: tokens each building process holds before it writes a
    segment (its memory is about three times that at the sort)."""
    from community.search.documents import all_documents

    with app.test_request_context("/"), following_lock(app, wait=True):
        try:
            position = current_position()
            _report(host_name(app), position, force=True)
            count = get_index(app.config["SEARCH_INDEX_DIR"]).rebuild(
                all_documents(), progress=progress, procs=procs, limitmb=limitmb,
                applied={"txid": position[0], "id": position[1], "complete": True})
            _warned_incomplete.discard(host_name(app))
        finally:
            db.session.remove()
    drain(app, wait=True)
    return count


def lag(app: Flask) -> dict:
    """How far this host is behind the log: rows not applied yet (counted up to 10,000), the age of the oldest,
    and whether the index is complete."""
    index = get_index(app.config["SEARCH_INDEX_DIR"])
    position, complete = applied_position(index)
    pending = select(SearchChange.id, SearchChange.created_at).where(_after(position)).limit(10_000).subquery()
    count, oldest = db.session.execute(select(func.count(), func.min(pending.c.created_at))).one()
    seconds = round((utcnow() - oldest).total_seconds(), 1) if oldest else 0.0
    return {"pending_changes": count, "oldest_pending_seconds": seconds, "complete": complete}


# --- the per-process indexing thread -----------------------------------------------------------


class Indexer:
    """Follows the log after each commit of this process and every SEARCH_POLL_SECONDS (what other processes and
    hosts wrote), in a background thread; with SEARCH_SYNC (tests) a commit waits for it."""

    def __init__(self, app: Flask):
        self.app = app
        self.sync = app.config.get("SEARCH_SYNC", False)
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.poll_seconds = float(app.config.get("SEARCH_POLL_SECONDS", 1.0))
        self._stopping = False

    def wake(self) -> None:
        if self.sync:
            worker = threading.Thread(target=drain, args=(self.app,), kwargs={"settle": SETTLE}, daemon=True)
            worker.start()
            worker.join()
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="search-indexer", daemon=True)
                self._thread.start()
        self._wake.set()

    def stop(self) -> None:
        """Ends the thread after its current pass (for tests and orderly shutdown)."""
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        failures = 0
        while not self._stopping:
            # After failures, wait longer (up to a minute) so a broken index or database is not hammered.
            self._wake.wait(timeout=min(self.poll_seconds * 2**failures, 60.0))
            self._wake.clear()
            if not self._stopping:
                failures = min(failures + 1, 10) if drain(self.app) is None else 0


def init_app(app: Flask) -> None:
    """SEARCH_INLINE_DRAIN=False leaves following the log to a `community index-worker` process per host."""
    if app.config.get("SEARCH_INLINE_DRAIN", True):
        app.extensions["search_indexer"] = Indexer(app)


def start(app: Flask) -> None:
    """For a serving process: catch up at once with what was written while it was stopped, then keep following."""
    indexer = app.extensions.get("search_indexer")
    if indexer is not None and not indexer.sync:
        indexer.wake()


def _current_indexer() -> Indexer | None:
    from flask import has_app_context

    return current_app.extensions.get("search_indexer") if has_app_context() else None
