"""Search benchmark: our Whoosh index against SQLite FTS5 (trigram) on synthetic Japanese documents.

The documents recombine real sentences from the Hamamatsu event open data (the corpus the search was tuned
on), so the text has the vocabulary, scripts and lengths of what the portal will hold; ``--held-out`` takes
500 Japanese Wikinews sentences of 2005 instead (the ``hironsancorpus`` package: ``pip install -e '.[bench]'``),
text the search was never tuned on. For each engine it prints the full build time, the p50/p95 latency of a
results page, and recall against plain substring search (on the NFKC-normalised, case-folded text), overall
and for queries shorter than three characters, which a trigram index cannot answer through MATCH.

Then, for this site's search alone, a Markdown table of recall and precision per query class (one or two
characters, three or more, kana only, kanji only, mixed scripts), with spelling variants and readings switched
on (the default) and off (「表記ゆれも含める」). The truth is "the normalised text contains the query" (for a
hiragana query made from a word's reading: the query or that word); with the switch on, a hit beyond that
counts as correct only when it is a designed variant, checked here with Sudachi on that document alone: a run of
whole words with the query's normalised forms (子供 for 子ども), or for a hiragana query a run of whole short
words whose readings spell it (浜松 + 市 for はままつし, never the end of one word joined to the next).

    .venv/bin/python bench/search_bench.py --docs 100000 --queries 200
    .venv/bin/python bench/search_bench.py --docs 20000 --queries 200 --held-out
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

# Hiragana queries of TYPED_QUERIES and the word they stand for.
TYPED_READINGS = {"はままつ": "浜松", "こそだて": "子育て", "きょうしつ": "教室", "としょかん": "図書館"}

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


def load_held_out() -> tuple[list[str], list[str]]:
    """The 500 sentences of the Hironsan corpus (Japanese Wikinews, 2005); titles are their first clauses."""
    try:
        from hironsan.corpus import hiron2016
    except ImportError:
        raise SystemExit("--held-out needs the hironsancorpus package: pip install -e '.[bench]'") from None
    sentences = ["".join(token[0] for token in sent) for sent in hiron2016.iob_sents("train") +
                 hiron2016.iob_sents("test") if sent]
    titles = [re.split("[、。]", s)[0][:30] for s in sentences]
    return [t for t in titles if len(t) > 4], sentences


def make_docs(count: int, corpus: Path | None, seed: int = 7) -> list[dict]:
    """``count`` documents of 2 to 6 random sentences; ``corpus`` None: the held-out news sentences."""
    titles, sentences = load_sentences(corpus) if corpus is not None else load_held_out()
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


_HIRAGANA = re.compile(r"[ぁ-ゖー]+")
_KANA = re.compile(r"[ぁ-ゖァ-ヺー]+")


def make_reading_queries(docs: list[dict], count: int, seed: int = 13) -> dict[str, str]:
    """Hiragana queries as residents type them for kanji words: the readings of nouns cut by Sudachi from random
    documents (three to eight kana), each with the word it was made from."""
    rng = random.Random(seed)
    found: dict[str, str] = {}
    for _ in range(count * 50):
        if len(found) >= count:
            break
        text = normalize(rng.choice(docs)["body"])
        candidates = [
            (m.reading.translate(_TO_HIRAGANA), m.surface)
            for m in words(text)
            if re.search(r"[一-龯]", m.surface) and re.fullmatch(r"[ァ-ヶー]{3,8}", m.reading or "")
        ]
        if candidates:
            reading, surface = rng.choice(candidates)
            found.setdefault(reading, surface)
    return found


_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}


def query_class(query: str) -> list[str]:
    """The classes a query is reported in."""
    q = normalize(query)
    classes = ["1–2 characters" if len(q) <= 2 else "3+ characters"]
    if _KANA.fullmatch(q):
        classes.append("kana only")
    elif re.fullmatch(r"[一-龯々]+", q):
        classes.append("kanji only")
    elif _KANA.search(q):
        classes.append("mixed (kana and kanji or Latin)")
    return classes + ["all"]


class DesignedVariants:
    """Whether a document the search found beyond the substring truth is a designed variant of the query, by
    Sudachi on that document's text alone (independently of the index): see the module docstring."""

    def __init__(self, texts: list[str]):
        from sudachipy import Dictionary, SplitMode

        dictionary = Dictionary(dict="core")
        self._long = dictionary.tokenizer(mode=SplitMode.B)
        self._short = dictionary.tokenizer(mode=SplitMode.A)
        self.texts = texts
        self._forms: dict[int, list] = {}
        self._runs: dict[int, list] = {}

    def _words(self, text: str) -> list[tuple[int, int, str]]:
        return [(m.begin(), m.end(), normalize(m.normalized_form())) for m in self._long.tokenize(text)
                if any(ch.isalnum() for ch in m.surface())]

    def _reading_runs(self, text: str) -> list[tuple[str, set[int]]]:
        """Runs of adjacent short words with katakana readings: (joined reading, offsets where a word starts or
        the run ends)."""
        runs: list[tuple[str, set[int]]] = []
        joined, bounds, end = "", {0}, -1
        for m in self._short.tokenize(text):
            surface, reading = m.surface(), m.reading_form()
            if not re.search(r"[ぁ-ゖァ-ヺ一-龯々]", surface):
                reading = ""
            elif not re.fullmatch(r"[ァ-ヺー]+", reading or ""):
                kana = surface.translate({c: c + 0x60 for c in range(0x3041, 0x3097)})
                reading = kana if re.fullmatch(r"[ァ-ヺー]+", kana) else ""
            if not reading or m.begin() != end:
                if joined:
                    runs.append((joined, bounds))
                joined, bounds = "", {0}
            if reading:
                joined += reading
                bounds.add(len(joined))
            end = m.end() if reading else -1
        if joined:
            runs.append((joined, bounds))
        return runs

    def __call__(self, doc: int, query: str) -> bool:
        q = normalize(query)
        wanted = self._words(q)
        if wanted and sum(e - b for b, e, _ in wanted) == len(q):
            forms = [f for _, _, f in wanted]
            if doc not in self._forms:
                self._forms[doc] = self._words(self.texts[doc])
            have = self._forms[doc]
            for i in range(len(have) - len(forms) + 1):
                run = have[i : i + len(forms)]
                if [f for _, _, f in run] == forms and all(a[1] == b[0] for a, b in zip(run, run[1:], strict=False)):
                    return True
        if _HIRAGANA.fullmatch(q) and len(q) > 1:
            reading = q.translate({c: c + 0x60 for c in range(0x3041, 0x3097)})
            if doc not in self._runs:
                self._runs[doc] = self._reading_runs(self.texts[doc])
            for joined, bounds in self._runs[doc]:
                start = joined.find(reading)
                while start != -1:
                    if start in bounds and start + len(reading) in bounds:
                        return True
                    start = joined.find(reading, start + 1)
        return False


def class_table(queries: list[str], truths: dict, found_on: dict, found_off: dict, designed: DesignedVariants,
                plain: dict) -> str:
    """Recall and precision per query class, as a Markdown table (see the module docstring)."""
    rows: dict[str, list[int]] = {}
    for q in queries:
        truth, on, off = truths[q], found_on[q], found_off[q]
        extra = on - truth
        verified = {doc for doc in extra if designed(doc, q)}
        correct_on = (on & truth) | verified
        # Switched off, only the words as typed count: the substring truth without the reading's kanji word.
        truth_off = plain[q]
        for name in query_class(q):
            row = rows.setdefault(name, [0] * 8)
            row[0] += 1
            row[1] += len(truth)
            row[2] += len(on & truth)
            row[3] += len(on)
            row[4] += len(correct_on)
            row[5] += len(truth_off)
            row[6] += len(off & truth_off)
            row[7] += len(off)
            rows[name] = row

    def ratio(a: int, b: int) -> str:
        return f"{a / b:.3f}" if b else "–"

    lines = ["| queries | n | recall | precision | recall, switch off | precision, switch off |",
             "| --- | --- | --- | --- | --- | --- |"]
    order = ["1–2 characters", "3+ characters", "kana only", "kanji only", "mixed (kana and kanji or Latin)", "all"]
    for name in [n for n in order if n in rows]:
        n, relevant, hit, returned, correct, relevant_off, hit_off, returned_off = rows[name]
        lines.append(f"| {name} | {n} | {ratio(hit, relevant)} | {ratio(correct, returned)} | "
                     f"{ratio(hit_off, relevant_off)} | {ratio(hit_off, returned_off)} |")
    return "\n".join(lines)


def percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100)[pct - 1] if len(values) > 1 else values[0]


def truth_for(texts: list[str], query: str, *also: str) -> set[int]:
    needles = [normalize(n) for n in (query, *also)]
    return {i for i, text in enumerate(texts) if any(needle in text for needle in needles)}


def bench_whoosh(folder: Path, docs, queries, procs: int, variants_off: bool = True) -> dict:
    index = SearchIndex(folder / "whoosh")
    started = time.perf_counter()
    index.rebuild(docs, procs=procs)
    build = time.perf_counter() - started
    latencies, found, found_off = [], {}, {}
    audiences = ["public"] + [f"community:{n}" for n in range(50)]
    for q in queries:
        started = time.perf_counter()
        index.query(q, audiences)  # a results page: 20 hits with snippets, total and facets
        latencies.append(time.perf_counter() - started)
        result = index.query(q, audiences, per_page=len(docs), snippets=False)
        found[q] = {hit.id for hit in result.hits}
        if variants_off:
            result = index.query(q, audiences, per_page=len(docs), snippets=False, variants=False)
            found_off[q] = {hit.id for hit in result.hits}
    index.close()
    return {"build": build, "latencies": latencies, "found": found, "found_off": found_off}


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
    parser.add_argument("--queries", type=int, default=200, help="number of queries (and a tenth more hiragana)")
    parser.add_argument("--procs", type=int, default=2, help="processes for the Whoosh rebuild")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="Hamamatsu events CSV (CP932)")
    parser.add_argument("--held-out", action="store_true", help="Wikinews sentences instead of --corpus")
    parser.add_argument("--build-only", action="store_true", help="only time the Whoosh rebuild")
    args = parser.parse_args(argv)

    docs = make_docs(args.docs, None if args.held_out else args.corpus)
    if args.build_only:
        return bench_build(docs, args.procs)
    texts = [normalize(f"{doc['title']}\n{doc['body']}") for doc in docs]
    queries = make_queries(docs, args.queries)
    # Hiragana queries look for kanji text through readings: the truth is the query or the word it reads.
    sources = {q: TYPED_READINGS[q] for q in queries if q in TYPED_READINGS}
    for reading, surface in make_reading_queries(docs, max(3, args.queries // 10)).items():
        if reading not in queries:
            queries.append(reading)
            sources[reading] = surface
    scored = [q for q in queries if q not in sources]  # the engines compared on substring truth
    plain = {q: truth_for(texts, q) for q in queries}
    truths = {q: truth_for(texts, q, sources[q]) if q in sources else plain[q] for q in queries}
    short = [q for q in scored if len(normalize(q)) < 3]
    longer = [q for q in scored if len(normalize(q)) >= 3]

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results = {
            "whoosh bigram+sudachi": bench_whoosh(folder, docs, queries, args.procs),
            "sqlite fts5 trigram MATCH": bench_fts5(folder, docs, texts, scored, use_like=False),
        }
        (folder / "fts5.sqlite").unlink()
        results["sqlite fts5 trigram LIKE"] = bench_fts5(folder, docs, texts, scored, use_like=True)

    corpus = "held-out Wikinews sentences" if args.held_out else args.corpus.name
    print(f"{args.docs} documents ({corpus}), {len(queries)} queries ({len(short)} shorter than 3 characters, "
          f"{len(sources)} hiragana readings)")
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
    print("(prec>=3 here: substring truth only, so the spelling variants this site finds on purpose count as misses)")
    ours = results["whoosh bigram+sudachi"]
    print("\nThis site's search per query class (designed variants correct only with the switch on):\n")
    print(class_table(queries, truths, ours["found"], ours["found_off"], DesignedVariants(texts), plain))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
