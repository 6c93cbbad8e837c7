"""Read event and facility CSV files in the national open-data layouts into normalised records.

    result = read_events(path.read_bytes())
    result.records   # EventRecord, one per good row
    result.errors    # RowError(line, reason) for each skipped row; line = physical line where it starts
    result.warnings  # rows imported with a value dropped, swapped or missing

Only a file that cannot be read at all raises (EncodingError, LayoutError); a bad row never does.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from datetime import date, time

from community.opendata import values as v
from community.opendata.errors import EncodingError
from community.opendata.layouts import AED, EVENT, EVENT_GENRE_COLUMN, FACILITY, SHELTER, Layout, detect_layout
from community.opendata.records import EventRecord, FacilityRecord, ImportResult, RowError
from community.text import plain_text

_MIDNIGHT = time(0, 0)
# Split address columns of the current layouts, joined when 所在地_連結表記 is blank.
_ADDRESS_PARTS = ("所在地_都道府県", "所在地_市区町村", "所在地_町字", "所在地_番地以下")


def read_events(data: bytes, *, strict: bool = False) -> ImportResult:
    """Read an イベント一覧 CSV (older or current layout) from its raw bytes.

    With ``strict`` a record without 説明 (and, in the current layout, without 概要) is skipped as the
    standard says; by default it is imported with a warning, since real files often leave it blank.
    """
    return _read(data, EVENT, _build_event, strict)


def read_facilities(data: bytes, *, strict: bool = False) -> ImportResult:
    """Read a 公共施設一覧 CSV (older or current layout) from its raw bytes."""
    return _read(data, FACILITY, _build_facility, strict)


def read_shelters(data: bytes, *, strict: bool = False) -> ImportResult:
    """Read a 指定緊急避難場所一覧 CSV (older or current layout); the disaster-type flags stay in ``extra``."""
    return _read(data, SHELTER, _build_facility, strict)


def read_aeds(data: bytes, *, strict: bool = False) -> ImportResult:
    """Read an AED設置箇所一覧 CSV (older or current layout); 設置位置, hours and 小児対応 stay in ``extra``."""
    return _read(data, AED, _build_facility, strict)


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 with or without BOM, else CP932 (Shift_JIS with Windows extensions)."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _encoding_error(exc) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932"), "cp932"
    except UnicodeDecodeError as exc:
        raise _encoding_error(exc) from exc


def _encoding_error(exc: UnicodeDecodeError) -> EncodingError:
    return EncodingError(
        f"文字コードを判別できません（{exc.start + 1}バイト目）。"
        "UTF-8 または Shift_JIS（CP932）で保存したCSVを指定してください。"
    )


class _Row:
    """One data record being read: its cells by layout column, and the problems found on the way."""

    def __init__(self, layout: Layout, cells: dict[str, str], extra: dict[str, str], strict: bool):
        self.layout, self.cells, self.extra, self.strict = layout, cells, extra, strict
        self.problems: list[str] = []  # the record is skipped
        self.notes: list[str] = []  # the record is imported; the user is told

    def column(self, field: str) -> str:
        return self.layout.fields.get(field, "")

    def text(self, field: str) -> str:
        column = self.column(field)
        return self.cells.get(column, "") if column else ""

    def date(self, field: str, *, fatal: bool) -> date | None:
        return self._parse(field, v.parse_date, "日付", fatal)

    def time(self, field: str, *, fatal: bool) -> time | None:
        return self._parse(field, v.parse_time, "時刻", fatal)

    def _parse(self, field: str, parse, what: str, fatal: bool):
        raw = self.text(field)
        try:
            return parse(raw)
        except ValueError:
            problem = f"{self.column(field)}「{raw}」を{what}として読めません"
            (self.problems if fatal else self.notes).append(problem)
            return None

    def required(self, field: str) -> str:
        value = self.text(field)
        self.require(value, self.column(field) or field)
        return value

    def require(self, value: str, label: str) -> None:
        """A required text is refused when empty, and when it is nothing but markup: the import stores
        plain text, and "<img src=x>" would be stored as an empty title (as the forms' TextRequired refuses)."""
        if not value:
            self.problems.append(f"{label}が空です")
        elif not plain_text(value).strip():
            self.problems.append(f"{label}がタグだけで、文字がありません")

    def coordinates(self) -> tuple[float | None, float | None]:
        try:
            lat, lon = v.parse_float(self.text("latitude")), v.parse_float(self.text("longitude"))
        except ValueError:
            self.notes.append(
                f"緯度「{self.text('latitude')}」・経度「{self.text('longitude')}」を数値として読めないため"
                "位置情報を読み込みませんでした"
            )
            return None, None
        lat, lon, problem = v.check_coordinates(lat, lon)
        if problem:
            self.notes.append(problem)
        return lat, lon

    def single_url(self, field: str) -> str:
        """An http(s) address from a column that holds one (申込URL, 画像); dropped with a note otherwise."""
        raw = self.text(field)
        try:
            urls = v.split_urls(raw)
        except ValueError:
            self.notes.append(
                f"{self.column(field)}「{raw}」は http:// か https:// で始まるURLではないため読み込みませんでした")
            return ""
        return " ".join(urls)

    def url(self) -> tuple[str, str]:
        """The URL to keep, and further URLs of the same cell, which go to 備考 rather than be lost."""
        raw = self.text("url")
        try:
            urls = v.split_urls(raw)
        except ValueError:
            self.notes.append(
                f"URL「{raw}」は http:// か https:// で始まるURLではないため読み込みませんでした"
            )
            return "", ""
        if len(urls) > 1:
            self.notes.append("URL欄に複数のURLがあったため、2件目以降を備考に移しました")
        return (urls[0] if urls else ""), "\n".join(urls[1:])

    def note(self, more: str) -> str:
        return "\n".join(filter(None, [self.text("note"), more]))

    def identifiers(self) -> tuple[str, str]:
        source_id, code = self.text("source_id"), self.text("local_gov_code")
        if v.looks_mangled(source_id):
            self.notes.append(
                f"{self.column('source_id')}「{source_id}」は表計算ソフトで指数表記に変わった値のようです"
                "（元の番号は失われています）"
            )
        if code and not v.is_local_gov_code(code):
            self.notes.append(f"{self.column('local_gov_code')}「{code}」は6桁の全国地方公共団体コードではありません")
        return source_id, code

    def area_hint(self, address: str) -> str:
        # A city's own 区 column is the most direct; then the current layouts' 所在地_市区町村;
        # then the ward or city named in the address.
        return (
            self.extra.get("区", "")
            or v.area_from_address(self.cells.get("所在地_市区町村", ""))
            or v.area_from_address(address)
        )


def _read(data: bytes, kind: str, build: Callable[[_Row], object], strict: bool) -> ImportResult:
    text, encoding = decode(data)
    # strict: a quote left open runs to the end of the file, and "x"y is not a field; both should be
    # reported rather than silently swallow the following records.
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(rows, [])
    except csv.Error:
        header = []
    layout = detect_layout(header, kind)
    names = [_header_name(cell, index) for index, cell in enumerate(header)]
    claimed = set(layout.fields.values())
    result = ImportResult([], [], [], layout=layout, encoding=encoding)

    previous_end = rows.line_num
    while True:
        # A record starts on the line after the previous one ended: csv.reader's line_num counts the
        # physical lines consumed, including those inside quoted fields.
        line = previous_end + 1
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            previous_end = rows.line_num  # the reader resumes on the next line
            result.errors.append(RowError(line, _csv_problem(exc)))
            continue
        previous_end = rows.line_num
        if not any(cell.strip() for cell in row):
            continue  # blank lines and rows of empty cells, as spreadsheets leave at the end
        if len(row) > len(names) and any(cell.strip() for cell in row[len(names) :]):
            result.errors.append(
                RowError(
                    line,
                    f"列の数（{len(row)}）が見出し行（{len(names)}）より多いため読み込めません。"
                    "引用符（\"）の閉じ忘れや区切りのカンマがないか確認してください",
                )
            )
            continue
        cells, extra = _split_cells(layout, names, row, claimed)
        record_row = _Row(layout, cells, extra, strict)
        record = build(record_row)
        if record is not None:
            record.raw = {**{k: c for k, c in cells.items() if c}, **extra}
            record.line = line
        if record_row.problems:
            result.errors.append(RowError(line, "。".join(record_row.problems)))
        else:
            result.records.append(record)
            result.warnings.extend(RowError(line, note) for note in record_row.notes)
    return result


def _csv_problem(exc: csv.Error) -> str:
    message = str(exc)
    if "unexpected end of data" in message:
        return "引用符（\"）が閉じられないままファイルが終わっています。この行から後を読み込めませんでした"
    if "expected after" in message:
        return "引用符（\"）で囲んだ値の後にカンマ以外の文字があるため読み込めません"
    return f"CSVとして読めません（{message}）"


def _header_name(cell: str, index: int) -> str:
    return cell.strip().lstrip("\ufeff").strip() or f"列{index + 1}"


def _split_cells(
    layout: Layout, names: list[str], row: list[str], claimed: set[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Cells by the layout's column spelling, and ``extra``: every other non-empty cell by its header."""
    cells: dict[str, str] = {}
    extra: dict[str, str] = {}
    for index, name in enumerate(names):
        value = v.clean_text(row[index]) if index < len(row) else ""  # short rows: trailing cells blank
        column = layout.column_for(name)
        if column is not None and column not in cells:
            cells[column] = value
            if column in claimed:
                continue
            name = column
        if value:
            extra.setdefault(name, value)
    return cells, extra


def _split_amount(
    row: _Row, amount_field: str, text_field: str, parse, is_plain, *, amount_in_text: bool
) -> tuple[int | None, str]:
    """料金 / 定員: a number from the number column (or, if allowed, the text column) and the words.

    The number column's text is kept in the text field only when it says more than the number, so
    that writing the record and reading it back gives the same values.
    """
    raw, detail = row.text(amount_field), row.text(text_field)
    amount = parse(raw) if raw else None
    if amount is None and detail and amount_in_text:
        amount = parse(detail)
    parts = [raw] if raw and not is_plain(raw) else []
    if detail and detail not in parts:
        parts.append(detail)
    return amount, "\n".join(parts)


def _build_event(row: _Row) -> EventRecord | None:
    title = row.required("title")
    start_date, range_end = _range(row, "start_date", v.parse_date_range, "日付") if row.required("start_date") \
        else (None, None)
    end_date = row.date("end_date", fatal=True) or range_end
    if start_date and end_date and end_date < start_date:
        end_text = row.text("end_date") or end_date
        row.problems.append(f"終了日「{end_text}」が開始日「{row.text('start_date')}」より前です")
    start_time, range_end_time = _range(row, "start_time", v.parse_time_range, "時刻")
    end_time = row.time("end_time", fatal=True) or range_end_time
    # 0:00 as an end time means nothing on a day; 0:00 to 0:00 (or to blank) is 焼津市's "no time given".
    if end_time == _MIDNIGHT:
        end_time = None
    if start_time == _MIDNIGHT and end_time is None:
        start_time = None
    description, summary = row.text("description"), row.text("summary")
    if not description and not summary:
        label = "概要・説明がともに空です" if row.column("summary") else "説明が空です"
        if row.strict:
            row.problems.append(label)
        else:
            row.notes.append(f"{label}（標準では必須の項目です）")
    source_id, code = row.identifiers()
    latitude, longitude = row.coordinates()
    # 焼津市 writes fees only in 料金(詳細) ("1,000円（当日支払い）"); 定員備考 is prose, not a count.
    fee_amount, fee_text = _split_amount(
        row, "fee_amount", "fee_text", v.parse_yen, v.is_plain_yen, amount_in_text=True
    )
    capacity, capacity_text = _split_amount(
        row, "capacity", "capacity_text", v.parse_count, v.is_plain_count, amount_in_text=False
    )
    keywords = v.split_list(row.text("keywords"))
    url, more_urls = row.url()
    if row.problems:
        return None
    address = row.text("address") or "".join(row.cells.get(part, "") for part in _ADDRESS_PARTS)
    return EventRecord(
        source_id=source_id, title=title, title_kana=row.text("title_kana"), title_en=row.text("title_en"),
        description=description, summary=summary, start_date=start_date, end_date=end_date,
        start_time=start_time, end_time=end_time, all_day=start_time is None and end_time is None,
        time_note=row.text("time_note"), fee_amount=fee_amount, fee_text=fee_text,
        contact_name=row.text("contact_name"), contact_phone=row.text("contact_phone"),
        contact_extension=row.text("contact_extension"), organizer=row.text("organizer"),
        venue_name=row.text("venue_name"), address=address, building=row.text("building"),
        latitude=latitude, longitude=longitude, access=row.text("access"), parking=row.text("parking"),
        capacity=capacity, capacity_text=capacity_text,
        apply_deadline=row.date("apply_deadline", fatal=False),
        apply_deadline_time=row.time("apply_deadline_time", fatal=False),
        how_to_apply=row.text("how_to_apply"), url=url, note=row.note(more_urls), keywords=keywords,
        content_url=row.single_url("content_url"), apply_url=row.single_url("apply_url"),
        audience=row.text("audience"), image_url=row.single_url("image_url"),
        genre=row.text("genre") or row.extra.get(EVENT_GENRE_COLUMN, ""),
        category_hint=_category_hint(row, keywords),
        area_hint=row.area_hint(address), local_gov_code=code, extra=row.extra,
    )


def _range(row: _Row, field: str, parse, what: str):
    """A start cell that may hold a whole range (「2026/4/2〜2027/3/18」, 「10:00〜12:00」); refused with the
    cell quoted when it cannot be read."""
    raw = row.text(field)
    try:
        return parse(raw)
    except ValueError:
        row.problems.append(f"{row.column(field)}「{raw}」を{what}として読めません")
        return None, None


def _category_hint(row: _Row, keywords: list[str]) -> str:
    return (
        row.text("category_hint")  # イベント種類
        or row.extra.get("カテゴリー", "")  # 浜松市
        or row.text("genre") or row.extra.get(EVENT_GENRE_COLUMN, "")  # 焼津市
        or (keywords[0] if keywords else "")
    )


def _build_facility(row: _Row) -> FacilityRecord | None:
    name = row.required("name")
    address = row.text("address") or "".join(row.cells.get(part, "") for part in _ADDRESS_PARTS)
    row.require(address, row.column("address"))
    source_id, code = row.identifiers()
    if v.looks_mangled(row.text("corporate_number")):
        row.notes.append(f"法人番号「{row.text('corporate_number')}」は表計算ソフトで指数表記に変わった値のようです")
    latitude, longitude = row.coordinates()
    hours_note = row.text("hours_note")
    times = []
    # A facility is not refused for an odd opening time: the text is kept with the hours instead.
    for field in ("open_time", "close_time"):
        try:
            times.append(v.parse_time(row.text(field)))
        except ValueError:
            raw = row.text(field)
            row.notes.append(f"{row.column(field)}「{raw}」を時刻として読めないため利用可能日時特記事項に残しました")
            hours_note = "\n".join(filter(None, [hours_note, f"{row.column(field)}: {raw}"]))
            times.append(None)
    url, more_urls = row.url()
    if row.problems:
        return None
    return FacilityRecord(
        source_id=source_id, name=name, name_kana=row.text("name_kana"), name_en=row.text("name_en"),
        alias=row.text("alias"), address=address, building=row.text("building"), latitude=latitude,
        longitude=longitude, phone=row.text("phone"), extension=row.text("extension"),
        corporate_number=row.text("corporate_number"), organization=row.text("organization"),
        open_days=row.text("open_days"), open_time=times[0], close_time=times[1], hours_note=hours_note,
        description=row.text("description"), barrier_free=v.split_list(row.text("barrier_free")),
        url=url, note=row.note(more_urls), area_hint=row.area_hint(address), local_gov_code=code,
        postal_code=row.text("postal_code"), image_url=row.single_url("image_url"), extra=row.extra,
    )
