"""Filters, facets, ranking, writes and failures of the search index."""

import datetime as dt
import gc
import os

import pytest
from whoosh import fields
from whoosh import index as whoosh_index

from community.search import SearchIndex, SearchUnavailable, engine, get_index

from .conftest import NOW, keys


def test_audience_limits_what_is_found(index, make_doc):
    public = make_doc("お花見の会", "")
    members = make_doc("お花見の打ち合わせ", "", audience="community:5")
    index.add([public, members])
    assert keys(index.query("お花見", ["public"])) == [public["key"]]
    assert sorted(keys(index.query("お花見", ["public", "community:5"]))) == sorted([public["key"], members["key"]])
    assert keys(index.query("お花見", ["community:5"])) == [members["key"]]
    assert index.query("お花見", []).total == 0


def test_document_in_several_audiences(index, make_doc):
    doc = make_doc("防災訓練", "", audience=["group:3", "staff"])
    index.add([doc])
    assert index.query("防災", ["public"]).total == 0
    assert keys(index.query("防災", ["staff"])) == [doc["key"]]
    assert keys(index.query("防災", ["user:7", "group:3"])) == [doc["key"]]


def test_area_filter_finds_items_of_descendant_areas(index, make_doc):
    # city 1 > ward 2 (緑区) > district 21 (橋本); ward 3 is another ward.
    district = make_doc("夏祭り", "", area="1 2 21")
    ward = make_doc("夏祭り", "", area="1 2")
    other_ward = make_doc("夏祭り", "", area="1 3")
    index.add([district, ward, other_ward])
    assert sorted(keys(index.query("夏祭り", ["public"], area="2"))) == sorted([district["key"], ward["key"]])
    assert keys(index.query("夏祭り", ["public"], area="21")) == [district["key"]]
    assert index.query("夏祭り", ["public"], area="1").total == 3
    assert index.query("夏祭り", ["public"], area="99").total == 0


def test_kind_and_category_filters(index, make_doc):
    event = make_doc("朝市", "", kind="event", category="shopping")
    shop = make_doc("朝市の店", "", kind="shop", category="shopping")
    notice = make_doc("朝市中止", "", kind="notice", category="bosai")
    index.add([event, shop, notice])
    assert keys(index.query("朝市", ["public"], kind="shop")) == [shop["key"]]
    assert sorted(keys(index.query("朝市", ["public"], kind=["shop", "event"]))) == sorted([event["key"], shop["key"]])
    assert keys(index.query("朝市", ["public"], category="bosai")) == [notice["key"]]


def test_facets_count_every_match_after_audience_and_filters(index, make_doc):
    index.add(
        [
            make_doc("子育て広場", "", kind="event", area="1 2 21"),
            make_doc("子育て相談", "", kind="event", area="1 2"),
            make_doc("子育て用品の店", "", kind="shop", area="1 3"),
            make_doc("子育てサークル", "", kind="community", area="1 3", audience="community:9"),
            make_doc("防災訓練", "", kind="event", area="1 3"),
        ]
    )
    result = index.query("子育て", ["public"], per_page=1)
    assert len(result.hits) == 1 and result.total == 3
    assert result.facets == {"kind": {"event": 2, "shop": 1}, "area": {"1": 3, "2": 2, "21": 1, "3": 1}}
    result = index.query("子育て", ["public", "community:9"], area="3")
    assert result.facets == {"kind": {"shop": 1, "community": 1}, "area": {"1": 2, "3": 2}}


def test_date_filter_keeps_events_overlapping_the_range(index, make_doc):
    def event(start, days=0):
        begins = dt.datetime(2026, 7, start, 10, tzinfo=dt.UTC)
        return make_doc("花火大会", "", kind="event", starts_at=begins, ends_at=begins + dt.timedelta(days=days))

    early, spanning, late = event(1), event(5, days=10), event(20)
    index.add([early, spanning, late, make_doc("花火の店", "", kind="shop")])
    found = index.query("花火", ["public"], date_from=dt.date(2026, 7, 10), date_to=dt.date(2026, 7, 20), now=NOW)
    assert sorted(keys(found)) == sorted([spanning["key"], late["key"]])
    assert keys(index.query("花火", ["public"], date_to=dt.date(2026, 7, 1), now=NOW)) == [early["key"]]
    # Items without dates only show up when no date is asked for.
    assert index.query("花火", ["public"], now=NOW).total == 4


def test_upcoming_events_rank_above_past_ones(index, make_doc):
    past = make_doc("盆踊り大会 盆踊り", "盆踊り", kind="event", starts_at=NOW - dt.timedelta(days=30))
    day = dt.timedelta(days=1)
    running = make_doc("盆踊り", "", kind="event", starts_at=NOW - day, ends_at=NOW + day)
    upcoming = make_doc("盆踊り", "", kind="event", starts_at=NOW + dt.timedelta(days=30))
    index.add([past, running, upcoming])
    ranked = keys(index.query("盆踊り", ["public"], now=NOW))
    assert ranked[-1] == past["key"]
    assert set(ranked[:2]) == {running["key"], upcoming["key"]}
    # A year later every one of them is past, and plain relevance decides: the past event mentions it most.
    assert keys(index.query("盆踊り", ["public"], now=NOW + dt.timedelta(days=365)))[0] == past["key"]


def test_sort_by_date_puts_newest_first_and_pages(index, make_doc):
    docs = [make_doc("図書館だより", "", updated_at=NOW - dt.timedelta(days=n)) for n in (3, 1, 2)]
    index.add(docs)
    result = index.query("図書館", ["public"], sort="date")
    assert keys(result) == [docs[1]["key"], docs[2]["key"], docs[0]["key"]]
    second = index.query("図書館", ["public"], sort="date", page=2, per_page=2)
    assert (keys(second), second.total, second.pages) == ([docs[0]["key"]], 3, 2)
    assert index.query("図書館", ["public"], page=9).hits == []
    with pytest.raises(ValueError):
        index.query("図書館", ["public"], sort="title")


def test_pages_of_one_search_fit_together(index, make_doc, monkeypatch):
    monkeypatch.setattr(engine, "RANKING_DEPTH", 4)  # so that later pages go past the cached ranking
    index.add([make_doc(f"自治会だより 第{n}号", "自治会" * (n % 5 + 1)) for n in range(23)])
    pages = [index.query("自治会", ["public"], page=n, per_page=5, now=NOW) for n in range(1, 6)]
    seen = [key for page in pages for key in keys(page)]
    assert len(seen) == len(set(seen)) == 23
    assert seen == keys(index.query("自治会", ["public"], per_page=50, now=NOW))
    pages[0].facets["kind"]["notice"] = 0  # a caller changing its result changes nothing cached
    assert index.query("自治会", ["public"], now=NOW).facets["kind"] == {"notice": 23}


def test_hit_fields(index, make_doc):
    doc = make_doc("バザーのお知らせ", "地域のバザーを開きます。", kind="event", url="/events/5")
    index.add([doc])
    hit = index.query("バザー", ["public"]).hits[0]
    assert (hit.key, hit.kind, hit.id, hit.url) == (doc["key"], "event", doc["id"], "/events/5")
    assert hit.title == "バザーのお知らせ"
    assert hit.score > 0 and "<mark>バザー</mark>" in hit.snippet_html


def test_update_replaces_and_remove_deletes(index, make_doc):
    doc = make_doc("ラジオ体操", "")
    index.add([doc, make_doc("ラジオ講座", "")])
    index.update([{**doc, "title": "朝のウォーキング"}])
    assert index.query("体操", ["public"]).total == 0
    assert keys(index.query("ウォーキング", ["public"])) == [doc["key"]]
    assert index.doc_count() == 2
    assert index.remove([doc["key"], "missing:1"]) == 1
    assert index.query("ウォーキング", ["public"]).total == 0
    assert index.doc_count() == 1


def test_documents_without_audience_are_refused(index, make_doc):
    with pytest.raises(ValueError):
        index.add([make_doc("秘密", "", audience="")])
    with pytest.raises(ValueError):
        index.add([{"key": "x:1", "kind": "x", "title": "no id", "audience": "public"}])


def test_many_small_commits_get_merged(index, make_doc):
    for n in range(index.max_segments + 3):
        index.add([make_doc(f"お知らせ{n}", "")])
    assert len(index._open()._segments()) <= index.max_segments
    assert index.query("お知らせ", ["public"]).total == index.max_segments + 3


@pytest.mark.parametrize("procs", [1, 2])
def test_rebuild_replaces_everything_and_reports_progress(tmp_path, make_doc, procs):
    index = SearchIndex(tmp_path / "search")
    index.open_or_create()
    index.add([make_doc("古い文書", "")])
    seen = []
    count = index.rebuild((make_doc(f"新しい文書{n}", "") for n in range(1200)), progress=seen.append, procs=procs)
    assert count == sum(seen) == 1200
    assert index.query("古い", ["public"]).total == 0
    assert index.query("新しい", ["public"]).total == 1200
    assert not [p for p in os.listdir(tmp_path) if p != "search"]  # no leftover build folders
    index.clear()
    assert index.doc_count() == 0
    index.close()


def test_other_writers_are_seen_by_the_long_lived_searcher(tmp_path, make_doc):
    reader = SearchIndex(tmp_path / "search")
    reader.open_or_create()
    assert reader.query("商店街", ["public"]).total == 0
    SearchIndex(tmp_path / "search").add([make_doc("商店街マップ", "")])  # e.g. another worker process
    assert reader.query("商店街", ["public"]).total == 1
    SearchIndex(tmp_path / "search").rebuild([make_doc("商店街の地図", ""), make_doc("商店街", "")])
    assert reader.query("商店街", ["public"]).total == 2
    reader.close()


def test_get_index_shares_one_instance_per_folder(tmp_path):
    assert get_index(tmp_path / "a") is get_index(tmp_path / "a")
    assert get_index(tmp_path / "a") is not get_index(tmp_path / "b")


def test_index_of_an_older_layout_asks_for_a_rebuild(tmp_path, make_doc):
    (tmp_path / "search").mkdir()
    whoosh_index.create_in(str(tmp_path / "search"), fields.Schema(key=fields.ID(stored=True)))
    stale = SearchIndex(tmp_path / "search")
    with pytest.raises(SearchUnavailable, match="rebuild"):
        stale.open_or_create()
    stale.rebuild([make_doc("新しい索引", "")])
    stale.open_or_create()
    assert stale.query("索引", ["public"]).total == 1
    stale.close()


def test_missing_index_is_unavailable(tmp_path):
    index = SearchIndex(tmp_path / "nowhere")
    assert not index.healthy()
    with pytest.raises(SearchUnavailable):
        index.query("図書館", ["public"])
    with pytest.raises(SearchUnavailable):
        index.add([{"key": "n:1", "kind": "notice", "id": 1, "title": "t", "audience": "public"}])
    # An empty query needs no index at all.
    assert index.query("", ["public"]).total == 0


# Whoosh leaves the files of a segment it failed to open for the garbage collector to close.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.parametrize("damage", ["toc", "segments", "empty_folder"])
def test_corrupted_index_is_unavailable(index, make_doc, damage):
    index.add([make_doc("図書館だより", "本の紹介")])
    index.close()
    for name in os.listdir(index.path):
        path = index.path / name
        if damage == "empty_folder" or (damage == "toc" and name.endswith(".toc")):
            path.unlink()
        elif damage == "segments" and not name.endswith(".toc") and "LOCK" not in name and not name.startswith("."):
            path.write_bytes(b"\x00garbage" * 3)
    fresh = SearchIndex(index.path)
    assert not fresh.healthy()
    with pytest.raises(SearchUnavailable):
        fresh.query("図書館", ["public"])
    gc.collect()


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.parametrize("suffix, filters", [(".pst", {}), (".pst", {"date_from": dt.date(2020, 1, 1)}),
                                             ("_stored.col", {}), (".toc", {})])
def test_truncated_or_garbled_files_make_search_unavailable_never_an_error(tmp_path, make_doc, suffix, filters):
    index = SearchIndex(tmp_path / "search")
    index.rebuild([make_doc(f"講座のお知らせ{n}", "市民講座を開きます。" * 20, kind="event",
                            starts_at=dt.datetime(2025, 1, 1 + n), ends_at=None) for n in range(20)])
    [path] = [index.path / name for name in os.listdir(index.path) if name.endswith(suffix)]
    data = path.read_bytes()
    # A table of contents is cut where its segments are listed (its stored schema is not read: see engine._open).
    path.write_bytes(data[: len(data) // 2] if suffix != ".toc" else data[:-40])
    fresh = SearchIndex(index.path)
    with pytest.raises(SearchUnavailable):
        fresh.query("講座", ["public"], **filters)
    assert not fresh.healthy()  # noticed, and said until a rebuild
    assert (fresh.damage() is not None) == (suffix != ".toc")  # a bad table of contents already fails to open
    assert not SearchIndex(index.path).healthy()  # by every process
    fresh.rebuild([make_doc("講座のお知らせ", "")])
    assert fresh.healthy() and fresh.damage() is None
    fresh.close()
    gc.collect()


def test_index_locked_by_another_writer_is_unavailable(index, make_doc):
    writer = index._open().writer()
    try:
        with pytest.raises(SearchUnavailable):
            index.add([make_doc("避難所", "")])
        with pytest.raises(SearchUnavailable):
            index.rebuild([make_doc("避難所", "")])
        # Reading is not blocked by a writer.
        assert index.query("避難所", ["public"]).total == 0
    finally:
        writer.cancel()
    index.add([make_doc("避難所", "")])
    assert index.query("避難所", ["public"]).total == 1


@pytest.mark.parametrize("marker", [None, "2"])
def test_index_of_an_older_analysis_is_never_queried(tmp_path, make_doc, marker):
    """An index built before the current analysis (no layout marker, or an older version in it) holds other terms:
    it is unavailable, so searches answer from the database, until a rebuild."""
    from community.search.schema import LAYOUT_FILE

    built = SearchIndex(tmp_path / "search")
    built.rebuild([make_doc("漢字の教室", "")])
    built.close()
    if marker is None:
        (tmp_path / "search" / LAYOUT_FILE).unlink()
    else:
        (tmp_path / "search" / LAYOUT_FILE).write_text(marker)
    stale = SearchIndex(tmp_path / "search")
    assert not stale.healthy()
    with pytest.raises(SearchUnavailable, match="rebuild"):
        stale.query("かんじ", ["public"])
    with pytest.raises(SearchUnavailable, match="rebuild"):
        stale.add([make_doc("書き込み", "")])
    stale.rebuild([make_doc("漢字の教室", "")])
    assert stale.healthy()
    assert stale.query("かんじ", ["public"]).total == 1
    stale.close()
