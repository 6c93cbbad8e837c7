"""The read-only JSON API: /api/v1/events, /shops, /notices — shape, filters, page pagination with next links,
the per_page cap, and public published content only (whoever asks)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import update

from community.timeutil import TOKYO, day_end, day_start, local_to_utc, now_utc, today_local


@pytest.fixture(autouse=True)
def _no_search_indexing(app):
    """Search has its own tests; here commits need not wait for the index (as with SEARCH_INLINE_DRAIN off)."""
    app.extensions.pop("search_indexer", None)


def get(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "application/json"
    return response.get_json()


def names(data: dict, key: str = "title") -> list[str]:
    return [item[key] for item in data["items"]]


def follow(client, url: str) -> list[dict]:
    """Every page, by following the next links; checks page numbers and prev links on the way."""
    pages = []
    while url:
        data = get(client, url)
        pages.append(data)
        assert data["page"] == len(pages)
        if len(pages) == 1:
            assert data["prev"] is None
        else:
            assert parse_qs(urlsplit(data["prev"]).query)["page"] == [str(len(pages) - 1)]
        url = data["next"]
        assert url is None or url.startswith("http://localhost/api/v1/")
    return pages


EVENT_KEYS = {"id", "url", "area", "category", "group", "body_html", "image", "updated_at", "title", "starts_at",
              "ends_at", "all_day", "rrule", "venue_name", "address", "fee", "capacity", "how_to_apply", "contact"}
SHOP_KEYS = {"id", "url", "area", "category", "group", "body_html", "image", "updated_at", "name", "kind", "address",
             "latitude", "longitude", "opening_hours", "holidays", "phone", "website", "barrier_free", "tags",
             "last_confirmed"}
NOTICE_KEYS = {"id", "url", "area", "category", "group", "body_html", "image", "updated_at", "title", "published_at",
               "publish_until"}


def test_event_shape(client, editor, make_item):
    day = today_local() + timedelta(days=4)
    starts = local_to_utc(day, time(13, 30))
    event = make_item("event", editor.group, title="親子で木工教室", starts_at=starts,
                      ends_at=starts + timedelta(hours=2), venue_name="淵野辺公民館", address="相模原市中央区淵野辺3-1",
                      fee="500円（材料費）", capacity=12,
                      how_to_apply="電話で申し込み", contact="042-000-2222", body="**持ち物**: 軍手",
                      area="ono-kita", category="kosodate")
    data = get(client, "/api/v1/events")
    assert set(data) == {"items", "page", "per_page", "total", "next", "prev", "errors"}
    assert (data["page"], data["per_page"], data["total"], data["next"], data["prev"], data["errors"]) == (
        1, 20, 1, None, None, [])
    (item,) = data["items"]
    assert set(item) >= EVENT_KEYS
    assert item["id"] == event.id and item["url"] == f"http://localhost/events/{event.id}"
    assert item["area"] == {"slug": "ono-kita", "name": "大野北", "name_en": "Ono-kita (Fuchinobe)"}
    assert item["category"] == {"slug": "kosodate", "name": "子育て", "name_en": "Child-rearing"}
    assert item["group"] == {"slug": editor.group.slug, "name": editor.group.name}
    assert item["body_html"] == "<p><strong>持ち物</strong>: 軍手</p>"
    assert datetime.fromisoformat(item["starts_at"]) == starts
    assert datetime.fromisoformat(item["starts_at"]).astimezone(TOKYO).time() == time(13, 30)
    assert datetime.fromisoformat(item["ends_at"]) - datetime.fromisoformat(item["starts_at"]) == timedelta(hours=2)
    assert (item["all_day"], item["rrule"], item["image"]) == (False, None, None)
    assert (item["venue_name"], item["address"], item["fee"], item["capacity"]) == (
        "淵野辺公民館", "相模原市中央区淵野辺3-1", "500円（材料費）", 12)
    assert (item["how_to_apply"], item["contact"]) == ("電話で申し込み", "042-000-2222")
    assert datetime.fromisoformat(item["updated_at"]).tzinfo is not None


def test_shop_and_notice_shape(client, editor, make_item):
    from datetime import date

    shop = make_item("shop", editor.group, name="東林間ベーカリー", address="相模原市南区上鶴間7-1",
                     latitude=35.52, longitude=139.43, opening_hours="7:00〜18:00", holidays="月曜",
                     phone="042-000-1111", website="https://example.jp/bakery", barrier_free="段差なし",
                     tags=["子連れOK", "テイクアウト"], last_confirmed=date(2026, 4, 1), area="torin")
    until = now_utc() + timedelta(days=30)
    notice = make_item("notice", editor.group, title="資源回収日の変更", publish_until=until, category="environment")
    (item,) = get(client, "/api/v1/shops")["items"]
    assert set(item) >= SHOP_KEYS
    assert item["id"] == shop.id and item["url"] == f"http://localhost/shops/{shop.id}"
    assert (item["name"], item["kind"], item["latitude"], item["longitude"]) == (
        "東林間ベーカリー", "shop", 35.52, 139.43)
    assert (item["opening_hours"], item["holidays"], item["phone"], item["website"]) == (
        "7:00〜18:00", "月曜", "042-000-1111", "https://example.jp/bakery")
    assert (item["barrier_free"], item["tags"], item["last_confirmed"]) == ("段差なし", ["子連れOK", "テイクアウト"],
                                                                           "2026-04-01")
    (item,) = get(client, "/api/v1/notices")["items"]
    assert set(item) >= NOTICE_KEYS
    assert item["id"] == notice.id and item["title"] == "資源回収日の変更"
    assert datetime.fromisoformat(item["publish_until"]) == until.replace(microsecond=until.microsecond)
    assert datetime.fromisoformat(item["published_at"]) <= now_utc()
    assert item["category"]["slug"] == "environment"


# --- filters -----------------------------------------------------------------------------------------


@pytest.fixture
def spread(editor, make_item):
    group, tomorrow = editor.group, today_local() + timedelta(days=1)
    for slug, name, category in (("hashimoto", "橋本", "kosodate"), ("tana", "田名", "events"),
                                 ("torin", "東林", "kosodate"), ("midori", "緑区", None)):
        make_item("event", group, title=f"{name}の行事", starts_at=day_start(tomorrow), ends_at=day_end(tomorrow),
                  all_day=True, area=slug, category=category)
        make_item("shop", group, name=f"{name}の店", area=slug, category=category)
        make_item("notice", group, title=f"{name}のお知らせ", area=slug, category=category)


def test_area_and_category_filters(client, spread):
    for endpoint, key, suffix in (("events", "title", "の行事"), ("shops", "name", "の店"),
                                  ("notices", "title", "のお知らせ")):
        def places(query, endpoint=endpoint, key=key, suffix=suffix):
            return sorted(n.removesuffix(suffix) for n in names(get(client, f"/api/v1/{endpoint}?{query}"), key))

        assert places("") == sorted(["橋本", "田名", "東林", "緑区"]), endpoint
        assert places("area=midori") == sorted(["橋本", "緑区"]), endpoint
        assert places("area=hashimoto") == ["橋本"], endpoint
        assert places("area=minami&category=kosodate") == ["東林"], endpoint
        assert places("category=events") == ["田名"], endpoint
        data = get(client, f"/api/v1/{endpoint}?area=nowhere")
        assert data["errors"] == ["指定された地域が見つかりません。すべての地域を表示しています。"]
        assert data["total"] == 4


def test_event_periods(client, editor, make_item):
    now, today = now_utc(), today_local()
    make_item("event", editor.group, title="昨日の行事", starts_at=day_start(today - timedelta(days=1)),
              ends_at=day_end(today - timedelta(days=1)), all_day=True)
    make_item("event", editor.group, title="今日の行事", starts_at=day_start(today), ends_at=day_end(today),
              all_day=True)
    make_item("event", editor.group, title="来月の行事", starts_at=now + timedelta(days=40),
              ends_at=now + timedelta(days=40, hours=2))
    assert names(get(client, "/api/v1/events")) == ["今日の行事", "来月の行事"]
    assert names(get(client, "/api/v1/events?when=today")) == ["今日の行事"]
    assert "昨日の行事" in names(get(client, "/api/v1/events?when=past"))
    day = (today + timedelta(days=40)).isoformat()
    in_range = get(client, f"/api/v1/events?from={day}&to={(today + timedelta(days=41)).isoformat()}")
    assert names(in_range) == ["来月の行事"]
    bad = get(client, "/api/v1/events?from=someday")
    assert bad["errors"] == ["日付は 2026-04-01 の形で入力してください。"]


def test_repeating_event_is_one_item_per_date_with_its_rule(client, editor, make_item):
    first = today_local() + timedelta(days=2)
    rule = f"FREQ=WEEKLY;UNTIL={local_to_utc(first + timedelta(days=14), time(23, 0)).strftime('%Y%m%dT%H%M%SZ')}"
    make_item("event", editor.group, title="毎週のラジオ体操", starts_at=local_to_utc(first, time(6, 30)),
              ends_at=local_to_utc(first, time(7, 0)), rrule=rule)
    items = get(client, "/api/v1/events")["items"]
    assert [datetime.fromisoformat(i["starts_at"]).astimezone(TOKYO).date() for i in items] == [
        first, first + timedelta(days=7), first + timedelta(days=14)]
    assert {i["rrule"] for i in items} == {rule} and len({i["id"] for i in items}) == 1


# --- pagination -------------------------------------------------------------------------------------


def test_pages_follow_next_links_and_keep_the_filters(client, editor, make_item):
    for endpoint in ("events", "shops", "notices"):
        for n in range(11):
            make_item(endpoint[:-1], editor.group, area="hashimoto" if n < 9 else "torin")
        pages = follow(client, f"/api/v1/{endpoint}?area=midori&per_page=4")
        assert [len(p["items"]) for p in pages] == [4, 4, 1], endpoint
        assert {p["total"] for p in pages} == {9} and {p["per_page"] for p in pages} == {4}
        ids = [item["id"] for p in pages for item in p["items"]]
        assert len(ids) == len(set(ids)) == 9
        assert parse_qs(urlsplit(pages[0]["next"]).query) == {"area": ["midori"], "per_page": ["4"], "page": ["2"]}
        beyond = get(client, f"/api/v1/{endpoint}?area=midori&per_page=4&page=7")
        assert beyond["items"] == [] and beyond["next"] is None and beyond["total"] == 9


def test_event_pagination_keeps_the_period(client, editor, make_item):
    start = today_local() + timedelta(days=20)
    for n in range(5):
        make_item("event", editor.group, title=f"期間内{n}", starts_at=local_to_utc(start, time(9 + n, 0)),
                  ends_at=local_to_utc(start, time(9 + n, 30)))
    make_item("event", editor.group, title="期間外", starts_at=local_to_utc(start + timedelta(days=1), time(9, 0)),
              ends_at=local_to_utc(start + timedelta(days=1), time(10, 0)))
    pages = follow(client, f"/api/v1/events?from={start}&to={start}&per_page=2")
    assert [t for p in pages for t in names(p)] == [f"期間内{n}" for n in range(5)]
    assert parse_qs(urlsplit(pages[0]["next"]).query)["from"] == [start.isoformat()]


def test_per_page_is_capped(client):
    for per_page, expected in (("1000", 100), ("100", 100), ("7", 7), ("0", 20), ("-5", 20), ("abc", 20), ("", 20)):
        assert get(client, f"/api/v1/shops?per_page={per_page}")["per_page"] == expected, per_page


def test_per_page_cap_holds_with_data(client, editor, make_item):
    for _ in range(105):
        make_item("notice", editor.group)
    data = get(client, "/api/v1/notices?per_page=500")
    assert len(data["items"]) == 100 and data["total"] == 105
    assert parse_qs(urlsplit(data["next"]).query)["per_page"] == ["100"]


# --- public published content only -------------------------------------------------------------------


def test_drafts_pending_hidden_and_out_of_window_items_are_absent(app, client, login, editor, make_group, make_item,
                                                                  supporter):
    from community.extensions import db

    unverified = make_group(owner=editor, verified=False)
    expected = {}
    for kind in ("event", "shop", "notice"):
        label = "name" if kind == "shop" else "title"
        expected[kind] = make_item(kind, editor.group, **{label: f"公開の{kind}"}).id
        make_item(kind, editor.group, publish=False, **{label: f"下書きの{kind}"})
        make_item(kind, unverified, **{label: f"確認待ちの{kind}"})
        hidden = make_item(kind, editor.group, **{label: f"非表示の{kind}"})
        with app.app_context():
            model = type(hidden)
            db.session.execute(update(model).where(model.id == hidden.id).values(status="hidden"))
            db.session.commit()
    make_item("notice", editor.group, title="掲載前", publish_from=now_utc() + timedelta(days=1))
    make_item("notice", editor.group, title="掲載終了", publish_until=now_utc() - timedelta(minutes=5))
    make_item("event", editor.group, title="下書きの過去の行事", publish=False,
              starts_at=now_utc() - timedelta(days=3), ends_at=now_utc() - timedelta(days=3, hours=-1))

    for who in (None, editor, supporter):  # the API is for open data: the same for everyone
        if who is not None:
            login(who)
        for endpoint, kind in (("events", "event"), ("shops", "shop"), ("notices", "notice")):
            for query in ("", "?per_page=100", "?area=sagamihara"):
                data = get(client, f"/api/v1/{endpoint}{query}")
                assert [item["id"] for item in data["items"]] == [expected[kind]], (who, endpoint, query)
                assert data["total"] == 1
        assert get(client, "/api/v1/events?when=past")["items"] == []


def test_unknown_api_paths_answer_json_404(client):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.get_json()["error"] == "ページが見つかりません"
    assert client.post("/api/v1/events", csrf=False).status_code in (400, 405)
