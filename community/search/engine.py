"""The search index on disk: writing documents, bulk rebuilds, and ranked, filtered, faceted queries."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import pickle
import shutil
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.filedb.filestore import FileStorage
from whoosh.util.filelock import try_for

from . import bulk, vector
from .analysis import normalize
from .highlight import snippet_html
from .query import MAX_WORD_CHARS, build_filter, parse
from .results import INDEX_ERRORS, Hit, SearchResult, SearchUnavailable
from .schema import build_schema, document_fields, is_current, layout_is_current, to_naive_utc, write_layout
from .searchers import SearcherPool
from .whoosh_internals import ArrayCodec

log = logging.getLogger(__name__)

# Segments written since the last merge; above this a commit merges small segments (each extra
# segment costs every query a little, each merge costs the writer a lot).
MAX_SEGMENTS = 8
PROGRESS_EVERY = 500
# What the index has applied of its source (an opaque dict, e.g. a position in a change log), kept in the folder
# so that it travels with the index: a rebuilt, wiped or restored folder brings its own. The leading dot keeps
# Whoosh's clean-up of old files away from it.
APPLIED_FILE = ".applied.json"
# Written when a search finds the index damaged (only reading a segment shows it): /healthz and the log keep saying
# so until a rebuild swaps in a new folder, which has no such file.
DAMAGED_FILE = ".damaged"
# "Did you mean": at most this many nearby spellings of a word.
MAX_SPELLINGS = 3
# How much of a ranking is kept for the following pages of the same search (10 pages of 20).
RANKING_DEPTH = 200


class SearchIndex:
    """A Whoosh index in one folder. Keep one instance per process (see :func:`get_index`): it holds
    the searcher, reused by every query until another writer commits."""

    def __init__(self, path: str | os.PathLike, *, lock_timeout: float = 2.0, max_segments: int = MAX_SEGMENTS):
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self.max_segments = max_segments
        self._searchers = SearcherPool(self.path, self._open, weighting=vector.weighting())
        # Whoosh reads its files with seek + read on file objects the searcher shares, so the queries of
        # one process take turns (each takes milliseconds).
        self._reading = threading.Lock()

    # --- opening ---------------------------------------------------------------------------------

    def open_or_create(self) -> None:
        """Create an empty index if the folder holds none; check that an existing one opens."""
        self.path.mkdir(parents=True, exist_ok=True)
        if not index.exists_in(str(self.path)):
            index.create_in(str(self.path), build_schema())
            write_layout(self.path)
        self._open()
        try:
            # The layout it was built with, as its table of contents stored it (queries never read this).
            stored = index.open_dir(str(self.path)).schema
        except (AttributeError, ImportError, pickle.UnpicklingError) as exc:  # names no class of this code knows
            raise SearchUnavailable(f"the search index at {self.path} has an old layout; rebuild it") from exc
        if not is_current(stored):
            raise SearchUnavailable(f"the search index at {self.path} has an old layout; rebuild it")

    def _open(self):
        if not self.path.is_dir():
            raise SearchUnavailable(f"no search index at {self.path}")
        if not layout_is_current(self.path):
            raise SearchUnavailable(f"the search index at {self.path} has an old layout; rebuild it")
        try:
            # With the schema given, Whoosh does not unpickle the one stored in the table of contents.
            return index.open_dir(str(self.path), schema=build_schema())
        except INDEX_ERRORS as exc:
            raise SearchUnavailable(f"cannot open the search index at {self.path}: {exc!r}") from exc

    def healthy(self) -> bool:
        """True when the index opens and answers and no search has found it damaged since it was built; for
        ``/healthz``."""
        try:
            self.doc_count()
        except SearchUnavailable:
            return False
        return self.damage() is None

    def damage(self) -> str | None:
        """What a search found wrong with this index since it was built (None: nothing)."""
        try:
            return (self.path / DAMAGED_FILE).read_text(encoding="utf-8") or "damaged"
        except FileNotFoundError:
            return None
        except OSError as exc:
            return repr(exc)

    def _note_damage(self, exc: BaseException) -> None:
        if self.damage() is None:
            log.error("the search index at %s is damaged (%r): searches answer from the database until "
                      "`community reindex` rebuilds it", self.path, exc)
        # A folder that cannot be written to is reported by the next check anyway.
        with contextlib.suppress(OSError):
            (self.path / DAMAGED_FILE).write_text(repr(exc)[:500], encoding="utf-8")

    def doc_count(self) -> int:
        with self._searchers.searching() as searcher:
            try:
                return searcher.doc_count()
            except INDEX_ERRORS as exc:
                raise SearchUnavailable(f"cannot read the search index at {self.path}: {exc!r}") from exc

    # --- writing ---------------------------------------------------------------------------------

    def _writer(self, ix=None, **kwargs):
        ix = ix or self._open()
        try:
            # Separate segment files: assembling a compound file copies every byte a second time.
            return ix.writer(timeout=self.lock_timeout, compound=False, codec=ArrayCodec(), **kwargs)
        except index.LockError as exc:
            raise SearchUnavailable(f"the search index at {self.path} is locked by another writer") from exc
        except INDEX_ERRORS as exc:
            raise SearchUnavailable(f"cannot write the search index at {self.path}: {exc!r}") from exc

    def _write(self, apply: Callable[[Any], int]) -> int:
        writer = self._writer()
        try:
            count = apply(writer)
            # merge=False: a commit never stalls on rewriting old segments; _merge_if_needed does
            # that only once enough segments have piled up.
            writer.commit(merge=False)
        except INDEX_ERRORS as exc:
            if not writer.is_closed:
                writer.cancel()
            raise SearchUnavailable(f"cannot write the search index at {self.path}: {exc!r}") from exc
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        self._merge_if_needed()
        return count

    def _merge_if_needed(self) -> None:
        # The documents are committed by now: a failed merge must not make the caller write them
        # again, so it is logged and left to the next commit.
        try:
            ix = self._open()
            if len(ix._segments()) <= self.max_segments:
                return
            writer = self._writer(ix)
        except SearchUnavailable:
            return  # e.g. another writer holds the lock; it will merge on its own commit
        try:
            writer.commit(merge=True)
        except INDEX_ERRORS:
            log.warning("merging the segments of the search index at %s failed", self.path, exc_info=True)
            if not writer.is_closed:
                writer.cancel()

    def add(self, docs: Iterable[Mapping[str, Any]]) -> int:
        """Index documents that are not in the index yet (use :meth:`update` for edits)."""
        prepared = [document_fields(doc) for doc in docs]
        if not prepared:
            return 0

        def apply(writer):
            for fields_ in prepared:
                writer.add_document(**fields_)
            return len(prepared)

        return self._write(apply)

    def update(self, docs: Iterable[Mapping[str, Any]]) -> int:
        """Replace documents by key (adding those not yet indexed)."""
        prepared = [document_fields(doc) for doc in docs]
        if not prepared:
            return 0

        def apply(writer):
            for fields_ in prepared:
                writer.update_document(**fields_)
            return len(prepared)

        return self._write(apply)

    def replace(self, docs: Iterable[Mapping[str, Any]], removed_keys: Iterable[str]) -> int:
        """Replace documents by key and delete others, in one commit; applying the same call twice changes
        nothing more."""
        prepared = [document_fields(doc) for doc in docs]
        keys = [str(k) for k in removed_keys]
        if not prepared and not keys:
            return 0

        def apply(writer):
            for key in keys:
                writer.delete_by_term("key", key)
            for fields_ in prepared:
                writer.update_document(**fields_)
            return len(prepared) + len(keys)

        return self._write(apply)

    def applied(self) -> dict | None:
        """What :meth:`mark_applied` last recorded in this folder (None for a folder without a record)."""
        try:
            return json.loads((self.path / APPLIED_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise SearchUnavailable(f"cannot read {APPLIED_FILE} of the search index at {self.path}: {exc!r}") from exc

    def mark_applied(self, state: Mapping[str, Any], folder: Path | None = None) -> None:
        """Record what the index has applied, atomically (a crash leaves the old record or the new one)."""
        folder = folder or self.path
        if not folder.is_dir():
            raise SearchUnavailable(f"no search index at {folder}")
        partial = folder / f"{APPLIED_FILE}.partial"
        partial.write_text(json.dumps(dict(state)), encoding="utf-8")
        os.replace(partial, folder / APPLIED_FILE)

    def remove(self, keys: Iterable[str]) -> int:
        """Delete documents by key; returns how many were found."""
        keys = [str(k) for k in keys]
        if not keys:
            return 0
        return self._write(lambda writer: sum(writer.delete_by_term("key", k) for k in keys))

    def clear(self) -> None:
        """Empty the index."""
        self.rebuild(())

    def rebuild(
        self,
        docs: Iterable[Mapping[str, Any]],
        progress: Callable[[int], Any] | None = None,
        procs: int = 1,
        limitmb: int = 256,
        applied: Mapping[str, Any] | None = None,
    ) -> int:
        """Build a fresh index from ``docs`` beside the live one, then swap the folders.

        Searches keep answering from the old index meanwhile; the old index's write lock is held so
        that incremental writers wait (and retry later) instead of writing into the old copy.
        ``progress(n)`` is called with the number of documents added since its last call (so a
        ``click.progressbar``'s ``update`` fits). ``procs > 1`` analyses in that many processes.
        ``applied`` is recorded in the new folder before it is swapped in (see :meth:`mark_applied`).
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        building = self.path.with_name(f"{self.path.name}.rebuild-{os.getpid()}")
        retired = self.path.with_name(f"{self.path.name}.old-{os.getpid()}")
        for leftover in (building, retired):  # from a rebuild that was killed half-way
            shutil.rmtree(leftover, ignore_errors=True)
        building.mkdir()
        live_lock = self._lock_live_index()
        try:
            count = self._build(building, docs, progress, procs, limitmb)
            if applied is not None:
                self.mark_applied(applied, building)
            if self.path.exists():
                os.rename(self.path, retired)
            os.rename(building, self.path)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        finally:
            if live_lock is not None:
                live_lock.release()
        shutil.rmtree(retired, ignore_errors=True)
        return count

    def _lock_live_index(self):
        if not self.path.is_dir():
            return None
        live_lock = FileStorage(str(self.path)).lock(f"{index._DEF_INDEX_NAME}_WRITELOCK")
        if not try_for(live_lock.acquire, timeout=self.lock_timeout, delay=0.1):
            raise SearchUnavailable(f"the search index at {self.path} is locked by another writer")
        return live_lock

    def _build(self, folder: Path, docs, progress, procs: int, limitmb: int) -> int:
        # Whole segments written straight through the codec (see bulk.py); each process builds its
        # own, so an index from a rebuild has about `procs` segments.
        return bulk.build(folder, docs, progress, procs=procs, progress_every=PROGRESS_EVERY, limitmb=limitmb)

    # --- searching -------------------------------------------------------------------------------

    def query(
        self,
        q: str | None,
        audiences: Iterable[str],
        kind: str | Iterable[str] | None = None,
        area: str | None = None,
        category: str | None = None,
        date_from: dt.date | dt.datetime | None = None,
        date_to: dt.date | dt.datetime | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
        now: dt.datetime | None = None,
        snippets: bool = True,
        variants: bool = True,
    ) -> SearchResult:
        """Search what the user typed among the documents their audience tokens let them see.

        ``sort="relevance"`` ranks upcoming events (and undated items) above past events, then by
        score; ``sort="date"`` orders by ``updated_at``, newest first. Facet counts cover all
        matching documents (not just this page) after every filter. ``snippets=False`` skips the
        highlighted snippets (``snippet_html`` is then empty) for callers that only need the ranking.
        With ``variants`` (the default) words also match their spelling variants and readings, ranked after the
        matches of the words as typed (``SearchResult.variant_only`` counts them); without, only as typed.
        """
        if sort not in ("relevance", "date"):
            raise ValueError(f"unknown sort {sort!r}")
        page, per_page = max(1, int(page)), max(1, int(per_page))
        empty = SearchResult(page=page, per_page=per_page)
        parsed = parse(q)
        audiences = list(audiences or ())
        search_filter = build_filter(audiences, kind, area, category, date_from, date_to)
        if parsed is None or search_filter is None:
            return empty
        # The default "now" is cut to the minute so that repeated requests share a cached ranking.
        now = to_naive_utc(now or dt.datetime.now(dt.UTC).replace(second=0, microsecond=0))
        wanted = page * per_page
        for attempt in (1, 2):
            with self._searchers.searching() as searcher, self._reading:
                try:
                    ranking, found = self._read_page(searcher, parsed, search_filter, variants, sort, now, wanted,
                                                     per_page)
                    break
                except (*INDEX_ERRORS, TypeError) as exc:
                    # Segment files are opened as they are first read: another process's merge may have removed
                    # them since this searcher opened, so a fresh searcher (of the merged segments) tries again.
                    # Damage inside a segment surfaces only while reading it, as any of these errors.
                    if attempt == 1:
                        self._searchers.close()
                        continue
                    if not isinstance(exc, INDEX_ERRORS):
                        raise  # a TypeError that a fresh searcher repeats is a bug, not the index's trouble
                    self._note_damage(exc)
                    raise SearchUnavailable(f"cannot read the search index at {self.path}: {exc!r}") from exc
        hits = [self._hit(stored, sort_key, parsed if snippets else None) for stored, sort_key in found]
        facets = {name: dict(counts) for name, counts in ranking.facets.items()}
        return SearchResult(hits, ranking.total, facets, page, per_page, ranking.others)

    def _read_page(self, searcher, parsed, search_filter, variants: bool, sort: str, now, wanted: int, per_page: int):
        arrays = self._searchers.cached(searcher, ("arrays",), lambda: vector.IndexArrays(searcher))
        allowed = self._searchers.cached(
            searcher, ("filter", repr(search_filter)), lambda: vector.allowed_mask(arrays, search_filter)
        )
        wanted_query = parsed.query if variants else parsed.exact
        preferred = parsed.exact if variants else None
        key = ("ranking", repr(wanted_query), repr(preferred), repr(search_filter), sort, now)
        ranking = self._searchers.cached(
            searcher,
            key,
            lambda: vector.rank(arrays, wanted_query, allowed, sort, now, max(wanted, RANKING_DEPTH), preferred),
        )
        if len(ranking.items) < min(wanted, ranking.total):  # a page deeper than the cached ranking
            ranking = vector.rank(arrays, wanted_query, allowed, sort, now, wanted, preferred)
        page_items = ranking.items[wanted - per_page : wanted]
        return ranking, [(searcher.stored_fields(docnum), sort_key) for docnum, sort_key in page_items]

    def nearby_spellings(self, word: str, limit: int = MAX_SPELLINGS) -> list[str]:
        """Words of the index one edit away from ``word`` (a character replaced, added or left out, or two
        neighbours swapped), those in the most documents first: "did you mean" for a search that found nothing.

        The words are the morphological field's terms (Sudachi's normalised forms), so ボランティヤ finds
        ボランティア. The term list is read once per searcher, grouped by length."""
        word = normalize(word)
        if not 2 <= len(word) <= MAX_WORD_CHARS:
            return []
        with self._searchers.searching() as searcher, self._reading:
            try:
                by_length = self._searchers.cached(searcher, ("terms by length", "morph"),
                                                   lambda: _terms_by_length(searcher, "morph"))
                near = [term for n in (len(word) - 1, len(word), len(word) + 1) for term in by_length.get(n, ())
                        if term != word and one_edit_apart(word, term)]
                counted = [(searcher.doc_frequency("morph", term), term) for term in near]
            except INDEX_ERRORS as exc:
                raise SearchUnavailable(f"cannot read the search index at {self.path}: {exc!r}") from exc
        return [term for _, term in sorted(counted, key=lambda pair: (-pair[0], pair[1]))[:limit]]

    @staticmethod
    def _hit(stored: dict[str, Any], sort_key: Any, parsed) -> Hit:
        # The sort key is (upcoming-or-date key, -score); report the score itself.
        score = -sort_key[-1] if isinstance(sort_key, tuple) else float(sort_key or 0.0)
        return Hit(
            key=stored["key"],
            kind=stored["kind"],
            id=stored["id"],
            title=stored["title"],
            url=stored.get("url", ""),
            snippet_html=snippet_html(stored.get("body", ""), parsed) if parsed else "",
            score=score,
        )

    def close(self) -> None:
        """Close the searcher (queries still running keep theirs until they finish)."""
        self._searchers.close()


def _terms_by_length(searcher, fieldname: str) -> dict[int, list[str]]:
    terms: set[str] = set()
    for leaf, _ in searcher.reader().leaf_readers():
        terms.update(btext.decode("utf-8") for btext in leaf.lexicon(fieldname))
    grouped: dict[int, list[str]] = {}
    for term in sorted(terms):
        grouped.setdefault(len(term), []).append(term)
    return grouped


def one_edit_apart(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with one character replaced, added or left out, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                                  and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((n for n in range(len(short)) if short[n] != long[n]), len(short))
    return short[i:] == long[i + 1 :]


_indexes: dict[Path, SearchIndex] = {}
_indexes_lock = threading.Lock()


def get_index(path: str | os.PathLike) -> SearchIndex:
    """The process-wide :class:`SearchIndex` for a folder, so every request shares one searcher."""
    key = Path(path).resolve()
    with _indexes_lock:
        if key not in _indexes:
            _indexes[key] = SearchIndex(key)
        return _indexes[key]
