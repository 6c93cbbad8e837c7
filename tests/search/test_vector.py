"""The NumPy query evaluation (vector.py) against Whoosh's own searcher on the same index.

Whoosh's matchers are the reference: for every query the same documents must match with the same
BM25F scores, filters must allow the same documents, and deleted documents must stay out. The index
has several segments and deletions so that offsets and the per-segment caches are exercised.
"""

import csv
import datetime as dt

import pytest
from whoosh import query as wq

from community.search import SearchIndex, vector
from community.search.query import build_filter, parse
from tests.datafiles import HAMAMATSU_EVENTS

CORPUS = HAMAMATSU_EVENTS
NOW = dt.datetime(2025, 6, 1, 12, 0)
QUERIES = ["子育て", "講座", "イベント", "ブックスタート", "読み聞かせ", "浜松市", "ヨガ", "花", "森", "ｲﾍﾞﾝﾄ",
           "はままつ", "こそだて", "子ども", "親子 体験", "図書館 おはなし", "npo", "参加費 無料", "申込み",
           "存在しない語句です"]
AREAS = ("1 2 21", "1 2 22", "1 3 31", "1 4")


def _docs():
    with CORPUS.open(encoding="cp932", newline="") as f:
        rows = list(csv.DictReader(f))[:400]
    for n, row in enumerate(rows):
        kind = ("event", "shop", "notice", "topic")[n % 4]
        start = dt.datetime(2025, 1, 1) + dt.timedelta(days=n)
        yield {
            "key": f"{kind}:{n}", "kind": kind, "id": n, "title": row["イベント名"], "body": row["説明"],
            "area": AREAS[n % len(AREAS)], "category": ("kosodate", "event")[n % 2],
            "audience": "public" if n % 5 else f"community:{n % 3}",
            "starts_at": start if kind == "event" else None, "ends_at": None,
            "updated_at": start + dt.timedelta(hours=n % 7), "url": f"/x/{n}",
        }


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    docs = list(_docs())
    index = SearchIndex(tmp_path_factory.mktemp("vector") / "search")
    index.rebuild(docs[:200])
    index.add(docs[200:300])  # a second segment
    index.add(docs[300:])  # a third
    # Edits and deletions leave deleted copies behind in the older segments.
    index.update([dict(doc, title=doc["title"] + " 改訂版") for doc in docs[10:20]])
    index.remove([doc["key"] for doc in docs[250:260]])
    yield index, docs
    index.close()


def _whoosh_scores(searcher, query, filter_query=None):
    results = searcher.search(query, limit=None, filter=filter_query, scored=True)
    return {hit.docnum: hit.score for hit in results}


@pytest.mark.parametrize("text", QUERIES)
def test_matches_and_scores_equal_whooshs(built, text):
    index, _ = built
    parsed = parse(text)
    with index._searchers.searching() as searcher:
        assert len(searcher.reader().leaf_readers()) >= 3
        arrays = vector.IndexArrays(searcher)
        match = vector.evaluate(arrays, parsed.query)
        ours = {int(d): float(match.score[d]) for d in (match.mask & arrays.live).nonzero()[0]}
        theirs = _whoosh_scores(searcher, parsed.query)
    assert set(ours) == set(theirs)
    if any(len(word) == 1 for word in parsed.words):
        return  # prefix clauses score a constant here; Whoosh scores some of them per term
    for docnum, score in theirs.items():
        assert ours[docnum] == pytest.approx(score, rel=1e-4), docnum


def test_deleted_documents_never_match(built):
    index, docs = built
    removed = {doc["id"] for doc in docs[250:260]}
    result = index.query(docs[252]["title"], ["public", "community:0", "community:1", "community:2"], per_page=500)
    assert not removed & {hit.id for hit in result.hits}
    edited = index.query("改訂版", ["public", "community:0", "community:1", "community:2"], per_page=50)
    assert sorted(hit.id for hit in edited.hits) == list(range(10, 20))


@pytest.mark.parametrize(
    "audiences, kind, area, category, date_from, date_to",
    [
        (["public"], None, None, None, None, None),
        (["public", "community:1"], "event", None, None, None, None),
        (["community:2"], None, "2", "kosodate", None, None),
        (["public"], ["event", "shop"], "22", None, None, None),
        (["public"], None, None, None, dt.date(2025, 3, 1), dt.date(2025, 6, 30)),
    ],
)
def test_filters_allow_what_whoosh_allows(built, audiences, kind, area, category, date_from, date_to):
    index, _ = built
    spec = build_filter(audiences, kind, area, category, date_from, date_to)
    with index._searchers.searching() as searcher:
        arrays = vector.IndexArrays(searcher)
        ours = set(vector.allowed_mask(arrays, spec).nonzero()[0].tolist())
        everything = wq.And([wq.Or(list(alternatives)) for alternatives in spec])
        theirs = {d for d in searcher.docs_for_query(everything) if not searcher.reader().is_deleted(d)}
    assert ours == theirs and ours


def test_ranking_order_total_and_facets(built):
    index, docs = built
    audiences = ["public", "community:0", "community:1", "community:2"]
    everything = index.query("講座", audiences, per_page=1000, now=NOW, snippets=False)
    hits = everything.hits
    assert everything.total == len(hits) > 20
    live = {doc["id"]: doc for doc in docs if not 250 <= doc["id"] < 260}
    # Upcoming events and undated items first, past events after; by score within each group.
    past = [not (live[h.id]["starts_at"] is None or live[h.id]["starts_at"] >= NOW) for h in hits]
    assert past == sorted(past) and any(past) and not all(past)
    for group in (False, True):
        scores = [h.score for h, p in zip(hits, past, strict=True) if p is group]
        assert scores == sorted(scores, reverse=True)
    kinds: dict[str, int] = {}
    areas: dict[str, int] = {}
    for hit in hits:
        kinds[hit.kind] = kinds.get(hit.kind, 0) + 1
        for area in live[hit.id]["area"].split():
            areas[area] = areas.get(area, 0) + 1
    assert everything.facets == {"kind": kinds, "area": areas}
    # Pages are slices of the same order.
    page2 = index.query("講座", audiences, page=2, per_page=7, now=NOW, snippets=False)
    assert [h.key for h in page2.hits] == [h.key for h in hits[7:14]]
    by_date = index.query("講座", audiences, sort="date", per_page=1000, snippets=False).hits
    stamps = [live[h.id]["updated_at"] for h in by_date]
    assert stamps == sorted(stamps, reverse=True)


def test_posting_lists_are_cached_per_segment_and_survive_a_new_searcher(built, make_doc):
    index, _ = built
    vector.clear_caches()
    audiences = ["public"]
    first = index.query("ブックスタート", audiences, snippets=False)
    cached = vector._postings_cache.used
    assert cached > 0
    index.add([make_doc("ブックスタートのお知らせ", "", audience="nobody-here")])  # a new segment, a new searcher
    again = index.query("ブックスタート", audiences, snippets=False)
    assert again.total == first.total
    # Only the new segment's postings were read.
    assert vector._postings_cache.used - cached < cached


def test_segment_ids_never_repeat_even_when_random_is_seeded(tmp_path, make_doc):
    """Posting lists are cached by segment id; Whoosh draws ids from the global `random` module, which a
    script or a test may seed, and a repeated id would serve another index's postings."""
    import random

    random.seed(42)
    first = SearchIndex(tmp_path / "a")
    first.rebuild([make_doc("子育て相談", ""), make_doc("花火大会", "")])
    assert first.query("花火", ["public"]).total == 1
    random.seed(42)
    second = SearchIndex(tmp_path / "b")
    second.rebuild([make_doc("花火大会", ""), make_doc("非公開の会議録", "", audience="community:9")])
    assert [hit.title for hit in second.query("花火", ["public"]).hits] == ["花火大会"]
    first.close()
    second.close()
