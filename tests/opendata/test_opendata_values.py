"""Single-value parsers: what real files write in date, time, fee, 定員, coordinate and code cells."""

from __future__ import annotations

from datetime import date, time

import pytest

from community.opendata import values as v


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-04-02", date(2026, 4, 2)),
        ("2026/4/2", date(2026, 4, 2)),  # 焼津市: not zero-padded
        ("2026年4月2日", date(2026, 4, 2)),
        ("２０２６年４月２日", date(2026, 4, 2)),  # full-width digits
        ("2026年4月2日(木)", date(2026, 4, 2)),
        ("2026/4/2 0:00", date(2026, 4, 2)),  # a spreadsheet's date cell
        (" 2026-04-02 ", date(2026, 4, 2)),
        ("", None),
    ],
)
def test_parse_date_accepts(text, expected):
    assert v.parse_date(text) == expected


@pytest.mark.parametrize("text", ["2026-13-40", "2026-02-30", "R8.4.X", "4/2", "2026/4/2 10:00", "未定"])
def test_parse_date_refuses(text):
    with pytest.raises(ValueError):
        v.parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9:00", time(9, 0)),
        ("09:05", time(9, 5)),
        ("10:00:30", time(10, 0)),  # seconds dropped: the writer emits HH:MM
        ("１０：３０", time(10, 30)),
        ("9時30分", time(9, 30)),
        ("24:00", time(23, 59)),  # "until midnight"
        ("", None),
    ],
)
def test_parse_time_accepts(text, expected):
    assert v.parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "9:60", "9:0", "午前25時", "9時ごろ"])
def test_parse_time_refuses(text):
    with pytest.raises(ValueError):
        v.parse_time(text)


@pytest.mark.parametrize(
    ("text", "amount", "plain"),
    [
        ("1,000円（当日支払い）", 1000, False),
        ("1000円", 1000, True),
        ("1000", 1000, True),
        ("￥500", 500, True),
        ("無料", 0, True),
        ("受講料は無料。", 0, False),
        ("400円（バス運賃200円×2回）", 400, False),
        ("1,200円円", 1200, False),  # as published by 浜松市
        ("参加費一組につき300円", None, False),
        ("2026年度は500円", None, False),  # a year is not a fee
        ("", None, False),
    ],
)
def test_parse_yen(text, amount, plain):
    assert v.parse_yen(text) == amount
    assert v.is_plain_yen(text) is plain


@pytest.mark.parametrize(
    ("text", "count"),
    [("20人　先着順", 20), ("20人（申込順）", 20), ("10名", 10), ("30", 30), ("先着20人", 20),
     ("15組（申込順）", None), ("先着順", None), ("なし", None)],
)
def test_parse_count(text, count):
    assert v.parse_count(text) == count


def test_coordinates_inside_japan_are_kept():
    assert v.check_coordinates(35.5714, 139.3733) == (35.5714, 139.3733, "")


def test_swapped_coordinates_are_put_back_with_a_note():
    lat, lon, note = v.check_coordinates(139.3733, 35.5714)
    assert (lat, lon) == (35.5714, 139.3733)
    assert "入れ替" in note


@pytest.mark.parametrize(("lat", "lon"), [(99.0, 1.0), (35.0, None), (None, 139.0)])
def test_unusable_coordinates_are_dropped_with_a_note(lat, lon):
    kept_lat, kept_lon, note = v.check_coordinates(lat, lon)
    assert (kept_lat, kept_lon) == (None, None)
    assert note


def test_zero_zero_is_a_placeholder_not_a_place():
    assert v.check_coordinates(0.0, 0.0) == (None, None, "")


@pytest.mark.parametrize(
    ("code", "valid"),
    [("141500", True), ("141518", True), ("141526", True), ("141534", True), ("221309", True),
     ("222127", True), ("011002", True), ("141501", False), ("14150", False), ("1.00E+12", False)],
)
def test_local_gov_code_check_digit(code, valid):
    assert v.is_local_gov_code(code) is valid


@pytest.mark.parametrize(
    ("address", "area"),
    [
        ("浜松市中央区江之島町600-1", "中央区"),
        ("神奈川県相模原市南区相模大野5丁目31-1", "南区"),
        ("静岡県焼津市本町5丁目6-1", "焼津市"),
        ("焼津市本町5-6-1", "焼津市"),  # 本町 is not a town
        ("愛甲郡愛川町角田251-1", "愛川町"),
        ("オンライン", ""),
    ],
)
def test_area_from_address(address, area):
    assert v.area_from_address(address) == area


def test_mangled_numbers_are_recognised():
    assert v.looks_mangled("1.00E+12")
    assert not v.looks_mangled("20250122060")


@pytest.mark.parametrize("text", ["javascript:alert(1)", "www.example.jp", "mailto:a@example.jp", "http://"])
def test_only_http_urls_are_accepted(text):
    with pytest.raises(ValueError):
        v.split_urls(text)


def test_several_urls_in_one_cell_are_split():
    assert v.split_urls("https://a.example/\nhttp://b.example/x") == ["https://a.example/", "http://b.example/x"]


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "@SUM(A1)", "-ハイフン"])
def test_formula_guard_round_trips(text):
    guarded = v.guard_formula(text)
    assert guarded == "'" + text
    assert v.unguard_formula(guarded) == text


@pytest.mark.parametrize("text", ["-", "-3", "+81-3-1234-5678", "03-1234-5678", "普通の文"])
def test_formula_guard_leaves_numbers_alone(text):
    assert v.guard_formula(text) == text
