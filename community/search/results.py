"""What a search returns, and the error callers catch when the index cannot answer."""

from __future__ import annotations

import pickle
import struct
import zlib
from dataclasses import dataclass, field

from whoosh import index
from whoosh.filedb.filetables import FileFormatError

# What Whoosh raises, depending on which file is damaged or missing, when the index cannot be read.
# The list is broad on purpose (a truncated segment ends up as a TypeError or AttributeError deep in
# Whoosh); it is caught only around calls into Whoosh.
INDEX_ERRORS = (
    index.IndexError,
    FileFormatError,
    OSError,
    EOFError,
    struct.error,
    pickle.UnpicklingError,
    zlib.error,
    ValueError,
    KeyError,
    IndexError,
    AttributeError,
    TypeError,
)


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

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
