"""Where an imported row is: its area from the address (district, ward), the 郵便番号 or the coordinates.

A row that none of these place in Sagamihara (another city's facility, an address without a place name) is not
guessed: it is stored at the fallback area (the group's, else the city) and listed in the import report as
「地域を特定できません」 with its row number, so that an editor can place it by hand.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select

from community.areas.models import Area
from community.extensions import db
from community.maps.gazetteer import AREA_POINTS, TOWN_POINTS

# Sagamihara (141500) and its three wards.
HOME_CODES = frozenset({"141500", "141518", "141526", "141534"})
CITY_NAME = "相模原市"

# Since the city became a designated city (2010) its postcodes are 252-01xx in 緑区, 252-02xx in 中央区 and
# 252-03xx in 南区; the neighbours' 252-xxxx codes (座間市 252-00xx, 藤沢市 252-08xx, 綾瀬市 252-11xx …) are
# outside these three blocks. Ward level only: a district is not read from a postcode.
POSTCODE_WARDS = {"25201": "緑区", "25202": "中央区", "25203": "南区"}

# The city's extent (a box round its borders) and how far a point may lie from the nearest district point.
BOUNDS = (35.47, 35.68, 139.10, 139.48)  # south, north, west, east
MAX_DISTANCE_KM = 4.0

_PREFECTURE = re.compile(r"^(?:東京都|北海道|京都府|大阪府|\S{2,3}県)")
_MUNICIPALITY = re.compile(r"^(?P<name>[^\s\d]+?[市町村])")
_POSTCODE = re.compile(r"(\d{3})-?(\d{4})")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").replace("ー", "-").replace("−", "-").strip()


@dataclass(frozen=True)
class Placement:
    area: Area
    placed: bool  # False: the fallback area, the row is to be listed in the report
    how: str  # "address", "postcode", "coordinates" or "" (not placed)


def postcode_ward(postcode: str) -> str:
    """The ward a Sagamihara 郵便番号 belongs to ("252-0303" → "南区"), or "" for another place's code."""
    match = _POSTCODE.search(_nfkc(postcode))
    if not match:
        return ""
    return POSTCODE_WARDS.get((match.group(1) + match.group(2))[:5], "")


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat = math.radians((a[0] + b[0]) / 2)
    dy = (a[0] - b[0]) * 111.0
    dx = (a[1] - b[1]) * 111.0 * math.cos(lat)
    return math.hypot(dx, dy)


class Placer:
    """Places rows in the area tree; built once per import (it loads the areas once)."""

    def __init__(self, fallback: Area):
        self.fallback = fallback
        areas = list(db.session.scalars(select(Area)))
        self.by_id = {area.id: area for area in areas}
        order = {"district": 0, "ward": 1, "city": 2}
        self.named = sorted((a for a in areas if a.level != "city"),
                            key=lambda a: (order.get(a.level, 3), -len(a.name)))
        self.wards = {a.name: a for a in areas if a.level == "ward"}
        self.districts = [a for a in areas if a.level == "district" and a.slug in AREA_POINTS]
        # A town name of the gazetteer (淵野辺, 相模大野 …) is placed in the district whose point it shares.
        by_point = {AREA_POINTS[a.slug]: a for a in self.districts}
        self.towns = {name: by_point[point] for name, point in TOWN_POINTS.items() if point in by_point}

    def place(self, *, code: str = "", address: str = "", hints: tuple[str, ...] = (), postcode: str = "",
              latitude: float | None = None, longitude: float | None = None) -> Placement:
        text = _nfkc(address)
        ours = CITY_NAME in text
        elsewhere = not ours and self._names_other_municipality(text)
        foreign_publisher = bool(code) and code not in HOME_CODES
        if not elsewhere and (ours or not foreign_publisher):
            area = self._by_name(text, *(_nfkc(h) for h in hints if h))
            if area is not None:
                return Placement(area, True, "address")
        ward = postcode_ward(postcode) or postcode_ward(text if ours or not elsewhere else "")
        if ward and ward in self.wards:
            return Placement(self.wards[ward], True, "postcode")
        if not elsewhere and (ours or not foreign_publisher):
            area = self._nearest(latitude, longitude)
            if area is not None:
                return Placement(area, True, "coordinates")
        return Placement(self.fallback, False, "")

    def _names_other_municipality(self, text: str) -> bool:
        """An address that starts with another prefecture, or with a city, town or village that is not ours."""
        prefecture = _PREFECTURE.match(text)
        if prefecture and prefecture.group(0) != "神奈川県":
            return True
        rest = text[prefecture.end():] if prefecture else text
        municipality = _MUNICIPALITY.match(rest)
        if municipality and municipality.group("name") != CITY_NAME:
            # "緑区…" or "南区…" written without the city is ours; "江東区…" is matched by the ward check below
            return not any(rest.startswith(name) for name in self.wards)
        ward = re.match(r"^[^\s\d]+?区", rest)
        return bool(ward) and ward.group(0) not in self.wards

    def _by_name(self, *texts: str) -> Area | None:
        for text in texts:
            body = text
            for name in (CITY_NAME, "神奈川県", *self.wards):
                body = body.replace(name, " ")  # the district 中央 is not found in 中央区
            for area in self.named:
                if area.level == "district" and area.name in body:
                    return area
            for name, area in sorted(self.towns.items(), key=lambda pair: -len(pair[0])):
                if name in body:
                    return area
        for text in texts:
            for name, ward in self.wards.items():
                if name in text:
                    return ward
        return None

    def _nearest(self, latitude: float | None, longitude: float | None) -> Area | None:
        if latitude is None or longitude is None or not self.districts:
            return None
        south, north, west, east = BOUNDS
        if not (south <= latitude <= north and west <= longitude <= east):
            return None
        point = (latitude, longitude)
        best = min(self.districts, key=lambda a: _distance_km(point, AREA_POINTS[a.slug]))
        return best if _distance_km(point, AREA_POINTS[best.slug]) <= MAX_DISTANCE_KM else None
