"""The bulk rebuild (bulk.py) writes the index Whoosh's own writer would: same terms, postings, statistics,
stored fields, lengths and columns, and the same search results; a failing worker leaves the old index."""

import datetime as dt
import importlib.util
import os
import pickle
import re
from array import array
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from community.search import SearchIndex, bulk, bulk_segment, codec, whoosh_internals
from community.search.analysis import (
    SUDACHI_MAX_CHARS,
    WORD_BOUNDARY,
    BigramTokenizer,
    MorphTokenizer,
    ReadingTokenizer,
    bigram_tokens,
    bigrams,
    morph_and_reading_tokens,
    normalize,
    reading_runs,
    words,
)
from community.search.schema import LAYOUT_FILE, build_schema, document_fields, write_layout
from community.search.whoosh_internals import ArrayCodec

BENCH = Path(__file__).parents[2] / "bench/search_bench.py"
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
JST = dt.timezone(dt.timedelta(hours=9))


def _bench():
    spec = importlib.util.spec_from_file_location("search_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _edge_docs():
    base = {"kind": "notice", "audience": "public", "url": "/n", "updated_at": NOW}
    cases = [
        {"title": "本文のないお知らせ", "body": ""},
        {"title": "", "body": "題名のない本文です。"},
        {"title": "", "body": ""},
        {"title": "ABC Company 2025", "body": "Version 3.1 released on 2025-04-01. 100% OK! e-mail: info@example.jp"},
        {"title": "ｶﾞｲﾄﾞﾌﾞｯｸ ｲﾍﾞﾝﾄ", "body": "ﾊﾝｶｸ ｶﾀｶﾅと全角　スペース、Ｆｕｌｌ　ｗｉｄｔｈ　１２３"},
        {"title": "空白\tだらけ\n\n の 題名 ", "body": "  先頭と末尾に空白  \r\n改行\u3000全角\u2003em\x1fユニット "},
        {"title": "！？。、", "body": "・・・「」（）【】"},
        {"title": "東京都の東京", "body": "東京東京東京、京都と東京都。子ども子供こども。はままつし浜松市"},
        {"title": "一", "body": "あ"},
        {"title": "長い文書", "body": "浜松市の子育て支援センターで相談会を開きます。" * 700},  # over Sudachi's limit
        {"title": "イベント", "body": "予定", "kind": "event", "starts_at": dt.datetime(2026, 7, 1, 10, tzinfo=JST),
         "ends_at": dt.datetime(2026, 7, 1, 12, tzinfo=JST)},
        {"title": "開始だけ", "body": "終わりなし", "kind": "event", "starts_at": dt.datetime(2026, 8, 1, 9)},
        {"title": "日付だけ", "body": "日付", "kind": "event", "starts_at": dt.date(2026, 9, 1)},
        {"title": "地域いろいろ", "body": "複数の地域", "area": ["1", "3", "17"], "category": ["kosodate", "bosai"]},
        {"title": "限定公開", "body": "仲間だけ", "audience": "community:5 group:3", "area": "1 2 21"},
        {"title": "更新日なし", "body": "日付なし", "updated_at": None, "url": None},
    ]
    docs = []
    for n, case in enumerate(cases):
        doc = dict(base, key=f"edge:{n}", id=10_000 + n)
        doc.update(case)
        docs.append(doc)
    assert len(docs[9]["body"]) > SUDACHI_MAX_CHARS
    return docs


@pytest.fixture(scope="module")
def docs():
    bench = _bench()
    return bench.make_docs(240, bench.DEFAULT_CORPUS) + _edge_docs()


def _whoosh_build(folder: Path, docs, codec=None):
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = ix.writer(codec=codec) if codec else ix.writer()
    for doc in docs:
        writer.add_document(**document_fields(doc))
    writer.commit()
    write_layout(folder)  # built by hand: mark it as the current layout, as a rebuild does


def _dump(folder: Path) -> dict:
    """Everything the index says about the documents, keyed by document key instead of docnum."""
    ix = whoosh_index.open_dir(str(folder))
    schema = ix.schema
    with ix.reader() as reader:
        stored = dict(reader.iter_docs())
        key = {docnum: fields_["key"] for docnum, fields_ in stored.items()}
        postings, stats = {}, {}
        for fieldname in reader.indexed_field_names():
            for term in reader.lexicon(fieldname):
                matcher = reader.postings(fieldname, term)
                items = []
                while matcher.is_active():
                    items.append((key[matcher.id()], matcher.weight(), matcher.value()))
                    matcher.next()
                postings[fieldname, term] = sorted(items)
                info = reader.term_info(fieldname, term)
                stats[fieldname, term] = (
                    info.weight(), info.doc_frequency(), info.min_length(), info.max_length(), info.max_weight()
                )
        scorable = [name for name, field in schema.items() if field.scorable]
        lengths = {(key[d], f): reader.doc_field_length(d, f) for d in key for f in scorable}
        totals = {f: reader.field_length(f) for f in scorable}
        columns = {}
        for name, field in schema.items():
            if field.column_type:
                column = reader.column_reader(name, translate=False)
                columns[name] = {key[d]: column[d] for d in key}
        return {
            "order": [key[d] for d in sorted(key)],
            "stored": {key[d]: fields_ for d, fields_ in stored.items()},
            "postings": postings,
            "stats": stats,
            "lengths": lengths,
            "totals": totals,
            "columns": columns,
            "doc_count": reader.doc_count(),
        }


def _blocks(folder: Path) -> dict:
    """Every posting block of a one-segment index: its info and its decoded ids, weights and values."""
    ix = whoosh_index.open_dir(str(folder))
    (segment,) = ix._segments()
    with ix.reader() as reader:
        out = {}
        for fieldname in reader.indexed_field_names():
            for term in reader.lexicon(fieldname):
                matcher = reader.postings(fieldname, term)
                blocks = []
                while True:
                    matcher._read_data()
                    data = matcher._data
                    blocks.append((
                        matcher._blocklength, matcher._maxid, matcher._maxweight, matcher._minlength,
                        matcher._maxlength, data.ids.tolist(), data.weights.tolist(), data.value_kind,
                        None if data.lengths is None else data.lengths.tolist(),
                        None if data.values is None else bytes(data.values),
                    ))
                    if matcher._lastblock:
                        break
                    matcher._next_block()
                info = reader.term_info(fieldname, term)
                out[fieldname, term] = (blocks, info.min_id(), info.max_id())
        return out


QUERIES = [
    "子育て", "相談", "講座 体験", "浜松", "はままつ", "こそだて", "ｲﾍﾞﾝﾄ", "ＮＰＯ", "東京", "京都", "子供",
    "version", "2025", "一", "予定", "花", "\"子育て 支援\"",
]


def _results(folder: Path, exact_order: bool):
    search = SearchIndex(folder)
    out = {}
    try:
        for q in QUERIES:
            for sort in ("relevance", "date"):
                result = search.query(q, ["public", "community:5"], sort=sort, per_page=1000, now=NOW,
                                      snippets=False)
                hits = [(hit.key, round(hit.score, 4)) for hit in result.hits]
                out[q, sort] = (result.total, result.facets, hits if exact_order else sorted(hits))
    finally:
        search.close()
    return out


@pytest.fixture(scope="module")
def reference(docs, tmp_path_factory):
    folder = tmp_path_factory.mktemp("whoosh") / "index"
    _whoosh_build(folder, docs)
    return folder


@pytest.mark.parametrize("procs", [1, 2])
def test_bulk_build_writes_what_whoosh_writes(docs, reference, tmp_path, procs):
    folder = tmp_path / "bulk"
    folder.mkdir()
    seen = []
    assert bulk.build(folder, docs, progress=seen.append, procs=procs, progress_every=100) == len(docs)
    assert sum(seen) == len(docs) and len(seen) > 1
    segments = whoosh_index.open_dir(str(folder))._segments()
    assert 1 <= len(segments) <= procs
    assert all(name.endswith((".toc", ".trm", ".pst", ".col")) or name == LAYOUT_FILE
               for name in os.listdir(folder))  # no temp files

    expected, got = _dump(reference), _dump(folder)
    if procs == 1:
        assert got["order"] == expected["order"]
    else:
        assert sorted(got["order"]) == sorted(expected["order"])
    assert got["postings"].keys() == expected["postings"].keys()
    for term, items in expected["postings"].items():
        assert got["postings"][term] == items, term
    for name in ("stats", "stored", "lengths", "totals", "columns", "doc_count"):
        assert got[name] == expected[name], name
    results = _results(reference, exact_order=procs == 1)
    assert sum(1 for total, _, _ in results.values() if total) > len(QUERIES)  # most queries find something
    assert _results(folder, exact_order=procs == 1) == results


def test_small_blocks_match_whooshs_blocks(docs, tmp_path, monkeypatch):
    """With Whoosh's block size set alike, every block holds the same ids, weights, values and statistics."""
    monkeypatch.setattr(bulk_segment, "BLOCK_LIMIT", 7)
    monkeypatch.setattr(whoosh_internals, "WINDOW_POSTINGS", 50)  # many windows, and terms longer than one
    _whoosh_build(tmp_path / "whoosh", docs, codec=ArrayCodec(blocklimit=7))
    (tmp_path / "bulk").mkdir()
    bulk.build(tmp_path / "bulk", docs)
    expected, got = _blocks(tmp_path / "whoosh"), _blocks(tmp_path / "bulk")
    assert got.keys() == expected.keys()
    assert any(len(blocks) > 3 for blocks, _, _ in expected.values())
    for term, value in expected.items():
        assert got[term] == value, term


def test_every_block_is_compressed_so_damage_is_detected(tmp_path, make_doc):
    (tmp_path / "ix").mkdir()
    bulk.build(tmp_path / "ix", [make_doc("図書館", "本の紹介 " * 2000)])
    with whoosh_index.open_dir(str(tmp_path / "ix")).reader() as reader:
        small = reader.postings("key", b"notice:1")
        large = reader.postings("body", "本の".encode())
        assert small._compression == large._compression == codec.COMPRESSION
        large._read_data()
        assert bytes(large._data.values) == array("I", range(0, 5 * 2000, 5)).tobytes()


def test_large_builds_are_split_into_segments(docs, reference, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk_segment, "TOKEN_BYTES", 100)
    (tmp_path / "ix").mkdir()
    bulk.build(tmp_path / "ix", docs, limitmb=1)  # a new segment after 10,486 tokens
    assert len(whoosh_index.open_dir(str(tmp_path / "ix"))._segments()) > 2
    expected, got = _dump(reference), _dump(tmp_path / "ix")
    assert got["order"] == expected["order"]
    assert got["postings"] == expected["postings"]
    assert got["stored"] == expected["stored"] and got["lengths"] == expected["lengths"]


def _reference_bigrams(text):
    """The bigram field as specified: a gram at each non-space character of the normalised text, the
    character alone before a space or the end."""
    text = normalize(text)
    return [(text[i : i + 2] if i < len(text) - 1 and not text[i + 1].isspace() else ch, i)
            for i, ch in enumerate(text) if not ch.isspace()]


def _reference_readings(text):
    """Reading terms as the highlighter sees the words: per run of adjacent words (reading_runs), each bigram one
    position after its first character's offset and a boundary term at every word start and at the run's end; a
    gap of two positions between runs."""
    tokens, pos = [], 0
    for run in reading_runs(words(normalize(text))):
        reading = "".join(part for _, parts in run for part in parts)
        if len(reading) > 1:
            starts, offset = [], 0
            for _, parts in run:
                for part in parts:
                    starts.append(offset)
                    offset += len(part)
            laid = [(WORD_BOUNDARY, pos + b) for b in sorted(set(starts + [len(reading)]))]
            laid += [(gram, pos + 1 + k) for k, gram in enumerate(bigrams(reading))]
            tokens += sorted(laid, key=lambda token: (token[1], token[0] != WORD_BOUNDARY))
            pos += len(reading)
        pos += 2
    return tokens


def test_tokens_match_the_tokenizers():
    spaces = "".join(chr(c) for c in range(0x3100) if chr(c).isspace() or re.match(r"\s", chr(c)))
    texts = [
        "", " ", "あ", "あい", f"子育て{spaces}相談 a{spaces}b ", "ｶﾞｲﾄﾞ　ＡＢＣ１２３", "東京都、京都。浜松 はままつ",
        "x" + spaces, "東京\n" * 3, "学校の1年生とABCの先生 さがみはら市",
    ]
    for text in texts:
        expected = _reference_bigrams(text)
        assert list(zip(*bigram_tokens(text), strict=True)) == expected, text
        assert [(t.text, t.pos) for t in BigramTokenizer()(text, positions=True)] == expected, text
        (morph, morph_pos), (reading, reading_pos) = morph_and_reading_tokens(text)
        assert list(zip(morph, morph_pos, strict=True)) == [
            (m.norm, n) for n, m in enumerate(words(normalize(text)))
        ]
        from_tokenizer = [(t.text, t.pos) for t in MorphTokenizer()(text, positions=True)]
        assert from_tokenizer == list(zip(morph, morph_pos, strict=True))
        assert list(zip(reading, reading_pos, strict=True)) == _reference_readings(text)
        assert [(t.text, t.pos) for t in ReadingTokenizer()(text, positions=True)] == _reference_readings(text)


@pytest.mark.parametrize("procs", [1, 2])
def test_empty_rebuild(tmp_path, procs):
    (tmp_path / "ix").mkdir()
    assert bulk.build(tmp_path / "ix", [], procs=procs) == 0
    ix = whoosh_index.open_dir(str(tmp_path / "ix"))
    assert ix.doc_count() == 0 and ix._segments() == []
    assert [f for f in os.listdir(tmp_path / "ix") if not f.endswith(".toc")] == [LAYOUT_FILE]


class CrashOnStr:
    """A title that kills the worker process analysing it (like the OOM killer would)."""

    def __str__(self):
        os._exit(3)


@pytest.mark.parametrize("bad", ["no_audience", "crash", "unpicklable"])
def test_failing_worker_leaves_the_old_index(tmp_path, make_doc, bad):
    search = SearchIndex(tmp_path / "search", lock_timeout=0.3)
    search.open_or_create()
    search.add([make_doc("古い文書", "")])
    docs = [make_doc(f"新しい文書{n}", "") for n in range(1500)]
    if bad == "no_audience":
        docs[1200]["audience"] = ""
        expected = pytest.raises(ValueError, match="no audience")
    elif bad == "crash":
        docs[1200]["title"] = CrashOnStr()
        expected = pytest.raises(bulk.WorkerError, match="exited with code 3")
    else:  # must fail the build, not vanish in the queue's feeder thread
        docs[1200]["title"] = lambda: "題名"
        expected = pytest.raises((pickle.PicklingError, AttributeError, TypeError))
    with expected:
        search.rebuild(iter(docs), procs=2)
    assert search.query("古い", ["public"]).total == 1
    assert search.query("新しい", ["public"]).total == 0
    assert os.listdir(tmp_path) == ["search"]
    search.add([make_doc("追加", "")])  # the live index's lock was released
    assert search.doc_count() == 2
    search.close()


def test_bench_build_only_reports_the_rebuild(capsys):
    assert _bench().main(["--docs", "60", "--build-only", "--procs", "1"]) == 0
    assert re.fullmatch(r"60 documents, procs=1: build [\d.]+ s, 1 segments, \d+ MiB\n", capsys.readouterr().out)
