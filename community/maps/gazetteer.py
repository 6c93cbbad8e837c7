"""A small local gazetteer of Sagamihara: representative points of the city, its three wards, its 22 districts and
some well-known town names, so an editor can place an item from its address without asking any outside service.

The points are approximate (a ward office, a district's まちづくりセンター or main station, rounded to about 100 m):
good enough to start the map near the place, never a geocoded address. Areas are matched by slug, so an area an
admin adds later falls back to the nearest area above it that has a point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Area slug (see areas.services.SAGAMIHARA) → (latitude, longitude).
AREA_POINTS: dict[str, tuple[float, float]] = {
    "sagamihara": (35.5714, 139.3733),   # 相模原市役所
    "midori": (35.5947, 139.3446),       # 緑区役所 (橋本)
    "chuo": (35.5714, 139.3733),         # 中央区役所 (市役所)
    "minami": (35.5326, 139.4378),       # 南区役所 (相模大野)
    "hashimoto": (35.5951, 139.3449),
    "osawa": (35.5860, 139.3180),
    "shiroyama": (35.5900, 139.2930),
    "tsukui": (35.5870, 139.2500),
    "sagamiko": (35.6147, 139.1897),
    "fujino": (35.6223, 139.1424),
    "oyama": (35.5870, 139.3620),
    "seishin": (35.5760, 139.3560),
    "yokoyama": (35.5680, 139.3620),
    "chuo-chiku": (35.5714, 139.3733),
    "hoshigaoka": (35.5620, 139.3840),
    "hikarigaoka": (35.5540, 139.3770),
    "ono-kita": (35.5689, 139.3950),
    "tana": (35.5440, 139.3430),
    "kamimizo": (35.5537, 139.3622),
    "ono-naka": (35.5500, 139.4170),
    "ono-minami": (35.5322, 139.4380),
    "asamizo": (35.5240, 139.3880),
    "araiso": (35.5060, 139.3750),
    "sagamidai": (35.5183, 139.4318),
    "sobudai": (35.5080, 139.4030),
    "torin": (35.5238, 139.4458),
}

# Names that appear in addresses but are not area names (stations, well-known towns) → the same kind of point.
TOWN_POINTS: dict[str, tuple[float, float]] = {
    "淵野辺": (35.5689, 139.3950),
    "矢部": (35.5700, 139.3850),
    "古淵": (35.5567, 139.4193),
    "相模大野": (35.5322, 139.4380),
    "東林間": (35.5238, 139.4458),
    "南台": (35.5190, 139.4280),
    "南橋本": (35.5856, 139.3457),
    "相原": (35.6060, 139.3280),
    "相模湖": (35.6147, 139.1897),
    "上溝": (35.5537, 139.3622),
    "下溝": (35.5330, 139.3670),
}

# Written before the place names in an address; removed first, so the district 中央 is not found in 中央区.
_PREFIXES = re.compile(r"神奈川県|相模原市|緑区|中央区|南区")


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float
    longitude: float


def locate(address: str, areas: list, chain: list) -> Place | None:
    """The point of the most specific place named in `address`: a town or district name, else a ward or city name;
    failing those, of the first area of `chain` (the item's area, then the areas above it) that has a point.
    `areas` are all the areas (objects with slug and name)."""
    raw = address or ""
    text = _PREFIXES.sub(" ", raw)
    with_points = [area for area in areas if area.slug in AREA_POINTS]
    places = list(TOWN_POINTS.items())
    places += [(area.name, AREA_POINTS[area.slug]) for area in with_points if not _is_municipal(area.name)]
    for name, (lat, lon) in sorted(places, key=lambda pair: -len(pair[0])):
        if name in text:
            return Place(name, lat, lon)
    for area in sorted(with_points, key=lambda area: -len(area.ancestor_ids)):  # a ward before the city
        if _is_municipal(area.name) and area.name in raw:
            return Place(area.name, *AREA_POINTS[area.slug])
    for area in chain:
        if area.slug in AREA_POINTS:
            return Place(area.name, *AREA_POINTS[area.slug])
    return None


def _is_municipal(name: str) -> bool:
    return name.endswith(("市", "区"))
