"""A Whoosh codec whose posting blocks are flat arrays, so a query can decode them without Python loops.

Whoosh's W3 codec pickles each block of postings as tuples (a Python int per id, a float per weight, a
bytes object per value): unpickling them was most of a query's time at 100,000 documents. This codec
keeps W3's files, term index and block headers (so Whoosh's matchers, merges and term statistics work
unchanged) and replaces only the data of a block::

    header   <IBB   number of postings, weights kind, values kind
    ids      <u4    absolute document numbers
    weights  <f4    one per posting (kind 2), one for all (kind 1), none when all are 1.0 (kind 0)
    values          none (kind 0); fixed-size values joined (kind 1); or <u4 lengths, then the values
                    joined (kind 2)

optionally zlib-compressed as a whole. ``decode_block`` turns it into NumPy arrays; ``vector.py``
reads whole posting lists this way and ``bulk.py`` writes blocks with ``encode_block``.
"""

from __future__ import annotations

import io
import pickle
import secrets
import struct
import zlib
from array import array
from collections.abc import Sequence

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3LeafMatcher, W3PostingsWriter, W3Segment
from whoosh.matching import ListMatcher
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import length_to_byte

BLOCK_LIMIT = 1024
COMPRESSION = 1

_HEADER = struct.Struct("<IBB")
_WEIGHT = struct.Struct("<f")
WEIGHTS_ONES, WEIGHTS_CONSTANT, WEIGHTS_ARRAY = 0, 1, 2
VALUES_NONE, VALUES_FIXED, VALUES_VARIABLE = 0, 1, 2
_U4 = np.dtype("<u4")
_F4 = np.dtype("<f4")


def encode_block(ids, weights, values: Sequence[bytes] | None, fixedsize: int | None) -> bytes:
    """The data of one block (before compression). ``ids`` and ``weights`` may be sequences or arrays;
    ``values`` holds one bytes value per posting, or None for a format without values."""
    count = len(ids)
    parts = [b"", np.asarray(ids, dtype=_U4).tobytes()]
    weights = np.asarray(weights, dtype=_F4)
    if count and (weights == 1.0).all():
        weight_kind = WEIGHTS_ONES
    elif count and (weights == weights[0]).all():
        weight_kind = WEIGHTS_CONSTANT
        parts.append(_WEIGHT.pack(float(weights[0])))
    else:
        weight_kind = WEIGHTS_ARRAY
        parts.append(weights.tobytes())
    if values is None or fixedsize == 0 or not count:
        value_kind = VALUES_NONE
    elif fixedsize is not None and fixedsize > 0:
        value_kind = VALUES_FIXED
        parts.append(b"".join(values))
    else:
        value_kind = VALUES_VARIABLE
        parts.append(np.fromiter(map(len, values), dtype=_U4, count=count).tobytes())
        parts.append(b"".join(values))
    parts[0] = _HEADER.pack(count, weight_kind, value_kind)
    return b"".join(parts)


class Block:
    """A decoded block: ``ids`` and ``weights`` as arrays; ``lengths`` (per posting, or None when values
    have a fixed size) and ``values`` (all values joined) as stored."""

    __slots__ = ("ids", "weights", "lengths", "values", "value_kind")

    def __init__(self, data: bytes):
        count, weight_kind, value_kind = _HEADER.unpack_from(data)
        at = _HEADER.size
        self.ids = np.frombuffer(data, dtype=_U4, count=count, offset=at)
        at += 4 * count
        if weight_kind == WEIGHTS_ARRAY:
            self.weights = np.frombuffer(data, dtype=_F4, count=count, offset=at)
            at += 4 * count
        elif weight_kind == WEIGHTS_CONSTANT:
            self.weights = np.full(count, _WEIGHT.unpack_from(data, at)[0], dtype=np.float32)
            at += _WEIGHT.size
        else:
            self.weights = np.ones(count, dtype=np.float32)
        self.value_kind = value_kind
        self.lengths = None
        if value_kind == VALUES_VARIABLE:
            self.lengths = np.frombuffer(data, dtype=_U4, count=count, offset=at)
            at += 4 * count
        self.values = memoryview(data)[at:] if value_kind != VALUES_NONE else None


def decode_block(raw: bytes, compressed: bool) -> Block:
    return Block(zlib.decompress(raw) if compressed else raw)


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


def write_block(postfile, info: tuple, data: bytes, last: bool) -> None:
    """Write one block as W3 does: its signed length (negative for the last), the pickled info tuple
    (count, last id, max weight, compression level, min and max length bytes), then the data."""
    infobytes = pickle.dumps(info, 2)
    length = len(infobytes) + len(data)
    postfile.write_int(-length if last else length)
    postfile.write(infobytes)
    postfile.write(data)


class ArrayLeafMatcher(W3LeafMatcher):
    """W3's matcher reading array-encoded block data (used where Whoosh itself walks postings)."""

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


def posting_blocks(postfile, offset: int, length: int):
    """Yield the decoded blocks of one on-disk posting list, read from the file in one piece."""
    data = postfile.get(offset, length)
    if data[:4] != WHOOSH3_HEADER_MAGIC:
        raise ValueError("bad posting list header")
    buffer = io.BytesIO(data)
    position = 4
    while True:
        (block_length,) = struct.unpack_from("!i", data, position)
        position += _INT_SIZE
        end = position + abs(block_length)
        buffer.seek(position)
        info = pickle.load(buffer)  # noqa: S301 - the index's own files, as Whoosh reads them
        yield decode_block(data[buffer.tell() : end], bool(info[3]))
        position = end
        if block_length < 0:
            break
