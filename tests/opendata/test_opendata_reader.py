"""Reading our fixture files: layouts, encodings, line ends, quoted newlines, and row-level problems."""

from __future__ import annotations

import codecs
from datetime import date, time

import pytest

from community.opendata.errors import EncodingError, LayoutError
from community.opendata.layouts import EVENTS_LEGACY, EVENTS_STANDARD, FACILITIES_STANDARD
from community.opendata.reader import read_events, read_facilities

LEGACY = "events_legacy_bom_crlf.csv"
CURRENT = "events_current_yaizu_style.csv"
FACILITIES = "facilities_current.csv"
# The required columns of the older event layout: enough for small inline files.
HEADER = "都道府県コード又は市区町村コード,NO,イベント名,開始日,終了日,開始時間,終了時間,説明,場所名称,住所\n"


def by_id(result):
    return {record.source_id: record for record in result.records}


# --- the current layout, written the way 焼津市 writes it -------------------------------------


def test_current_layout_in_yaizu_style(fixture_bytes):
    result = read_events(fixture_bytes(CURRENT))
    assert result.layout is EVENTS_STANDARD
    assert result.encoding == "utf-8"
    assert result.errors == []
    assert len(result.records) == 3

    craft = by_id(result)["30001"]
    assert craft.start_date == craft.end_date == date(2026, 4, 2)  # written 2026/4/2
    assert (craft.start_time, craft.end_time, craft.all_day) == (None, None, True)  # 0:00–0:00
    assert craft.fee_amount == 1000  # from 料金(詳細) "1,000円（当日支払い）"
    assert craft.fee_text == "1,000円（当日支払い）"
    assert craft.capacity == 20 and craft.capacity_text == "20人（申込順）"
    assert craft.keywords == ["工作", "親子", "夏休み"]  # trailing ";" gives no empty keyword
    assert craft.category_hint == "こども・子育て"  # イベント種類 blank: 焼津市's イベントジャンル
    assert craft.area_hint == "南区"
    assert (craft.latitude, craft.longitude) == (35.5322, 139.4352)
    # Columns without a record field are kept, so that exporting again loses nothing.
    assert craft.extra["法人番号"] == "1.00E+12"
    assert craft.audience == "小学生と保護者"
    assert craft.extra["掲載開始日"] == "2026/3/1"
    assert craft.genre == "こども・子育て"


def test_current_layout_mangled_id_is_kept_as_text_and_reported(fixture_bytes):
    result = read_events(fixture_bytes(CURRENT))
    cleanup = by_id(result)["1.00E+12"]
    assert cleanup.title == "相模川 秋の河川敷クリーン作戦"
    assert [(w.line, "指数表記" in w.reason) for w in result.warnings] == [(3, True)]


def test_current_layout_summary_fee_and_split_address(fixture_bytes):
    cleanup = by_id(read_events(fixture_bytes(CURRENT)))["1.00E+12"]
    assert cleanup.summary.startswith("河川敷のごみ") and cleanup.description == ""
    assert cleanup.fee_amount == 0 and cleanup.fee_text == ""  # 無料, nothing more to say
    assert cleanup.capacity is None and cleanup.capacity_text == "先着順"
    assert cleanup.category_hint == "まつり・催し"  # イベント種類 wins over イベントジャンル
    assert cleanup.address == "神奈川県相模原市中央区水郷田名"  # 所在地_連結表記 blank: parts joined
    assert cleanup.area_hint == "中央区"
    assert (cleanup.start_time, cleanup.end_time, cleanup.all_day) == (time(9), time(11, 30), False)


def test_multi_day_event_may_end_earlier_in_the_day_than_it_starts(fixture_bytes):
    show = by_id(read_events(fixture_bytes(CURRENT)))["30003"]
    assert (show.start_date, show.end_date) == (date(2026, 9, 16), date(2026, 9, 20))
    assert (show.start_time, show.end_time) == (time(13), time(12))
    assert show.description == "クラブ員が1年間に制作した作品を展示します。\n入場無料、出入り自由です。"


# --- the older layout: UTF-8 with BOM, CRLF, quoted newlines, bad rows ---------------------------


def test_bom_crlf_file_with_bad_rows_reports_physical_lines(fixture_bytes):
    result = read_events(fixture_bytes(LEGACY))
    assert result.layout is EVENTS_LEGACY
    assert result.encoding == "utf-8-sig"
    # Record 1 spans lines 2–3 and record 4 lines 6–8, so the bad rows sit on lines 4, 5 and 9.
    assert [(e.line, e.reason) for e in result.errors] == [
        (4, "開始日「2026-13-40」を日付として読めません"),
        (5, "イベント名が空です"),
        (9, "開始時間「25:00」を時刻として読めません"),
    ]
    assert [r.source_id for r in result.records] == ["2026000001", "2026000004", "2026000006"]


def test_quoted_newlines_become_plain_line_breaks(fixture_bytes):
    records = by_id(read_events(fixture_bytes(LEGACY)))
    assert records["2026000001"].description == "竹飾りを一緒につくりましょう。\n材料は会場にあります。"
    assert records["2026000004"].description.count("\n") == 2
    assert "\r" not in records["2026000004"].description


def test_older_layout_fields_and_city_columns(fixture_bytes):
    records = by_id(read_events(fixture_bytes(LEGACY)))
    tanabata = records["2026000001"]
    assert tanabata.fee_amount == 300 and tanabata.fee_text == ""  # "300円" says nothing more
    assert tanabata.capacity == 30 and tanabata.capacity_text == "30人　先着順"
    assert tanabata.apply_deadline == date(2026, 6, 30)
    assert tanabata.extra == {
        "都道府県名": "神奈川県", "市区町村名": "相模原市", "カテゴリー": "イベント", "区": "緑区",
    }
    assert (tanabata.category_hint, tanabata.area_hint) == ("イベント", "緑区")
    assert tanabata.local_gov_code == "141500"
    kitchen = records["2026000004"]
    assert kitchen.fee_amount == 0 and kitchen.fee_text == "子ども無料、大人300円"


def test_full_width_date_and_time_and_a_refused_url(fixture_bytes):
    result = read_events(fixture_bytes(LEGACY))
    walk = by_id(result)["2026000006"]
    assert (walk.start_date, walk.start_time, walk.end_time) == (date(2026, 7, 19), time(9, 30), time(15))
    assert walk.url == ""
    (warning,) = result.warnings
    assert warning.line == 10 and warning.reason.startswith("URL「javascript:alert(1)」")


@pytest.mark.parametrize(
    ("transform", "encoding"),
    [
        (lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), "utf-8-sig"),
        (lambda text: text.replace("\r\n", "\n").encode("utf-8"), "utf-8"),
        (lambda text: text.encode("cp932"), "cp932"),
        (lambda text: text.replace("\r\n", "\n").encode("cp932"), "cp932"),
    ],
    ids=["bom-crlf", "lf", "cp932-crlf", "cp932-lf"],
)
def test_encoding_and_line_ends_do_not_change_the_result(fixture_bytes, transform, encoding):
    text = fixture_bytes(LEGACY).decode("utf-8-sig")
    reference = read_events(fixture_bytes(LEGACY))
    result = read_events(transform(text))
    assert result.encoding == encoding
    assert result.records == reference.records
    assert result.errors == reference.errors


def test_blank_description_is_a_warning_by_default_and_an_error_when_strict():
    data = (HEADER + "141500,1,説明のない催し,2026-05-01,,,,,公民館,相模原市中央区\n").encode()
    lenient = read_events(data)
    assert len(lenient.records) == 1 and lenient.errors == []
    assert [(w.line, w.reason) for w in lenient.warnings] == [(2, "説明が空です（標準では必須の項目です）")]
    strict = read_events(data, strict=True)
    assert strict.records == [] and [(e.line, e.reason) for e in strict.errors] == [(2, "説明が空です")]


def test_short_rows_are_padded_long_rows_refused_blank_lines_skipped():
    data = (
        HEADER
        + "141500,1,短い行,2026-05-01\n"  # trailing cells left out, as some exporters do
        + "\n"
        + ",,,,,,,,,\n"
        + "141500,2,長い行,2026-05-02,,,,説明,場所,住所,余計な値\n"
        + "141500,3,普通の行,2026-05-03,,,,説明,場所,住所\n"
    ).encode()
    result = read_events(data)
    assert [r.title for r in result.records] == ["短い行", "普通の行"]
    assert [e.line for e in result.errors] == [5]
    assert "列の数" in result.errors[0].reason


def test_malformed_quotes_are_reported_and_reading_goes_on():
    data = (
        HEADER
        + '141500,1,壊れた行,2026-05-01,,,,"説明"のあと,場所,住所\n'
        + "141500,2,次の行,2026-05-02,,,,説明,場所,住所\n"
        + '141500,3,閉じない行,2026-05-03,,,,"閉じない引用符\n'
        + "141500,4,飲み込まれる行,2026-05-04,,,,説明,場所,住所\n"
    ).encode()
    result = read_events(data)
    assert [r.title for r in result.records] == ["次の行"]
    assert [e.line for e in result.errors] == [2, 4]
    assert "閉じられない" in result.errors[1].reason


def test_end_before_start_is_an_error():
    data = (HEADER + "141500,1,逆の日付,2026-05-03,2026-05-01,,,説明,場所,住所\n").encode()
    result = read_events(data)
    assert result.records == []
    assert result.errors[0].reason == "終了日「2026-05-01」が開始日「2026-05-03」より前です"


def test_several_problems_in_one_row_are_reported_together():
    data = (HEADER + "141500,1,,2026/2/30,,9:99,,説明,場所,住所\n").encode()
    (error,) = read_events(data).errors
    assert error.reason == (
        "イベント名が空です。開始日「2026/2/30」を日付として読めません。開始時間「9:99」を時刻として読めません"
    )


def test_a_title_of_nothing_but_markup_is_an_error_like_an_empty_one():
    """The import stores plain text: "<img src=x>" would be stored as an empty title, which the forms refuse."""
    data = (HEADER + '141500,1,"<img src=x onerror=alert(1)>",2026-05-01,,,,説明,場所,住所\n'
            + "141500,2,&lt;b&gt;&lt;/b&gt;,2026-05-02,,,,説明,場所,住所\n"
            + "141500,3,<b>太字の</b>催し,2026-05-03,,,,説明,場所,住所\n").encode()
    result = read_events(data)
    assert [r.title for r in result.records] == ["<b>太字の</b>催し"]  # cleaned when stored, as before
    assert [(e.line, e.reason) for e in result.errors] == [(2, "イベント名がタグだけで、文字がありません"),
                                                         (3, "イベント名がタグだけで、文字がありません")]


# --- facilities -------------------------------------------------------------------------------------


def test_current_facility_layout(fixture_bytes):
    result = read_facilities(fixture_bytes(FACILITIES))
    assert result.layout is FACILITIES_STANDARD
    assert [(e.line, e.reason) for e in result.errors] == [(4, "名称が空です")]
    library, village = result.records
    assert library.name_en == "Sagamihara Central Library"
    assert (library.open_time, library.close_time) == (time(9), time(21, 30))
    assert library.barrier_free == ["多機能トイレ", "エレベーター"]
    assert library.area_hint == "中央区"
    assert library.image_url == "https://www.example.jp/img/library.jpg"
    assert library.extra["施設分類"] == "図書館"  # a column of the city's own
    assert village.address == "神奈川県相模原市緑区小原698-1"  # joined from the split columns
    # An odd opening time does not cost the facility its place: the text moves to the hours note.
    assert village.open_time is None and village.hours_note == "開始時間: 9時ごろ"
    assert [(w.line, "9時ごろ" in w.reason) for w in result.warnings] == [(3, True)]


def test_facility_without_address_is_refused():
    header = "都道府県コード又は市区町村コード,NO,名称,住所,緯度,経度\n"
    rows = "141500,1,住所のない施設,,,\n141500,2,市役所,相模原市中央区中央2-11-15,,\n"
    result = read_facilities((header + rows).encode())
    assert [r.name for r in result.records] == ["市役所"]
    assert [(e.line, e.reason) for e in result.errors] == [(2, "住所が空です")]


def test_facility_name_or_address_of_nothing_but_markup_is_refused():
    header = "都道府県コード又は市区町村コード,NO,名称,住所,緯度,経度\n"
    rows = ("141500,1,<script></script>,相模原市中央区中央2-11-15,,\n141500,2,タグの住所,<br>,,\n"
            "141500,3,市役所,相模原市中央区中央2-11-15,,\n")
    result = read_facilities((header + rows).encode())
    assert [r.name for r in result.records] == ["市役所"]
    assert [(e.line, e.reason) for e in result.errors] == [(2, "名称がタグだけで、文字がありません"),
                                                         (3, "住所がタグだけで、文字がありません")]


# --- files that cannot be read at all ---------------------------------------------------------------


def test_unknown_layout_is_refused_naming_expected_and_missing_columns(fixture_bytes):
    with pytest.raises(LayoutError) as caught:
        read_events(fixture_bytes("aed_other_layout.csv"))
    message = str(caught.value)
    assert "イベント一覧として読み込める形式ではありません" in message
    assert (
        "イベント一覧（推奨データセット）として読むには次の列が必要です: "
        "都道府県コード又は市区町村コード、NO、イベント名、開始日"
    ) in message
    assert "このファイルに無い列: イベント名、開始日、終了日、概要、説明、場所名称" in message
    assert caught.value.missing["イベント一覧（自治体標準オープンデータセット）"] == (
        "イベント名", "開始日", "終了日", "概要", "説明", "場所名称",
    )


def test_a_facility_file_given_as_events_says_what_it_looks_like(fixture_bytes):
    with pytest.raises(LayoutError, match="公共施設一覧（自治体標準オープンデータセット）の形式のようです"):
        read_events(fixture_bytes(FACILITIES))
    with pytest.raises(LayoutError, match="イベント一覧（推奨データセット）の形式のようです"):
        read_facilities(fixture_bytes(LEGACY))


def test_empty_file_is_refused():
    with pytest.raises(LayoutError, match="見出し行がありません"):
        read_events(b"")


def test_undecodable_bytes_are_refused():
    with pytest.raises(EncodingError, match="文字コード"):
        read_events("イベント名".encode() + b"\x81\x20")
