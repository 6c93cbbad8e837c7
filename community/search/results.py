"""What a search returns, and the error callers catch when the index cannot answer."""

from __future__ import annotations

from dataclasses import dataclass, field

# What reading a damaged index raises is open-ended: Whoosh raises bare Exception ("Block tag error"),
# OverflowError, MemoryError, TypeError and more deep inside, depending on which file is damaged and how.
# Every read of the index is wrapped in this and turned into SearchUnavailable, so pages keep working
# (the view logs the cause with its traceback).
INDEX_ERRORS = (Exception,)


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
