"""Ranked, filtered and faceted queries over the Whoosh index, evaluated with NumPy arrays.

Whoosh stores the index (segments, terms, posting blocks); this module answers the queries that
``query.parse`` builds. Whoosh's own searcher walks every matching document in Python (scoring,
phrase checks, sort keys, facet counts), which costs hundreds of milliseconds for a word found in a
tenth of 100,000 documents. Here each term's posting list is decoded block by block into arrays
(``codec.ArrayCodec`` stores blocks as flat arrays and ``ArrayPositions`` positions as flat integers),
and the rest is array arithmetic over all documents of the index:

* a term scores its documents with BM25F as Whoosh would (``idf * w(k1+1) / (w + k1(1-b+b·len/avg))``,
  the weight already holding the field boost), with this site's parameters (:func:`weighting` gives Whoosh's
  searcher the same);
* a phrase keeps the documents where its bigrams sit at consecutive positions: (doc, position - i)
  pairs of each term are intersected, which is a sorted-array search in C;
* ``Or`` adds scores and unites matches, ``And`` intersects them; a prefix (a one-character query) scores
  its terms' occurrences together as one term, so that it is length-normalised too;
* the filter (audience, kind, area, category, dates), deleted documents, sort keys ("upcoming first"
  or newest first, then score) and the facet counts are masks and columns of the same length.

Columns and posting lists of a segment never change once written, so they are cached per process
by segment id and shared by later searchers; only deletions are read per searcher.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh import scoring

from . import whoosh_internals as internals
from .codec import posting_blocks
from .schema import POSITION_TYPECODE, ArrayPositions
from .whoosh_internals import ArrayCodec, byte_to_length, datetime_to_long

# BM25F parameters, tuned with the field boosts (schema.py) on the Hamamatsu events (bench/bm25_tune.py, figures
# in the README): local items are short, so length normalisation is strong (B) and the term frequency saturates
# late (K1), so that a short item about a word ranks above a long one that mentions it once. Whoosh's defaults
# are B=0.75, K1=1.2.
BM25_B = 0.9
BM25_K1 = 2.0
_LENGTHS = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)
_POSITION_DTYPE = np.dtype(POSITION_TYPECODE)

# Decoded posting lists kept per process, counted in documents plus positions (about 16 bytes each,
# so some 64 MB at most).
POSTINGS_CACHE_POSTINGS = 4_000_000
# Columns of segments (sort keys, lengths, kinds, areas), by bytes: some 4 MB per 100,000 documents, so a
# few generations of a large index; those of segments gone after a merge or rebuild age out.
COLUMN_CACHE_BYTES = 32 * 2**20


def weighting() -> scoring.BM25F:
    """Whoosh's BM25F with this module's parameters, for searchers (the reference ``evaluate`` equals)."""
    return scoring.BM25F(B=BM25_B, K1=BM25_K1)


class UnsupportedQuery(TypeError):
    """A query node this module does not evaluate."""


# --- per-process caches keyed by segment ------------------------------------------------------------


class _LRU:
    def __init__(self, capacity: int, weigh: Callable[[Any], int] = lambda value: 1):
        self.capacity = capacity
        self.weigh = weigh
        self.used = 0
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, compute: Callable[[], Any]):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()
        weight = self.weigh(value)
        if weight > self.capacity:
            return value
        with self._lock:
            if key not in self._items:
                self._items[key] = value
                self.used += weight
                while self.used > self.capacity:
                    _, old = self._items.popitem(last=False)
                    self.used -= self.weigh(old)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.used = 0


@dataclass(frozen=True)
class Postings:
    """One term's postings in one segment: sorted document numbers, how often the term occurs in each,
    and (for phrase checks) every position, grouped by document."""

    docs: np.ndarray  # int64, segment document numbers, ascending
    counts: np.ndarray  # int64, positions per document
    positions: np.ndarray | None  # uint32, len == counts.sum()

    @property
    def size(self) -> int:
        return len(self.docs) + (0 if self.positions is None else len(self.positions))


_EMPTY = Postings(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, _POSITION_DTYPE))
_postings_cache = _LRU(POSTINGS_CACHE_POSTINGS, weigh=lambda p: p.size + 1)


def _nbytes(value) -> int:
    return value.codes.nbytes if isinstance(value, _Codes) else value.nbytes


_columns_cache = _LRU(COLUMN_CACHE_BYTES, weigh=_nbytes)


def clear_caches() -> None:
    _postings_cache.clear()
    _columns_cache.clear()


def _segment_key(reader) -> str:
    return reader.segment().segment_id()


def _read_postings(reader, fieldname: str, btext: bytes, with_positions: bool) -> Postings:
    """Decode a whole posting list at once, block by block with NumPy (see ``codec.py``)."""
    terminfo = internals.term_info(reader, fieldname, btext)
    if terminfo.is_inlined() or not isinstance(reader.segment().codec(), ArrayCodec):
        # Not written by this site's codec: let Whoosh walk it.
        positional = isinstance(reader.schema[fieldname].format, ArrayPositions)
        return _read_generic(internals.term_matcher(reader, fieldname, btext), with_positions, positional)
    offset, length = terminfo.extent()
    if isinstance(length, tuple):  # whoosh-reloaded 2.7.5 leaves it as struct.unpack's tuple
        (length,) = length
    blocks = list(posting_blocks(internals.postings_file(reader), offset, length))
    docs = np.concatenate([block.ids for block in blocks]).astype(np.int64)
    positional = isinstance(reader.schema[fieldname].format, ArrayPositions)
    if not positional:
        return Postings(docs, np.ones(len(docs), dtype=np.int64), None)
    # A posting's value is its positions, so the frequencies come without decoding them.
    counts = np.concatenate([block.lengths for block in blocks]).astype(np.int64) // _POSITION_DTYPE.itemsize
    if not with_positions:
        return Postings(docs, counts, None)
    positions = np.frombuffer(b"".join([block.values for block in blocks]), dtype=_POSITION_DTYPE)
    return Postings(docs, counts, positions)


def _read_generic(matcher, with_positions: bool, positional: bool) -> Postings:
    docs, counts, chunks = [], [], []
    while matcher.is_active():
        docs.append(matcher.id())
        if positional:
            value = matcher.value()
            counts.append(len(value) // _POSITION_DTYPE.itemsize)
            if with_positions:
                chunks.append(value)
        else:
            counts.append(1)
        matcher.next()
    positions = np.frombuffer(b"".join(chunks), dtype=_POSITION_DTYPE) if with_positions else None
    return Postings(np.array(docs, dtype=np.int64), np.array(counts, dtype=np.int64), positions)


def segment_postings(reader, fieldname: str, btext: bytes, with_positions: bool | None = None) -> Postings:
    """The postings of a term in one segment (deleted documents included), cached per process. Counts
    and positions are read for position-bearing fields unless ``with_positions`` is False."""
    if (fieldname, btext) not in reader:
        return _EMPTY
    if with_positions is None:
        with_positions = isinstance(reader.schema[fieldname].format, ArrayPositions)
    key = (_segment_key(reader), fieldname, btext, with_positions)
    return _postings_cache.get(key, lambda: _read_postings(reader, fieldname, btext, with_positions))


# --- the index as arrays --------------------------------------------------------------------------


def _numeric_column(col, size: int) -> np.ndarray:
    """A fixed-width numeric column of a segment as an array (missing trailing values are the default)."""
    default, typecode, count, raw = internals.fixed_column_parts(col)
    out = np.full(size, default, dtype=np.dtype(">" + typecode).newbyteorder("="))
    count = min(count, size)
    if count:
        out[:count] = np.frombuffer(raw, dtype=">" + typecode, count=count)
    return out


def _bytes_column(reader, fieldname: str) -> list[bytes]:
    """A variable-length bytes column (``VarBytesColumn``): its values lie one after another in document
    order, so they are read in one piece and cut by their lengths."""
    raw_lengths, raw_offsets, read = internals.bytes_column_parts(reader.column_reader(fieldname, translate=False))
    lengths = np.frombuffer(raw_lengths, dtype=raw_lengths.typecode).astype(np.int64)
    offsets = np.frombuffer(raw_offsets, dtype=raw_offsets.typecode).astype(np.int64)
    if not len(lengths):
        return []
    raw = read(int(offsets[-1] + lengths[-1]))
    return [raw[a:b] for a, b in zip(offsets.tolist(), (offsets + lengths).tolist(), strict=True)]


@dataclass(frozen=True)
class _Codes:
    """A categorical column: a code per document (-1 for none) and the names of the codes. With
    ``split`` each document may hold several space-separated values: codes is then 2-D, padded with -1."""

    codes: np.ndarray
    names: list[str]


def _code_column(values: list[bytes], split: bool) -> _Codes:
    # Few distinct values (kinds, area paths): number them first, split each distinct one once.
    distinct: dict[bytes, int] = {}
    per_doc = np.fromiter((distinct.setdefault(v, len(distinct)) for v in values), dtype=np.int64, count=len(values))
    names: dict[str, int] = {}
    rows = [[names.setdefault(part, len(names)) for part in (raw.decode("utf-8").split() if split else
                                                             ([raw.decode("utf-8")] if raw else []))]
            for raw in distinct]
    width = max((len(r) for r in rows), default=0) or 1
    table = np.full((len(rows) + 1, width), -1, dtype=np.int32)
    for i, row in enumerate(rows):
        table[i, : len(row)] = row
    codes = table[per_doc] if len(values) else np.zeros((0, width), dtype=np.int32)
    return _Codes(codes if split else codes[:, 0], list(names))


class IndexArrays:
    """One searcher's index seen as arrays over its global document numbers. Build one per searcher
    (it is cheap once the segments' columns are cached) and share it between queries."""

    def __init__(self, searcher):
        self.searcher = searcher
        reader = searcher.reader()
        self.leaves = list(reader.leaf_readers()) if reader.doc_count_all() else []
        self.size = searcher.doc_count_all()
        live = np.ones(self.size, dtype=bool)
        for leaf, offset in self.leaves:
            deleted = list(leaf.deleted_docs_set)
            if deleted:
                live[np.array(deleted, dtype=np.int64) + offset] = False
        self.live = live
        self._columns: dict[str, Any] = {}
        self._lock = threading.Lock()

    # Columns, concatenated over segments.

    def _column(self, name: str, load: Callable[[Any], Any], combine: Callable[[list], Any]):
        with self._lock:
            if name in self._columns:
                return self._columns[name]
        parts = [
            _columns_cache.get((_segment_key(leaf), name), lambda leaf=leaf: load(leaf)) for leaf, _ in self.leaves
        ]
        value = combine(parts)
        with self._lock:
            self._columns[name] = value
        return value

    def numeric(self, fieldname: str) -> np.ndarray:
        def load(leaf):
            if not leaf.has_column(fieldname):
                return np.full(leaf.doc_count_all(), np.iinfo(np.int64).max, dtype=np.int64)
            values = _numeric_column(leaf.column_reader(fieldname, translate=False), leaf.doc_count_all())
            if values.dtype.kind == "u":  # datetimes: unsigned, the "missing" default is the largest value
                values = np.minimum(values, np.iinfo(np.int64).max)
            return values.astype(np.int64)

        return self._column(fieldname, load, lambda parts: np.concatenate(parts) if parts else np.zeros(0, np.int64))

    def lengths(self, fieldname: str) -> np.ndarray:
        def load(leaf):
            if not internals.has_lengths(leaf, fieldname):
                return np.zeros(leaf.doc_count_all(), dtype=np.float32)
            raw = _numeric_column(internals.lengths_column(leaf, fieldname), leaf.doc_count_all())
            return _LENGTHS[raw.astype(np.int64)]

        return self._column(
            f"_len:{fieldname}", load, lambda parts: np.concatenate(parts) if parts else np.zeros(0, np.float32)
        )

    def categories(self, fieldname: str, split: bool) -> _Codes:
        def load(leaf):
            values = _bytes_column(leaf, fieldname) if leaf.has_column(fieldname) else [b""] * leaf.doc_count_all()
            return _code_column(values, split)

        def combine(parts: list[_Codes]) -> _Codes:
            names: dict[str, int] = {}
            width = max((p.codes.shape[1] for p in parts), default=1) if split else 1
            chunks = []
            for part in parts:
                mapping = np.array([names.setdefault(n, len(names)) for n in part.names] + [-1], dtype=np.int32)
                codes = mapping[part.codes]  # -1 indexes the trailing -1
                if split and codes.shape[1] < width:
                    codes = np.pad(codes, ((0, 0), (0, width - codes.shape[1])), constant_values=-1)
                chunks.append(codes)
            empty = np.zeros((0, width) if split else 0, dtype=np.int32)
            return _Codes(np.concatenate(chunks) if chunks else empty, list(names))

        return self._column(f"_codes:{fieldname}", load, combine)

    # Posting lists over global document numbers.

    def postings(self, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(docs, counts, positions, position owners) of a term over all segments."""
        parts = [(segment_postings(leaf, fieldname, btext), offset) for leaf, offset in self.leaves]
        parts = [(p, offset) for p, offset in parts if len(p.docs)]
        if not parts:
            empty = np.zeros(0, np.int64)
            return empty, empty, np.zeros(0, _POSITION_DTYPE), empty
        docs = np.concatenate([p.docs + offset for p, offset in parts])
        counts = np.concatenate([p.counts for p, _ in parts])
        positions = np.concatenate([p.positions for p, _ in parts])
        return docs, counts, positions, np.repeat(docs, counts)

    def term_docs(self, fieldname: str, btext: bytes) -> np.ndarray:
        docs = [segment_postings(leaf, fieldname, btext, with_positions=False).docs + offset
                for leaf, offset in self.leaves]
        return np.concatenate(docs) if docs else np.zeros(0, np.int64)


# --- evaluating a query -----------------------------------------------------------------------------


@dataclass
class _Match:
    mask: np.ndarray  # bool per document
    score: np.ndarray  # float32 per document (0 where not matched)


def _bm25(arrays: IndexArrays, fieldname: str, btext: bytes | None, docs: np.ndarray, counts: np.ndarray,
          idf: float | None = None) -> np.ndarray:
    searcher = arrays.searcher
    field = searcher.schema[fieldname]
    weight = counts.astype(np.float32) * np.float32(field.format.field_boost)
    if idf is None:
        idf = searcher.idf(fieldname, btext)
    avg = searcher.avg_field_length(fieldname, 1) or 1
    length = arrays.lengths(fieldname)[docs]
    return idf * (weight * (BM25_K1 + 1)) / (weight + BM25_K1 * ((1 - BM25_B) + BM25_B * length / avg))


def _to_bytes(searcher, fieldname: str, text) -> bytes:
    return text if isinstance(text, bytes) else searcher.schema[fieldname].to_bytes(text)


def _term(arrays: IndexArrays, node: wq.Term) -> _Match:
    btext = _to_bytes(arrays.searcher, node.fieldname, node.text)
    docs, counts, _, _ = arrays.postings(node.fieldname, btext)
    match = _Match(np.zeros(arrays.size, dtype=bool), np.zeros(arrays.size, dtype=np.float32))
    if not len(docs):
        return match
    match.mask[docs] = True
    match.score[docs] = _bm25(arrays, node.fieldname, btext, docs, counts) * node.boost
    return match


def _sorted_member(needles: np.ndarray, haystack: np.ndarray) -> np.ndarray:
    """Which of ``needles`` occur in the sorted ``haystack``."""
    if not len(haystack):
        return np.zeros(len(needles), dtype=bool)
    at = np.searchsorted(haystack, needles)
    at[at == len(haystack)] = 0
    return haystack[at] == needles


def _phrase(arrays: IndexArrays, node: wq.Phrase) -> _Match:
    searcher = arrays.searcher
    match = _Match(np.zeros(arrays.size, dtype=bool), np.zeros(arrays.size, dtype=np.float32))
    btexts = [_to_bytes(searcher, node.fieldname, w) for w in node.words]
    terms = [arrays.postings(node.fieldname, b) for b in btexts]
    if any(not len(docs) for docs, *_ in terms):
        return match
    # Documents holding every term, then (document, start position) pairs common to all terms.
    candidates = np.ones(arrays.size, dtype=bool)
    for docs, *_ in terms:
        present = np.zeros(arrays.size, dtype=bool)
        present[docs] = True
        candidates &= present
    starts = None
    for offset, (_docs, _counts, positions, owners) in enumerate(terms):
        keep = candidates[owners] & (positions >= offset)
        keys = (owners[keep] << 32) | (positions[keep].astype(np.int64) - offset)
        starts = keys if starts is None else starts[_sorted_member(starts, keys)]
        if not len(starts):
            return match
    found = np.unique(starts >> 32)
    match.mask[found] = True
    for btext, (docs, counts, _, _) in zip(btexts, terms, strict=True):
        inside = match.mask[docs]
        match.score[docs[inside]] += _bm25(arrays, node.fieldname, btext, docs[inside], counts[inside])
    match.score *= node.boost
    return match


def _prefix(arrays: IndexArrays, node: wq.Prefix) -> _Match:
    """Documents with any term starting with the prefix. The occurrences of all those terms in a document count as
    one term's (with the document frequency of their union), so a one-character query is scored by BM25F like a
    word: a short item that uses the character often ranks above a long one that holds it once. (Whoosh's
    ``Prefix`` scores a constant instead.)"""
    match = _Match(np.zeros(arrays.size, dtype=bool), np.zeros(arrays.size, dtype=np.float32))
    counts = np.zeros(arrays.size, dtype=np.int64)
    for leaf, offset in arrays.leaves:
        for btext in leaf.expand_prefix(node.fieldname, node.text):
            btext = _to_bytes(arrays.searcher, node.fieldname, btext)
            postings = segment_postings(leaf, node.fieldname, btext, with_positions=False)
            counts[postings.docs + offset] += postings.counts
    match.mask[:] = counts > 0
    docs = np.flatnonzero(match.mask & arrays.live)
    if not len(docs):
        return match
    idf = float(np.log(arrays.searcher.doc_count_all() / (len(docs) + 1)) + 1)
    match.score[docs] = _bm25(arrays, node.fieldname, None, docs, counts[docs], idf=idf) * node.boost
    return match


def evaluate(arrays: IndexArrays, node: wq.Query) -> _Match:
    if isinstance(node, wq.Phrase):
        if node.slop != 1:
            raise UnsupportedQuery("only phrases of consecutive words are evaluated")
        return _phrase(arrays, node)
    if isinstance(node, wq.Term):
        return _term(arrays, node)
    if isinstance(node, wq.Prefix):
        return _prefix(arrays, node)
    if isinstance(node, wq.AndNot):
        kept, dropped = evaluate(arrays, node.a), evaluate(arrays, node.b)
        mask = kept.mask & ~dropped.mask
        return _Match(mask, np.where(mask, kept.score, np.float32(0)) * node.boost)
    if isinstance(node, (wq.Or, wq.And)):
        parts = [evaluate(arrays, sub) for sub in node.subqueries]
        if not parts:
            return _Match(np.zeros(arrays.size, dtype=bool), np.zeros(arrays.size, dtype=np.float32))
        mask = parts[0].mask.copy()
        score = parts[0].score.copy()
        for part in parts[1:]:
            if isinstance(node, wq.Or):
                mask |= part.mask
            else:
                mask &= part.mask
            score += part.score
        score[~mask] = 0
        return _Match(mask, score * node.boost)
    raise UnsupportedQuery(f"cannot evaluate {type(node).__name__}")


def allowed_mask(arrays: IndexArrays, spec: Iterable[Iterable[wq.Query]]) -> np.ndarray:
    """The documents a filter (``query.build_filter``) lets through: every clause has one alternative
    that matches. Term alternatives read posting lists; anything else asks Whoosh."""
    allowed = arrays.live.copy()
    for alternatives in spec:
        clause = np.zeros(arrays.size, dtype=bool)
        for alternative in alternatives:
            if isinstance(alternative, wq.Term):
                btext = _to_bytes(arrays.searcher, alternative.fieldname, alternative.text)
                clause[arrays.term_docs(alternative.fieldname, btext)] = True
            else:
                docs = list(arrays.searcher.docs_for_query(alternative))
                clause[np.array(docs, dtype=np.int64)] = True
        allowed &= clause
    return allowed


@dataclass
class Ranking:
    items: list[tuple[int, tuple]]  # (docnum, sort key ending with -score), best first
    total: int
    facets: dict[str, dict[str, int]]
    others: int = 0  # matches only through spelling variants or readings


def _counts(codes: _Codes, docs: np.ndarray) -> dict[str, int]:
    picked = codes.codes[docs].ravel()
    picked = picked[picked >= 0]
    counted = np.bincount(picked, minlength=len(codes.names))
    return {codes.names[i]: int(counted[i]) for i in np.flatnonzero(counted)}


def rank(arrays: IndexArrays, query: wq.Query, allowed: np.ndarray, sort: str, now, depth: int,
         preferred: wq.Query | None = None) -> Ranking:
    """The first ``depth`` matching documents in order, the number of matches, and the kind and area
    counts of all matches. ``sort`` is "relevance" (documents matching ``preferred`` — the words as typed —
    first, then upcoming events and undated items, then score) or "date" (``updated_at`` newest first, then
    score); ties go to the lower document number. ``Ranking.others`` counts the matches ``preferred`` misses."""
    match = evaluate(arrays, query)
    docs = np.flatnonzero(match.mask & allowed)
    scores = match.score[docs]
    others = np.zeros(len(docs), dtype=bool)
    if preferred is not None:
        others = ~evaluate(arrays, preferred).mask[docs]
    if sort == "date":
        primary = -arrays.numeric("updated_at")[docs]
    else:
        primary = (arrays.numeric("until")[docs] < datetime_to_long(now)).astype(np.int64) + 2 * others
    order_keys = (docs, -scores, primary)
    if len(docs) > depth:
        # Only the best `depth` need sorting: everything before the primary key's cut, then the best
        # scores among the documents at the cut (ties at the score cut kept, lexsort settles them).
        threshold = np.partition(primary, depth - 1)[depth - 1]
        before = np.flatnonzero(primary < threshold)
        tier = np.flatnonzero(primary == threshold)
        room = depth - len(before)
        if len(tier) > room:
            negated = -scores[tier]
            tier = tier[negated <= np.partition(negated, room - 1)[room - 1]]
        keep = np.concatenate((before, tier))
        order_keys = tuple(k[keep] for k in order_keys)
    order = np.lexsort(order_keys)[:depth]
    best_docs, best_scores, best_primary = (k[order] for k in order_keys)
    items = [(int(d), (int(p), float(s))) for d, s, p in zip(best_docs, best_scores, best_primary, strict=True)]
    facets = {"kind": _counts(arrays.categories("kind", split=False), docs),
              "area": _counts(arrays.categories("area", split=True), docs)}
    return Ranking(items, len(docs), facets, int(others.sum()))
