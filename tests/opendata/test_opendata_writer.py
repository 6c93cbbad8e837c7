"""Export in the current layouts: exact header, CRLF, BOM or CP932, formats, and reading it back."""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import replace
from datetime import date, time

import pytest

from community.opendata.layouts import (
    EVENT_COLUMNS_STANDARD,
    EVENTS_STANDARD,
    FACILITIES_STANDARD,
    FACILITY_COLUMNS_STANDARD,
    header_key,
)
from community.opendata.reader import read_events, read_facilities
from community.opendata.records import EventRecord, FacilityRecord
from community.opendata.writer import write_events, write_facilities


def rows(data: bytes, encoding: str = "utf-8-sig") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


def carried(record, layout):
    """The record without extra values the layout has no column for (a city's own columns)."""
    columns = {header_key(c) for c in layout.columns}
    return replace(record, extra={k: val for k, val in record.extra.items() if header_key(k) in columns})


@pytest.fixture
def event():
    return EventRecord(
        source_id="E-0001",
        title="相模大野 こども食堂",
        start_date=date(2026, 7, 11),
        end_date=date(2026, 7, 11),
        start_time=time(9, 5),
        end_time=time(12, 0),
        description="どなたでも来られます。\n食材の寄付も受け付けています。",
        fee_amount=300,
        fee_text="大人300円、子ども無料",
        venue_name="南区合同庁舎",
        address="神奈川県相模原市南区相模大野5丁目31-1",
        latitude=35.5322,
        longitude=139.4352,
        capacity=30,
        capacity_text="30人　先着順",
        apply_deadline=date(2026, 7, 1),
        keywords=["子育て", "食"],
        category_hint="子育て",
        url="https://www.example.jp/e/1",
        local_gov_code="141500",
    )


def test_header_is_exactly_the_published_current_layout(fixture_bytes, event):
    published = rows(fixture_bytes("events_current_yaizu_style.csv"), "utf-8")[0]
    assert published[-1] == "イベントジャンル"  # 焼津市's own column
    header = rows(write_events([event]))[0]
    # The whole 80 columns as 焼津市 publishes them: its イベントジャンル is written back, not dropped.
    assert header == published == [*EVENT_COLUMNS_STANDARD, "イベントジャンル"]


def test_utf8_output_has_bom_and_crlf(event):
    out = write_events([event])
    assert out.startswith(codecs.BOM_UTF8)
    body = out[len(codecs.BOM_UTF8) :].decode("utf-8")
    # Every record ends in CRLF; the line break inside the quoted description stays a bare LF.
    assert body.count("\r\n") == 2 and body.endswith("\r\n")
    assert "どなたでも来られます。\n食材" in body


def test_values_are_written_in_the_standard_formats(event):
    header, row = rows(write_events([event]))
    cell = dict(zip(header, row, strict=True))
    assert (cell["全国地方公共団体コード"], cell["地方公共団体名"]) == ("141500", "相模原市")
    assert (cell["ID"], cell["イベント名"]) == ("E-0001", "相模大野 こども食堂")
    assert (cell["開始日"], cell["終了日"], cell["開始時間"], cell["終了時間"]) == (
        "2026-07-11", "2026-07-11", "09:05", "12:00",
    )
    assert (cell["料金(基本)"], cell["料金(詳細)"]) == ("300", "大人300円、子ども無料")
    assert (cell["定員"], cell["定員備考"]) == ("30", "30人　先着順")
    assert (cell["緯度"], cell["経度"]) == ("35.5322", "139.4352")
    assert (cell["キーワード"], cell["イベント種類"]) == ("子育て;食", "子育て")
    assert cell["参加申込終了日"] == "2026-07-01"


def test_all_day_events_are_written_without_times(event):
    all_day = replace(event, start_time=time(0), end_time=None, all_day=True)
    header, row = rows(write_events([all_day]))
    cell = dict(zip(header, row, strict=True))
    assert (cell["開始時間"], cell["終了時間"]) == ("", "")


def test_publisher_columns_come_from_the_arguments(event):
    header, row = rows(write_events([event], local_gov_code="141518", city_name="相模原市緑区"))
    cell = dict(zip(header, row, strict=True))
    assert (cell["全国地方公共団体コード"], cell["地方公共団体名"]) == ("141518", "相模原市緑区")


def test_built_record_round_trips(event):
    (again,) = read_events(write_events([event])).records
    # The reader adds what it derives: the publisher name as an extra column, the area from the address.
    assert again == replace(event, area_hint="南区", extra={"地方公共団体名": "相模原市"})


def test_read_write_read_keeps_every_field_the_layout_carries(fixture_bytes):
    first = read_events(fixture_bytes("events_current_yaizu_style.csv"))
    again = read_events(write_events(first.records))
    assert again.errors == [] and len(again.records) == 3
    assert again.records == [carried(r, EVENTS_STANDARD) for r in first.records]
    # 焼津市's own イベントジャンル is not written: the header is the standard's alone.
    assert all("イベントジャンル" not in r.extra for r in again.records)


def test_older_layout_records_export_and_read_back(fixture_bytes):
    first = read_events(fixture_bytes("events_legacy_bom_crlf.csv"))
    again = read_events(write_events(first.records))
    for before, after in zip(first.records, again.records, strict=True):
        assert replace(after, extra={}) == replace(before, extra={})


def test_cp932_export(event):
    odd = replace(event, title="秋祭り〜踊りの夕べ−𠮷田町😀", note="¥500 — 当日")
    out = write_events([odd], encoding="cp932")
    assert not out.startswith(codecs.BOM_UTF8)
    text = out.decode("cp932")  # the whole file is valid CP932
    assert text.startswith("全国地方公共団体コード,法人番号,ID,") and "\r\n" in text
    back = read_events(out)
    assert back.encoding == "cp932"
    (record,) = back.records
    # Look-alikes for what Shift_JIS lacks; 〓 for what has no look-alike.
    assert record.title == "秋祭り～踊りの夕べ－吉田町〓"
    assert record.note == "￥500 ― 当日"
    assert replace(record, title=odd.title, note=odd.note) == replace(
        event, note=odd.note, title=odd.title, area_hint="南区", extra={"地方公共団体名": "相模原市"}
    )


@pytest.mark.parametrize("encoding", ["shift_jis", "CP932", "utf-8-sig", "UTF-8"])
def test_encoding_names(event, encoding):
    out = write_events([event], encoding=encoding)
    assert out.startswith(codecs.BOM_UTF8) == encoding.lower().startswith("utf")


def test_unknown_encoding_is_refused(event):
    with pytest.raises(ValueError, match="unsupported encoding"):
        write_events([event], encoding="euc-jp")


def test_cells_excel_would_run_as_formulas_are_defused_and_read_back(event):
    hostile = replace(event, title='=HYPERLINK("http://evil.example","x")', contact_phone="-")
    out = write_events([hostile])
    header, row = rows(out)
    cell = dict(zip(header, row, strict=True))
    assert cell["イベント名"] == "'" + hostile.title
    assert cell["連絡先電話番号"] == "-"
    assert read_events(out).records[0].title == hostile.title


def test_facilities_export_and_round_trip(fixture_bytes):
    first = read_facilities(fixture_bytes("facilities_current.csv"))
    out = write_facilities(first.records)
    header = rows(out)[0]
    assert header == list(FACILITY_COLUMNS_STANDARD)
    cell = dict(zip(header, rows(out)[1], strict=True))
    assert cell["バリアフリー情報"] == "多機能トイレ;エレベーター"
    assert (cell["開始時間"], cell["終了時間"]) == ("09:00", "21:30")
    assert cell["画像"] == "https://www.example.jp/img/library.jpg"  # from extra: a layout column
    again = read_facilities(out)
    assert again.records == [carried(r, FACILITIES_STANDARD) for r in first.records]


def test_facility_built_by_the_app_round_trips():
    facility = FacilityRecord(
        source_id="F-9",
        name="市民会館",
        address="神奈川県相模原市中央区中央3丁目13-15",
        alias="グリーンホール",
        open_days="月火水木金土日",
        open_time=time(9),
        close_time=time(22),
        barrier_free=["スロープ", "多機能トイレ"],
        corporate_number="1234567890123",
        organization="相模原市",
        local_gov_code="141500",
    )
    (again,) = read_facilities(write_facilities([facility])).records
    assert again == replace(facility, area_hint="中央区", extra={"地方公共団体名": "相模原市"})
