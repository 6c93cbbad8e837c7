"""Curation: items featured (おすすめ) on the home page or an area page, and 特集 collections.

Only what anyone may see is ever shown: featured_for and the collection pages drop hidden, pending,
withdrawn and closed-community items at read time, so a later hide needs no clean-up here.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from community import policy
from community.db import utcnow
from community.extensions import db
from community.items import kind_of, title_of
from community.moderation.audit import record
from community.moderation.links import load_items
from community.moderation.models import Collection, CollectionItem, Feature
from community.text import render_markdown

FEATURE_SCAN = 60  # features read per place before dropping the ones visitors may not see


class CurationError(ValueError):
    """A user-facing reason why a curation change was refused."""


# --- features (おすすめ) -----------------------------------------------------------------------


def _active(now: datetime):
    return or_(Feature.ends_at.is_(None), Feature.ends_at > now)


def featured_for(area=None, now: datetime | None = None, limit: int = 12) -> list[tuple[Feature, object]]:
    """[(feature, item)] for the home page (area None) or one area's page, newest first, only items
    anyone may see, each item once. A fixed number of queries whatever is featured."""
    now = now or utcnow()
    place = Feature.area_id.is_(None) if area is None else Feature.area_id == area.id
    features = list(db.session.scalars(select(Feature).where(place, _active(now)).order_by(
        Feature.created_at.desc(), Feature.id.desc()).limit(FEATURE_SCAN)))
    items = load_items((f.item_kind, f.item_id) for f in features)
    shown, seen = [], set()
    for feature in features:
        key = (feature.item_kind, feature.item_id)
        item = items.get(key)
        if item is None or key in seen or not policy.is_public_any_item(item, now):
            continue
        seen.add(key)
        shown.append((feature, item))
        if len(shown) >= limit:
            break
    return shown


def feature_item(actor, item, area=None, ends_at: datetime | None = None, note: str = "") -> Feature:
    now = utcnow()
    if not policy.is_public_any_item(item, now):
        raise CurationError(_("公開されていない情報はおすすめに載せられません。"))
    if ends_at is not None and ends_at <= now:
        raise CurationError(_("終了日は今日以降の日付にしてください。"))
    kind = kind_of(item)
    place = Feature.area_id.is_(None) if area is None else Feature.area_id == getattr(area, "id", None)
    exists = db.session.scalar(select(Feature.id).where(
        Feature.item_kind == kind, Feature.item_id == item.id, place, _active(now)))
    if exists:
        raise CurationError(_("この情報はすでにこの場所のおすすめに載っています。"))
    feature = Feature(item_kind=kind, item_id=item.id, area_id=getattr(area, "id", None), ends_at=ends_at,
                      note=(note or "").strip(), created_by_id=actor.id)
    db.session.add(feature)
    db.session.flush()
    record(actor, "feature", item, feature.note, feature_id=feature.id, area_id=feature.area_id,
           ends_at=ends_at.isoformat() if ends_at else None)
    return feature


def end_feature(actor, feature: Feature) -> bool:
    """Takes the item off its place now (the row stays as a record). False if it had already ended."""
    now = utcnow()
    table = Feature.__table__
    result = db.session.execute(update(table).where(
        table.c.id == feature.id, or_(table.c.ends_at.is_(None), table.c.ends_at > now)).values(ends_at=now))
    if result.rowcount != 1:
        return False
    feature.ends_at = now
    record(actor, "unfeature", kind=feature.item_kind, item_id=feature.item_id, feature_id=feature.id)
    return True


def features_page(page: int, per_page: int = 30):
    """Every feature, newest first (ended ones too: the list is the record of what was shown)."""
    query = select(Feature).order_by(Feature.created_at.desc(), Feature.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


# --- collections (特集) -----------------------------------------------------------------------


def published_collections(limit: int = 6) -> list[Collection]:
    """The newest published 特集, for the home page."""
    return list(db.session.scalars(select(Collection).where(policy.public_collections_clause()).order_by(
        Collection.updated_at.desc(), Collection.id.desc()).limit(limit)))


def published_collections_page(page: int, per_page: int = 20):
    return db.paginate(select(Collection).where(policy.public_collections_clause()).order_by(
        Collection.updated_at.desc(), Collection.id.desc()), page=page, per_page=per_page, error_out=False)


def all_collections_page(page: int, per_page: int = 30):
    return db.paginate(select(Collection).order_by(Collection.updated_at.desc(), Collection.id.desc()),
                       page=page, per_page=per_page, error_out=False)


def collection_by_slug(slug: str) -> Collection | None:
    return db.session.scalar(select(Collection).where(Collection.slug == slug))


def save_collection(actor, collection: Collection | None, data: dict) -> Collection:
    slug = data["slug"].strip()
    other = collection_by_slug(slug)
    if other is not None and other is not collection:
        raise CurationError(_("このURL用の名前はすでに使われています。"))
    created = collection is None
    if created:
        collection = Collection(created_by_id=actor.id)
        db.session.add(collection)
    collection.title = data["title"].strip()
    collection.slug = slug
    collection.intro = data.get("intro") or ""
    collection.intro_html = render_markdown(collection.intro)
    collection.is_published = bool(data.get("is_published"))
    collection.updated_at = utcnow()
    try:
        db.session.flush()
    except IntegrityError:  # the same name saved a moment ago (a second click, another curator); the caller rolls back
        raise CurationError(_("このURL用の名前はすでに使われています。")) from None
    record(actor, "collection_create" if created else "collection_update", kind="collection",
           item_id=collection.id, title=collection.title, published=collection.is_published)
    return collection


def collection_entries(collection: Collection, public_only: bool) -> list[tuple[CollectionItem, object]]:
    """[(entry, item)] in the curator's order; visitors get only what anyone may see."""
    entries = list(db.session.scalars(select(CollectionItem).where(
        CollectionItem.collection_id == collection.id).order_by(CollectionItem.position, CollectionItem.id)))
    items = load_items((e.item_kind, e.item_id) for e in entries)
    shown = []
    for entry in entries:
        item = items.get((entry.item_kind, entry.item_id))
        if item is None or (public_only and not policy.is_public_any_item(item)):
            continue
        shown.append((entry, item))
    return shown


def add_to_collection(actor, collection: Collection, item, comment: str = "") -> CollectionItem:
    if not policy.is_public_any_item(item):
        raise CurationError(_("公開されていない情報は特集に入れられません。"))
    kind = kind_of(item)
    exists = db.session.scalar(select(CollectionItem.id).where(
        CollectionItem.collection_id == collection.id, CollectionItem.item_kind == kind,
        CollectionItem.item_id == item.id))
    if exists:
        raise CurationError(_("この情報はすでにこの特集に入っています。"))
    last = db.session.scalar(select(func.max(CollectionItem.position)).where(
        CollectionItem.collection_id == collection.id))
    entry = CollectionItem(collection_id=collection.id, item_kind=kind, item_id=item.id,
                           position=(last if last is not None else -1) + 1, comment=(comment or "").strip())
    db.session.add(entry)
    collection.updated_at = utcnow()
    db.session.flush()
    record(actor, "collection_add_item", item, kind=kind, collection_id=collection.id, title=title_of(item)[:100])
    return entry


def remove_from_collection(actor, collection: Collection, entry: CollectionItem) -> None:
    db.session.delete(entry)
    collection.updated_at = utcnow()
    db.session.flush()
    _renumber(collection)
    record(actor, "collection_remove_item", kind=entry.item_kind, item_id=entry.item_id,
           collection_id=collection.id)


def move_in_collection(actor, collection: Collection, entry: CollectionItem, direction: str) -> bool:
    """Swaps the entry with its neighbour above or below; False at either end."""
    entries = _renumber(collection)
    index = next(i for i, e in enumerate(entries) if e.id == entry.id)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(entries):
        return False
    entries[index].position, entries[other].position = entries[other].position, entries[index].position
    collection.updated_at = utcnow()
    db.session.flush()
    record(actor, "collection_move_item", kind=entry.item_kind, item_id=entry.item_id,
           collection_id=collection.id, direction=direction)
    return True


def _renumber(collection: Collection) -> list[CollectionItem]:
    entries = list(db.session.scalars(select(CollectionItem).where(
        CollectionItem.collection_id == collection.id).order_by(CollectionItem.position, CollectionItem.id)))
    for position, entry in enumerate(entries):
        entry.position = position
    db.session.flush()
    return entries
