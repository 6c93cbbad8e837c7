"""Search quality on real text: the 1,894 events of the Hamamatsu open data.

Ground truth is substring containment: a document is relevant when its NFKC-normalised, case-folded
title and body contain the NFKC-normalised query. For hiragana queries the truth is the kanji word
the reading stands for (はままつ -> 浜松), or the hiragana itself. Spelling variants (子ども/子供)
are kept in a separate group: the morphological field finds them on purpose, which plain
containment would count as false hits.
"""

import csv
import statistics
import time
import unicodedata

import pytest

from community.search import SearchIndex
from tests.datafiles import HAMAMATSU_EVENTS

CORPUS = HAMAMATSU_EVENTS

KANJI = ["講座", "体験", "教室", "相談", "健康", "親子", "図書館", "子育て", "博物館", "美術館", "天竜",
         "防災", "講演会", "市民", "音楽", "歴史", "料理", "観察", "運動", "募集", "浜名湖", "動物園",
         "認知症", "外国人", "日本語", "書道"]
KATAKANA = ["イベント", "コンサート", "ワークショップ", "セミナー", "スポーツ", "ボランティア", "ヨガ",
            "ダンス", "ピアノ", "ブックスタート", "ストレッチ", "マイナンバーカード", "ピラティス",
            "ベビーマッサージ", "プログラミング", "ウォーキング"]
MIXED = ["読み聞かせ", "親子で", "お話し会", "手作り", "浜松市", "子育て支援"]
WIDTH = ["ＮＰＯ", "ｲﾍﾞﾝﾄ", "ＬＩＮＥ", "ｺﾝｻｰﾄ", "ﾖｶﾞ", "npo"]
ONE_CHAR = ["花", "森", "海", "川"]
READINGS = {"はままつ": "浜松", "てんりゅう": "天竜", "こそだて": "子育て", "としょかん": "図書館",
            "はくぶつかん": "博物館", "びじゅつかん": "美術館", "きょうしつ": "教室", "ぼうさい": "防災",
            "どうぶつえん": "動物園", "にほんご": "日本語", "えいご": "英語", "おんがく": "音楽",
            "たいけん": "体験", "はまなこ": "浜名湖"}
VARIANTS = {"子ども": ["子ども", "子供", "こども"], "申し込み": ["申し込み", "申込み", "申込"]}


def normalize(text):
    return unicodedata.normalize("NFKC", text).casefold()


@pytest.fixture(scope="module")
def corpus():
    with CORPUS.open(encoding="cp932", newline="") as f:
        return [(row["イベント名"], row["説明"]) for row in csv.DictReader(f)]


@pytest.fixture(scope="module")
def hamamatsu(corpus, tmp_path_factory):
    index = SearchIndex(tmp_path_factory.mktemp("hamamatsu") / "search")
    docs = (
        {"key": f"event:{n}", "kind": "event", "id": n, "title": title, "body": body, "audience": "public"}
        for n, (title, body) in enumerate(corpus)
    )
    index.rebuild(docs, procs=2)
    yield index
    index.close()


def containing(texts, *needles):
    needles = [normalize(n) for n in needles]
    return {n for n, text in enumerate(texts) if any(needle in text for needle in needles)}


def measure(index, texts, cases):
    """Per query: (query, truth, found), plus the latency of a normal results page."""
    rows, latencies = [], []
    for query, truth in cases:
        started = time.perf_counter()
        index.query(query, ["public"])
        latencies.append(time.perf_counter() - started)
        found = {hit.id for hit in index.query(query, ["public"], per_page=len(texts), snippets=False).hits}
        rows.append((query, truth, found))
    return rows, latencies


def recall(rows):
    relevant = sum(len(truth) for _, truth, _ in rows)
    return sum(len(truth & found) for _, truth, found in rows) / relevant


def precision(rows):
    returned = sum(len(found) for _, _, found in rows)
    return sum(len(truth & found) for _, truth, found in rows) / returned


def test_quality_on_hamamatsu_events(corpus, hamamatsu):
    assert len(corpus) == 1894
    texts = [normalize(f"{title}\n{body}") for title, body in corpus]
    plain = [(q, containing(texts, q)) for q in KANJI + KATAKANA + MIXED + WIDTH + ONE_CHAR]
    readings = [(q, containing(texts, kanji, q)) for q, kanji in READINGS.items()]
    variants = [(q, containing(texts, *forms)) for q, forms in VARIANTS.items()]
    assert len(plain) + len(readings) >= 50
    assert all(truth for _, truth in plain + readings + variants), "every query must occur in the corpus"

    plain_rows, plain_latency = measure(hamamatsu, texts, plain)
    reading_rows, reading_latency = measure(hamamatsu, texts, readings)
    variant_rows, _ = measure(hamamatsu, texts, variants)
    rows = plain_rows + reading_rows
    long_rows = [row for row in rows if len(normalize(row[0])) >= 3]
    latencies = sorted(plain_latency + reading_latency)
    p95 = statistics.quantiles(latencies, n=20)[-1]

    misses = [(q, len(t - f), len(f - t)) for q, t, f in rows if t != f]
    print(
        f"\nHamamatsu events: {len(texts)} documents, {len(rows)} queries ({len(reading_rows)} hiragana readings)"
        f"\n  recall {recall(rows):.4f}  (plain {recall(plain_rows):.4f}, readings {recall(reading_rows):.4f})"
        f"\n  precision, queries of 3+ characters {precision(long_rows):.4f}  (all queries {precision(rows):.4f})"
        f"\n  spelling variants: recall {recall(variant_rows):.4f}, precision {precision(variant_rows):.4f}"
        f"\n  results page latency p95 {p95 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms"
        f"\n  queries not exact (query, missed, extra): {misses}"
    )
    assert recall(rows) >= 0.98
    assert precision(long_rows) >= 0.95
    assert recall(variant_rows) >= 0.98

