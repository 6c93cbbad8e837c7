"""One Whoosh searcher per process and index folder, reopened only when the index changes.

A query leases the current searcher and gives it back when done. When another writer has
committed, the next lease opens a new searcher; the old one is closed as soon as no running query
uses it. Whoosh's ``Searcher.refresh()`` is not used: in whoosh-reloaded 2.7.5 it fails on an
empty index and keeps the pre-deletion copy of a segment, so deleted documents came back.

Work that depends only on the index contents (filter document sets, ranked result lists) is
cached alongside the searcher and dropped with it.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .results import INDEX_ERRORS, SearchUnavailable

CACHE_SIZE = 128


class SearcherPool:
    def __init__(self, path: Path, open_index: Callable[[], Any], weighting: Any = None):
        self.path = path
        self._open_index = open_index
        self._weighting = weighting  # Whoosh's scoring for the searchers (None: its default)
        self._lock = threading.Lock()
        self._searcher = None
        self._opened_as: tuple[int, int, int] | None = None  # (pid, folder inode, its ctime) it was opened for
        self._leases: dict[int, int] = {}  # id(searcher) -> queries using it
        self._cache: OrderedDict[Any, Any] = OrderedDict()

    @contextmanager
    def searching(self):
        searcher = self._lease()
        try:
            yield searcher
        finally:
            self._release(searcher)

    def _lease(self):
        with self._lock:
            try:
                # A rebuild swaps the folder (a new inode, and a new ctime should a later rebuild's folder
                # get a freed inode again); a forked worker must not share file handles.
                folder = os.stat(self.path)
                identity = (os.getpid(), folder.st_ino, folder.st_ctime_ns)
            except OSError as exc:
                raise SearchUnavailable(f"no search index at {self.path}") from exc
            try:
                current = self._searcher
                if current is None or self._opened_as != identity or not current.up_to_date():
                    options = {} if self._weighting is None else {"weighting": self._weighting}
                    self._searcher, self._opened_as = self._open_index().searcher(**options), identity
                    self._cache = OrderedDict()
                    if current is not None and id(current) not in self._leases:
                        current.close()
            except INDEX_ERRORS as exc:
                raise SearchUnavailable(f"cannot read the search index at {self.path}: {exc!r}") from exc
            searcher = self._searcher
            self._leases[id(searcher)] = self._leases.get(id(searcher), 0) + 1
            return searcher

    def _release(self, searcher) -> None:
        with self._lock:
            remaining = self._leases.pop(id(searcher)) - 1
            if remaining:
                self._leases[id(searcher)] = remaining
            elif searcher is not self._searcher:
                searcher.close()

    def cached(self, searcher, key, compute: Callable[[], Any]):
        """``compute()``'s value for ``key``, remembered while ``searcher`` is the current one."""
        with self._lock:
            if searcher is self._searcher and key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = compute()
        with self._lock:
            if searcher is self._searcher:
                self._cache[key] = value
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return value

    def close(self) -> None:
        """Close the searcher (queries still running keep theirs until they finish)."""
        with self._lock:
            searcher, self._searcher, self._opened_as = self._searcher, None, None
            self._cache = OrderedDict()
            if searcher is not None and id(searcher) not in self._leases:
                searcher.close()
