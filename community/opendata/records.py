"""Normalised records read from (and written to) the open-data CSV layouts, and the result of an import.

The records are plain dataclasses with typed values so that the app's services can map them onto its
models without knowing anything about CSV. Text fields are trimmed and use "\\n" for line breaks; an
absent value is "" for text, None for dates, times and numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from community.opendata.layouts import Layout


@dataclass(kw_only=True)
class EventRecord:
    title: str
    start_date: date
    source_id: str = ""  # NO / ID column as text: leading zeros and "1.00E+12" survive
    title_kana: str = ""
    title_en: str = ""
    description: str = ""  # 説明
    summary: str = ""  # 概要 (current layout only)
    end_date: date | None = None
    start_time: time | None = None
    end_time: time | None = None
    all_day: bool = False  # no time given (blank, or the 0:00–0:00 convention)
    time_note: str = ""  # 開始日時特記事項
    fee_amount: int | None = None  # whole yen; 0 for 無料
    fee_text: str = ""  # 料金(詳細), plus 料金(基本) when it said more than a number
    contact_name: str = ""
    contact_phone: str = ""
    contact_extension: str = ""
    organizer: str = ""
    venue_name: str = ""
    address: str = ""
    building: str = ""  # 方書 / 建物名等(方書)
    latitude: float | None = None
    longitude: float | None = None
    access: str = ""
    parking: str = ""
    capacity: int | None = None  # people; None when the file gives no plain number
    capacity_text: str = ""  # 定員備考, plus 定員 when it said more than a number
    apply_deadline: date | None = None
    apply_deadline_time: time | None = None
    how_to_apply: str = ""
    url: str = ""  # http(s) only
    content_url: str = ""  # コンテンツURL (current layout): the publisher's page about the event
    apply_url: str = ""  # 申込URL
    audience: str = ""  # 対象者
    image_url: str = ""  # 画像
    genre: str = ""  # イベントジャンル (焼津市's own column), as written
    note: str = ""  # 備考
    keywords: list[str] = field(default_factory=list)
    category_hint: str = ""  # イベント種類 / カテゴリー / イベントジャンル / first keyword
    area_hint: str = ""  # 区 column, 所在地_市区町村, or the ward / city named in the address
    local_gov_code: str = ""
    extra: dict[str, str] = field(default_factory=dict)  # every other non-empty column, by header
    raw: dict[str, str] = field(default_factory=dict, compare=False)  # every non-empty cell of the row, by header
    line: int = field(default=0, compare=False)  # the physical line of the file where the row starts (0: not read)


@dataclass(kw_only=True)
class FacilityRecord:
    name: str
    address: str
    source_id: str = ""
    name_kana: str = ""
    name_en: str = ""  # 名称_英字 (current layout only)
    alias: str = ""  # 名称_通称
    building: str = ""
    latitude: float | None = None
    longitude: float | None = None
    phone: str = ""
    extension: str = ""
    corporate_number: str = ""
    organization: str = ""  # 団体名
    open_days: str = ""  # 利用可能曜日, as written (e.g. 月火水木金)
    open_time: time | None = None
    close_time: time | None = None
    hours_note: str = ""  # 利用可能日時特記事項
    description: str = ""
    barrier_free: list[str] = field(default_factory=list)
    url: str = ""
    postal_code: str = ""  # 郵便番号 (current layout)
    image_url: str = ""
    note: str = ""
    area_hint: str = ""
    local_gov_code: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict, compare=False)  # every non-empty cell of the row, by header
    line: int = field(default=0, compare=False)  # the physical line of the file where the row starts (0: not read)


@dataclass(frozen=True)
class RowError:
    """A problem in one record; ``line`` is the physical line of the file where the record starts."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.line}行目: {self.reason}"


@dataclass
class ImportResult:
    """What an import produced.

    ``errors`` are records that were skipped; ``warnings`` are records that were imported but lost a
    value or lack one the standard asks for. Every data record of the file is in ``records`` or in
    ``errors``, never both.
    """

    records: list
    errors: list[RowError]
    warnings: list[RowError] = field(default_factory=list)
    layout: Layout | None = None
    encoding: str = ""
