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
reads whole posting lists this way. The Whoosh classes that write and read these blocks (``ArrayCodec`` and its
postings writer and matcher) are in ``whoosh_internals``, with every other use of Whoosh's internals.
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib
from collections.abc import Sequence

import numpy as np

BLOCK_LIMIT = 1024
COMPRESSION = 1

# W3's framing of a posting list (whoosh_internals checks these against Whoosh's own): a magic tag, then per block
# a signed 4-byte length and a pickled info tuple before the data.
HEADER_MAGIC = b"W3Bl"
INT_SIZE = 4

BLOCK_HEADER = struct.Struct("<IBB")
BLOCK_WEIGHT = struct.Struct("<f")
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
        parts.append(BLOCK_WEIGHT.pack(float(weights[0])))
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
    parts[0] = BLOCK_HEADER.pack(count, weight_kind, value_kind)
    return b"".join(parts)


class Block:
    """A decoded block: ``ids`` and ``weights`` as arrays; ``lengths`` (per posting, or None when values
    have a fixed size) and ``values`` (all values joined) as stored."""

    __slots__ = ("ids", "weights", "lengths", "values", "value_kind")

    def __init__(self, data: bytes):
        count, weight_kind, value_kind = BLOCK_HEADER.unpack_from(data)
        at = BLOCK_HEADER.size
        self.ids = np.frombuffer(data, dtype=_U4, count=count, offset=at)
        at += 4 * count
        if weight_kind == WEIGHTS_ARRAY:
            self.weights = np.frombuffer(data, dtype=_F4, count=count, offset=at)
            at += 4 * count
        elif weight_kind == WEIGHTS_CONSTANT:
            self.weights = np.full(count, BLOCK_WEIGHT.unpack_from(data, at)[0], dtype=np.float32)
            at += BLOCK_WEIGHT.size
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


class IndexDamaged(ValueError):
    """An index file does not hold what its format says: the index must be rebuilt (community reindex)."""


class _PlainValues(pickle.Unpickler):
    """Unpickles W3's block info (a tuple of numbers and None) and nothing else: a damaged or planted file cannot
    make it load any class or call any function."""

    def find_class(self, module, name):
        raise IndexDamaged(f"a posting block names {module}.{name}")


def read_block_info(buffer: io.BytesIO) -> tuple:
    try:
        # find_class refuses every global: plain values only, whatever the file holds.
        info = _PlainValues(buffer).load()  # nosec B301
    except (pickle.UnpicklingError, EOFError) as error:
        raise IndexDamaged(f"unreadable posting block info: {error}") from error
    if not isinstance(info, tuple) or len(info) != 6:
        raise IndexDamaged("posting block info of the wrong shape")
    return info


def write_block(postfile, info: tuple, data: bytes, last: bool) -> None:
    """Write one block as W3 does: its signed length (negative for the last), the pickled info tuple
    (count, last id, max weight, compression level, min and max length bytes), then the data."""
    infobytes = pickle.dumps(info, 2)
    length = len(infobytes) + len(data)
    postfile.write_int(-length if last else length)
    postfile.write(infobytes)
    postfile.write(data)


def posting_blocks(postfile, offset: int, length: int):
    """Yield the decoded blocks of one on-disk posting list, read from the file in one piece."""
    data = postfile.get(offset, length)
    if data[:4] != HEADER_MAGIC:
        raise IndexDamaged("bad posting list header")
    buffer = io.BytesIO(data)
    position = 4
    while True:
        (block_length,) = struct.unpack_from("!i", data, position)
        position += INT_SIZE
        end = position + abs(block_length)
        buffer.seek(position)
        info = read_block_info(buffer)
        yield decode_block(data[buffer.tell() : end], bool(info[3]))
        position = end
        if block_length < 0:
            break
