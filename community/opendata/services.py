"""Importing open-data records into events and shop/facility listings, and exporting them back."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, select

from community.areas.models import Area, Category
from community.content import services as content
from community.content.models import Status
from community.db import utcnow
from community.events.models import Event, EventOccurrence
from community.events.services import EVENT_FIELDS, occurrence_starts
from community.extensions import db
from community.opendata.records import EventRecord, FacilityRecord
from community.opendata.writer import PORTAL_CODE
from community.shops.models import Shop, ShopKind
from community.shops.services import SHOP_FIELDS
from community.text import plain_text
from community.timeutil import local_to_utc, to_local

# Words in a city's category column mapped to our category slugs; the first match wins.
CATEGORY_WORDS = [
    ("kosodate", ("子育て", "子ども", "こども", "親子", "乳幼児", "児童")),
    ("safety", ("防災", "防犯", "安全", "消防", "交通")),
    ("welfare-health", ("福祉", "健康", "医療", "介護", "検診", "そうだん", "相談")),
    ("sports-culture", ("スポーツ", "文化", "芸術", "音楽", "まつり", "祭", "展示", "観光")),
    ("learning", ("学び", "講座", "教室", "講演", "セミナー", "図書", "学習", "教育")),
    ("environment", ("環境", "自然", "ごみ", "リサイクル", "緑", "公園")),
    ("food-shops", ("飲食", "グルメ", "お店", "商店", "市場")),
    ("events", ("イベント", "催し", "おしらせ", "お知らせ")),
]


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    skipped: list[str] = field(default_factory=list)


# Sagamihara (141500) and its three wards. A row another city published is not matched against our
# area names: 浜松市中央区 is not 相模原市中央区, and 浜松市南区 is not our 南区.
HOME_CODES = frozenset({"141500", "141518", "141526", "141534"})


class AreaMatcher:
    """Finds the most specific area named in a hint or an address (districts before wards)."""

    def __init__(self, fallback: Area):
        areas = list(db.session.scalars(select(Area)))
        order = {"district": 0, "ward": 1, "city": 2}
        self.areas = sorted(areas, key=lambda a: (order.get(a.level, 3), -len(a.name)))
        self.fallback = fallback

    def match_record(self, record, *texts: str) -> Area:
        """The area for a record: matched from its texts when the city that published it is ours."""
        if record.local_gov_code and record.local_gov_code not in HOME_CODES:
            return self.fallback
        return self.match(*texts)

    def match(self, *texts: str) -> Area:
        for area in self.areas:
            if area.level == "city":
                continue
            if any(area.name in (text or "") for text in texts):
                return area
        return self.fallback


class CategoryMatcher:
    def __init__(self):
        self.by_slug = {c.slug: c for c in db.session.scalars(select(Category))}

    def match(self, *texts: str) -> Category | None:
        joined = " ".join(t for t in texts if t)
        for slug, words in CATEGORY_WORDS:
            if slug in self.by_slug and any(word in joined for word in words):
                return self.by_slug[slug]
        return None


def _source_key(prefix: str, code: str, source_id: str, *fallback: str) -> str:
    if source_id:
        return f"{prefix}:{code or '-'}:{source_id}"[:120]
    # A stable name for a row without an ID column, not a security measure (kept SHA-1: existing keys stay valid).
    digest = hashlib.sha1("|".join(fallback).encode(), usedforsecurity=False).hexdigest()[:16]
    return f"{prefix}:{code or '-'}:h{digest}"


def _changes(item, fields: tuple[str, ...], data: dict) -> bool:
    """Whether a re-imported row says anything new (an unchanged row leaves no version behind)."""
    return item.body != data["body"] or any(getattr(item, name) != data[name] for name in fields if name in data)


def _existing(model, keys: list[str]) -> dict:
    found = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        found.update({item.source_key: item for item in db.session.scalars(
            select(model).where(model.source_key.in_(chunk)))})
    return found


# Columns stored as plain text: a city's file is outside input like any form, so markup is stripped on
# the way in (the body is Markdown and is cleaned by set_body).
_TEXT_FIELDS = ("title", "name", "name_kana", "time_note", "venue_name", "address", "fee", "how_to_apply",
                "contact", "organizer", "opening_hours", "phone", "barrier_free")


# The columns' lengths, cut after the markup is stripped: cut first, "<span>…" could leave a title of nothing.
_TEXT_LIMITS = {"title": 200, "name": 200, "name_kana": 200, "time_note": 300, "venue_name": 200, "address": 300,
                "fee": 300, "contact": 300, "organizer": 200, "opening_hours": 300, "phone": 40}


def _as_plain_text(data: dict) -> dict:
    for key in _TEXT_FIELDS:
        if isinstance(data.get(key), str):
            data[key] = plain_text(data[key]).strip()[:_TEXT_LIMITS.get(key)]
    return data


def event_data(record: EventRecord, areas: AreaMatcher, categories: CategoryMatcher) -> dict:
    start_day, end_day = record.start_date, record.end_date or record.start_date
    if record.all_day or record.start_time is None:
        starts, ends, all_day = local_to_utc(start_day), local_to_utc(end_day + timedelta(days=1)), True
    else:
        starts = local_to_utc(start_day, record.start_time)
        ends = local_to_utc(end_day, record.end_time) if record.end_time else starts + timedelta(hours=2)
        ends, all_day = max(ends, starts), False
    fee = record.fee_text or ("無料" if record.fee_amount == 0 else f"{record.fee_amount:,}円"
                               if record.fee_amount is not None else "")
    access = f"アクセス: {record.access}" if record.access else ""
    body = "\n\n".join(part for part in (record.summary, record.description, access, record.note) if part)
    contact = " ".join(part for part in (record.contact_name, record.contact_phone) if part)
    area = areas.match_record(record, record.area_hint, record.address, record.venue_name)
    category = categories.match(record.category_hint, " ".join(record.keywords), record.title)
    return _as_plain_text({
        "title": record.title, "body": body, "starts_at": starts, "ends_at": ends, "all_day": all_day,
        "time_note": record.time_note, "rrule": "", "venue_name": record.venue_name,
        "address": " ".join(p for p in (record.address, record.building) if p),
        "latitude": record.latitude, "longitude": record.longitude, "fee": fee, "fee_amount": record.fee_amount,
        "capacity": record.capacity, "how_to_apply": record.how_to_apply, "apply_deadline": record.apply_deadline,
        "contact": contact, "organizer": record.organizer, "url": record.url[:500],
        "area_id": area.id, "category_id": category.id if category else None,
    })


def import_events(records: list[EventRecord], group, areas: AreaMatcher, progress=None) -> ImportSummary:
    """Creates or updates one event per record; the caller commits (all or nothing per batch)."""
    summary = ImportSummary()
    categories = CategoryMatcher()
    rows = ((_source_key("opendata-event", r.local_gov_code, r.source_id, r.title, str(r.start_date), r.venue_name),
             r) for r in records)
    events = _upsert(Event, EVENT_FIELDS, group, rows, lambda r: event_data(r, areas, categories), summary, progress)
    _replace_occurrences(events)
    return summary


def _upsert(model, fields: tuple[str, ...], group, rows, data_of, summary: ImportSummary, progress=None) -> list:
    """One item of `model` per (source key, record): created for a new key, updated in place for a known one
    (its previous state kept as a version when the row changes it). Returns the items, flushed."""
    rows = list(rows)
    existing = _existing(model, [key for key, _ in rows])
    touched: dict = {}
    now = utcnow()
    for key, record in rows:
        data = data_of(record)
        item = existing.get(key)
        if item is None:
            item = model(group_id=group.id, source_key=key, status=Status.PUBLISHED, published_at=now)
            db.session.add(item)
            existing[key] = item
            summary.created += 1
        else:
            summary.updated += 1
            if item.id is not None and _changes(item, fields, data):
                content.record_version(item, None)  # keep what the row said before this import changed it
        for name in fields:
            if name in data:
                setattr(item, name, data[name])
        if item.body != data["body"] or not item.body_html:
            content.set_body(item, data["body"])  # unchanged bodies (a re-import) are not rendered again
        touched[key] = item
        if progress:
            progress(1)
    db.session.flush()  # once for the batch: the new items get their ids
    return list(touched.values())


def _replace_occurrences(events: list[Event]) -> None:
    """expand_occurrences for a whole batch: one DELETE and one multi-row INSERT, not two statements an event."""
    if not events:
        return
    db.session.execute(delete(EventOccurrence).where(EventOccurrence.event_id.in_([e.id for e in events])))
    rows = [{"event_id": event.id, "starts_at": start, "ends_at": start + (event.ends_at - event.starts_at)}
            for event in events for start in occurrence_starts(event)]
    db.session.execute(EventOccurrence.__table__.insert(), rows)


def facility_data(record: FacilityRecord, areas: AreaMatcher, categories: CategoryMatcher) -> dict:
    hours = ""
    if record.open_time and record.close_time:
        hours = f"{record.open_time:%H:%M}〜{record.close_time:%H:%M}"
    if record.open_days:
        hours = f"{record.open_days} {hours}".strip()
    if record.hours_note:
        hours = f"{hours} {record.hours_note}".strip()
    area = areas.match_record(record, record.area_hint, record.address)
    body = "\n\n".join(p for p in (record.description, record.note) if p)
    category = categories.match(record.name, record.description)
    return _as_plain_text({
        "name": record.name, "name_kana": record.name_kana, "kind": ShopKind.FACILITY,
        "address": " ".join(p for p in (record.address, record.building) if p),
        "latitude": record.latitude, "longitude": record.longitude, "opening_hours": hours,
        "phone": record.phone, "website": record.url[:500], "barrier_free": "\n".join(record.barrier_free),
        "tags": [], "last_confirmed": to_local(utcnow()).date(), "area_id": area.id,
        "category_id": category.id if category else None, "body": body,
    })


def import_facilities(records: list[FacilityRecord], group, areas: AreaMatcher, progress=None) -> ImportSummary:
    """Creates or updates one shop/facility listing per record; the caller commits."""
    summary = ImportSummary()
    categories = CategoryMatcher()
    rows = ((_source_key("opendata-facility", r.local_gov_code, r.source_id, r.name, r.address), r) for r in records)
    _upsert(Shop, SHOP_FIELDS, group, rows, lambda r: facility_data(r, areas, categories), summary, progress)
    return summary


# --- export -------------------------------------------------------------------------------


def _export_id(item, prefix: str) -> str:
    """The ID column. A row that came from Sagamihara's own file keeps that file's ID, so importing the
    export again updates it; anything else gets an ID of the portal's own ("portal-12"), which no city's
    NO / ID looks like: the portal's numbers must never land on the keys of rows imported from a file."""
    head = f"{prefix}:{PORTAL_CODE}:"
    if item.source_key and item.source_key.startswith(head):
        return item.source_key[len(head):]
    return f"portal-{item.id}"


def event_record(event: Event) -> EventRecord:
    starts, ends = to_local(event.starts_at), to_local(event.ends_at)
    last_day = (ends - timedelta(seconds=1)).date() if event.all_day else ends.date()
    return EventRecord(
        title=event.title, start_date=starts.date(), end_date=last_day if last_day != starts.date() else None,
        start_time=None if event.all_day else starts.time().replace(tzinfo=None),
        end_time=None if event.all_day else ends.time().replace(tzinfo=None), all_day=event.all_day,
        source_id=_export_id(event, "opendata-event"), description=plain_text(event.body), time_note=event.time_note,
        fee_amount=event.fee_amount, fee_text=event.fee, contact_name=event.contact, organizer=event.organizer or
        event.group.name, venue_name=event.venue_name, address=event.address, latitude=event.latitude,
        longitude=event.longitude, capacity=event.capacity, apply_deadline=event.apply_deadline,
        how_to_apply=event.how_to_apply, url=event.url, category_hint=event.category.name if event.category else "",
        area_hint=event.area.name if event.area else "",
    )


def facility_record(shop: Shop) -> FacilityRecord:
    return FacilityRecord(
        name=shop.name, address=shop.address, source_id=_export_id(shop, "opendata-facility"), name_kana=shop.name_kana,
        latitude=shop.latitude, longitude=shop.longitude, phone=shop.phone, organization=shop.group.name,
        hours_note=" ".join(p for p in (shop.opening_hours, shop.holidays and f"休み: {shop.holidays}") if p),
        description=plain_text(shop.body), barrier_free=[line for line in shop.barrier_free.splitlines() if line],
        url=shop.website, area_hint=shop.area.name if shop.area else "",
    )


