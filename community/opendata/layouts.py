"""The national CSV layouts for events and public facilities, and recognising them from a header row.

Each layout names its columns in order, the columns a header must contain to be taken for that layout,
and which record field each column feeds (the reader) or is filled from (the writer). Columns that no
record field claims are still read: they land in the record's ``extra`` mapping.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from community.opendata.errors import LayoutError

EVENT = "event"
FACILITY = "facility"
SHELTER = "shelter"
AED = "aed"
KIND_TITLES = {EVENT: "イベント一覧", FACILITY: "公共施設一覧", SHELTER: "指定緊急避難場所一覧",
               AED: "AED設置箇所一覧"}

# イベント一覧, older 推奨データセット layout (32 columns).
EVENT_COLUMNS_LEGACY: tuple[str, ...] = (
    "都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "イベント名", "イベント名_カナ",
    "イベント名_英語", "開始日", "終了日", "開始時間", "終了時間", "開始日時特記事項", "説明",
    "料金(基本)", "料金(詳細)", "連絡先名称", "連絡先電話番号", "連絡先内線番号", "主催者", "場所名称",
    "住所", "方書", "緯度", "経度", "アクセス方法", "駐車場情報", "定員", "参加申込終了日",
    "参加申込終了時間", "参加申込方法", "URL", "備考",
)

# イベント一覧, current 自治体標準オープンデータセット layout as 焼津市 publishes it (yaizu-city/opendata,
# data/イベント情報/event.csv). OPENDATA.md counts 80 columns because 焼津市 appends イベントジャンル;
# the standard part is these 79, and the writer emits exactly these.
EVENT_COLUMNS_STANDARD: tuple[str, ...] = (
    "全国地方公共団体コード", "法人番号", "ID", "地方公共団体名", "イベント名", "言語コード", "イベント通称",
    "サブタイトル", "イベント名_カナ", "イベント名_英語", "コンテンツURL", "状態", "キーワード", "タグ",
    "対象となる産業", "開催パターン", "開始日", "終了日", "開始時間", "終了時間", "開始日時特記事項",
    "所要時間", "掲載開始日", "掲載終了日", "概要", "説明", "サブイベント", "イベント種類", "料金(基本)",
    "料金(詳細)", "連絡先名称", "連絡先電話番号", "連絡先内線番号", "主催者", "共催団体", "関連組織",
    "対象者", "対象者備考", "場所名称", "集合（受付）場所", "所在地_全国地方公共団体コード", "町字ID",
    "所在地_連結表記", "所在地_都道府県", "所在地_市区町村", "所在地_町字", "所在地_番地以下",
    "建物名等(方書)", "緯度", "経度", "アクセス方法", "駐車場情報", "駐車場料金", "駐輪場情報", "Web開催",
    "Web開催URL", "ツール・環境", "定員", "定員備考", "料金種別", "決済種別", "外国語対応", "外国語対応備考",
    "開催条件", "参加申込終了日", "参加申込終了時間", "参加申込方法", "申込開始日", "申込開始時刻",
    "申込URL", "URL", "授乳室", "おむつ替えコーナー", "飲食可否", "ベビーカー貸出", "ベビーカー利用", "画像",
    "画像_ライセンス", "備考",
)
# 焼津市's own trailing column: the layout's 80th as 焼津市 publishes it. Read as the genre (and a category
# hint) and written back, so that a city's file read and exported again keeps it.
EVENT_GENRE_COLUMN = "イベントジャンル"

# 公共施設一覧, older 推奨データセット layout (24 columns).
FACILITY_COLUMNS_LEGACY: tuple[str, ...] = (
    "都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "名称", "名称_カナ", "名称_通称",
    "POIコード", "住所", "方書", "緯度", "経度", "電話番号", "内線番号", "法人番号", "団体名", "利用可能曜日",
    "開始時間", "終了時間", "利用可能日時特記事項", "説明", "バリアフリー情報", "URL", "備考",
)

# 公共施設一覧, current layout. NOT CONFIRMED against the デジタル庁 definition sheet: no copy of it could be
# found. Built conservatively from the older layout plus the current conventions seen elsewhere:
# the event layout above (code/ID/name header, split 所在地_* address, 建物名等(方書)); the current
# 観光施設一覧 sheet (名称_カナ, 料金（基本）, 画像_ライセンス); 江東区's standard-format facility list
# (名称_カナ, 名称_英字, 名称_通称); the current AED sheet (連絡先メールアドレス … 郵便番号, then 法人番号,
# 団体名, 利用可能曜日, 開始時間, 終了時間, 利用可能日時特記事項). 名称_通称, 法人番号 and 団体名 are kept
# so that a facility read from the older layout loses nothing when written out again.
FACILITY_COLUMNS_STANDARD: tuple[str, ...] = (
    "全国地方公共団体コード", "ID", "地方公共団体名", "名称", "名称_カナ", "名称_英字", "名称_通称",
    "POIコード", "所在地_全国地方公共団体コード", "町字ID", "所在地_連結表記", "所在地_都道府県",
    "所在地_市区町村", "所在地_町字", "所在地_番地以下", "建物名等(方書)", "緯度", "経度", "電話番号",
    "内線番号", "連絡先メールアドレス", "連絡先FormURL", "連絡先備考（その他、SNSなど）", "郵便番号",
    "法人番号", "団体名", "利用可能曜日", "開始時間", "終了時間", "利用可能日時特記事項", "料金（基本）",
    "料金（詳細）", "説明", "バリアフリー情報", "画像", "画像_ライセンス", "URL", "備考",
)

# 指定緊急避難場所一覧: the disaster types a place is designated for, one column each ("1" when it is).
HAZARDS: tuple[str, ...] = ("洪水", "崖崩れ、土石流及び地滑り", "高潮", "地震", "津波", "大規模な火事", "内水氾濫",
                            "火山現象")
HAZARD_COLUMNS: tuple[str, ...] = tuple(f"災害種別_{hazard}" for hazard in HAZARDS)
_SHELTER_TAIL = (*HAZARD_COLUMNS, "指定避難所との重複", "想定収容人数", "対象となる町会・自治会", "URL", "備考")

# 指定緊急避難場所一覧, older 推奨データセット layout (as the published column definitions list it).
SHELTER_COLUMNS_LEGACY: tuple[str, ...] = (
    "NO", "名称", "名称_カナ", "住所", "方書", "緯度", "経度", "標高", "電話番号", "内線番号",
    "都道府県コード又は市区町村コード", "都道府県名", "市区町村名", *_SHELTER_TAIL,
)
# 指定緊急避難場所一覧, current layout, column for column as 宇都宮市 publishes it (no definition sheet found).
SHELTER_COLUMNS_STANDARD: tuple[str, ...] = (
    "全国地方公共団体コード", "ID", "名称", "名称_カナ", "所在地_全国地方公共団体コード", "所在地_連結表記",
    "所在地_都道府県", "所在地_市区町村", "所在地_町字", "所在地_番地以下", "建物名", "緯度", "経度", "電話番号",
    *_SHELTER_TAIL,
)
# AED設置箇所一覧, older 推奨データセット layout.
AED_COLUMNS_LEGACY: tuple[str, ...] = (
    "都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "名称", "名称_カナ", "住所", "方書", "緯度",
    "経度", "設置位置", "電話番号", "内線番号", "法人番号", "団体名", "利用可能曜日", "開始時間", "終了時間",
    "利用可能日時特記事項", "小児対応設備の有無", "URL", "備考",
)
# AED設置箇所一覧, current layout. NOT CONFIRMED against the デジタル庁 sheet (none found): the older columns on
# the current conventions (code/ID/name header, split 所在地_*, 建物名等(方書), contact and 郵便番号 columns).
AED_COLUMNS_STANDARD: tuple[str, ...] = (
    "全国地方公共団体コード", "ID", "地方公共団体名", "名称", "名称_カナ", "名称_英字", "所在地_全国地方公共団体コード",
    "町字ID", "所在地_連結表記", "所在地_都道府県", "所在地_市区町村", "所在地_町字", "所在地_番地以下",
    "建物名等(方書)", "緯度", "経度", "設置位置", "電話番号", "内線番号", "連絡先メールアドレス", "連絡先FormURL",
    "連絡先備考（その他、SNSなど）", "郵便番号", "法人番号", "団体名", "利用可能曜日", "開始時間", "終了時間",
    "利用可能日時特記事項", "小児対応設備の有無", "画像", "画像_ライセンス", "URL", "備考",
)

# The columns that say who publishes the file; the writer fills them from its arguments.
PUBLISHER_CODE_COLUMN = "全国地方公共団体コード"
PUBLISHER_NAME_COLUMN = "地方公共団体名"

# Spellings seen in real files for the same column (after NFKC). Kept short: only variants met in
# published data, so that an unrelated file is not stretched into a layout it is not.
HEADER_ALIASES: dict[str, str] = {
    "市区町村コード": "都道府県コード又は市区町村コード",  # 柳井市 and others
    "利用可能時間特記事項": "利用可能日時特記事項",  # 出雲市's facility list
    "イベント名_英字": "イベント名_英語",
    "名称_英語": "名称_英字",
    "連絡先備考": "連絡先備考(その他、SNSなど)",
    "連絡先備考_その他SNSなど": "連絡先備考(その他、SNSなど)",
}


def header_key(name: str) -> str:
    """The form a header cell is compared in: NFKC (full-width brackets → ASCII), trimmed, alias-resolved."""
    key = unicodedata.normalize("NFKC", name).strip().lstrip("\ufeff")
    return HEADER_ALIASES.get(key, key)


@dataclass(frozen=True, eq=False)
class Layout:
    key: str
    kind: str
    title: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    # record field name → column name; fields not listed are absent from the layout.
    fields: Mapping[str, str] = field(default_factory=dict)
    _index: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {header_key(c): c for c in self.columns})

    def column_for(self, header_cell: str) -> str | None:
        """The layout's own spelling of a header cell, or None when the column is not part of it."""
        return self._index.get(header_key(header_cell))

    def missing(self, header: Sequence[str]) -> tuple[str, ...]:
        present = {header_key(h) for h in header}
        return tuple(c for c in self.required if header_key(c) not in present)

    def matched(self, header: Sequence[str]) -> int:
        return sum(self.column_for(h) is not None for h in header)


_EVENT_FIELDS_COMMON = {
    "title": "イベント名", "title_kana": "イベント名_カナ", "title_en": "イベント名_英語",
    "start_date": "開始日", "end_date": "終了日", "start_time": "開始時間", "end_time": "終了時間",
    "time_note": "開始日時特記事項", "description": "説明", "fee_amount": "料金(基本)",
    "fee_text": "料金(詳細)", "contact_name": "連絡先名称", "contact_phone": "連絡先電話番号",
    "contact_extension": "連絡先内線番号", "organizer": "主催者", "venue_name": "場所名称",
    "latitude": "緯度", "longitude": "経度", "access": "アクセス方法", "parking": "駐車場情報",
    "capacity": "定員", "apply_deadline": "参加申込終了日", "apply_deadline_time": "参加申込終了時間",
    "how_to_apply": "参加申込方法", "url": "URL", "note": "備考",
}
_FACILITY_FIELDS_COMMON = {
    "name": "名称", "name_kana": "名称_カナ", "alias": "名称_通称", "latitude": "緯度", "longitude": "経度",
    "phone": "電話番号", "extension": "内線番号", "corporate_number": "法人番号", "organization": "団体名",
    "open_days": "利用可能曜日", "open_time": "開始時間", "close_time": "終了時間",
    "hours_note": "利用可能日時特記事項", "description": "説明", "barrier_free": "バリアフリー情報",
    "url": "URL", "note": "備考",
}

EVENTS_LEGACY = Layout(
    key="events_legacy", kind=EVENT, title="イベント一覧（推奨データセット）",
    columns=EVENT_COLUMNS_LEGACY,
    required=("都道府県コード又は市区町村コード", "NO", "イベント名", "開始日", "終了日", "開始時間",
              "終了時間", "説明", "場所名称", "住所"),
    fields={**_EVENT_FIELDS_COMMON, "local_gov_code": "都道府県コード又は市区町村コード", "source_id": "NO",
            "address": "住所", "building": "方書"},
)
EVENTS_STANDARD = Layout(
    key="events_standard", kind=EVENT, title="イベント一覧（自治体標準オープンデータセット）",
    columns=(*EVENT_COLUMNS_STANDARD, EVENT_GENRE_COLUMN),
    required=("全国地方公共団体コード", "ID", "地方公共団体名", "イベント名", "開始日", "終了日", "開始時間",
              "終了時間", "概要", "説明", "場所名称", "所在地_連結表記"),
    fields={**_EVENT_FIELDS_COMMON, "local_gov_code": "全国地方公共団体コード", "source_id": "ID",
            "address": "所在地_連結表記", "building": "建物名等(方書)", "summary": "概要",
            "keywords": "キーワード", "category_hint": "イベント種類", "capacity_text": "定員備考",
            "content_url": "コンテンツURL", "apply_url": "申込URL", "audience": "対象者", "image_url": "画像",
            "genre": EVENT_GENRE_COLUMN},
)
FACILITIES_LEGACY = Layout(
    key="facilities_legacy", kind=FACILITY, title="公共施設一覧（推奨データセット）",
    columns=FACILITY_COLUMNS_LEGACY,
    required=("都道府県コード又は市区町村コード", "NO", "名称", "住所", "緯度", "経度"),
    fields={**_FACILITY_FIELDS_COMMON, "local_gov_code": "都道府県コード又は市区町村コード",
            "source_id": "NO", "address": "住所", "building": "方書"},
)
FACILITIES_STANDARD = Layout(
    key="facilities_standard", kind=FACILITY, title="公共施設一覧（自治体標準オープンデータセット）",
    columns=FACILITY_COLUMNS_STANDARD,
    required=("全国地方公共団体コード", "ID", "地方公共団体名", "名称", "所在地_連結表記", "緯度", "経度",
              "利用可能曜日", "開始時間", "終了時間", "説明"),
    fields={**_FACILITY_FIELDS_COMMON, "local_gov_code": "全国地方公共団体コード", "source_id": "ID",
            "name_en": "名称_英字", "address": "所在地_連結表記", "building": "建物名等(方書)",
            "postal_code": "郵便番号", "image_url": "画像"},
)

_PLACE_FIELDS = {"name": "名称", "name_kana": "名称_カナ", "latitude": "緯度", "longitude": "経度",
                 "phone": "電話番号", "url": "URL"}
SHELTERS_LEGACY = Layout(
    key="shelters_legacy", kind=SHELTER, title="指定緊急避難場所一覧（推奨データセット）",
    columns=SHELTER_COLUMNS_LEGACY,
    required=("NO", "名称", "住所", *HAZARD_COLUMNS),
    fields={**_PLACE_FIELDS, "local_gov_code": "都道府県コード又は市区町村コード", "source_id": "NO",
            "address": "住所", "building": "方書"},
)
SHELTERS_STANDARD = Layout(
    key="shelters_standard", kind=SHELTER, title="指定緊急避難場所一覧（自治体標準オープンデータセット）",
    columns=SHELTER_COLUMNS_STANDARD,
    required=("全国地方公共団体コード", "ID", "名称", "所在地_連結表記", *HAZARD_COLUMNS),
    fields={**_PLACE_FIELDS, "local_gov_code": "全国地方公共団体コード", "source_id": "ID",
            "address": "所在地_連結表記", "building": "建物名"},
)
AEDS_LEGACY = Layout(
    key="aeds_legacy", kind=AED, title="AED設置箇所一覧（推奨データセット）",
    columns=AED_COLUMNS_LEGACY,
    required=("NO", "名称", "住所", "設置位置"),
    fields={**_PLACE_FIELDS, "local_gov_code": "都道府県コード又は市区町村コード", "source_id": "NO",
            "address": "住所", "building": "方書"},
)
AEDS_STANDARD = Layout(
    key="aeds_standard", kind=AED, title="AED設置箇所一覧（自治体標準オープンデータセット）",
    columns=AED_COLUMNS_STANDARD,
    required=("全国地方公共団体コード", "ID", "名称", "所在地_連結表記", "設置位置"),
    fields={**_PLACE_FIELDS, "local_gov_code": "全国地方公共団体コード", "source_id": "ID",
            "address": "所在地_連結表記", "building": "建物名等(方書)", "postal_code": "郵便番号"},
)

LAYOUTS: tuple[Layout, ...] = (EVENTS_LEGACY, EVENTS_STANDARD, FACILITIES_LEGACY, FACILITIES_STANDARD,
                               SHELTERS_LEGACY, SHELTERS_STANDARD, AEDS_LEGACY, AEDS_STANDARD)


def detect_layout(header: Sequence[str], kind: str) -> Layout:
    """The layout of ``kind`` whose required columns the header has; the closest one when several do.

    Raises LayoutError naming, for each layout of that kind, the columns it needs and those missing.
    """
    if kind not in KIND_TITLES:
        raise ValueError(f"unknown kind {kind!r}")
    candidates = [layout for layout in LAYOUTS if layout.kind == kind]
    fitting = [layout for layout in candidates if not layout.missing(header)]
    if fitting:
        return max(fitting, key=lambda layout: layout.matched(header))
    raise _layout_error(header, kind, candidates)


def _layout_error(header: Sequence[str], kind: str, candidates: list[Layout]) -> LayoutError:
    shown = [h.strip() for h in header if h.strip()]
    if not shown:
        return LayoutError(f"見出し行がありません。{KIND_TITLES[kind]}のCSVは1行目に列名が必要です。")
    lines = [f"このCSVは{KIND_TITLES[kind]}として読み込める形式ではありません。"]
    expected: dict[str, tuple[str, ...]] = {}
    missing: dict[str, tuple[str, ...]] = {}
    for layout in candidates:
        expected[layout.title] = layout.required
        missing[layout.title] = layout.missing(header)
        lines.append(f"・{layout.title}として読むには次の列が必要です: {'、'.join(layout.required)}")
        lines.append(f"　このファイルに無い列: {'、'.join(missing[layout.title])}")
    # The commonest mistake is handing an event file to the facility import or the reverse: say so.
    for other in LAYOUTS:
        if other.kind != kind and not other.missing(header):
            lines.append(f"このファイルは{other.title}の形式のようです。")
            break
    preview = "、".join(shown[:10]) + ("…" if len(shown) > 10 else "")
    lines.append(f"ファイルの見出し行: {preview}")
    return LayoutError("\n".join(lines), expected=expected, missing=missing)
