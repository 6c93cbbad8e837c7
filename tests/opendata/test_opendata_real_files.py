"""The two published files in tests/data (see tests/data/README.md), read as they are."""

from __future__ import annotations

import csv
import io
from dataclasses import fields
from datetime import date, time
from pathlib import Path

import pytest

from community.opendata.layouts import EVENTS_LEGACY, EVENTS_STANDARD, FACILITIES_LEGACY
from community.opendata.reader import read_events, read_facilities
from community.opendata.writer import write_events, write_facilities
from tests.datafiles import HAMAMATSU_EVENTS, YAIZU_FACILITIES

HAMAMATSU = HAMAMATSU_EVENTS
YAIZU = YAIZU_FACILITIES


def _bytes(path: Path) -> bytes:
    return path.read_bytes()


def _data_records(data: bytes, encoding: str) -> int:
    """Count the data records independently of the reader: csv rows after the header."""
    return sum(1 for _ in csv.reader(io.StringIO(data.decode(encoding), newline=""))) - 1


@pytest.fixture(scope="module")
def hamamatsu_bytes():
    return _bytes(HAMAMATSU)


@pytest.fixture(scope="module")
def hamamatsu(hamamatsu_bytes):
    return read_events(hamamatsu_bytes)


@pytest.fixture(scope="module")
def yaizu():
    return read_facilities(_bytes(YAIZU))


def test_hamamatsu_every_record_is_imported_or_reported(hamamatsu, hamamatsu_bytes):
    assert hamamatsu.layout is EVENTS_LEGACY
    assert hamamatsu.encoding == "cp932"
    assert _data_records(hamamatsu_bytes, "cp932") == 1894
    assert len(hamamatsu.records) + len(hamamatsu.errors) == 1894
    assert hamamatsu.errors == []  # the file is clean apart from blank 説明 (warnings, below)
    assert len({r.source_id for r in hamamatsu.records}) == 1894


def test_hamamatsu_blank_descriptions_are_warned_and_refused_when_strict(hamamatsu, hamamatsu_bytes):
    blank = [w for w in hamamatsu.warnings if w.reason.startswith("説明が空です")]
    assert len(blank) == 279
    strict = read_events(hamamatsu_bytes, strict=True)
    assert (len(strict.records), len(strict.errors)) == (1894 - 279, 279)
    # NO 20250122060 has no 説明 and its 参加申込方法 holds a line break: it starts on line 15.
    assert strict.errors[0].line == 15 and strict.errors[0].reason == "説明が空です"


def test_hamamatsu_spot_check_20250122060(hamamatsu):
    (record,) = [r for r in hamamatsu.records if r.source_id == "20250122060"]
    assert record.title == "行政相談委員による行政相談"
    assert record.start_date == date(2026, 1, 14) and record.end_date is None
    assert (record.start_time, record.end_time, record.all_day) == (time(9), time(12), False)
    assert record.venue_name == "南行政センター"
    assert record.address == "浜松市中央区江之島町600-1"
    assert (record.latitude, record.longitude) == (34.667355, 137.752214)
    assert (record.contact_name, record.contact_phone) == ("南行政センター", "(053)425-1382")
    assert record.how_to_apply == "申込不要\n当日、直接会場へ"
    assert record.url == "https://www.soumu.go.jp/main_sosiki/hyouka/soudan_n/index.html"
    assert record.description == "" and record.fee_amount is None
    assert record.extra["区"] == "中央区"
    assert record.extra["カテゴリー"] == "そうだん" and record.extra["施設No."] == "002131_00"
    assert (record.category_hint, record.area_hint, record.local_gov_code) == ("そうだん", "中央区", "221309")


def test_hamamatsu_spot_check_course_with_english_title_and_free_fee(hamamatsu):
    (record,) = [r for r in hamamatsu.records if r.source_id == "20250116356"]
    assert record.title == "鳥獣被害対策基本講座"
    assert record.title_kana == "チョウジュウヒガイタイサクキホンコウザ"
    assert record.title_en == "Basic course on crop damage preventation by wild animal"
    assert record.start_date == date(2026, 1, 30)
    assert (record.start_time, record.end_time) == (time(10), time(11, 30))
    assert record.fee_amount == 0 and record.fee_text == "無料"  # 料金(基本) blank, 料金(詳細) 無料
    assert record.contact_name == "農業振興課 天竜農業グループ"
    assert record.parking == "有"
    assert record.description.startswith("【内容】イノシシ、シカ、サル")
    assert record.description.count("\n") == 2
    assert record.area_hint == "天竜区"


def test_hamamatsu_odd_values_are_kept(hamamatsu):
    records = {r.source_id: r for r in hamamatsu.records}
    assert (records["20250912312"].fee_amount, records["20250912312"].fee_text) == (1200, "1,200円円")
    assert records["20251226412"].extra["区"] == "NEW_浜名区"
    moved = [w for w in hamamatsu.warnings if "複数のURL" in w.reason]
    assert [w.line for w in moved] == [6696, 6698]
    two_urls = [r for r in hamamatsu.records if r.note.startswith("https://www.city.hamamatsu.shizuoka.jp/siminkj")]
    assert len(two_urls) == 2 and all(r.url.endswith("/kaisetsu.html") for r in two_urls)


def test_hamamatsu_written_in_the_current_layout_reads_back_the_same(hamamatsu):
    out = write_events(hamamatsu.records, local_gov_code="221309", city_name="浜松市")
    again = read_events(out)
    assert again.layout is EVENTS_STANDARD and again.errors == []
    # area_hint came from 浜松市's 区 column, which the standard layout has no place for; extra holds
    # that column and the others the layout does not carry.
    compared = [f.name for f in fields(hamamatsu.records[0])
                if f.compare and f.name not in ("area_hint", "extra", "raw")]
    for before, after in zip(hamamatsu.records, again.records, strict=True):
        expected = [getattr(before, n) for n in compared]
        assert [getattr(after, n) for n in compared] == expected, before.source_id
    # Writing what was read back gives the same bytes: the conversion is settled after one pass.
    assert write_events(again.records, local_gov_code="221309", city_name="浜松市") == out


def test_yaizu_facilities(yaizu):
    assert yaizu.layout is FACILITIES_LEGACY
    assert yaizu.encoding == "utf-8"
    assert _data_records(_bytes(YAIZU), "utf-8") == 230
    assert (len(yaizu.records), yaizu.errors, yaizu.warnings) == (230, [], [])
    first = yaizu.records[0]
    assert first.source_id == "0000010001"  # leading zeros kept: an ID is text
    assert (first.name, first.name_kana) == ("親子ふれあい広場", "オヤコフレアイヒロバ")
    assert first.address == "焼津市本町5-6-1"
    assert (first.latitude, first.longitude) == (34.86313333, 138.320437)
    assert first.organization == "子育て支援課"
    assert first.hours_note.startswith("【開館時間】9:00～17:00")
    assert (first.open_time, first.close_time, first.barrier_free) == (None, None, [])
    assert first.extra == {"都道府県名": "静岡県", "市区町村名": "焼津市"}
    assert {r.area_hint for r in yaizu.records} == {"焼津市"}
    assert {r.local_gov_code for r in yaizu.records} == {"222127"}


def test_yaizu_facilities_round_trip_through_the_current_layout(yaizu):
    again = read_facilities(write_facilities(yaizu.records, local_gov_code="222127", city_name="焼津市"))
    compared = [f.name for f in fields(yaizu.records[0]) if f.compare and f.name not in ("extra", "raw")]
    for before, after in zip(yaizu.records, again.records, strict=True):
        assert [getattr(before, n) for n in compared] == [getattr(after, n) for n in compared]
