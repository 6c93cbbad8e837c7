"""The array-encoded posting blocks (codec.py): lossless, readable by Whoosh's own matchers and merges."""

import struct
import zlib

import numpy as np
import pytest
from whoosh import query as wq

from community.search import SearchIndex, codec, vector, whoosh_internals
from community.search.query import parse


@pytest.mark.parametrize(
    "weights, values, fixedsize",
    [
        ([1.0, 1.0, 1.0], None, 0),  # ID/KEYWORD fields: no values, unit weights
        ([2.0, 2.0, 2.0], [b"\x01\x00\x00\x00"] * 3, None),  # one constant weight
        ([1.0, 6.0, 3.0], [b"\x01\x00\x00\x00", b"\x02\x00\x00\x00" * 2, b""], None),  # variable values
        ([1.0, 1.0, 1.0], [b"ab", b"cd", b"ef"], 2),  # fixed-size values
    ],
)
def test_blocks_round_trip(weights, values, fixedsize):
    ids = [3, 70000, 4_000_000]
    for compressed in (False, True):
        data = codec.encode_block(ids, weights, values, fixedsize)
        raw = zlib.compress(data, 1) if compressed else data
        block = codec.decode_block(raw, compressed)
        assert block.ids.tolist() == ids
        assert block.weights.tolist() == weights
        if values is None or fixedsize == 0:
            assert block.values is None
        else:
            assert bytes(block.values) == b"".join(values)
            if fixedsize is None:
                assert block.lengths.tolist() == [len(v) for v in values]


def test_garbage_is_an_error_not_a_wrong_answer():
    with pytest.raises((struct.error, ValueError)):
        codec.decode_block(b"\x05\x00", compressed=False)


def test_many_small_commits_merge_and_stay_readable(tmp_path, make_doc):
    index = SearchIndex(tmp_path / "search", max_segments=3)
    index.open_or_create()
    for n in range(8):  # each add is a commit; past three segments they are merged
        index.add([make_doc(f"朝市のお知らせ その{n}", "野菜と花の朝市を開きます。" * (n + 1))])
    with index._searchers.searching() as searcher:
        assert len(searcher.reader().leaf_readers()) <= 4
        leaves = searcher.reader().leaf_readers()
        assert all(isinstance(leaf.segment().codec(), whoosh_internals.ArrayCodec) for leaf, _ in leaves)
        query = parse("朝市").query
        whoosh_hits = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
        arrays = vector.IndexArrays(searcher)
        match = vector.evaluate(arrays, query)
        assert set(np.flatnonzero(match.mask & arrays.live).tolist()) == set(whoosh_hits)
        for docnum, score in whoosh_hits.items():
            assert match.score[docnum] == pytest.approx(score, rel=1e-4)
        # Whoosh's phrase matcher reads positions through ArrayLeafMatcher.
        assert len(searcher.search(wq.Phrase("body", ["野菜", "菜と"]), limit=None)) == 8
    assert index.query("朝市", ["public"]).total == 8
    index.close()
