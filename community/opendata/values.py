"""Parsing and formatting of single cell values: dates, times, yen, counts, coordinates, codes, URLs.

Parsers take the raw cell text. They compare in NFKC form, so full-width digits, "：" and "／" read
like their ASCII forms, but the text kept in records is never NFKC-folded (that would also fold
ordinary Japanese prose). Parsers that can fail raise ValueError; the reader turns that into a
row error or warning with the original text quoted.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time

_DATE_RE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    # 2026年4月2日(木): a weekday in brackets is common in Japanese lists; it adds nothing.
    r"(?:\s*\([月火水木金土日](?:曜日?)?\))?"
    # Spreadsheets export date cells as "2026/4/2 0:00"; only midnight is dropped, a real time is not.
    r"(?:\s+0?0:00(?::00)?)?"
)
_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_AMOUNT = r"(\d{1,3}(?:,\d{3})+|\d+)"
_YEN_RE = re.compile(rf"¥?\s*{_AMOUNT}\s*(?:円|$)")
_PLAIN_YEN_RE = re.compile(rf"¥?\s*{_AMOUNT}\s*円?|無料")
# 定員: a number of people. "15組" (groups) is not a head count, so it stays text only.
_COUNT_RE = re.compile(rf"(?:定員|先着)?\s*{_AMOUNT}\s*(?:人|名)?(?:$|[\s(])")
_PLAIN_COUNT_RE = re.compile(rf"{_AMOUNT}\s*(?:人|名)?")
_MANGLED_RE = re.compile(r"[+-]?\d(?:\.\d+)?E[+-]?\d+", re.IGNORECASE)
_URL_RE = re.compile(r"https?://[^\s\"'<>]+", re.IGNORECASE)
_LIST_SPLIT_RE = re.compile(r"[;；]")
_PREFECTURE_RE = re.compile(r"^(?:東京都|北海道|京都府|大阪府|\S{2,3}県)")
_CITY_WARD_RE = re.compile(r"^(?P<city>[^\s\d]+?市)?(?P<ward>[^\s\d]+?区)?")
_TOWN_RE = re.compile(r"^(?:[^\s\d]+?郡)?(?P<town>[^\s\d]+?[町村])")
# Cells starting with these are run as formulas by Excel ("CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBERISH_RE = re.compile(r"[+-]?[\d.,()\s-]*")

# Japan's extent, generously: a point outside is a typo, a swapped pair or a placeholder.
LATITUDE_RANGE = (20.0, 46.0)
LONGITUDE_RANGE = (122.0, 154.0)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def clean_text(text: str) -> str:
    """Trim a cell and use "\\n" for line breaks; undo the writer's formula guard."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return unguard_formula(text)


# 和暦: the eras a date in an event file names. 元年 is year 1.
_ERAS = {"令和": 2018, "平成": 1988, "R": 2018, "H": 1988}
_ERA_RE = re.compile(r"(令和|平成|R|H)\s*(元|\d{1,2})\s*[年.]")
# A date without its year ("3月18日", "3/18"): the end of a range whose start names the year.
_MONTH_DAY_RE = re.compile(r"(\d{1,2})\s*[/月]\s*(\d{1,2})\s*日?(?:\s*\([月火水木金土日](?:曜日?)?\))?")
# 「〜」「～」「から」 between two dates or times (NFKC has already made ～ into ~).
_RANGE_SPLIT_RE = re.compile(r"\s*(?:[〜~]|から|より)\s*")
_TRAILING_RE = re.compile(r"\s*(?:から|より|まで|[〜~])\s*$")
_TIME_JA_RE = re.compile(r"(午前|午後|AM|PM|am|pm)?\s*(\d{1,2})\s*時\s*(?:(\d{1,2})\s*分|(半))?")


def _western(value: str) -> str:
    """令和8年4月2日 → 2026年4月2日 (令和元年 is 2019)."""
    match = _ERA_RE.search(value)
    if not match:
        return value
    year = 1 if match.group(2) == "元" else int(match.group(2))
    return value[: match.start()] + f"{_ERAS[match.group(1)] + year}年" + value[match.end() :]


def _bare(text: str) -> str:
    return _TRAILING_RE.sub("", nfkc(text))


def parse_date(text: str) -> date | None:
    """2026-04-02, 2026/4/2, 2026年4月2日, 令和8年4月2日 (full-width digits too), with a trailing 「から」 or
    「まで」 allowed; None for a blank cell; ValueError for anything else."""
    value = _western(_bare(text))
    if not value:
        return None
    match = _DATE_RE.fullmatch(value)
    if not match:
        raise ValueError(text)
    year, month, day = (int(part) for part in match.groups())
    return date(year, month, day)  # raises ValueError for 2026-13-40


def parse_date_range(text: str) -> tuple[date | None, date | None]:
    """A cell holding a whole range: 「2026/4/2〜2027/3/18」, 「令和8年4月2日から3月18日まで」; one date gives
    (date, None). An end without its year takes the start's, or the next one when it would fall before the
    start (「12月20日〜1月10日」 crosses the new year)."""
    value = _western(_bare(text))
    if not value:
        return None, None
    parts = [part for part in _RANGE_SPLIT_RE.split(value, maxsplit=1) if part]
    start = parse_date(parts[0])
    if len(parts) == 1 or start is None:
        return start, None
    tail = _bare(parts[1])
    try:
        return start, parse_date(tail)
    except ValueError:
        match = _MONTH_DAY_RE.fullmatch(tail)
        if not match:
            raise ValueError(text) from None
    end = date(start.year, int(match.group(1)), int(match.group(2)))
    return start, end if end >= start else end.replace(year=start.year + 1)


def parse_time(text: str) -> time | None:
    """H:MM, HH:MM, HH:MM:SS, 9時30分, 10時半, 午前10時, 午後2時半, 正午 (full-width too); seconds are dropped.
    24:00 (until midnight) reads as 23:59. A trailing 「から」 is allowed; ValueError for anything else."""
    value = _bare(text).replace("正午", "12時")
    if not value:
        return None
    match = _TIME_RE.fullmatch(value)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
    else:
        match = _TIME_JA_RE.fullmatch(value)
        if not match:
            raise ValueError(text)
        hour, minute = int(match.group(2)), 30 if match.group(4) else int(match.group(3) or 0)
        half = (match.group(1) or "").lower()
        if half in ("午後", "pm") and hour < 12:
            hour += 12
        elif half in ("午前", "am") and hour == 12:
            hour = 0
    if (hour, minute) == (24, 0):
        return time(23, 59)
    return time(hour, minute)  # raises ValueError for 25:00


def parse_time_range(text: str) -> tuple[time | None, time | None]:
    """「10:00〜12:00」, 「午後1時から3時まで」 → both times (the end shares the start's 午後); one time gives
    (time, None)."""
    value = _bare(text)
    if not value:
        return None, None
    parts = [part for part in _RANGE_SPLIT_RE.split(value, maxsplit=1) if part]
    start = parse_time(parts[0])
    if len(parts) == 1:
        return start, None
    tail = _bare(parts[1])
    if re.match(r"(午後|PM|pm)", parts[0]) and not re.match(r"(午前|午後|AM|PM|am|pm|正午)", tail) and "時" in tail:
        tail = "午後" + tail
    return start, parse_time(tail)


def format_date(value: date | None) -> str:
    return value.isoformat() if value else ""


def format_time(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def parse_yen(text: str) -> int | None:
    """The leading amount of a fee ("1,000円（当日支払い）" → 1000, "無料" → 0), else None."""
    value = nfkc(text)
    if not value:
        return None
    if value.startswith("無料") or ("無料" in value and not re.search(r"\d", value)):
        return 0
    match = _YEN_RE.match(value)
    return int(match.group(1).replace(",", "")) if match else None


def is_plain_yen(text: str) -> bool:
    """True when the cell says nothing beyond an amount ("1000", "1,000円", "無料")."""
    return bool(_PLAIN_YEN_RE.fullmatch(nfkc(text)))


def parse_count(text: str) -> int | None:
    """A head count at the start of 定員 ("20人　先着順" → 20); None for "先着順" or "15組"."""
    match = _COUNT_RE.match(nfkc(text))
    return int(match.group(1).replace(",", "")) if match else None


def is_plain_count(text: str) -> bool:
    return bool(_PLAIN_COUNT_RE.fullmatch(nfkc(text)))


def parse_float(text: str) -> float | None:
    value = nfkc(text)
    if not value:
        return None
    return float(value)  # raises ValueError


def check_coordinates(lat: float | None, lon: float | None) -> tuple[float | None, float | None, str]:
    """Validate a latitude/longitude pair; returns the pair to keep and a problem ("" when none).

    A pair is kept only whole and inside Japan. 0/0 is a common placeholder and counts as blank. A pair
    entered the wrong way round is swapped back, with a note, rather than losing the map position.
    """
    if lat is None and lon is None or (lat == 0 and lon == 0):
        return None, None, ""
    if lat is None or lon is None:
        return None, None, "緯度と経度の片方しかないため位置情報を読み込みませんでした"
    if _in_japan(lat, lon):
        return lat, lon, ""
    if _in_japan(lon, lat):
        return lon, lat, f"緯度「{lat}」と経度「{lon}」が入れ替わっていたため入れ替えて読み込みました"
    return None, None, f"緯度「{lat}」・経度「{lon}」が日本の範囲外のため位置情報を読み込みませんでした"


def _in_japan(lat: float, lon: float) -> bool:
    return LATITUDE_RANGE[0] <= lat <= LATITUDE_RANGE[1] and LONGITUDE_RANGE[0] <= lon <= LONGITUDE_RANGE[1]


def format_float(value: float | None) -> str:
    return repr(value) if value is not None else ""  # repr is the shortest text that reads back equal


def split_urls(text: str) -> list[str]:
    """The http(s) URLs of a cell (one, or several separated by spaces or lines); ValueError otherwise.

    Anything else (javascript:, mailto:, a bare "www.…") is refused: the portal puts these in links.
    """
    urls = text.split()
    if not all(_URL_RE.fullmatch(url) for url in urls):
        raise ValueError(text)
    return urls


def split_list(text: str) -> list[str]:
    """`;`-separated values (キーワード, バリアフリー情報); empty items (a trailing `;`) are dropped."""
    return [item.strip() for item in _LIST_SPLIT_RE.split(text) if item.strip()]


def looks_mangled(text: str) -> bool:
    """True for a long number a spreadsheet turned into exponent form, such as 1.00E+12."""
    return bool(_MANGLED_RE.fullmatch(nfkc(text)))


def is_local_gov_code(code: str) -> bool:
    """A 6-digit 全国地方公共団体コード whose last digit is the check digit of the first five."""
    if not re.fullmatch(r"\d{6}", code):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(code[:5], (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10 == int(code[5])


def area_from_address(address: str) -> str:
    """The ward (区), else the city, town or village an address names: "浜松市中央区…" → "中央区"."""
    value = _PREFECTURE_RE.sub("", nfkc(address))
    match = _CITY_WARD_RE.match(value)
    if match and (match.group("ward") or match.group("city")):
        return match.group("ward") or match.group("city")
    town = _TOWN_RE.match(value)
    return town.group("town") if town else ""


def guard_formula(text: str) -> str:
    """Prefix "'" to a cell Excel would run as a formula; plain numbers and phone numbers are left alone."""
    if text.startswith(_FORMULA_START) and not _NUMBERISH_RE.fullmatch(text):
        return "'" + text
    return text


def unguard_formula(text: str) -> str:
    if text.startswith("'") and text[1:].startswith(_FORMULA_START) and not _NUMBERISH_RE.fullmatch(text[1:]):
        return text[1:]
    return text
