"""Full rebuilds of the search index: whole Whoosh segments written straight through the codec.

Whoosh's own writer sends every posting through a pool that pickles, sorts and spills it to temporary
files, then looks up each posting's field length on disk again and writes it through a per-posting
``add_posting``: 100,000 documents took some 620 s with two processes. Here each process keeps the
tokens of its documents in flat arrays, sorts them once with NumPy and writes the posting blocks itself.

The files are those of ``codec.ArrayCodec`` (Whoosh's W3 files with array-encoded posting blocks),
readable by Whoosh and by ``vector.py``: the same terms, postings (docnum, weight, value), term
statistics, field lengths, stored fields and columns as ``SegmentWriter.add_document`` produces with
that codec (``tests/search/test_bulk.py`` compares them block by block).

With ``procs > 1`` worker processes each build their own segment from chunks of documents that the
parent sends (the parent's document generator reads the database, so it stays in the parent); the
parent then writes the table of contents listing every worker's segment. Workers are spawned, not
forked, so the main module of the calling program must be importable without side effects (the
usual ``if __name__ == "__main__":`` guard; the ``community`` command and pytest have it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import multiprocessing
import pickle
import queue
import shutil
import struct
import traceback
import zlib
from array import array
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index
from whoosh.codec.whoosh3 import W3FieldWriter, W3TermInfo
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import _lengths as _HASH_LENGTHS
from whoosh.filedb.filetables import md5_hash as _md5_hash
from whoosh.system import _INT_SIZE, _LONG_SIZE, pack_int, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from .analysis import BigramTokenizer, MorphTokenizer, ReadingTokenizer, bigram_tokens, morph_and_reading_tokens
from .codec import _HEADER as _BLOCK_HEADER
from .codec import _WEIGHT as _BLOCK_WEIGHT
from .codec import (
    BLOCK_LIMIT,
    COMPRESSION,
    VALUES_FIXED,
    VALUES_NONE,
    VALUES_VARIABLE,
    WEIGHTS_ARRAY,
    WEIGHTS_CONSTANT,
    WEIGHTS_ONES,
    ArrayCodec,
)
from .schema import POSITION_BYTES, POSITION_TYPECODE, ArrayPositions, build_schema, document_fields

# Segments use codec.ArrayCodec (as incremental writers do) with its BLOCK_LIMIT and COMPRESSION.
# Postings turned into Python objects at a time while writing a field.
WINDOW_POSTINGS = 65_536
# The most chunks of documents waiting for one worker process.
QUEUED_CHUNKS = 3
# Bytes a token takes while a process collects a segment (term id and position, 4 bytes each, plus
# what the arrays over-allocate); writing the segment briefly needs about three times as much.
TOKEN_BYTES = 10
_WORKER_POLL = 0.2  # seconds between checks that the workers are still alive

_MAGIC = b"W3Bl"  # whoosh3.WHOOSH3_HEADER_MAGIC, at the start of each term's postings
# W3TermInfo: flags, total weight, doc freq, min/max length bytes, max weight, first/last id; offset, length.
_TERMINFO = struct.Struct(W3TermInfo._struct.format + "qi")
assert _TERMINFO.size == W3TermInfo._struct.size + _LONG_SIZE + _INT_SIZE
_WEIGHT_DTYPE = np.float64
_U4 = np.dtype("<u4")  # ids and value lengths in a block
_F4 = np.dtype("<f4")  # weights in a block
_POSITION_DTYPE = np.dtype(POSITION_TYPECODE)
assert _POSITION_DTYPE.itemsize == POSITION_BYTES


class WorkerError(RuntimeError):
    """A worker process failed; the message carries its traceback."""


_VALUE_CACHE_SIZE = 50_000
_CACHEABLE = (str, bytes, int, float, dt.datetime, dt.date)
_length_byte = functools.lru_cache(maxsize=4096)(length_to_byte)


def _stored_length(length: int) -> int:
    """The field length Whoosh reads back for a posting: quantised to a byte, 0 when none was stored."""
    return byte_to_length(length_to_byte(length)) if length else 0


class _TokenField:
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

    def postings(self) -> _Postings:
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
        return _Postings(
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


class _GenericField:
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

    def postings(self) -> _Postings:
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
        return _Postings(
            terms=[terms[k] for k in keys[term_starts].tolist()],
            term_starts=np.append(term_starts, len(keys)),
            docs=docs,
            weights=np.asarray(self.weights, dtype=_WEIGHT_DTYPE)[order],
            lengths=qlen[docs] if len(docs) else np.zeros(0, np.int64),
            values=_ListValues([values[i] for i in order.tolist()]),
        )


class _Postings:
    """A field's postings in write order: terms sorted, each term's postings by docnum."""

    def __init__(self, terms, term_starts, docs, weights, lengths, values):
        self.terms = terms  # term bytes, one per term
        self.term_starts = term_starts  # posting offset of each term, plus the total at the end
        self.docs = docs
        self.weights = weights
        self.lengths = lengths  # the field length Whoosh's writer reads back for each posting
        self.values = values


# --- writing a segment -------------------------------------------------------------------------------


class _BulkFieldWriter(W3FieldWriter):
    """The field writer of ``ArrayCodec`` taking a field's whole posting lists: it writes their blocks and
    term infos in batches, without Whoosh's per-posting ``add_posting``, byte for byte what
    ``codec.ArrayPostingsWriter`` writes."""

    def __init__(self, codec, storage, segment):
        super().__init__(codec, storage, segment)
        self.blocklimit = codec._blocklimit
        self.compression = codec._compression
        tindex = self._tindex
        # The hash-table writer's per-key work is done here in batches; MD5 is its default hash.
        assert tindex.hashtype == 0 and tindex.hashfn is _md5_hash

    def add_field_postings(self, fieldname: str, fieldobj, postings: _Postings) -> None:
        """Write every term of a field, converting the arrays to Python lists a window of postings at a time."""
        self.start_field(fieldname, fieldobj)
        window = WINDOW_POSTINGS
        fixedsize = fieldobj.format.fixed_value_size()
        if fixedsize == 0:
            value_kind = VALUES_NONE
        elif fixedsize is not None and fixedsize > 0:
            value_kind = VALUES_FIXED
        else:
            value_kind = VALUES_VARIABLE
        prefix = pack_ushort(self._fieldid)
        term_starts = postings.term_starts.tolist()
        nterms = len(term_starts) - 1
        t = 0
        while t < nterms:
            # A window of whole terms, about `window` postings (or one large term).
            a = term_starts[t]
            u = t + 1
            while u < nterms and term_starts[u + 1] - a <= window:
                u += 1
            b = term_starts[u]
            docs = postings.docs[a:b]
            weights = postings.weights[a:b]
            weights32 = weights.astype(_F4)
            self._write_terms(
                [prefix + term for term in postings.terms[t:u]],
                [x - a for x in term_starts[t : u + 1]],
                value_kind,
                docs.tolist(),
                docs.astype(_U4).tobytes(),
                weights.tolist(),
                weights32.tolist(),
                weights32.tobytes(),
                postings.lengths[a:b].tolist(),
                postings.values.window(a, b) if value_kind != VALUES_NONE else None,
            )
            t = u
        self.finish_field()

    def _write_terms(self, keys, bounds, value_kind, docs, docs_u4, weights, weights32, weights_f4, lengths,
                     values) -> None:
        """Write the posting lists of consecutive terms (term k has postings bounds[k]:bounds[k + 1])."""
        postfile = self._postfile
        offset = postfile.tell()
        limit = self.blocklimit
        comp = self.compression
        dumps = pickle.dumps
        compress = zlib.compress
        header = _BLOCK_HEADER.pack
        pack_weight = _BLOCK_WEIGHT.pack
        lb = _length_byte
        pack_terminfo = _TERMINFO.pack
        if values is not None:
            value_lengths, value_offsets, value_bytes = values
        out: list[bytes] = []
        entries: list[tuple[bytes, bytes]] = []
        for k, key in enumerate(keys):
            s, e = bounds[k], bounds[k + 1]
            size = len(_MAGIC)
            out.append(_MAGIC)
            total_weight = 0
            minlength = None
            maxlength = 0
            maxweight = 0
            for b in range(s, e, limit):
                be = min(b + limit, e)
                count = be - b
                # codec.encode_block: header, ids, weights, value lengths, values.
                ws = weights32[b:be]
                total_weight += sum(ws)
                if ws.count(1.0) == count:
                    parts = [header(count, WEIGHTS_ONES, value_kind), docs_u4[4 * b : 4 * be]]
                elif ws.count(ws[0]) == count:
                    parts = [header(count, WEIGHTS_CONSTANT, value_kind), docs_u4[4 * b : 4 * be], pack_weight(ws[0])]
                else:
                    parts = [header(count, WEIGHTS_ARRAY, value_kind), docs_u4[4 * b : 4 * be],
                             weights_f4[4 * b : 4 * be]]
                if value_kind == VALUES_VARIABLE:
                    parts.append(value_lengths[4 * b : 4 * be])
                if value_kind != VALUES_NONE:
                    parts.append(value_bytes[value_offsets[b] : value_offsets[be]])
                data = b"".join(parts)
                # The rest is W3PostingsWriter's block: statistics, pickled info, signed length.
                block_max = max(weights[b:be])
                if not block_max > 0:
                    block_max = 0
                if block_max > maxweight:
                    maxweight = block_max
                lens = lengths[b:be]
                if 0 in lens:
                    lens = [x for x in lens if x]
                if lens:
                    block_min, block_maxlen = min(lens), max(lens)
                    minlength = block_min if minlength is None else min(minlength, block_min)
                    if block_maxlen > maxlength:
                        maxlength = block_maxlen
                else:
                    block_min, block_maxlen = None, 0
                # Whoosh compresses every block; a tiny one only grows and costs a zlib set-up to read.
                # Always compressed, as Whoosh's writer does: zlib's checksum is what tells a damaged block.
                block_comp = comp
                if block_comp:
                    data = compress(data, block_comp)
                infobytes = dumps((count, docs[be - 1], block_max, block_comp, lb(block_min), lb(block_maxlen)), 2)
                blocklength = len(infobytes) + len(data)
                out.append(pack_int(-blocklength if be == e else blocklength))
                out.append(infobytes)
                out.append(data)
                size += _INT_SIZE + blocklength
            # W3TermInfo.to_bytes of a term whose postings are not inlined.
            terminfo = pack_terminfo(
                0, total_weight, e - s, lb(minlength), lb(maxlength), maxweight, docs[s], docs[e - 1], offset, size
            )
            entries.append((key, terminfo))
            offset += size
        postfile.write(b"".join(out))
        self._add_term_infos(entries)

    def _add_term_infos(self, entries: list[tuple[bytes, bytes]]) -> None:
        """OrderedHashWriter.add for a batch of (key, value) pairs, with one write."""
        tindex = self._tindex
        dbfile = tindex.dbfile
        pos = dbfile.tell()
        lastkey = tindex.lastkey
        index_append = tindex.index.append
        buckets = tindex.buckets
        header = _HASH_LENGTHS.pack
        header_size = _HASH_LENGTHS.size
        md5 = hashlib.md5
        out = []
        for key, value in entries:
            if key <= lastkey:
                raise ValueError(f"Keys must increase: {lastkey!r}..{key!r}")
            index_append(pos)
            h = int.from_bytes(md5(key, usedforsecurity=False).digest()[-4:], "big")
            buckets[h & 255].append((h, pos))
            out.append(header(len(key), len(value)))
            out.append(key)
            out.append(value)
            pos += header_size + len(key) + len(value)
            lastkey = key
        dbfile.write(b"".join(out))
        tindex.lastkey = lastkey


class SegmentBuilder:
    """Adds documents to one new segment in memory and writes it out on :meth:`finish`."""

    def __init__(self, storage, schema, indexname: str = index._DEF_INDEX_NAME):
        self.storage = storage
        self.schema = schema
        self.codec = ArrayCodec(blocklimit=BLOCK_LIMIT, compression=COMPRESSION)
        self.segment = self.codec.new_segment(storage, indexname)
        self.perdoc = self.codec.per_document_writer(storage, self.segment)
        self.docnum = 0
        self.tokens = 0
        self.fields: dict[str, _TokenField | _GenericField] = {}
        self._special: dict[str, str] = {}
        self._failed = False
        for name, field in schema.items():
            if field.vector or field.separate_spelling():
                raise NotImplementedError(f"bulk building does not write term vectors or spelling ({name!r})")
            if not field.indexed:
                continue
            analyzer = getattr(field, "analyzer", None)
            fast = type(field.format) is ArrayPositions and type(analyzer) in (
                BigramTokenizer, MorphTokenizer, ReadingTokenizer
            )
            if fast:
                self.fields[name] = _TokenField(name, field)
                self._special[name] = type(analyzer).__name__
            else:
                self.fields[name] = _GenericField(name, field)

    def add(self, fields_: Mapping[str, Any]) -> None:
        """Add one document, given as ``document_fields()`` returns it (``add_document``'s keywords)."""
        if self._failed:
            raise RuntimeError("a document failed half-way; this segment cannot be finished")
        schema = self.schema
        names = sorted(fields_)
        for name in names:
            if name not in schema:
                raise ValueError(f"no field named {name!r} in the search schema")
        perdoc = self.perdoc
        docnum = self.docnum
        accumulators = self.fields
        morph_cache: dict[str, tuple] = {}
        perdoc.start_doc(docnum)
        try:
            seen = set()
            for name in names:
                value = fields_[name]
                if value is None:
                    continue
                seen.add(name)
                field = schema[name]
                length = 0
                acc = accumulators.get(name)
                if acc is not None:
                    kind = self._special.get(name)
                    if kind is None:
                        length = acc.add(docnum, value, 1.0)
                    else:
                        if not isinstance(value, str):
                            raise ValueError(f"field {name!r} takes a string, not {type(value).__name__}")
                        if kind == "BigramTokenizer":
                            terms, positions = bigram_tokens(value)
                        else:
                            if value not in morph_cache:
                                morph_cache[value] = morph_and_reading_tokens(value)
                            morph, reading = morph_cache[value]
                            terms, positions = morph if kind == "MorphTokenizer" else reading
                        length = acc.add(terms, positions)
                        self.tokens += length
                stored = value if field.stored else None
                perdoc.add_field(name, field, stored, length)
                column = field.column_type
                if column:
                    perdoc.add_column_value(name, column, field.to_column_value(value))
            for name, acc in accumulators.items():
                if name not in seen:
                    acc.skip()
        except BaseException:
            perdoc.cancel_doc()
            # Some accumulators already hold this document's postings: the segment is unusable now.
            self._failed = True
            raise
        perdoc.finish_doc()
        self.docnum += 1

    def finish(self):
        """Write the segment's files; returns the Segment for the TOC (None if no documents were added)."""
        if self._failed:
            raise RuntimeError("a document failed half-way; this segment cannot be finished")
        self.perdoc.close()
        if not self.docnum:
            self._remove_files()
            return None
        fieldwriter = _BulkFieldWriter(self.codec, self.storage, self.segment)
        try:
            for name in sorted(self.fields):  # Whoosh's pool writes fields in name order
                acc = self.fields[name]
                if not len(acc):
                    continue
                postings = acc.postings()
                self.fields[name] = None  # free the tokens before the next field is sorted
                fieldwriter.add_field_postings(name, self.schema[name], postings)
                del postings
        finally:
            fieldwriter.close()
        self.segment.set_doc_count(self.docnum)
        return self.segment

    def cancel(self) -> None:
        if not self.perdoc.is_closed:
            self.perdoc.close()
        self._remove_files()

    def _remove_files(self) -> None:
        prefix = self.segment.segment_id() + "."
        for name in list(self.storage.list()):
            if name.startswith(prefix):
                self.storage.delete_file(name)


# --- building a whole index ---------------------------------------------------------------------------


def segment_tokens(limitmb: int) -> int:
    """Tokens a process collects before it writes them out as a segment, for ``limitmb`` megabytes.

    256 MB are some 27 million tokens, about 85,000 typical documents, so a rebuild of 100,000
    documents with two processes writes two segments.
    """
    return max(1, limitmb) * 2**20 // TOKEN_BYTES


def _chunks(docs: Iterable[Mapping[str, Any]], size: int):
    chunk = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Segments:
    """Builds segments one after another in one process, starting a new one when the current is large."""

    def __init__(self, storage, schema, segment_tokens: int):
        self.storage = storage
        self.schema = schema
        self.segment_tokens = segment_tokens
        self.done: list = []
        self.current: SegmentBuilder | None = None

    def add(self, doc: Mapping[str, Any]) -> None:
        fields_ = document_fields(doc)
        if self.current is None:
            self.current = SegmentBuilder(self.storage, self.schema)
        self.current.add(fields_)
        if self.current.tokens >= self.segment_tokens:
            self._close()

    def _close(self) -> None:
        segment = self.current.finish()
        self.current = None
        if segment is not None:
            self.done.append(segment)

    def finish(self) -> list:
        if self.current is not None:
            self._close()
        return self.done

    def cancel(self) -> None:
        if self.current is not None:
            self.current.cancel()


def build(folder: str | Path, docs: Iterable[Mapping[str, Any]], progress: Callable[[int], Any] | None = None,
          procs: int = 1, progress_every: int = 1000, limitmb: int = 256) -> int:
    """Create a new index in the empty ``folder`` holding ``docs``; returns how many were added.

    ``progress(n)`` is called with the number of documents analysed since its last call; each process
    starts a new segment after ``limitmb`` megabytes of tokens (see :func:`segment_tokens`). On any
    error the exception is raised (a worker's with its traceback) and the folder's contents are
    left for the caller to remove: no worker process is running any more by then.
    """
    folder = str(folder)
    tokens = segment_tokens(limitmb)
    schema = build_schema()
    storage = FileStorage(folder)
    index.create_in(folder, schema)
    if procs > 1:
        segments, count = _build_parallel(folder, docs, progress, procs, progress_every, tokens)
    else:
        segments, count = _build_here(storage, schema, docs, progress, progress_every, tokens)
    generation = 1
    index.TOC(schema, segments, generation).write(storage, index._DEF_INDEX_NAME)
    index.clean_files(storage, index._DEF_INDEX_NAME, generation, segments)
    shutil.rmtree(Path(folder) / f"{index._DEF_INDEX_NAME}.tmp", ignore_errors=True)
    return count


def _build_here(storage, schema, docs, progress, progress_every: int, segment_tokens: int):
    builder = _Segments(storage, schema, segment_tokens)
    count = pending = 0
    try:
        for doc in docs:
            builder.add(doc)
            count += 1
            pending += 1
            if progress is not None and pending >= progress_every:
                progress(pending)
                pending = 0
        segments = builder.finish()
    except BaseException:
        builder.cancel()
        raise
    if progress is not None and pending:
        progress(pending)
    return segments, count


def _worker(folder: str, inbox, outbox, segment_tokens: int) -> None:
    """Worker process: analyse chunks of documents until None arrives, then write the segments."""
    try:
        builder = _Segments(FileStorage(folder), build_schema(), segment_tokens)
        while True:
            payload = inbox.get()
            if payload is None:
                break
            chunk = pickle.loads(payload)  # noqa: S301 - sent by the parent process
            for doc in chunk:
                builder.add(doc)
            outbox.put(("progress", len(chunk)))
        outbox.put(("done", builder.finish()))
    except BaseException as exc:  # reported to the parent, which raises it
        text = traceback.format_exc()
        try:
            pickle.loads(pickle.dumps(exc))  # noqa: S301 - only checks that the parent can receive it
        except Exception:
            exc = None
        outbox.put(("error", exc, text))


def _build_parallel(folder: str, docs, progress, procs: int, chunk_docs: int, segment_tokens: int):
    # spawn, not fork: the calling process may be a web server with threads (a forked child would
    # inherit locks held by them), and a worker needs nothing of the parent's state.
    ctx = multiprocessing.get_context("spawn")
    outbox = ctx.Queue()
    inboxes = [ctx.Queue(maxsize=QUEUED_CHUNKS) for _ in range(procs)]
    workers = [
        ctx.Process(target=_worker, args=(folder, inbox, outbox, segment_tokens), name=f"search-build-{n}",
                    daemon=True)
        for n, inbox in enumerate(inboxes)
    ]
    state = {"segments": [], "finished": 0}

    def handle(message) -> None:
        kind = message[0]
        if kind == "progress":
            if progress is not None:
                progress(message[1])
        elif kind == "done":
            state["segments"].extend(message[1])
            state["finished"] += 1
        else:
            _, exc, text = message
            remote = WorkerError(f"a search index build worker failed:\n{text}")
            if exc is None:
                raise remote
            raise exc from remote

    def wait(timeout: float) -> None:
        """Handle the workers' messages for up to ``timeout`` seconds; raise if a worker has died."""
        with contextlib.suppress(queue.Empty):
            handle(outbox.get(timeout=timeout))
        while True:
            try:
                handle(outbox.get_nowait())
            except queue.Empty:
                break
        dead = [w for w in workers if w.exitcode is not None and w.exitcode != 0]
        if dead:
            # Its last messages may still be in the pipe; an error report explains more than an exit code.
            try:
                while True:
                    handle(outbox.get(timeout=_WORKER_POLL))
            except queue.Empty:
                pass
            raise WorkerError(f"search index build worker {dead[0].name} exited with code {dead[0].exitcode}")

    count = 0
    try:
        for worker in workers:
            worker.start()
        turn = 0
        for chunk in _chunks(docs, max(1, chunk_docs)):  # each chunk is reported as done: the progress step
            count += len(chunk)
            # Pickled here rather than in the queue's feeder thread, which would only log a failure.
            payload = pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL)
            while True:  # give the chunk to the first worker with room, starting after the last one
                for k in range(procs):
                    inbox = inboxes[(turn + k) % procs]
                    try:
                        inbox.put_nowait(payload)
                    except queue.Full:
                        continue
                    turn = (turn + k + 1) % procs
                    break
                else:
                    wait(_WORKER_POLL)
                    continue
                break
            wait(0)
        for inbox in inboxes:  # no more documents
            while True:
                try:
                    inbox.put(None, timeout=_WORKER_POLL)
                    break
                except queue.Full:
                    wait(0)
        while state["finished"] < procs:
            wait(_WORKER_POLL)
            if state["finished"] < procs and all(w.exitcode is not None for w in workers):
                wait(_WORKER_POLL)  # a last message may still be on its way
                if state["finished"] < procs:
                    raise WorkerError("search index build workers stopped without finishing their segments")
        for worker in workers:
            worker.join()
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            if worker.pid is not None:
                worker.join()
        for q in (*inboxes, outbox):
            q.cancel_join_thread()  # nothing waits for chunks a dead worker will never read
            q.close()
    return state["segments"], count
