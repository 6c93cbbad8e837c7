"""Every use of Whoosh's internals, in one place: what this site's search reads and writes below Whoosh's public
API for speed (posting blocks as arrays, whole segments written at once, columns read as arrays).

Checked against whoosh-reloaded 2.7.5 (setup.cfg pins >=2.7.5,<2.8). Everything this module relies on that is
not Whoosh's public API is listed in RELIED_ON; tests/search/test_whoosh_internals.py fails when the installed
Whoosh is another version or lacks any of it, so an upgrade is a decision, not an accident. The rest of the
search package uses Whoosh's public modules (fields, formats, query, index, analysis) or this module.
"""

from __future__ import annotations

import hashlib
import pickle
import secrets
import struct
import zlib
from array import array
from functools import lru_cache

import numpy as np
import whoosh
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3LeafMatcher,
    W3PostingsWriter,
    W3Segment,
    W3TermInfo,
    _lenfield,
)
from whoosh.filedb.filetables import _lengths as HASH_LENGTHS
from whoosh.filedb.filetables import md5_hash
from whoosh.matching import ListMatcher
from whoosh.system import _INT_SIZE, _LONG_SIZE, pack_int, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.util.times import datetime_to_long

from . import codec as codec_module
from . import stored
from .codec import (
    BLOCK_HEADER,
    BLOCK_LIMIT,
    BLOCK_WEIGHT,
    COMPRESSION,
    HEADER_MAGIC,
    INT_SIZE,
    VALUES_FIXED,
    VALUES_NONE,
    VALUES_VARIABLE,
    WEIGHTS_ARRAY,
    WEIGHTS_CONSTANT,
    WEIGHTS_ONES,
    IndexDamaged,
    decode_block,
    encode_block,
    write_block,
)

CHECKED_VERSION = (2, 7, 5)
WINDOW_POSTINGS = 65_536  # postings turned into Python objects at a time while a field is written
_U4 = np.dtype("<u4")  # ids and value lengths in a block
_F4 = np.dtype("<f4")  # weights in a block
_length_byte = lru_cache(maxsize=4096)(length_to_byte)
DEF_INDEX_NAME = whoosh_index._DEF_INDEX_NAME
TERMINFO = struct.Struct(W3TermInfo._struct.format + "qi")  # W3TermInfo.to_bytes of postings not inlined

# What this module takes from below Whoosh's public API: (module, name, attributes it uses on it).
RELIED_ON = [
    ("whoosh.index", "_DEF_INDEX_NAME", ()),
    ("whoosh.codec.whoosh3", "W3Codec", ("postings_writer", "postings_reader", "new_segment")),
    ("whoosh.codec.whoosh3", "W3PostingsWriter", ("_write_block", "_new_block")),
    ("whoosh.codec.whoosh3", "W3LeafMatcher", ("_read_header", "_read_data", "_read_ids", "_read_weights",
                                                "_read_values")),
    ("whoosh.codec.whoosh3", "W3FieldWriter", ("start_field", "finish_field", "close")),
    ("whoosh.codec.whoosh3", "W3Segment", ()),
    ("whoosh.codec.whoosh3", "W3TermInfo", ("_struct",)),
    ("whoosh.codec.whoosh3", "WHOOSH3_HEADER_MAGIC", ()),
    ("whoosh.codec.whoosh3", "LENGTHS_COLUMN", ()),
    ("whoosh.codec.whoosh3", "_lenfield", ()),
    ("whoosh.filedb.filetables", "_lengths", ()),
    ("whoosh.filedb.filetables", "md5_hash", ()),
    ("whoosh.system", "_INT_SIZE", ()),
    ("whoosh.system", "_LONG_SIZE", ()),
    ("whoosh.util.numeric", "byte_to_length", ()),
    ("whoosh.util.numeric", "length_to_byte", ()),
    ("whoosh.util.times", "datetime_to_long", ()),
]
# Attributes of objects Whoosh makes at run time (checked by the test on a real index).
RELIED_ON_INSTANCES = {
    "codec": ("_blocklimit", "_compression", "_inlinelimit"),
    "field writer": ("_tindex", "_postfile", "_fieldid"),
    "term index writer": ("dbfile", "index", "buckets", "lastkey", "hashtype", "hashfn"),
    "segment reader": ("_terms", "_perdoc"),
    "terms reader": ("term_info", "matcher", "_postfile"),
    "fixed column reader": ("_default", "_typecode", "_count", "_dbfile", "_basepos", "_fixedlen"),
    "bytes column reader": ("_lengths", "_offsets", "_dbfile", "_basepos"),
}

assert HEADER_MAGIC == WHOOSH3_HEADER_MAGIC and INT_SIZE == _INT_SIZE  # codec.py writes W3's own framing
assert TERMINFO.size == W3TermInfo._struct.size + _LONG_SIZE + _INT_SIZE

__all__ = ["LENGTHS_COLUMN", "ArrayCodec", "BulkFieldWriter", "byte_to_length", "datetime_to_long", "lenfield",
           "length_to_byte", "write_toc"]

lenfield = _lenfield


def installed_version() -> tuple[int, ...]:
    return tuple(whoosh.versioninfo[:3]) if hasattr(whoosh, "versioninfo") else tuple(whoosh.__version__[:3])


# --- the codec: W3 files with array-encoded posting blocks ---------------------------------------------


class ArrayPostingsWriter(W3PostingsWriter):
    """W3's postings writer with array-encoded block data (the block header stays W3's)."""

    def _write_block(self, last=False):
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = encode_block(self._ids, self._weights, self._values, self._format.fixed_value_size())
        comp = self._compression
        if comp:
            data = zlib.compress(data, comp)
        ids = self._ids
        info = (len(ids), ids[-1], self._maxweight, comp, length_to_byte(self._minlength),
                length_to_byte(self._maxlength))
        write_block(self._postfile, info, data, last)
        self._blockcount += 1
        self._new_block()


class ArrayLeafMatcher(W3LeafMatcher):
    """W3's matcher reading array-encoded block data (used where Whoosh itself walks postings)."""

    def _read_header(self):
        # W3LeafMatcher raises a bare Exception for a damaged header; say what it is.
        postfile = self._postfile
        postfile.seek(self._startoffset)
        if postfile.read(4) != HEADER_MAGIC:
            raise IndexDamaged(f"bad posting list header at {self._startoffset}")
        self._baseoffset = postfile.tell()

    def _read_data(self):
        datalen = self._nextoffset - self._dataoffset
        self._data = decode_block(self._postfile.get(self._dataoffset, datalen), bool(self._compression))

    def _read_ids(self):
        if self._data is None:
            self._read_data()
        self._ids = self._data.ids.tolist()

    def _read_weights(self):
        if self._data is None:
            self._read_data()
        self._weights = array("f", self._data.weights.tobytes())

    def _read_values(self):
        if self._data is None:
            self._read_data()
        block = self._data
        if block.value_kind == VALUES_NONE:
            self._values = (None,) * self._blocklength
            return
        raw = bytes(block.values)
        if block.lengths is None:
            size = self._fixedsize
            self._values = tuple(raw[i : i + size] for i in range(0, len(raw), size))
            return
        ends = np.cumsum(block.lengths, dtype=np.int64).tolist()
        starts = [0, *ends[:-1]]
        self._values = tuple(raw[a:b] for a, b in zip(starts, ends, strict=True))


class ArrayCodec(W3Codec):
    """W3 with array-encoded posting blocks of up to ``BLOCK_LIMIT`` postings."""

    __reduce__ = stored.reduce_by_name  # pickled into tables of contents by a name that never moves

    def __init__(self, blocklimit=BLOCK_LIMIT, compression=COMPRESSION, inlinelimit=1):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # term vectors keep W3's format
            return super().postings_writer(dbfile, byteids=byteids)
        return ArrayPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=False,
                                   compression=self._compression, inlinelimit=self._inlinelimit)

    def new_segment(self, storage, indexname):
        # Whoosh names segments with the global `random` module, which anything may seed; decoded posting
        # lists and columns are cached per process by segment id (vector.py), so ids must never repeat.
        return W3Segment(self, indexname, segid=secrets.token_hex(8))

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return ListMatcher(ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo)
        offset, _length = terminfo.extent()
        return ArrayLeafMatcher(dbfile, offset, None, format_, term=term, scorer=scorer)


# --- readers: what vector.py reads as arrays -------------------------------------------------------------


def term_info(reader, fieldname: str, btext: bytes):
    return reader._terms.term_info(fieldname, btext)


def term_matcher(reader, fieldname: str, btext: bytes):
    return reader._terms.matcher(fieldname, btext, reader.schema[fieldname].format)


def postings_file(reader):
    return reader._terms._postfile


def has_lengths(reader, fieldname: str) -> bool:
    return reader._perdoc.has_column(_lenfield(fieldname))


def lengths_column(reader, fieldname: str):
    return reader._perdoc.column_reader(_lenfield(fieldname), LENGTHS_COLUMN)


def fixed_column_parts(col) -> tuple:
    """(default, typecode, count, raw bytes of the stored values) of a fixed-width column reader."""
    count = col._count
    raw = col._dbfile.get(col._basepos, count * col._fixedlen) if count else b""
    return col._default, col._typecode, count, raw


def bytes_column_parts(col) -> tuple:
    """(lengths, offsets, a function reading the values' bytes) of a variable-length bytes column reader."""
    return col._lengths, col._offsets, lambda size: col._dbfile.get(col._basepos, size)


# --- writing whole segments and tables of contents -----------------------------------------------------------


class BulkFieldWriter(W3FieldWriter):
    """The field writer of ``ArrayCodec`` taking a field's whole posting lists: it writes their blocks and
    term infos in batches, without Whoosh's per-posting ``add_posting``, byte for byte what
    ``codec.ArrayPostingsWriter`` writes."""

    def __init__(self, codec, storage, segment):
        super().__init__(codec, storage, segment)
        self.blocklimit = codec._blocklimit
        self.compression = codec._compression
        tindex = self._tindex
        # The hash-table writer's per-key work is done here in batches; MD5 is its default hash.
        assert tindex.hashtype == 0 and tindex.hashfn is md5_hash

    def add_field_postings(self, fieldname: str, fieldobj, postings) -> None:
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
        header = BLOCK_HEADER.pack
        pack_weight = BLOCK_WEIGHT.pack
        lb = _length_byte
        pack_terminfo = TERMINFO.pack
        if values is not None:
            value_lengths, value_offsets, value_bytes = values
        out: list[bytes] = []
        entries: list[tuple[bytes, bytes]] = []
        for k, key in enumerate(keys):
            s, e = bounds[k], bounds[k + 1]
            size = len(HEADER_MAGIC)
            out.append(HEADER_MAGIC)
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
        header = HASH_LENGTHS.pack
        header_size = HASH_LENGTHS.size
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


def write_toc(storage, schema, segments, generation: int = 1) -> None:
    """The table of contents of a freshly built index, and no files but those its segments use."""
    whoosh_index.TOC(schema, segments, generation).write(storage, DEF_INDEX_NAME)
    whoosh_index.clean_files(storage, DEF_INDEX_NAME, generation, segments)


# Indexes built before stored.py named the codec by its class's old place: keep that name readable too.
codec_module.ArrayCodec = ArrayCodec
