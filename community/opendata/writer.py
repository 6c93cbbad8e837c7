"""Write events and facilities as CSV in the current 自治体標準オープンデータセット layouts.

The output is what a city publishes: the layout's header exactly, CRLF line ends, dates YYYY-MM-DD,
times HH:MM, and either UTF-8 with a BOM (so that Excel opens it as UTF-8) or CP932 for older tools.
Reading the output back with the reader gives the same records for every field the layout carries.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time

from community.opendata import values as v
from community.opendata.layouts import (
    AEDS_STANDARD,
    EVENTS_STANDARD,
    FACILITIES_STANDARD,
    PUBLISHER_CODE_COLUMN,
    PUBLISHER_NAME_COLUMN,
    SHELTERS_STANDARD,
    Layout,
    header_key,
)
from community.opendata.records import EventRecord, FacilityRecord

UTF8 = "utf-8"
CP932 = "cp932"
_ENCODING_NAMES = {
    "utf-8": UTF8, "utf8": UTF8, "utf-8-sig": UTF8,
    "cp932": CP932, "shift_jis": CP932, "shift-jis": CP932, "sjis": CP932, "windows-31j": CP932,
}

# Characters CP932 lacks but has a look-alike for. (Python's cp932 codec already writes 〜 U+301C,
# − U+2212, ‖, ¢, £ and ¬ as their Shift_JIS look-alikes; these are the ones it refuses.)
_CP932_LOOKALIKES = str.maketrans({
    "\u2014": "\u2015",  # — EM DASH → ―
    "\u2013": "\u2010",  # – EN DASH → ‐
    "\u00a5": "\uffe5",  # ¥ → ￥
    "\u00a0": " ",  # no-break space
    "\U00020bb7": "吉",  # 𠮷 (つちよし), common in names
})
# Who publishes the portal's files: Sagamihara (local government code 141500).
PORTAL_CODE, PORTAL_CITY = "141500", "相模原市"
# The traditional Japanese mark for "character that could not be shown" (げた記号).
CP932_REPLACEMENT = "〓"


def write_events(records: Iterable[EventRecord], local_gov_code: str = PORTAL_CODE, city_name: str = PORTAL_CITY,
                 encoding: str = UTF8) -> bytes:
    """CSV bytes in the current イベント一覧 layout (80 columns: the standard's 79 and 焼津市's イベントジャンル).
    The publisher columns come from the
    arguments: the file says who publishes it, whoever first published each record."""
    return _write(EVENTS_STANDARD, records, _event_cells, local_gov_code, city_name, encoding)


def write_facilities(records: Iterable[FacilityRecord], local_gov_code: str = PORTAL_CODE,
                     city_name: str = PORTAL_CITY, encoding: str = UTF8) -> bytes:
    """CSV bytes in the current 公共施設一覧 layout (see layouts.FACILITY_COLUMNS_STANDARD)."""
    return _write(FACILITIES_STANDARD, records, _typed_cells, local_gov_code, city_name, encoding)


def stream_events(records: Iterable[EventRecord], local_gov_code: str = PORTAL_CODE,
                  city_name: str = PORTAL_CITY) -> Iterator[bytes]:
    """write_events a few rows at a time (UTF-8 with its BOM): for a response that starts before the last row is
    read."""
    yield codecs.BOM_UTF8
    for text in _texts(EVENTS_STANDARD, records, _event_cells, local_gov_code, city_name):
        yield text.encode("utf-8", errors="replace")


def write_shelters(records: Iterable[FacilityRecord], local_gov_code: str = PORTAL_CODE,
                   city_name: str = PORTAL_CITY, encoding: str = UTF8) -> bytes:
    """CSV bytes in the current 指定緊急避難場所一覧 layout (see layouts.SHELTER_COLUMNS_STANDARD)."""
    return _write(SHELTERS_STANDARD, records, _typed_cells, local_gov_code, city_name, encoding)


def write_aeds(records: Iterable[FacilityRecord], local_gov_code: str = PORTAL_CODE,
               city_name: str = PORTAL_CITY, encoding: str = UTF8) -> bytes:
    """CSV bytes in the current AED設置箇所一覧 layout (see layouts.AED_COLUMNS_STANDARD)."""
    return _write(AEDS_STANDARD, records, _typed_cells, local_gov_code, city_name, encoding)


def _write(layout: Layout, records, typed_cells, local_gov_code: str, city_name: str, encoding: str) -> bytes:
    codec = _ENCODING_NAMES.get(encoding.lower())
    if codec is None:
        raise ValueError(f"unsupported encoding {encoding!r}: use 'utf-8' or 'cp932'")
    text = "".join(_texts(layout, records, typed_cells, local_gov_code, city_name))
    if codec == CP932:
        return encode_cp932(text)
    return codecs.BOM_UTF8 + text.encode("utf-8", errors="replace")


def _texts(layout: Layout, records, typed_cells, local_gov_code: str, city_name: str, chunk: int = 200):
    """The CSV text: the header, then the rows `chunk` at a time."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(layout.columns)
    for count, record in enumerate(records, start=1):
        cells = typed_cells(layout, record)
        # Columns no record field claims (対象者, 画像, 所在地_町字 …) come back out of extra, where the
        # reader put them, so that a file read and written again keeps them.
        extra = {header_key(name): value for name, value in record.extra.items()}
        row = []
        for column in layout.columns:
            if column == PUBLISHER_CODE_COLUMN:
                value = local_gov_code
            elif column == PUBLISHER_NAME_COLUMN:
                value = city_name
            else:  # a typed value first; the cell as the file had it when the record leaves the column empty
                value = cells.get(column, "") or extra.get(header_key(column), "")
            row.append(v.guard_formula(value))
        writer.writerow(row)
        if count % chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _typed_cells(layout: Layout, record) -> dict[str, str]:
    return {column: _format(getattr(record, name)) for name, column in layout.fields.items()}


def _event_cells(layout: Layout, record: EventRecord) -> dict[str, str]:
    cells = _typed_cells(layout, record)
    if record.all_day:
        # An all-day event has no times; writing blanks (not 0:00) keeps the file unambiguous.
        cells[layout.fields["start_time"]] = cells[layout.fields["end_time"]] = ""
    return cells


def _format(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return v.format_date(value.date())
    if isinstance(value, date):
        return v.format_date(value)
    if isinstance(value, time):
        return v.format_time(value)
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float):
        return v.format_float(value)
    if isinstance(value, list | tuple):
        return ";".join(str(item) for item in value)
    return str(value)


def encode_cp932(text: str) -> bytes:
    """Encode for Shift_JIS tools: look-alikes first, then the NFKC form, then 〓 for what is left."""
    text = unicodedata.normalize("NFC", text).translate(_CP932_LOOKALIKES)
    try:
        return text.encode(CP932)
    except UnicodeEncodeError:
        pass
    out = []
    for char in text:
        for candidate in (char, unicodedata.normalize("NFKC", char), CP932_REPLACEMENT):
            try:
                out.append(candidate.encode(CP932))
                break
            except UnicodeEncodeError:
                continue
    return b"".join(out)
