"""`community import-events / import-facilities / export-events / export-facilities` and the CSV downloads.

The two published files (浜松市's events, 焼津市's facilities) are imported as they are; small files of our own
cover bad rows, encodings and layouts. The big file is imported twice in one test, nowhere else.
"""

from __future__ import annotations

import csv
import io
from datetime import date, time, timedelta
from pathlib import Path

import icalendar
import pytest
from sqlalchemy import func, select

from community.opendata.layouts import EVENT_COLUMNS_LEGACY, EVENTS_STANDARD, FACILITIES_STANDARD
from community.opendata.reader import read_events, read_facilities
from community.timeutil import TOKYO, today_local
from tests.datafiles import HAMAMATSU_EVENTS, YAIZU_FACILITIES

HAMAMATSU = HAMAMATSU_EVENTS
YAIZU = YAIZU_FACILITIES
OWN_DIR = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _no_search_indexing(app):
    """Search has its own tests; here commits need not wait for the index (as with SEARCH_INLINE_DRAIN off)."""
    app.extensions.pop("search_indexer", None)


def real(path: Path) -> Path:
    assert path.exists(), f"{path} belongs to the repository (tests/data/README.md)"
    return path


def scalar(app, query):
    from community.extensions import db

    with app.app_context():
        return db.session.scalar(query)


def count(app, model, *where) -> int:
    return scalar(app, select(func.count()).select_from(model).where(*where))


def events_by_title(app) -> dict:
    from community.events.models import Event
    from community.extensions import db

    with app.app_context():
        from sqlalchemy.orm import joinedload

        events = db.session.scalars(select(Event).options(joinedload(Event.area), joinedload(Event.category)))
        result = {}
        for event in events:
            result[event.title] = event
            db.session.expunge(event)
        return result


def occurrence_gaps(app) -> int:
    """Events without any date: a half-written row."""
    from community.events.models import Event, EventOccurrence

    return count(app, Event, ~Event.id.in_(select(EventOccurrence.event_id)))


# --- a small file of our own: good rows, bad rows, a quoted line break ------------------------------------


def own_events_csv(day: date, encoding: str = "cp932") -> bytes:
    def row(**values):
        cells = {column: "" for column in EVENT_COLUMNS_LEGACY}
        cells.update({"都道府県コード又は市区町村コード": "141500", "都道府県名": "神奈川県", "市区町村名": "相模原市"})
        cells.update(values)
        return [cells[column] for column in EVENT_COLUMNS_LEGACY]

    rows = [
        row(NO="1", イベント名="橋本七夕まつり 竹飾りづくり", 開始日=day.isoformat(), 開始時間="10:00",
            終了時間="12:00", 説明="竹飾りを一緒につくりましょう。\n材料は会場にあります。", 場所名称="橋本公民館",
            住所="相模原市緑区橋本6丁目2-1", **{"料金(基本)": "300"}),                              # lines 2-3
        row(NO="2", イベント名="日付の誤った行", 開始日="2026-13-40", 説明="x"),                      # line 4
        row(NO="3", イベント名="", 開始日=day.isoformat(), 説明="題名が空"),                          # line 5
        row(NO="4", イベント名="相模大野 こども食堂", 開始日=f"{day.year}/{day.month}/{day.day}",
            開始時間="17:00", 終了時間="19:00", 説明="どなたでも。", 場所名称="南区合同庁舎",
            住所="相模原市南区相模大野5丁目31-1", **{"料金(詳細)": "子ども無料、大人300円"}),          # line 6
        row(NO="5", イベント名="時刻の誤った行", 開始日=day.isoformat(), 開始時間="25:00", 説明="x"),  # line 7
        row(NO="6", イベント名="藤野 芸術の道ウォーク", 開始日=day.isoformat(),
            終了日=(day + timedelta(days=1)).isoformat(), 開始時間="0:00", 終了時間="0:00", 説明="野外作品を巡ります",
            場所名称="藤野駅前", 住所="相模原市緑区小渕", **{"料金(基本)": "1,000円（当日支払い）"}),     # line 8
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EVENT_COLUMNS_LEGACY)
    writer.writerows(rows)
    extra_columns = ",".join(["141500", "7", "", "", "列が多い行", "", "", day.isoformat()] + ["x"] * 30)  # line 9
    return (buffer.getvalue() + extra_columns + "\r\n").encode(encoding)


GOOD_TITLES = {"橋本七夕まつり 竹飾りづくり", "相模大野 こども食堂", "藤野 芸術の道ウォーク"}
BAD_TITLES = {"日付の誤った行", "時刻の誤った行", "列が多い行"}
EXPECTED_ERRORS = [
    "own.csv: 4行目: 開始日「2026-13-40」を日付として読めません",
    "own.csv: 5行目: イベント名が空です",
    "own.csv: 7行目: 開始時間「25:00」を時刻として読めません",
    "own.csv: 9行目: 列の数（38）が見出し行（32）より多いため読み込めません。",
]


@pytest.fixture
def city(make_group):
    return make_group(slug="sagamihara-city", name="相模原市", area="sagamihara")


@pytest.fixture
def import_own(runner, city, tmp_path):
    def run(encoding="cp932", day: date | None = None):
        path = tmp_path / "own.csv"
        path.write_bytes(own_events_csv(day or today_local() + timedelta(days=10), encoding))
        return runner.invoke(args=["import-events", str(path), "--group", city.slug])

    return run


def test_bad_rows_are_reported_with_line_numbers_and_the_rest_imported(app, import_own):
    """In each encoding a city may use; the same rows again update what the first run created."""
    from community.events.models import Event

    for run, encoding in enumerate(("cp932", "utf-8", "utf-8-sig")):
        result = import_own(encoding)
        assert result.exit_code == 0, result.output
        reported = [line for line in result.stderr.splitlines() if "行目" in line]
        assert len(reported) == len(EXPECTED_ERRORS), encoding
        for line, expected in zip(reported, EXPECTED_ERRORS, strict=True):
            assert line.startswith(expected), line
        counts = "新規 3 件、変更 0 件、変更なし 0 件" if run == 0 else "新規 0 件、変更 0 件、変更なし 3 件"
        assert f"{counts}、取り込めなかった行 4 件" in result.stdout, encoding
        assert set(events_by_title(app)) == GOOD_TITLES
        assert count(app, Event) == 3 and occurrence_gaps(app) == 0


def test_a_markup_only_title_is_a_row_error_and_long_markup_does_not_eat_a_title(app, runner, city, tmp_path):
    """A title is cut to its column's length after its tags are stripped, so markup cannot leave it empty."""
    from community.events.models import Event

    day = today_local() + timedelta(days=3)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EVENT_COLUMNS_LEGACY)
    for number, title in enumerate(["<img src=x onerror=alert(1)>", "<span>" * 40 + "長いタグの後の題名"], 1):
        cells = {column: "" for column in EVENT_COLUMNS_LEGACY}
        cells.update({"都道府県コード又は市区町村コード": "141500", "NO": str(number), "イベント名": title,
                      "開始日": day.isoformat(), "説明": "説明"})
        writer.writerow([cells[column] for column in EVENT_COLUMNS_LEGACY])
    path = tmp_path / "markup.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    result = runner.invoke(args=["import-events", str(path), "--group", city.slug])
    assert result.exit_code == 0, result.output
    assert "markup.csv: 2行目: イベント名がタグだけで、文字がありません" in result.stderr
    assert "新規 1 件、変更 0 件、変更なし 0 件、取り込めなかった行 1 件" in result.stdout
    assert set(events_by_title(app)) == {"長いタグの後の題名"}
    assert count(app, Event) == 1


def test_imported_rows_map_times_areas_categories_and_fees(app, client, import_own):
    day = today_local() + timedelta(days=10)
    import_own()
    events = events_by_title(app)
    tanabata = events["橋本七夕まつり 竹飾りづくり"]
    assert tanabata.starts_at.astimezone(TOKYO).replace(tzinfo=None).isoformat() == f"{day.isoformat()}T10:00:00"
    assert (tanabata.ends_at - tanabata.starts_at) == timedelta(hours=2) and not tanabata.all_day
    assert tanabata.area.slug == "hashimoto" and tanabata.fee == "300円" and tanabata.fee_amount == 300
    assert "<br>" in tanabata.body_html  # the quoted line break is kept
    kitchen = events["相模大野 こども食堂"]
    # 相模原市南区相模大野5丁目: the town 相模大野 is in the district 大野南, more precise than the 区 column (南区)
    assert kitchen.area.slug == "ono-minami" and kitchen.category.slug == "kosodate"
    assert kitchen.fee == "子ども無料、大人300円"
    walk = events["藤野 芸術の道ウォーク"]
    assert walk.all_day  # 0:00–0:00 means no time given
    assert walk.area.slug == "fujino" and walk.fee == "1,000円（当日支払い）" and walk.fee_amount == 1000
    assert walk.status == "published" and walk.source_key == "opendata-event:141500:6"

    # And they are where residents look.
    assert "相模大野 こども食堂" in client.get("/events?area=minami").get_data(as_text=True)
    ics = icalendar.Calendar.from_ical(client.get("/events.ics?area=fujino").data)
    (vevent,) = ics.walk("VEVENT")
    assert vevent.decoded("DTSTART") == day and vevent.decoded("DTEND") == day + timedelta(days=2)


def test_importing_the_same_file_again_updates(app, import_own, city, runner, tmp_path):
    from community.content.models import ContentVersion
    from community.events.models import Event, EventOccurrence

    day = today_local() + timedelta(days=10)
    import_own(day=day)
    again = import_own(day=day)
    assert "新規 0 件、変更 0 件、変更なし 3 件、取り込めなかった行 4 件" in again.stdout
    assert count(app, Event) == 3 and count(app, EventOccurrence) == 3
    assert count(app, ContentVersion) == 0  # nothing changed, so nothing to keep
    moved = import_own(day=day + timedelta(days=7))  # the city moved every date by a week
    assert "新規 0 件、変更 3 件、変更なし 0 件" in moved.stdout
    assert count(app, Event) == 3 and count(app, EventOccurrence) == 3 and occurrence_gaps(app) == 0
    assert count(app, ContentVersion) == 3  # the previous dates are kept
    starts = events_by_title(app)["相模大野 こども食堂"].starts_at.astimezone(TOKYO)
    assert starts.date() == day + timedelta(days=7) and starts.time() == time(17, 0)


def test_a_failure_while_writing_leaves_no_half_written_row(app, import_own, monkeypatch):
    from community.events.models import Event
    from community.opendata import services

    def broken(event):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "occurrence_starts", broken)
    result = import_own()
    assert result.exit_code != 0
    assert count(app, Event) == 0 and occurrence_gaps(app) == 0


def test_current_layout_files_import(app, runner, city):
    from community.events.models import Event
    from community.shops.models import Shop

    events = runner.invoke(args=["import-events", str(OWN_DIR / "events_current_yaizu_style.csv"),
                                 "--group", city.slug])
    assert events.exit_code == 0, events.output
    assert "新規 3 件、変更 0 件、変更なし 0 件、取り込めなかった行 0 件" in events.stdout
    assert count(app, Event) == 3
    facilities = runner.invoke(args=["import-facilities", str(OWN_DIR / "facilities_current.csv"),
                                     "--group", city.slug])
    assert facilities.exit_code == 0, facilities.output
    assert "4行目: 名称が空です" in facilities.stderr
    assert "新規 2 件、変更 0 件、変更なし 0 件、取り込めなかった行 1 件" in facilities.stdout
    assert count(app, Shop, Shop.kind == "facility") == 2


REFUSED_EVENTS = ["このCSVはイベント一覧として読み込める形式ではありません。", "次の列が必要です: ", "イベント名",
                  "このファイルは公共施設一覧（推奨データセット）の形式のようです。"]
REFUSED_FACILITIES = ["このCSVは公共施設一覧として読み込める形式ではありません。", "次の列が必要です: ", "名称",
                      "このファイルはイベント一覧（推奨データセット）の形式のようです。"]


def test_a_file_of_another_layout_is_refused_and_nothing_written(app, runner, city):
    from community.events.models import Event
    from community.shops.models import Shop

    for command, path, expected in (
        ("import-events", YAIZU, REFUSED_EVENTS),
        ("import-facilities", HAMAMATSU, REFUSED_FACILITIES),
        ("import-facilities", OWN_DIR / "aed_other_layout.csv", REFUSED_FACILITIES[:3] + ["このファイルに無い列"]),
    ):
        result = runner.invoke(args=[command, str(real(path)), "--group", city.slug])
        assert result.exit_code == 1, path
        for text in expected:
            assert text in result.output, (path, text)
        assert count(app, Event) == 0 and count(app, Shop) == 0


def test_a_file_that_is_not_text_is_refused(app, runner, city, tmp_path):
    from community.events.models import Event

    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    result = runner.invoke(args=["import-events", str(path), "--group", city.slug])
    assert result.exit_code == 1
    assert "UTF-8 または Shift_JIS（CP932）で保存したCSVを指定してください。" in result.output
    assert count(app, Event) == 0


def test_an_unknown_group_is_refused(runner, tmp_path):
    path = tmp_path / "own.csv"
    path.write_bytes(own_events_csv(today_local()))
    result = runner.invoke(args=["import-events", str(path), "--group", "no-such-group"])
    assert result.exit_code == 2
    assert "団体「no-such-group」が見つかりません。" in result.output


# --- the published files ----------------------------------------------------------------------------


def test_hamamatsu_events_import_and_a_second_import_updates(app, client, runner, make_group):
    from community.content.models import ContentVersion
    from community.events.models import Event, EventOccurrence

    group = make_group(slug="hamamatsu-city", name="浜松市", area="sagamihara")
    first = runner.invoke(args=["import-events", str(real(HAMAMATSU)), "--group", group.slug])
    assert first.exit_code == 0, first.output[-2000:]
    assert "新規 1894 件、変更 0 件、変更なし 0 件、取り込めなかった行 0 件" in first.stdout
    assert "15行目: 説明が空です" in first.stderr  # imported, with a warning
    assert count(app, Event) == 1894
    assert count(app, Event, Event.status == "published", Event.group_id == group.id) == 1894
    assert count(app, Event, Event.source_key.like("opendata-event:221309:%")) == 1894
    assert count(app, EventOccurrence) == 1894 and occurrence_gaps(app) == 0

    # NO 20250122060: 行政相談, 2026-01-14 9:00–12:00 Japan time at 南行政センター.
    event = scalar(app, select(Event).where(Event.source_key == "opendata-event:221309:20250122060"))
    assert event.title == "行政相談委員による行政相談"
    assert event.starts_at.astimezone(TOKYO).isoformat() == "2026-01-14T09:00:00+09:00"
    assert event.ends_at.astimezone(TOKYO).isoformat() == "2026-01-14T12:00:00+09:00"
    assert (event.venue_name, event.how_to_apply) == ("南行政センター", "申込不要\n当日、直接会場へ")
    # 浜松市's 中央区 and 南区 are not Sagamihara's: another city's rows stay in the importing group's area.
    assert scalar(app, select(func.count(func.distinct(Event.area_id)))) == 1
    assert event.area_id == group.area_id
    day = client.get("/api/v1/events?from=2026-01-14&to=2026-01-14&per_page=100").get_json()
    assert "行政相談委員による行政相談" in [item["title"] for item in day["items"]]

    second = runner.invoke(args=["import-events", str(HAMAMATSU), "--group", group.slug])
    assert second.exit_code == 0
    assert "新規 0 件、変更 0 件、変更なし 1894 件、取り込めなかった行 0 件" in second.stdout
    assert count(app, Event) == 1894 and count(app, EventOccurrence) == 1894
    assert count(app, ContentVersion) == 0


def test_yaizu_facilities_import_and_a_second_import_updates(app, client, runner, make_group):
    from community.shops.models import Shop

    group = make_group(slug="yaizu-city", name="焼津市", area="sagamihara")
    first = runner.invoke(args=["import-facilities", str(real(YAIZU)), "--group", group.slug])
    assert first.exit_code == 0, first.output[-2000:]
    assert "新規 230 件、変更 0 件、変更なし 0 件、取り込めなかった行 0 件" in first.stdout
    assert count(app, Shop, Shop.kind == "facility", Shop.status == "published") == 230
    shop = scalar(app, select(Shop).where(Shop.source_key == "opendata-facility:222127:0000010001"))
    assert (shop.name, shop.name_kana, shop.address) == ("親子ふれあい広場", "オヤコフレアイヒロバ", "焼津市本町5-6-1")
    assert (shop.latitude, shop.longitude) == (34.86313333, 138.320437)
    assert shop.opening_hours.startswith("【開館時間】9:00～17:00")
    assert client.get("/api/v1/shops").get_json()["total"] == 230
    kosodate = client.get("/api/v1/shops?category=kosodate&per_page=100").get_json()
    assert "親子ふれあい広場" in [item["name"] for item in kosodate["items"]]

    second = runner.invoke(args=["import-facilities", str(YAIZU), "--group", group.slug])
    assert "新規 0 件、変更 0 件、変更なし 230 件、取り込めなかった行 0 件" in second.stdout
    assert count(app, Shop) == 230


# --- export ------------------------------------------------------------------------------------------


@pytest.fixture
def published(app, import_own, editor, make_item):
    """The three good rows of our file, a weekly event, a shop with barrier-free notes, and a draft of each."""
    from community.timeutil import local_to_utc

    import_own()
    first = today_local() + timedelta(days=3)
    until = local_to_utc(first + timedelta(days=14), time(23, 0)).strftime("%Y%m%dT%H%M%SZ")
    starts = local_to_utc(first, time(9, 30))
    make_item("event", editor.group, title="毎週の体操 & 健康相談", starts_at=starts,
              ends_at=starts + timedelta(hours=1), rrule=f"FREQ=WEEKLY;UNTIL={until}",
              venue_name="東林ふれあいセンター", fee="無料",
              body="**体操**のあと、保健師に相談できます。", area="torin")
    make_item("event", editor.group, publish=False, title="下書きの行事")
    make_item("shop", editor.group, name="東林間ベーカリー", address="相模原市南区上鶴間7-1", phone="042-000-1111",
              opening_hours="7:00〜18:00", holidays="月曜", barrier_free="段差なし\n車椅子用トイレ", area="torin",
              website="https://example.jp/bakery", latitude=35.5, longitude=139.4)
    make_item("shop", editor.group, publish=False, name="下書きのお店", address="相模原市")
    return first


def test_export_events_writes_the_current_layout_and_reads_back(app, runner, published, tmp_path):
    out = tmp_path / "events.csv"
    result = runner.invoke(args=["export-events", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for spreadsheet software
    back = read_events(data)
    assert back.layout is EVENTS_STANDARD and back.errors == []
    by_title = {r.title: r for r in back.records}
    assert set(by_title) == GOOD_TITLES | {"毎週の体操 & 健康相談"}  # the weekly event once, no draft
    weekly = by_title["毎週の体操 & 健康相談"]
    assert (weekly.start_date, weekly.start_time, weekly.end_time) == (published, time(9, 30), time(10, 30))
    assert weekly.venue_name == "東林ふれあいセンター" and weekly.fee_text == "無料"
    assert weekly.description == "**体操**のあと、保健師に相談できます。"
    walk = by_title["藤野 芸術の道ウォーク"]
    assert walk.all_day and walk.end_date == walk.start_date + timedelta(days=1)

    sjis = tmp_path / "events_sjis.csv"
    assert runner.invoke(args=["export-events", str(sjis), "--encoding", "cp932"]).exit_code == 0
    again = read_events(sjis.read_bytes())
    assert again.encoding == "cp932" and {r.title for r in again.records} == set(by_title)


def test_importing_our_own_export_changes_nothing(app, runner, published, tmp_path, make_group):
    """Rows from the city's file keep their IDs in the export, the portal's own events get IDs naming this site
    (never colliding with the city's NO values 1, 4, 6): importing the export finds every one of them again."""
    from community.content.models import ContentVersion
    from community.events.models import Event

    out = tmp_path / "141500_event.csv"
    runner.invoke(args=["export-events", str(out)])
    ids = {r.title: r.source_id for r in read_events(out.read_bytes()).records}
    assert ids["相模大野 こども食堂"] == "4" and ids["毎週の体操 & 健康相談"].startswith("portal-")
    before = events_by_title(app)
    stamps = {title: event.updated_at for title, event in before.items()}
    other = make_group(slug="neighbour", area="torin")
    result = runner.invoke(args=["import-events", str(out), "--group", other.slug])
    assert "新規 0 件、変更 0 件、変更なし 4 件、取り込めなかった行 0 件" in result.stdout
    assert count(app, Event) == len(before) and count(app, ContentVersion) == 0
    assert {title: event.updated_at for title, event in events_by_title(app).items()} == stamps
    after = events_by_title(app)
    kitchen, kitchen_before = after["相模大野 こども食堂"], before["相模大野 こども食堂"]
    assert (kitchen.id, kitchen.starts_at, kitchen.venue_name, kitchen.fee) == (
        kitchen_before.id, kitchen_before.starts_at, kitchen_before.venue_name, kitchen_before.fee)
    again = runner.invoke(args=["import-events", str(out), "--group", other.slug])
    assert "新規 0 件、変更 0 件、変更なし 4 件" in again.stdout
    assert count(app, Event) == len(before)


def test_export_facilities_writes_the_current_layout(app, runner, published, tmp_path):
    out = tmp_path / "facilities.csv"
    assert runner.invoke(args=["export-facilities", str(out)]).exit_code == 0
    back = read_facilities(out.read_bytes())
    assert back.layout is FACILITIES_STANDARD and back.errors == []
    (bakery,) = back.records
    assert (bakery.name, bakery.address, bakery.phone) == ("東林間ベーカリー", "相模原市南区上鶴間7-1", "042-000-1111")
    assert bakery.barrier_free == ["段差なし", "車椅子用トイレ"]
    assert bakery.url == "https://example.jp/bakery" and (bakery.latitude, bakery.longitude) == (35.5, 139.4)
    assert "7:00〜18:00" in bakery.hours_note and "月曜" in bakery.hours_note


def test_csv_downloads_follow_the_listing_filters(client, published):
    response = client.get("/events.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="141500_event.csv"'
    records = read_events(response.data).records
    assert {r.title for r in records} == GOOD_TITLES | {"毎週の体操 & 健康相談"}
    minami = read_events(client.get("/events.csv?area=minami").data).records
    assert {r.title for r in minami} == {"相模大野 こども食堂", "毎週の体操 & 健康相談"}
    assert read_events(client.get("/events.csv?when=past").data).records == []

    shops = client.get("/shops.csv")
    assert shops.headers["Content-Disposition"] == 'attachment; filename="141500_public_facility.csv"'
    assert [r.name for r in read_facilities(shops.data).records] == ["東林間ベーカリー"]
    assert read_facilities(client.get("/shops.csv?area=midori").data).records == []
