"""Tune BM25F (B, K1) and the field boosts on the repository's corpus: the 1,894 Hamamatsu events.

What good ranking means for short local items: an item about a word (it uses the word at least twice) that is at
most half as long ranks above a long item that mentions the word once. For every query, every such pair of
matching items is checked in the order the search returns them (the relevance sort, as typed first); the score
is the share of pairs in the right order, for queries of one kanji (scored through the bigram prefix) and for
words of two or more characters. "whole word first" is the share of pairs of an item holding the word as a whole
Sudachi word and an item holding it only inside a longer word (京都 in 東京都) in that order; "title first" the
share of queries whose first result has the query in its title.

    .venv/bin/python bench/bm25_tune.py            # the grid, best first
    .venv/bin/python bench/bm25_tune.py --current  # the parameters in community/search only
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import sys
import tempfile
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from community.search import SearchIndex, vector  # noqa: E402
from community.search.query import build_filter, parse  # noqa: E402

CORPUS = REPO / "tests/data/hamamatsu_221309_events_sjis.csv"
ONE_KANJI = ["花", "森", "海", "川", "山", "水", "音", "本", "絵", "茶", "駅", "夏", "秋", "春", "星", "米", "庭", "歌",
             "城", "鳥"]
WORDS = ["講座", "体験", "教室", "相談", "健康", "親子", "図書館", "子育て", "博物館", "美術館", "天竜", "防災",
         "講演会", "市民", "音楽", "歴史", "料理", "観察", "運動", "募集", "浜名湖", "動物園", "日本語", "書道",
         "コンサート", "ワークショップ", "ヨガ", "ダンス", "ピアノ", "読み聞かせ"]
GRID = {"B": [0.5, 0.75, 0.9, 1.0], "K1": [0.8, 1.2, 2.0], "title": [1.0, 2.0, 3.0], "morph": [2.0, 3.0, 4.0]}
NOW = dt.datetime(2025, 6, 1)


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def load() -> list[tuple[str, str]]:
    with CORPUS.open(encoding="cp932", newline="") as f:
        return [(row["イベント名"], row["説明"]) for row in csv.DictReader(f)]


def pair_order(order: list[int], texts: list[str], query: str) -> tuple[int, int]:
    """(pairs in the right order, pairs) of short items about ``query`` and long items mentioning it once."""
    needle = normalize(query)
    rank = {doc: n for n, doc in enumerate(order)}
    about = [(d, len(texts[d])) for d in order if texts[d].count(needle) >= 2]
    once = [(d, len(texts[d])) for d in order if texts[d].count(needle) == 1]
    right = total = 0
    for a, length_a in about:
        for b, length_b in once:
            if length_a * 2 <= length_b:
                total += 1
                right += rank[a] < rank[b]
    return right, total


def whole_word_order(arrays, order: list[int], q: str) -> tuple[int, int]:
    """(pairs in the right order, pairs) of items with ``q`` as a whole word and items with it inside another."""
    from whoosh import query as wq

    parsed = parse(q)
    if not parsed.morph_phrases:
        return 0, 0
    forms = list(parsed.morph_phrases[0])
    node = wq.Term("morph", forms[0]) if len(forms) == 1 else wq.Phrase("morph", forms)
    whole = vector.evaluate(arrays, node).mask
    rank = {doc: n for n, doc in enumerate(order)}
    inside = [rank[d] for d in order if not whole[d]]
    right = total = 0
    for d in order:
        if whole[d]:
            total += len(inside)
            right += sum(rank[d] < r for r in inside)
    return right, total


def measure(index: SearchIndex, texts: list[str], titles: list[str], params: dict) -> dict:
    vector.BM25_B, vector.BM25_K1 = params["B"], params["K1"]
    allowed_spec = build_filter(["public"])
    with index._searchers.searching() as searcher:
        searcher.schema["title"].format.field_boost = params["title"]
        searcher.schema["morph"].format.field_boost = params["morph"]
        searcher._idf_cache.clear()
        arrays = vector.IndexArrays(searcher)
        allowed = vector.allowed_mask(arrays, allowed_spec)
        out = {}
        for name, queries in (("one kanji", ONE_KANJI), ("words", WORDS)):
            right = total = title_first = whole_right = whole_total = 0
            for q in queries:
                parsed = parse(q)
                ranking = vector.rank(arrays, parsed.query, allowed, "relevance", NOW, len(texts), parsed.exact)
                order = [doc for doc, _ in ranking.items]
                r, t = pair_order(order, texts, q)
                right, total = right + r, total + t
                if name == "words":
                    r, t = whole_word_order(arrays, order, q)
                    whole_right, whole_total = whole_right + r, whole_total + t
                title_first += bool(order) and normalize(q) in normalize(titles[order[0]])
            out[name] = (right / total if total else 1.0, total, title_first / len(queries),
                         whole_right / whole_total if whole_total else 1.0)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--current", action="store_true", help="measure the current parameters only")
    args = parser.parse_args(argv)
    corpus = load()
    texts = [normalize(f"{title}\n{body}") for title, body in corpus]
    titles = [title for title, _ in corpus]
    current = {"B": vector.BM25_B, "K1": vector.BM25_K1, "title": 0.0, "morph": 0.0}
    from community.search import schema

    current["title"], current["morph"] = schema.TITLE_BOOST, schema.MORPH_BOOST
    with tempfile.TemporaryDirectory() as tmp:
        index = SearchIndex(Path(tmp) / "search")
        index.rebuild({"key": f"event:{n}", "kind": "event", "id": n, "title": title, "body": body,
                       "audience": "public"} for n, (title, body) in enumerate(corpus))
        combos = [current] if args.current else [dict(zip(GRID, values, strict=True))
                                                 for values in itertools.product(*GRID.values())]
        rows = [(params, measure(index, texts, titles, params)) for params in combos]
        index.close()
    # Short items about the query first; among those, whole words first and titles first.
    rows.sort(key=lambda row: (-round(row[1]["one kanji"][0] + row[1]["words"][0], 3), -row[1]["words"][3],
                               -(row[1]["one kanji"][2] + row[1]["words"][2])))
    print(f"{len(texts)} Hamamatsu events; pairs: short item about the query above a long item mentioning it once")
    print("| B | K1 | title boost | morph boost | one kanji: pairs right | words: pairs right | whole word first | "
          "title first (kanji/words) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for params, result in rows[: 1 if args.current else 20]:
        kanji, words = result["one kanji"], result["words"]
        mark = " (current)" if params == current else ""
        print(f"| {params['B']} | {params['K1']} | {params['title']} | {params['morph']}{mark} | "
              f"{kanji[0]:.3f} of {kanji[1]} | {words[0]:.3f} of {words[1]} | {words[3]:.3f} | "
              f"{kanji[2]:.2f} / {words[2]:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
