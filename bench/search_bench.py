"""Search benchmark: our Whoosh index against SQLite FTS5 (trigram) on synthetic Japanese documents.

The documents recombine real sentences from the Hamamatsu event open data, so the text has the
vocabulary, scripts and lengths of what the portal will hold. For each engine it prints the full
build time, the p95 query latency, and recall against plain substring search (on the NFKC-normalised,
case-folded text), overall and for queries shorter than three characters, which a trigram index
cannot answer through MATCH.

    .venv/bin/python bench/search_bench.py --docs 100000 --queries 200
    .venv/bin/python bench/search_bench.py --docs 100000 --build-only --procs 2   # rebuild time only
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from community.search import SearchIndex  # noqa: E402
from community.search.analysis import words  # noqa: E402

DEFAULT_CORPUS = REPO / "tests/data/hamamatsu_221309_events_sjis.csv"
KINDS = ("event", "event", "event", "shop", "notice", "board", "topic")
AREAS = ("1 2 21", "1 2 22", "1 3 31", "1 3 32", "1 4 41", "1 4 42")
# Words a resident would type; the rest of the query set is substrings cut from the documents.
TYPED_QUERIES = (
    "子育て", "相談", "講座", "体験", "ヨガ", "ダンス", "読み聞かせ", "ブックスタート", "ストレッチ",
    "コンサート", "ボランティア", "外国人", "英語", "健康", "親子で", "浜松", "天竜", "浜名湖",
    "ｲﾍﾞﾝﾄ", "ＮＰＯ", "花", "森", "海", "はままつ", "こそだて", "きょうしつ", "としょかん",
)


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def load_sentences(corpus: Path) -> tuple[list[str], list[str]]:
    titles, sentences = [], []
    with corpus.open(encoding="cp932", newline="") as f:
        for row in csv.DictReader(f):
            titles.append(row["イベント名"].strip())
            sentences += [s for s in re.split(r"(?<=。)|\n", row["説明"]) if len(s.strip()) > 4]
    return [t for t in titles if t], sentences


def make_docs(count: int, corpus: Path, seed: int = 7) -> list[dict]:
    titles, sentences = load_sentences(corpus)
    rng = random.Random(seed)
    base = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    docs = []
    for i in range(count):
        kind = rng.choice(KINDS)
        start = base + dt.timedelta(days=rng.randrange(0, 730), hours=rng.randrange(8, 20))
        docs.append(
            {
                "key": f"{kind}:{i}",
                "kind": kind,
                "id": i,
                "title": rng.choice(titles),
                "body": "".join(rng.choice(sentences) for _ in range(rng.randint(2, 6))),
                "area": rng.choice(AREAS),
                "category": rng.choice(("kosodate", "event", "shop", "bosai")),
                "audience": "public" if rng.random() < 0.9 else f"community:{rng.randrange(50)}",
                "starts_at": start if kind == "event" else None,
                "ends_at": start + dt.timedelta(hours=2) if kind == "event" else None,
                "updated_at": start,
                "url": f"/{kind}s/{i}",
            }
        )
    return docs


def make_queries(docs: list[dict], count: int, seed: int = 11) -> list[str]:
    """The typed words, then words people would type: nouns cut by Sudachi from random documents
    (two to six characters, with kanji or katakana), so about a third are shorter than three."""
    rng = random.Random(seed)
    queries = list(TYPED_QUERIES)
    while len(queries) < count:
        text = normalize(rng.choice(docs)["body"])
        candidates = [
            m.surface
            for m in words(text)
            if 2 <= len(m.surface) <= 6 and re.search(r"[一-龯ァ-ヴ]", m.surface) and m.surface not in queries
        ]
        if candidates:
            queries.append(rng.choice(candidates))
    return queries[:count]


def percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100)[pct - 1] if len(values) > 1 else values[0]


def truth_for(texts: list[str], query: str) -> set[int]:
    needle = normalize(query)
    return {i for i, text in enumerate(texts) if needle in text}


def bench_whoosh(folder: Path, docs, queries, truths, procs: int) -> dict:
    index = SearchIndex(folder / "whoosh")
    started = time.perf_counter()
    index.rebuild(docs, procs=procs)
    build = time.perf_counter() - started
    latencies, found = [], {}
    audiences = ["public"] + [f"community:{n}" for n in range(50)]
    for q in queries:
        started = time.perf_counter()
        index.query(q, audiences)  # a results page: 20 hits with snippets, total and facets
        latencies.append(time.perf_counter() - started)
        result = index.query(q, audiences, per_page=len(docs), snippets=False)
        found[q] = {hit.id for hit in result.hits}
    index.close()
    return {"build": build, "latencies": latencies, "found": found}


def bench_build(docs: list[dict], procs: int) -> int:
    """Time ``SearchIndex.rebuild`` alone and describe the index it wrote."""
    with tempfile.TemporaryDirectory() as tmp:
        index = SearchIndex(Path(tmp) / "whoosh")
        started = time.perf_counter()
        count = index.rebuild(docs, procs=procs)
        build = time.perf_counter() - started
        segments = len(index._open()._segments())
        size = sum(f.stat().st_size for f in index.path.iterdir())
        index.close()
    print(f"{count} documents, procs={procs}: build {build:.1f} s, {segments} segments, {size / 2**20:.0f} MiB")
    return 0


def bench_fts5(folder: Path, docs, texts, queries, use_like: bool) -> dict:
    db = sqlite3.connect(folder / "fts5.sqlite")
    started = time.perf_counter()
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='trigram')")
    db.executemany(
        "INSERT INTO docs(rowid, title, body) VALUES (?, ?, ?)",
        ((doc["id"], normalize(doc["title"]), normalize(doc["body"])) for doc in docs),
    )
    db.commit()
    build = time.perf_counter() - started
    latencies, found = [], {}
    for q in queries:
        needle = normalize(q)
        if use_like:
            # LIKE works for any length; under three characters the trigram index cannot help
            # and SQLite scans the table.
            where, arg = "title LIKE ?1 OR body LIKE ?1", "%" + needle.replace("%", "") + "%"
        else:
            where, arg = "docs MATCH ?1", '"' + needle.replace('"', '""') + '"'
        started = time.perf_counter()
        db.execute(f"SELECT count(*) FROM docs WHERE {where}", (arg,)).fetchone()
        db.execute(
            f"SELECT rowid, snippet(docs, 1, '<mark>', '</mark>', '…', 16) FROM docs WHERE {where} "
            + ("ORDER BY rank " if not use_like else "")
            + "LIMIT 20",
            (arg,),
        ).fetchall()
        latencies.append(time.perf_counter() - started)
        found[q] = {row[0] for row in db.execute(f"SELECT rowid FROM docs WHERE {where}", (arg,))}
    db.close()
    return {"build": build, "latencies": latencies, "found": found}


def recall(found: dict, truths: dict, queries) -> float:
    relevant = sum(len(truths[q]) for q in queries)
    hit = sum(len(found[q] & truths[q]) for q in queries)
    return hit / relevant if relevant else 1.0


def precision(found: dict, truths: dict, queries) -> float:
    returned = sum(len(found[q]) for q in queries)
    hit = sum(len(found[q] & truths[q]) for q in queries)
    return hit / returned if returned else 1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000, help="number of synthetic documents")
    parser.add_argument("--queries", type=int, default=200, help="number of queries")
    parser.add_argument("--procs", type=int, default=2, help="processes for the Whoosh rebuild")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="Hamamatsu events CSV (CP932)")
    parser.add_argument("--build-only", action="store_true", help="only time the Whoosh rebuild")
    args = parser.parse_args(argv)

    docs = make_docs(args.docs, args.corpus)
    if args.build_only:
        return bench_build(docs, args.procs)
    texts = [normalize(f"{doc['title']}\n{doc['body']}") for doc in docs]
    queries = make_queries(docs, args.queries)
    # Hiragana queries look for kanji text through readings; substring truth does not apply.
    scored = [q for q in queries if not re.fullmatch(r"[ぁ-ゖー]+", q)]
    truths = {q: truth_for(texts, q) for q in scored}
    short = [q for q in scored if len(normalize(q)) < 3]
    longer = [q for q in scored if len(normalize(q)) >= 3]

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results = {
            "whoosh bigram+sudachi": bench_whoosh(folder, docs, queries, truths, args.procs),
            "sqlite fts5 trigram MATCH": bench_fts5(folder, docs, texts, scored, use_like=False),
        }
        (folder / "fts5.sqlite").unlink()
        results["sqlite fts5 trigram LIKE"] = bench_fts5(folder, docs, texts, scored, use_like=True)

    print(f"{args.docs} documents, {len(queries)} queries ({len(short)} shorter than 3 characters)")
    header = f"{'engine':<28}{'build s':>9}{'p50 ms':>9}{'p95 ms':>9}{'recall':>9}{'recall<3':>10}{'prec>=3':>9}"
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        print(
            f"{name:<28}{r['build']:>9.1f}{percentile(r['latencies'], 50) * 1000:>9.1f}"
            f"{percentile(r['latencies'], 95) * 1000:>9.1f}"
            f"{recall(r['found'], truths, scored):>9.3f}{recall(r['found'], truths, short):>10.3f}"
            f"{precision(r['found'], truths, longer):>9.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
