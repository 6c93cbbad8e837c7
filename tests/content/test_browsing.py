"""Browsing: listings filtered by area (with the areas below it), category and period, pagination, the month
calendar, the home / area / category sections, bad filter values, and bounded SQL on every list view.

Dates are built relative to today in Japan time, so the tests mean the same on any day they run.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest

from community.timeutil import day_end, day_start, local_to_utc, now_utc, today_local

TITLE = re.compile(r'<h2 class="card-title"><a href="[^"]+">([^<]*)</a></h2>')


@pytest.fixture(autouse=True)
def _no_search_indexing(app):
    """Search has its own tests; here commits need not wait for the index (as with SEARCH_INLINE_DRAIN off)."""
    app.extensions.pop("search_indexer", None)


def titles(page: str) -> list[str]:
    return TITLE.findall(page)


def listed(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return titles(response.get_data(as_text=True))


def section(page: str, heading_id: str) -> str:
    """The HTML of the home/area section whose heading has this id."""
    start = page.index(f'id="{heading_id}"')
    return page[start:page.index("</section>", start)]


def all_day(make_item, group, title: str, day: date, days: int = 1, **fields):
    return make_item("event", group, title=title, starts_at=day_start(day),
                     ends_at=day_end(day + timedelta(days=days - 1)), all_day=True, **fields)


def timed(make_item, group, title: str, day: date, start: time, hours: float = 2, **fields):
    starts = local_to_utc(day, start)
    return make_item("event", group, title=title, starts_at=starts, ends_at=starts + timedelta(hours=hours), **fields)


# --- area and category filters ----------------------------------------------------------------------


@pytest.fixture
def spread(editor, make_item):
    """Items in a district of each ward, with categories; one of each kind per place."""
    group = editor.group
    tomorrow = today_local() + timedelta(days=1)
    for slug, name, category in (("hashimoto", "橋本", "kosodate"), ("tana", "田名", "events"),
                                 ("torin", "東林", "kosodate"), ("midori", "緑区全域", None)):
        all_day(make_item, group, f"{name}のイベント", tomorrow, area=slug, category=category)
        make_item("shop", group, name=f"{name}のお店", area=slug, category=category)
        make_item("notice", group, title=f"{name}のお知らせ", area=slug, category=category)
    return group


def test_area_filter_includes_every_area_below_it(client, spread):
    for kind, suffix in (("events", "イベント"), ("shops", "お店"), ("notices", "お知らせ")):
        def names(query, kind=kind, suffix=suffix):
            return sorted(t.removesuffix(f"の{suffix}") for t in listed(client, f"/{kind}?{query}"))

        assert names("") == sorted(["橋本", "田名", "東林", "緑区全域"]), kind
        assert names("area=sagamihara") == sorted(["橋本", "田名", "東林", "緑区全域"]), kind
        assert names("area=midori") == sorted(["橋本", "緑区全域"]), kind  # the ward and its district
        assert names("area=hashimoto") == ["橋本"], kind                   # a district: not its ward
        assert names("area=chuo") == ["田名"], kind
        assert names("area=osawa") == [], kind
        assert names("category=kosodate") == sorted(["橋本", "東林"]), kind
        assert names("area=midori&category=kosodate") == ["橋本"], kind
        assert names("area=minami&category=events") == [], kind

    # The filtered page says where it is and keeps the filters in its links.
    page = client.get("/events?area=midori&category=kosodate").get_data(as_text=True)
    assert "<h1>イベント（緑区）</h1>" in page
    assert '<option value="midori" selected>' in page
    assert '<option value="kosodate" selected>' in page
    for link in ("/events.atom?", "/events.ics?", "/events.csv?", "/calendar?"):
        assert re.search(re.escape(link) + r"[^\"]*area=midori", page), link
        assert re.search(re.escape(link) + r"[^\"]*category=kosodate", page), link


# --- periods -----------------------------------------------------------------------------------------


@pytest.fixture
def calendar_of_events(editor, make_item):
    """Events around today, each named after the period it belongs to."""
    group, today = editor.group, today_local()
    saturday = today if today.weekday() == 6 else today + timedelta(days=5 - today.weekday())
    sunday = today if today.weekday() == 6 else saturday + timedelta(days=1)
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    all_day(make_item, group, "昨日の行事", today - timedelta(days=1))
    all_day(make_item, group, "今日の行事", today)
    now = now_utc()
    make_item("event", group, title="開催中の行事", starts_at=now - timedelta(hours=1),
              ends_at=now + timedelta(hours=1))
    all_day(make_item, group, "週末の行事", sunday)
    all_day(make_item, group, "来週末の行事", saturday + timedelta(days=7))
    timed(make_item, group, "来月の行事", next_month, time(10, 0))
    all_day(make_item, group, "去年の行事", today - timedelta(days=400))
    return {"today": today, "sunday": sunday, "next_month": next_month}


def test_periods(client, calendar_of_events):
    """Upcoming (the default), today, this weekend, this month and past, each against dates around today."""
    upcoming = listed(client, "/events")
    assert upcoming == listed(client, "/events?when=upcoming")
    assert set(upcoming) == {"今日の行事", "開催中の行事", "週末の行事", "来週末の行事", "来月の行事"}
    assert upcoming.index("週末の行事") < upcoming.index("来週末の行事")  # soonest first
    c = calendar_of_events
    assert (upcoming.index("週末の行事") < upcoming.index("来月の行事")) == (c["sunday"] < c["next_month"])
    cases = {  # period: (must be listed, must not be listed)
        "today": ({"今日の行事", "開催中の行事"}, {"昨日の行事", "来週末の行事", "来月の行事", "去年の行事"}),
        "weekend": ({"週末の行事"}, {"昨日の行事", "来週末の行事", "去年の行事"}),
        "month": ({"今日の行事", "開催中の行事"}, {"昨日の行事", "来月の行事", "去年の行事"}),
    }
    for when, (required, forbidden) in cases.items():
        shown = set(listed(client, f"/events?when={when}"))
        assert required <= shown and not shown & forbidden, (when, shown)
    assert ("週末の行事" in listed(client, "/events?when=today")) == (c["sunday"] == c["today"])
    assert ("週末の行事" in listed(client, "/events?when=month")) == (c["sunday"].month == c["today"].month)
    # Past: those that are over, latest first; what is still running is not over.
    assert listed(client, "/events?when=past") == ["昨日の行事", "去年の行事"]


def test_date_range_is_in_japan_time(client, editor, make_item):
    """00:30 on 1 August in Tokyo is still 31 July in UTC: the range follows the local date."""
    day = today_local() + timedelta(days=60)
    timed(make_item, editor.group, "深夜の行事", day, time(0, 30))
    timed(make_item, editor.group, "前日の夜の行事", day - timedelta(days=1), time(23, 0), hours=0.5)
    timed(make_item, editor.group, "翌日の行事", day + timedelta(days=1), time(9, 0))
    d = day.isoformat()
    assert listed(client, f"/events?from={d}&to={d}") == ["深夜の行事"]
    assert listed(client, f"/events?when=range&from={d}") == ["深夜の行事", "翌日の行事"]
    assert listed(client, f"/events?to={(day - timedelta(days=1)).isoformat()}")[-1] == "前日の夜の行事"
    page = client.get(f"/events?from={d}&to={d}").get_data(as_text=True)
    assert f'name="from" value="{d}"' in page and f'name="to" value="{d}"' in page


def test_an_event_spanning_days_is_found_on_each_of_them(client, editor, make_item):
    start = today_local() + timedelta(days=30)
    all_day(make_item, editor.group, "三日間の祭り", start, days=3)
    for offset, expected in ((-1, []), (0, ["三日間の祭り"]), (2, ["三日間の祭り"]), (3, [])):
        d = (start + timedelta(days=offset)).isoformat()
        assert listed(client, f"/events?from={d}&to={d}") == expected, offset


def test_repeating_event_is_listed_once_at_its_next_date_with_its_rule(client, editor, make_item):
    first = today_local() + timedelta(days=3)
    until = local_to_utc(first + timedelta(days=21), time(23, 59))
    event = timed(make_item, editor.group, "毎週の体操", first, time(9, 0),
                  rrule=f"FREQ=WEEKLY;UNTIL={until.strftime('%Y%m%dT%H%M%SZ')}")
    timed(make_item, editor.group, "一度きりの講座", first + timedelta(days=1), time(13, 0))
    page = client.get("/events").get_data(as_text=True)
    assert titles(page) == ["毎週の体操", "一度きりの講座"]
    weekday = "月火水木金土日"[first.weekday()]
    assert f"毎週{weekday}曜 9:00" in page
    week3 = (first + timedelta(days=14)).isoformat()
    assert listed(client, f"/events?from={week3}&to={week3}") == ["毎週の体操"]
    week3_page = client.get(f"/events?from={week3}&to={week3}").get_data(as_text=True)
    assert f"{(first + timedelta(days=14)).day}日" in week3_page  # at its date in the period, not its first
    detail = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert detail.count("9:00〜11:00") == 4


# --- pagination --------------------------------------------------------------------------------------


def test_pagination_keeps_filters_and_ends_cleanly(client, editor, make_item):
    for kind in ("events", "shops", "notices"):
        for n in range(23):
            make_item(kind[:-1], editor.group, area="hashimoto" if n % 2 else "torin")
        make_item(kind[:-1], editor.group, area="tana")
        first = client.get(f"/{kind}?area=sagamihara").get_data(as_text=True)
        assert len(titles(first)) == 20 and "24 件" in first, kind
        next_link = re.search(r'<a href="([^"]+)" rel="next">', first).group(1).replace("&amp;", "&")
        assert "area=sagamihara" in next_link and "page=2" in next_link
        second = client.get(next_link).get_data(as_text=True)
        assert len(titles(second)) == 4 and not set(titles(first)) & set(titles(second)), kind
        assert 'rel="next"' not in second and 'rel="prev"' in second
        assert titles(client.get(f"/{kind}?area=midori&page=2").get_data(as_text=True)) == []  # 11 fit on one
        unfiltered = titles(client.get(f"/{kind}").get_data(as_text=True))
        for page in ("0", "-1", "abc", "99999999"):
            response = client.get(f"/{kind}?page={page}")
            assert response.status_code == 200 and titles(response.get_data(as_text=True)) == unfiltered, page
        beyond = client.get(f"/{kind}?page=50")
        assert beyond.status_code == 200 and titles(beyond.get_data(as_text=True)) == []


# --- calendar ----------------------------------------------------------------------------------------


def calendar_cells(page: str) -> dict[int, list[str]]:
    """{day of this month: [titles]} read from the grid (days of other months left out)."""
    cells = {}
    for klass, body in re.findall(r'<td class="([^"]*)">(.*?)</td>', page, re.S):
        if "other-month" in klass:
            continue
        day = int(re.search(r'<span class="day-number">(?:<span[^>]*>[^<]*</span>)?(\d+)</span>', body).group(1))
        cells[day] = re.findall(r'<a href="/events/\d+">([^<]*)</a>', body)
    return cells


def test_calendar_month_grid_with_a_repeating_event(client, editor, make_item):
    month = (today_local().replace(day=1) + timedelta(days=70)).replace(day=1)
    first_wednesday = month + timedelta(days=(2 - month.weekday()) % 7)
    until = local_to_utc(month + timedelta(days=40), time(0, 0)).strftime("%Y%m%dT%H%M%SZ")
    timed(make_item, editor.group, "水曜の読み聞かせ", first_wednesday, time(10, 30),
          rrule=f"FREQ=WEEKLY;UNTIL={until}")
    all_day(make_item, editor.group, "月末からの展示", month - timedelta(days=2), days=4)
    all_day(make_item, editor.group, "中央区の催し", month + timedelta(days=9), area="tana")
    page = client.get(f"/calendar?year={month.year}&month={month.month}").get_data(as_text=True)
    assert f"{month.year}年{month.month}月" in page
    cells = calendar_cells(page)
    last_day = ((month + timedelta(days=32)).replace(day=1) - timedelta(days=1)).day
    assert sorted(cells) == list(range(1, last_day + 1))
    wednesdays = [d for d in cells if date(month.year, month.month, d).weekday() == 2]
    assert [d for d, items in cells.items() if "水曜の読み聞かせ" in items] == wednesdays
    # A four-day exhibition from the previous month: listed once above the grid with its span, on no day.
    assert not any("月末からの展示" in items for items in cells.values())
    running = page.split('class="calendar-running"')[1].split("</section>")[0]
    assert "月末からの展示" in running
    assert f"〜{'' if month.year == today_local().year else f'{month.year}年'}{month.month}月2日</time>" in running
    assert "中央区の催し" in cells[10]
    midori = calendar_cells(client.get(f"/calendar?year={month.year}&month={month.month}&area=midori")
                            .get_data(as_text=True))
    assert "中央区の催し" not in midori[10] and "水曜の読み聞かせ" in midori[wednesdays[0]]
    following = (month + timedelta(days=32)).replace(day=1)
    assert f'href="/calendar?year={following.year}&amp;month={following.month}"' in page
    previous = (month - timedelta(days=1)).replace(day=1)
    assert f'href="/calendar?year={previous.year}&amp;month={previous.month}"' in page


def test_calendar_shows_four_a_day_and_links_to_the_rest(client, editor, make_item):
    day = today_local() + timedelta(days=40)
    for n in range(6):
        timed(make_item, editor.group, f"同じ日の行事{n}", day, time(9 + n, 0))
    page = client.get(f"/calendar?year={day.year}&month={day.month}").get_data(as_text=True)
    assert len(calendar_cells(page)[day.day]) == 4
    assert "ほか2件" in page
    assert f"from={day.isoformat()}" in page


def test_calendar_defaults_to_this_month_and_marks_today(client):
    today = today_local()
    page = client.get("/calendar").get_data(as_text=True)
    assert f"{today.year}年{today.month}月" in page
    assert re.search(r'<td class="[^"]*today">\s*<span class="day-number"><span class="visually-hidden">今日 </span>'
                     + str(today.day) + "</span>", page)


def test_calendar_with_a_bad_month_shows_this_month(client):
    today = today_local()
    for query in ("year=abc&month=5", "month=13", "year=2026&month=0", "year=-5&month=1", "year=&month="):
        response = client.get(f"/calendar?{query}")
        assert response.status_code == 200, query
        assert f"{today.year}年{today.month}月" in response.get_data(as_text=True), query


def test_calendar_at_the_ends_of_the_date_range_is_not_an_error(client):
    for query in ("year=9999&month=12", "year=1&month=1"):
        assert client.get(f"/calendar?{query}").status_code == 200, query


# --- detail pages ------------------------------------------------------------------------------------


def test_detail_pages_show_the_item_and_hide_unpublished_ones(client, editor, make_item, make_group):
    event = make_item("event", editor.group, title="公開の行事", venue_name="橋本公民館", fee="無料",
                      capacity=30, contact="042-000-0000", how_to_apply="当日会場へ")
    shop = make_item("shop", editor.group, name="公開のお店", opening_hours="9:00〜17:00", holidays="月曜")
    notice = make_item("notice", editor.group, title="公開のお知らせ")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    for text in ("<h1>公開の行事</h1>", "橋本公民館", "無料", "30人", "042-000-0000", "当日会場へ",
                 f"/events/{event.id}.ics", f"/groups/{editor.group.slug}", "/areas/hashimoto"):
        assert text in page, text
    assert "9:00〜17:00" in client.get(f"/shops/{shop.id}").get_data(as_text=True)
    assert "<h1>公開のお知らせ</h1>" in client.get(f"/notices/{notice.id}").get_data(as_text=True)
    past = all_day(make_item, editor.group, "終わった行事", today_local() - timedelta(days=3))
    assert "終了しました" in client.get(f"/events/{past.id}").get_data(as_text=True)
    draft = make_item("event", editor.group, publish=False, title="下書きの行事")
    pending = make_item("shop", make_group(verified=False), name="確認待ちのお店")
    for url in (f"/events/{draft.id}", f"/shops/{pending.id}", "/events/999999", "/shops/999999", "/notices/999999"):
        assert client.get(url).status_code == 404, url


# --- home, area and category pages ---------------------------------------------------------------------


def test_home_shows_upcoming_events_new_notices_and_recently_updated_shops(client, app, login, editor, make_item):
    group = editor.group
    all_day(make_item, group, "昨日の行事", today_local() - timedelta(days=1))
    for n in range(8):
        all_day(make_item, group, f"行事{n}", today_local() + timedelta(days=n + 1),
                area="torin" if n % 2 else "hashimoto")
    for n in range(3):
        make_item("notice", group, title=f"お知らせ{n}")
    old = make_item("shop", group, name="古いお店")
    make_item("shop", group, name="新しいお店")
    home = client.get("/").get_data(as_text=True)
    events = section(home, "area-events-heading")
    # The soonest six of those the page does not already show under today and the weekend: each event once.
    above = set(re.findall(r">(行事\d)</a>", section(home, "today-heading") + section(home, "weekend-heading")))
    assert re.findall(r">(行事\d)</a>", events) == [f"行事{n}" for n in range(8) if f"行事{n}" not in above][:6]
    assert "昨日の行事" not in events
    notices = section(home, "area-notices-heading")
    assert re.findall(r">(お知らせ\d)</a>", notices) == ["お知らせ2", "お知らせ1", "お知らせ0"]
    shop_links = re.compile(r'<a href="/shops/\d+">([^<]*)</a>')
    assert shop_links.findall(section(home, "area-shops-heading")) == ["新しいお店", "古いお店"]

    with app.app_context():
        from community.areas.services import area_by_slug
        area_id = area_by_slug("hashimoto").id
    login(editor)
    response = client.post(f"/shops/{old.id}/edit", data={
        "name": "古いお店（改装）", "kind": "shop", "area_id": str(area_id), "category_id": "",
        "address": "相模原市緑区橋本1-1", "action": "publish"})
    assert response.status_code == 302
    client.post("/logout")
    home = client.get("/").get_data(as_text=True)
    assert shop_links.findall(section(home, "area-shops-heading")) == ["古いお店（改装）", "新しいお店"]


def test_area_page_shows_its_own_sections(client, editor, make_item):
    group, tomorrow = editor.group, today_local() + timedelta(days=1)
    all_day(make_item, group, "橋本の行事", tomorrow, area="hashimoto")
    all_day(make_item, group, "東林の行事", tomorrow, area="torin")
    make_item("notice", group, title="橋本のお知らせ", area="hashimoto")
    make_item("notice", group, title="東林のお知らせ", area="torin")
    make_item("shop", group, name="橋本のお店", area="hashimoto")
    make_item("shop", group, name="東林のお店", area="torin")
    for slug in ("midori", "hashimoto"):
        page = client.get(f"/areas/{slug}").get_data(as_text=True)
        assert "橋本の行事" in section(page, "events-heading")
        assert "橋本のお知らせ" in section(page, "notices-heading")
        assert "橋本のお店" in section(page, "shops-heading")
        assert "東林" not in "".join(section(page, h) for h in ("events-heading", "notices-heading", "shops-heading"))
        assert f'href="/events?area={slug}"' in page
    city = client.get("/areas/sagamihara").get_data(as_text=True)
    assert "東林の行事" in city and "橋本の行事" in city


def test_category_page_shows_its_own_sections(client, editor, make_item):
    group, tomorrow = editor.group, today_local() + timedelta(days=1)
    all_day(make_item, group, "子育ての行事", tomorrow, category="kosodate")
    all_day(make_item, group, "防災の行事", tomorrow, category="safety")
    make_item("shop", group, name="子連れのお店", category="kosodate")
    make_item("notice", group, title="防災のお知らせ", category="safety")
    page = client.get("/categories/kosodate").get_data(as_text=True)
    assert "子育ての行事" in page and "子連れのお店" in page
    assert "防災の行事" not in page and "防災のお知らせ" not in page
    assert 'href="/events?category=kosodate"' in page


# --- bad filter values ---------------------------------------------------------------------------------


AREA_MESSAGE = "指定された地域が見つかりません。すべての地域を表示しています。"
CATEGORY_MESSAGE = "指定された分野が見つかりません。すべての分野を表示しています。"
DATE_MESSAGE = "日付は 2026-04-01 の形で入力してください。"
ORDER_MESSAGE = "終了日が開始日より前になっています。"


BAD_FILTERS = [
    ("area=nowhere", AREA_MESSAGE),
    ("area=%E7%B7%91%E5%8C%BA", AREA_MESSAGE),  # 緑区: a name, not a slug
    ("category=nothing", CATEGORY_MESSAGE),
    ("from=2026-13-45", DATE_MESSAGE),
    ("from=tomorrow", DATE_MESSAGE),
    ("to=2026/4/1", DATE_MESSAGE),
    ("from=2026-05-02&to=2026-05-01", ORDER_MESSAGE),
    ("from=9999-12-31", DATE_MESSAGE),
    ("to=0001-01-01", DATE_MESSAGE),
    ("when=someday", "期間の指定が正しくありません。これからのイベントを表示しています。"),
]


def test_bad_filter_values_give_a_message_and_the_unfiltered_list(client, editor, make_item):
    make_item("event", editor.group, title="ふつうの行事")
    for query, message in BAD_FILTERS:
        response = client.get(f"/events?{query}")
        assert response.status_code == 200, query
        page = response.get_data(as_text=True)
        assert f'<p class="error" role="alert">{message}</p>' in page, query
        assert "ふつうの行事" in titles(page), query
        assert message in client.get(f"/api/v1/events?{query}").get_json()["errors"], query
    everything = "area=nowhere&category=nothing&from=9999-12-31&to=0001-01-01&when=someday&page=-1"
    for url in ("/calendar", "/events.atom", "/events.ics", "/events.csv", "/shops", "/notices", "/shops.atom"):
        assert client.get(f"{url}?{everything}").status_code == 200, url
    for kind in ("shops", "notices"):
        page = client.get(f"/{kind}?area=nowhere&category=nothing").get_data(as_text=True)
        assert AREA_MESSAGE in page and CATEGORY_MESSAGE in page, kind


# --- bounded SQL ---------------------------------------------------------------------------------------


def populate(make_item, groups, count: int, month: date):
    """count events (some repeating, with images), shops and notices over several groups, areas and categories."""
    areas = ("hashimoto", "tana", "torin", "midori", "sagamihara")
    categories = ("events", "kosodate", None)
    for n in range(count):
        group, area, category = groups[n % len(groups)], areas[n % len(areas)], categories[n % len(categories)]
        day = month + timedelta(days=n % 27)
        rrule = ""
        if n % 4 == 0:
            until = local_to_utc(month + timedelta(days=60), time(0, 0)).strftime("%Y%m%dT%H%M%SZ")
            rrule = f"FREQ=WEEKLY;UNTIL={until}"
        timed(make_item, group, f"行事{n}", day, time(10, 0), area=area, category=category, rrule=rrule,
              image_alt="写真")
        make_item("shop", group, name=f"お店{n}", area=area, category=category, tags=["子連れOK"])
        make_item("notice", group, title=f"お知らせ{n}", area=area, category=category)


def test_every_list_view_runs_a_bounded_number_of_queries(app, client, login, count_queries, editor, make_group,
                                                          make_item):
    month = (today_local().replace(day=1) + timedelta(days=40)).replace(day=1)
    groups = [editor.group, make_group(), make_group(area="torin")]
    m = f"year={month.year}&month={month.month}"
    urls = ["/", "/events", "/events?area=midori&category=events", f"/events?when=range&from={month.isoformat()}",
            "/events?page=2", "/shops", "/shops?area=chuo", "/shops?sort=name", "/notices",
            "/notices?category=kosodate",
            f"/calendar?{m}", f"/calendar?{m}&area=midori", f"/groups/{editor.group.slug}", "/areas/midori",
            "/areas/sagamihara", "/areas/hashimoto", "/categories/events", "/events.atom", "/events.atom?area=midori",
            "/shops.atom", "/notices.atom", "/events.ics", "/events.ics?category=kosodate", "/api/v1/events",
            "/api/v1/events?per_page=100", "/api/v1/shops", "/api/v1/notices?area=midori", "/events.csv",
            "/shops.csv", "/groups"]

    editor_client = login(editor, app.test_client())  # sees the group's drafts on its page
    editor_urls = ["/", "/events", "/shops", "/notices", f"/calendar?{m}", f"/groups/{editor.group.slug}",
                   "/areas/midori", "/api/v1/events", "/events.atom"]

    def measure(browser, urls) -> dict[str, int]:
        counts = {}
        for url in urls:
            with count_queries() as counted:
                assert browser.get(url).status_code == 200, url
            counts[url] = counted.n
        return counts

    populate(make_item, groups, 2, month)
    few, few_editor = measure(client, urls), measure(editor_client, editor_urls)
    populate(make_item, groups, 22, month)
    make_item("event", editor.group, publish=False)
    many, many_editor = measure(client, urls), measure(editor_client, editor_urls)
    assert titles(client.get("/events?page=2").get_data(as_text=True))  # the second page is full of data
    assert {u: (few[u], many[u]) for u in urls if few[u] != many[u]} == {}
    assert {u: (few_editor[u], many_editor[u]) for u in editor_urls if few_editor[u] != many_editor[u]} == {}
    assert max(many.values()) <= 12, many
