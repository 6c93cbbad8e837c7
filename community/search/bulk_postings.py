"""A segment's postings collected in memory: every token of a document added to flat arrays, then sorted once
with NumPy into each field's posting lists (terms in order, each term's postings by document), ready for
whoosh_internals.BulkFieldWriter to write."""

from __future__ import annotations

import datetime as dt
from array import array
from typing import Any

import numpy as np

from .schema import POSITION_BYTES, POSITION_TYPECODE
from .whoosh_internals import byte_to_length, length_to_byte

_WEIGHT_DTYPE = np.float64
_U4 = np.dtype("<u4")  # value lengths in a block
_POSITION_DTYPE = np.dtype(POSITION_TYPECODE)
assert _POSITION_DTYPE.itemsize == POSITION_BYTES
_VALUE_CACHE_SIZE = 50_000
_CACHEABLE = (str, bytes, int, float, dt.datetime, dt.date)


def _stored_length(length: int) -> int:
    """The field length Whoosh reads back for a posting: quantised to a byte, 0 when none was stored."""
    return byte_to_length(length_to_byte(length)) if length else 0


class TokenField:
    """Every token of an ArrayPositions field: term id, position and (per document) the token count."""

    def __init__(self, fieldname: str, field):
        self.name = fieldname
        self.field = field
        self.boost = float(field.format.field_boost)
        self.terms: dict[str, int] = {}
        self.tids = array("I")
        self.positions = array("I")
        self.counts = array("I")  # tokens per document = the field length, 0 without the field

    def add(self, terms: list[str], positions) -> int:
        ids = self.terms
        setdefault = ids.setdefault
        self.tids.extend([setdefault(t, len(ids)) for t in terms])
        self.positions.extend(positions)
        self.counts.append(len(terms))
        return len(terms)

    def skip(self) -> None:
        self.counts.append(0)

    def __len__(self) -> int:
        return len(self.tids)

    def postings(self) -> Postings:
        ndocs = len(self.counts)
        counts = np.frombuffer(self.counts, dtype=np.uint32) if ndocs else np.zeros(0, np.uint32)
        terms = sorted(self.terms)
        rank = np.empty(len(terms), dtype=np.uint32)
        rank[np.fromiter((self.terms[t] for t in terms), dtype=np.int64, count=len(terms))] = np.arange(
            len(terms), dtype=np.uint32
        )
        keys = rank[np.frombuffer(self.tids, dtype=np.uint32)] if len(self.tids) else np.zeros(0, np.uint32)
        # Tokens were added in document order and, within a document, in position order, so a stable
        # sort by term leaves each term's tokens ordered by (docnum, position).
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        docs = np.repeat(np.arange(ndocs, dtype=np.uint32), counts)[order]
        positions = np.frombuffer(self.positions, dtype=np.uint32)[order].astype(_POSITION_DTYPE, copy=False)
        del order
        n = len(keys)
        new_posting = np.ones(n, dtype=bool)
        if n:
            new_posting[1:] = (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])
        starts = np.flatnonzero(new_posting)
        ends = np.append(starts[1:], n)
        freqs = (ends - starts).astype(_WEIGHT_DTYPE)
        p_keys = keys[starts]
        term_starts = np.flatnonzero(np.r_[True, p_keys[1:] != p_keys[:-1]]) if len(starts) else starts
        p_docs = docs[starts]
        qlen = np.array([_stored_length(c) for c in self.counts.tolist()], dtype=np.int64)
        # Whoosh: weight = (sum of token boosts = freq) * format boost * document field boost (1.0).
        weights = freqs * self.boost * 1.0
        return Postings(
            terms=[terms[k].encode("utf-8") for k in p_keys[term_starts].tolist()],
            term_starts=np.append(term_starts, len(starts)),
            docs=p_docs,
            weights=weights,
            lengths=qlen[p_docs] if ndocs else np.zeros(0, np.int64),
            values=_PositionValues(positions, starts, ends),
        )


class _PositionValues:
    """The ArrayPositions values of the postings, as runs of one array of sorted positions."""

    def __init__(self, positions, starts, ends):
        self.positions = positions
        self.starts = starts
        self.ends = ends

    def window(self, a: int, b: int) -> tuple[bytes, list[int], bytes]:
        """Postings a..b: their value lengths as <u4 bytes, their offsets into the joined values, the values."""
        base = int(self.starts[a])
        width = POSITION_BYTES
        offsets = (np.append(self.starts[a:b], self.ends[b - 1]) - base) * width
        lengths = ((self.ends[a:b] - self.starts[a:b]) * width).astype(_U4)
        return lengths.tobytes(), offsets.tolist(), self.positions[base : int(self.ends[b - 1])].tobytes()


class _ListValues:
    def __init__(self, values: list[bytes]):
        self.values = values

    def window(self, a: int, b: int) -> tuple[bytes, list[int], bytes]:
        values = self.values[a:b]
        sizes = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
        offsets = np.zeros(len(values) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        return sizes.astype(_U4).tobytes(), offsets.tolist(), b"".join(values)


class GenericField:
    """Postings of any other indexed field, from ``field.index(value)`` as Whoosh's writer calls it."""

    def __init__(self, fieldname: str, field):
        self.name = fieldname
        self.field = field
        self.terms: dict[bytes, int] = {}
        self.tids = array("I")
        self.docs = array("I")
        self.weights: list[float] = []
        self.values: list[bytes] = []
        self.lengths = array("I")
        # Values repeat (kinds, areas, dates); a unique field's never do. Only plain hashable values.
        self.cache: dict[tuple[type, Any], tuple[list, int]] = {}
        self.cacheable = not field.unique

    def add(self, docnum: int, value, fieldboost: float) -> int:
        key = (type(value), value) if self.cacheable and isinstance(value, _CACHEABLE) else None
        cached = None if key is None else self.cache.get(key)
        if cached is None:
            items = []
            length = 0
            scorable = self.field.scorable
            for tbytes, freq, weight, vbytes in self.field.index(value):
                items.append((tbytes, weight * fieldboost, b"" if vbytes is None else vbytes))
                if scorable:
                    length += freq
            cached = (items, length)
            if key is not None:
                if len(self.cache) >= _VALUE_CACHE_SIZE:
                    self.cache.clear()
                self.cache[key] = cached
        items, length = cached
        ids = self.terms
        for tbytes, weight, vbytes in items:
            self.tids.append(ids.setdefault(tbytes, len(ids)))
            self.docs.append(docnum)
            self.weights.append(weight)
            self.values.append(vbytes)
        self.lengths.append(length)
        return length

    def skip(self) -> None:
        self.lengths.append(0)

    def __len__(self) -> int:
        return len(self.tids)

    def postings(self) -> Postings:
        terms = sorted(self.terms)
        rank = np.empty(len(terms), dtype=np.uint32)
        rank[np.fromiter((self.terms[t] for t in terms), dtype=np.int64, count=len(terms))] = np.arange(
            len(terms), dtype=np.uint32
        )
        keys = rank[np.frombuffer(self.tids, dtype=np.uint32)] if len(self.tids) else np.zeros(0, np.uint32)
        order = np.argsort(keys, kind="stable")  # postings were added in document order
        keys = keys[order]
        docs = np.frombuffer(self.docs, dtype=np.uint32)[order] if len(self.docs) else np.zeros(0, np.uint32)
        term_starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, np.int64)
        qlen = np.array([_stored_length(c) for c in self.lengths.tolist()], dtype=np.int64)
        values = self.values
        return Postings(
            terms=[terms[k] for k in keys[term_starts].tolist()],
            term_starts=np.append(term_starts, len(keys)),
            docs=docs,
            weights=np.asarray(self.weights, dtype=_WEIGHT_DTYPE)[order],
            lengths=qlen[docs] if len(docs) else np.zeros(0, np.int64),
            values=_ListValues([values[i] for i in order.tolist()]),
        )


class Postings:
    """A field's postings in write order: terms sorted, each term's postings by docnum."""

    def __init__(self, terms, term_starts, docs, weights, lengths, values):
        self.terms = terms  # term bytes, one per term
        self.term_starts = term_starts  # posting offset of each term, plus the total at the end
        self.docs = docs
        self.weights = weights
        self.lengths = lengths  # the field length Whoosh's writer reads back for each posting
        self.values = values
