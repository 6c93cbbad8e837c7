"""What a search returns, and the error callers catch when the index cannot answer."""

from __future__ import annotations

import pickle
import struct
import zlib
from dataclasses import dataclass, field

from whoosh.filedb.filetables import FileFormatError
from whoosh.index import IndexError as WhooshIndexError
from whoosh.index import LockError

# What reading a missing, locked or damaged index raises: the file system (OSError), files cut short (EOFError,
# struct.error), damaged compressed blocks (zlib.error) or pickles (UnpicklingError), values out of range
# (ValueError and codec.IndexDamaged, OverflowError, IndexError, KeyError), a huge length read from a damaged
# header (MemoryError), and Whoosh's own index and file format errors. Every read of the index turns these into
# SearchUnavailable, so pages answer from the database meanwhile; anything else (TypeError, AttributeError,
# NameError, ...) is a bug and is not hidden as index trouble.
INDEX_ERRORS = (OSError, EOFError, struct.error, zlib.error, pickle.UnpicklingError, ValueError, OverflowError,
                IndexError, KeyError, MemoryError, LockError, WhooshIndexError, FileFormatError)


class SearchUnavailable(RuntimeError):
    """The index is missing, locked by another writer for too long, or damaged."""


@dataclass(frozen=True)
class Hit:
    """One result. ``snippet_html`` is safe to output unescaped: all text is escaped and the only
    markup is ``<mark>`` around the matches."""

    key: str
    kind: str
    id: int
    title: str
    url: str
    snippet_html: str
    score: float


@dataclass
class SearchResult:
    """One page of hits in rank order, the number of matches, and facet counts over all of them."""

    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    facets: dict[str, dict[str, int]] = field(default_factory=lambda: {"kind": {}, "area": {}})
    page: int = 1
    per_page: int = 20
    variant_only: int = 0  # of total: found only through spelling variants or readings

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
