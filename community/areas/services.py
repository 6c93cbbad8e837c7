"""Reading and changing the area hierarchy and the category list."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select

from community.areas.models import Area, Category
from community.extensions import db

# Sagamihara: three wards and the 22 districts (地区) the city itself uses for its
# まちづくり会議. Slugs are romanised so that URLs stay readable.
SAGAMIHARA = {
    "slug": "sagamihara", "name": "相模原市", "kana": "さがみはらし", "en": "Sagamihara City",
    "wards": [
        ("midori", "緑区", "みどりく", "Midori Ward", [
            ("hashimoto", "橋本", "はしもと", "Hashimoto"),
            ("osawa", "大沢", "おおさわ", "Osawa"),
            ("shiroyama", "城山", "しろやま", "Shiroyama"),
            ("tsukui", "津久井", "つくい", "Tsukui"),
            ("sagamiko", "相模湖", "さがみこ", "Sagamiko"),
            ("fujino", "藤野", "ふじの", "Fujino"),
        ]),
        ("chuo", "中央区", "ちゅうおうく", "Chuo Ward", [
            ("oyama", "小山", "おやま", "Oyama"),
            ("seishin", "清新", "せいしん", "Seishin"),
            ("yokoyama", "横山", "よこやま", "Yokoyama"),
            ("chuo-chiku", "中央", "ちゅうおう", "Chuo"),
            ("hoshigaoka", "星が丘", "ほしがおか", "Hoshigaoka"),
            ("hikarigaoka", "光が丘", "ひかりがおか", "Hikarigaoka"),
            ("ono-kita", "大野北", "おおのきた", "Ono-kita (Fuchinobe)"),
            ("tana", "田名", "たな", "Tana"),
            ("kamimizo", "上溝", "かみみぞ", "Kamimizo"),
        ]),
        ("minami", "南区", "みなみく", "Minami Ward", [
            ("ono-naka", "大野中", "おおのなか", "Ono-naka"),
            ("ono-minami", "大野南", "おおのみなみ", "Ono-minami (Sagami-Ono)"),
            ("asamizo", "麻溝", "あさみぞ", "Asamizo"),
            ("araiso", "新磯", "あらいそ", "Araiso"),
            ("sagamidai", "相模台", "さがみだい", "Sagamidai"),
            ("sobudai", "相武台", "そうぶだい", "Sobudai"),
            ("torin", "東林", "とうりん", "Torin"),
        ]),
    ],
}

CATEGORIES = [
    ("kosodate", "子育て", "Child-rearing"),
    ("food-shops", "飲食・お店", "Food & shops"),
    ("events", "イベント", "Events"),
    ("safety", "防犯・防災", "Safety & disaster prevention"),
    ("welfare-health", "福祉・健康", "Welfare & health"),
    ("sports-culture", "スポーツ・文化", "Sports & culture"),
    ("learning", "学び", "Learning"),
    ("environment", "環境", "Environment"),
]


def ensure_reference_data() -> bool:
    """Seeds Sagamihara's areas and the default categories into an empty database (idempotent)."""
    created = False
    if db.session.scalar(select(Area.id).limit(1)) is None:
        city = add_area(None, SAGAMIHARA["slug"], SAGAMIHARA["name"], "city",
                        kana=SAGAMIHARA["kana"], name_en=SAGAMIHARA["en"])
        for w, (slug, name, kana, en, districts) in enumerate(SAGAMIHARA["wards"]):
            ward = add_area(city, slug, name, "ward", kana=kana, name_en=en, position=w)
            for d, (dslug, dname, dkana, den) in enumerate(districts):
                add_area(ward, dslug, dname, "district", kana=dkana, name_en=den, position=d)
        created = True
    if db.session.scalar(select(Category.id).limit(1)) is None:
        for position, (slug, name, en) in enumerate(CATEGORIES):
            db.session.add(Category(slug=slug, name=name, name_en=en, position=position))
        created = True
    db.session.flush()
    from community.opendata.genres import ensure_default_genres

    ensure_default_genres()
    return created


def add_area(parent: Area | None, slug: str, name: str, level: str, *, kana: str = "",
             name_en: str = "", position: int = 0) -> Area:
    area = Area(parent_id=parent.id if parent else None, slug=slug, name=name, level=level,
                name_kana=kana, name_en=name_en, position=position)
    db.session.add(area)
    db.session.flush()  # the id is part of the path
    area.path = f"{parent.path if parent else '/'}{area.id}/"
    return area


@dataclass
class AreaNode:
    area: Area
    children: list[AreaNode] = field(default_factory=list)


def area_tree() -> list[AreaNode]:
    """All areas as a tree (one query), roots first, each level in its position order."""
    areas = db.session.scalars(select(Area).order_by(Area.position, Area.id)).all()
    nodes = {area.id: AreaNode(area) for area in areas}
    roots: list[AreaNode] = []
    for area in areas:
        (nodes[area.parent_id].children if area.parent_id in nodes else roots).append(nodes[area.id])
    return roots


def area_by_slug(slug: str | None) -> Area | None:
    return db.session.scalar(select(Area).where(Area.slug == slug)) if slug else None


def category_by_slug(slug: str | None) -> Category | None:
    return db.session.scalar(select(Category).where(Category.slug == slug)) if slug else None


def area_and_descendants_clause(column, area: Area):
    """A WHERE clause for 'column is this area or any area below it' (one subquery)."""
    below = select(Area.id).where(or_(Area.id == area.id, Area.path.like(f"{area.path}%")))
    return column.in_(below)


def ancestors(area: Area) -> list[Area]:
    ids = area.ancestor_ids[:-1]
    if not ids:
        return []
    found = {a.id: a for a in db.session.scalars(select(Area).where(Area.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def ordered_categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))
