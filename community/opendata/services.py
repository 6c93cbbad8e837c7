"""Importing open-data records into events and shop/facility listings, and exporting them back."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, or_, select

from community.areas.models import Area
from community.content import services as content
from community.content.models import Status
from community.db import utcnow
from community.events.models import Event, EventOccurrence
from community.events.services import EVENT_FIELDS, occurrence_starts, set_next_from
from community.extensions import db
from community.opendata.genres import CategoryMatcher
from community.opendata.places import Placement, Placer
from community.opendata.records import EventRecord, FacilityRecord, RowError
from community.opendata.writer import PORTAL_CODE
from community.shops.models import Shop, ShopKind
from community.shops.services import SHOP_FIELDS
from community.text import plain_text
from community.timeutil import local_to_utc, to_local


@dataclass
class ImportSummary:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)  # the source keys the file had
    # Rows imported at the fallback area because neither address, 郵便番号 nor coordinates place them.
    unplaced: list[RowError] = field(default_factory=list)

    def add(self, other: ImportSummary) -> None:
        """Adds up the summaries of the batches of one file."""
        self.created += other.created
        self.changed += other.changed
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        self.keys |= other.keys
        self.unplaced += other.unplaced

    @property
    def updated(self) -> int:  # created + updated was the old report; kept for callers that add them up
        return self.changed + self.unchanged


class AreaMatcher:
    """The area of each row (see places.Placer); the rows it cannot place are listed in the report."""

    def __init__(self, fallback: Area):
        self.placer = Placer(fallback)
        self.fallback = fallback

    def place(self, record, *hints: str, address: str, postcode: str = "") -> Placement:
        return self.placer.place(code=record.local_gov_code, address=address, hints=hints, postcode=postcode,
                                 latitude=record.latitude, longitude=record.longitude)


def _placed(data: dict, placement: Placement) -> dict:
    data["area_id"] = placement.area.id
    if not placement.placed:
        data[UNPLACED] = True
    return data


UNPLACED = "_unplaced"  # a key of the row's data (not a column): the row is listed as 「地域を特定できません」


# An exported ID that names the publisher it came from ("222127:18268"), so that importing the export
# (here or elsewhere) finds the same source key again.
_QUALIFIED_ID = re.compile(r"(\d{6}|-):(.+)")


def _source_key(prefix: str, code: str, source_id: str, *fallback: str) -> str:
    own = _own_item_id(source_id)
    if own is not None:
        return f"{prefix}:self:{own}"
    qualified = _QUALIFIED_ID.fullmatch(source_id)
    if qualified:
        return f"{prefix}:{qualified.group(1)}:{qualified.group(2)}"[:120]
    if source_id:
        return f"{prefix}:{code or '-'}:{source_id}"[:120]
    # A stable name for a row without an ID column, not a security measure (kept SHA-1: existing keys stay valid).
    digest = hashlib.sha1("|".join(fallback).encode(), usedforsecurity=False).hexdigest()[:16]
    return f"{prefix}:{code or '-'}:h{digest}"


def site_token() -> str:
    """Names this site in the IDs of items written here ("portal-3f9a1c2e-12"): an export imported into the same
    site finds its items again, one imported into another site makes new ones (once)."""
    from flask import current_app

    name = current_app.config.get("SITE_URL") or current_app.config.get("SITE_NAME", "")
    return hashlib.sha256(str(name).encode()).hexdigest()[:8]


def _own_item_id(source_id: str) -> int | None:
    match = re.fullmatch(r"portal-([0-9a-f]{8})-(\d+)", source_id)
    return int(match.group(2)) if match and match.group(1) == site_token() else None


def _changes(item, fields: tuple[str, ...], data: dict) -> bool:
    """Whether a re-imported row says anything new (an unchanged row leaves no version behind)."""
    return item.body != data["body"] or any(getattr(item, name) != data[name] for name in fields if name in data)


def _existing(model, keys: list[str]) -> dict:
    found = {}
    own = {key: int(key.rsplit(":", 1)[1]) for key in keys if key.split(":")[1] == "self"}
    if own:  # this site's own items, come back from its export: found by id
        by_id = {item.id: item for item in db.session.scalars(select(model).where(model.id.in_(own.values())))}
        found.update({key: by_id[item_id] for key, item_id in own.items() if item_id in by_id})
        keys = [key for key in keys if key not in own]
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
    placement = areas.place(record, record.area_hint, record.venue_name, address=record.address)
    category = categories.match(record.category_hint, " ".join(record.keywords), record.title,
                                genre=record.genre or record.category_hint)
    return _placed(_as_plain_text({
        "title": record.title, "body": body, "starts_at": starts, "ends_at": ends, "all_day": all_day,
        "time_note": record.time_note, "rrule": "", "venue_name": record.venue_name,
        "address": " ".join(p for p in (record.address, record.building) if p),
        "latitude": record.latitude, "longitude": record.longitude, "fee": fee, "fee_amount": record.fee_amount,
        "capacity": record.capacity, "how_to_apply": record.how_to_apply, "apply_deadline": record.apply_deadline,
        "contact": contact, "organizer": record.organizer, "url": (record.url or record.content_url)[:500],
        "apply_url": record.apply_url[:500], "capacity_text": record.capacity_text, "audience": record.audience,
        "image_url": record.image_url[:500], "genre": record.genre,
        "extra_fields": extra_fields(record, EVENT_HOMED),
        "category_id": category.id if category else None,
    }), placement)


# Columns whose value lives whole in a column of the model (or in the source key); every other non-empty
# cell of a row is kept in extra_fields by its header.
EVENT_HOMED = frozenset({
    "全国地方公共団体コード", "都道府県コード又は市区町村コード", "ID", "NO", "イベント名", "開始日",
    "終了日", "開始時間", "終了時間", "開始日時特記事項", "主催者", "場所名称", "緯度", "経度", "参加申込終了日",
    "参加申込方法", "申込URL", "対象者", "画像", "イベントジャンル",
})
FACILITY_HOMED = frozenset({
    "全国地方公共団体コード", "都道府県コード又は市区町村コード", "ID", "NO", "名称", "名称_カナ", "緯度", "経度",
    "電話番号", "郵便番号", "URL",
})
# Kept in extra_fields for the export, but already on the page (in the text, the venue, the fee or the contact).
SHOWN_ELSEWHERE = frozenset({
    "説明", "概要", "アクセス方法", "備考", "料金(基本)", "料金(詳細)", "料金（基本）", "料金（詳細）", "連絡先名称",
    "連絡先電話番号", "住所", "所在地_連結表記", "方書", "建物名等(方書)", "URL", "コンテンツURL", "定員", "定員備考",
    "地方公共団体名", "都道府県名", "市区町村名", "利用可能曜日", "開始時間", "終了時間", "利用可能日時特記事項",
    "バリアフリー情報",
})


# The older layouts' names for the columns the current one calls otherwise; the publisher's name is left out (the
# code says it, and an export names its own publisher), so a row reads the same from either layout.
_CURRENT_NAMES = {"住所": "所在地_連結表記", "方書": "建物名等(方書)", "料金（基本）": "料金(基本)",
                  "料金（詳細）": "料金(詳細)"}
_PUBLISHER_NAMES = frozenset({"都道府県名", "市区町村名", "地方公共団体名"})


def extra_fields(record, homed: frozenset[str]) -> dict[str, str]:
    return {_CURRENT_NAMES.get(column, column): value for column, value in record.raw.items()
            if column not in homed and column not in _PUBLISHER_NAMES}


def shown_extra_fields(item) -> list[tuple[str, str]]:
    """「その他の情報」: the open-data columns kept for an item that the page does not show elsewhere."""
    return [(column, value) for column, value in (item.extra_fields or {}).items()
            if column not in SHOWN_ELSEWHERE and value]


def event_key(record: EventRecord) -> str:
    return _source_key("opendata-event", record.local_gov_code, record.source_id, record.title,
                       str(record.start_date), record.venue_name)


def facility_key(record: FacilityRecord) -> str:
    return _source_key("opendata-facility", record.local_gov_code, record.source_id, record.name, record.address)


def import_events(records: list[EventRecord], group, areas: AreaMatcher, progress=None) -> ImportSummary:
    """Creates or updates one event per record; the caller commits (all or nothing per batch)."""
    summary = ImportSummary()
    categories = CategoryMatcher()
    rows = ((event_key(r), r) for r in records)
    events = _upsert(Event, EVENT_FIELDS + EVENT_OPEN_DATA_FIELDS, group, rows,
                     lambda r: event_data(r, areas, categories), summary, progress)
    _replace_occurrences(events)
    return summary


EVENT_OPEN_DATA_FIELDS = ("apply_url", "capacity_text", "audience", "image_url", "genre", "extra_fields")
SHOP_OPEN_DATA_FIELDS = ("postal_code", "extra_fields")


def _upsert(model, fields: tuple[str, ...], group, rows, data_of, summary: ImportSummary, progress=None) -> list:
    """One item of `model` per (source key, record): created for a new key, updated in place for a known one whose
    values differ (its previous state kept as a version). A row that says nothing new is not touched: no UPDATE, no
    new updated_at, no version, no search change. Returns the items created or changed, flushed."""
    rows = list(rows)
    existing = _existing(model, [key for key, _ in rows])
    touched: dict = {}
    now = utcnow()
    for key, record in rows:
        data = data_of(record)
        if data.pop(UNPLACED, False):
            name = getattr(record, "title", "") or getattr(record, "name", "")
            summary.unplaced.append(RowError(record.line, f"「{name}」の地域を特定できません"))
        item = existing.get(key)
        summary.keys.add(key)
        if item is None:
            item = model(group_id=group.id, source_key=key, status=Status.PUBLISHED, published_at=now)
            db.session.add(item)
            existing[key] = item
            summary.created += 1
        elif item.source_key != key and key.split(":")[1] == "self":
            summary.unchanged += 1  # the site's own item: this site is where it is edited, not the file
            continue
        elif key in touched or _changes(item, fields, data):
            if item.id is not None and key not in touched:
                content.record_version(item, None)  # keep what the row said before this import changed it
                summary.changed += 1
        else:
            summary.unchanged += 1
            if progress:
                progress(1)
            continue
        for name in fields:
            if name in data and getattr(item, name) != data[name]:
                setattr(item, name, data[name])
        if item.body != data["body"] or not item.body_html:
            content.set_body(item, data["body"])
        touched[key] = item
        if progress:
            progress(1)
    db.session.flush()  # once for the batch: the new items get their ids
    return list(touched.values())


def missing_items(model, prefix: str, group, codes: set[str], keys: set[str]) -> list:
    """The group's items imported from the same publisher(s) whose rows the file no longer has."""
    heads = [f"{prefix}:{code or '-'}:" for code in codes]
    if not heads:
        return []
    query = select(model).where(model.group_id == group.id, model.source_key.isnot(None),
                                model.status == Status.PUBLISHED,
                                or_(*(model.source_key.startswith(head) for head in heads)))
    return [item for item in db.session.scalars(query) if item.source_key not in keys]


def unpublish(items: list) -> None:
    for item in items:
        item.status = Status.HIDDEN
        item.hidden_reason = "オープンデータの最新のファイルに含まれていないため非公開にしました"


def _replace_occurrences(events: list[Event]) -> None:
    """expand_occurrences for a whole batch: one DELETE and one multi-row INSERT, not two statements an event."""
    if not events:
        return
    db.session.execute(delete(EventOccurrence).where(EventOccurrence.event_id.in_([e.id for e in events])))
    rows = []
    for event in events:
        dates = [{"event_id": event.id, "starts_at": start, "ends_at": start + (event.ends_at - event.starts_at)}
                 for start in occurrence_starts(event)]
        set_next_from(event, dates)
        rows += dates
    db.session.execute(EventOccurrence.__table__.insert(), rows)


def facility_data(record: FacilityRecord, areas: AreaMatcher, categories: CategoryMatcher) -> dict:
    hours = ""
    if record.open_time and record.close_time:
        hours = f"{record.open_time:%H:%M}〜{record.close_time:%H:%M}"
    if record.open_days:
        hours = f"{record.open_days} {hours}".strip()
    if record.hours_note:
        hours = f"{hours} {record.hours_note}".strip()
    placement = areas.place(record, record.area_hint, address=record.address, postcode=record.postal_code)
    body = "\n\n".join(p for p in (record.description, record.note) if p)
    category = categories.match(record.name, record.description)
    return _placed(_as_plain_text({
        "name": record.name, "name_kana": record.name_kana, "kind": ShopKind.FACILITY,
        "address": " ".join(p for p in (record.address, record.building) if p),
        "latitude": record.latitude, "longitude": record.longitude, "opening_hours": hours,
        "phone": record.phone, "website": record.url[:500], "barrier_free": "\n".join(record.barrier_free),
        "tags": [], "postal_code": record.postal_code[:10],
        "extra_fields": extra_fields(record, FACILITY_HOMED),
        "category_id": category.id if category else None, "body": body,
    }), placement)


def import_facilities(records: list[FacilityRecord], group, areas: AreaMatcher, progress=None) -> ImportSummary:
    """Creates or updates one shop/facility listing per record; the caller commits."""
    summary = ImportSummary()
    categories = CategoryMatcher()
    rows = ((facility_key(r), r) for r in records)
    shops = _upsert(Shop, SHOP_FIELDS + SHOP_OPEN_DATA_FIELDS, group, rows,
                    lambda r: facility_data(r, areas, categories), summary, progress)
    _confirmed(shops)
    return summary


def _confirmed(shops: list[Shop]) -> None:
    today = to_local(utcnow()).date()
    for shop in shops:  # confirmed by this file: only what it created or changed (an unchanged row is not touched)
        shop.last_confirmed = today


# --- 指定緊急避難場所一覧 and AED設置箇所一覧 -----------------------------------------------------
# Stored as listings of kind "shelter" / "aed". Every cell of the row is kept in extra_fields (the export writes
# them back as they were); the disaster types a shelter is designated for are also its tags (the listing filters
# by them); an AED's 設置位置 and hours go to opening_hours and the body so that the card says where and when.

TRUTHY = frozenset({"1", "○", "◯", "〇", "有", "可", "true", "TRUE", "True", "●"})
PLACE_HOMED = frozenset({"全国地方公共団体コード", "都道府県コード又は市区町村コード", "ID", "NO"})


def hazards_of(raw: dict[str, str]) -> list[str]:
    from community.opendata.layouts import HAZARDS

    return [hazard for hazard in HAZARDS if raw.get(f"災害種別_{hazard}", "").strip() in TRUTHY]


def _place_address(raw: dict[str, str], record: FacilityRecord) -> str:
    return " ".join(p for p in (record.address, record.building) if p)


def place_data(record: FacilityRecord, kind: str, areas: AreaMatcher) -> dict:
    raw = record.raw
    placement = areas.place(record, record.area_hint, address=record.address, postcode=record.postal_code)
    hours, body, tags = "", "", []
    if kind == ShopKind.SHELTER:
        tags = hazards_of(raw)
        lines = []
        if tags:
            lines.append("対象とする災害: " + "、".join(tags))
        if raw.get("想定収容人数"):
            lines.append(f"想定収容人数: {raw['想定収容人数']}")
        if raw.get("対象となる町会・自治会"):
            lines.append(f"対象となる町会・自治会: {raw['対象となる町会・自治会']}")
        if raw.get("指定避難所との重複", "").strip() in TRUTHY:
            lines.append("指定避難所を兼ねています")
        body = "\n\n".join(p for p in ("\n".join(lines), raw.get("備考", "")) if p)
    else:
        times = "〜".join(t for t in (raw.get("開始時間", ""), raw.get("終了時間", "")) if t)
        hours = " ".join(p for p in (raw.get("利用可能曜日", ""), times, raw.get("利用可能日時特記事項", "")) if p)
        lines = [f"設置位置: {raw['設置位置']}"] if raw.get("設置位置") else []
        if raw.get("小児対応設備の有無"):
            lines.append(f"小児対応設備: {raw['小児対応設備の有無']}")
        body = "\n\n".join(p for p in ("\n".join(lines), raw.get("備考", "")) if p)
    return _placed(_as_plain_text({
        "name": record.name, "name_kana": record.name_kana, "kind": kind,
        "address": _place_address(raw, record), "latitude": record.latitude, "longitude": record.longitude,
        "opening_hours": hours, "phone": record.phone, "website": record.url[:500], "barrier_free": "",
        "tags": tags, "postal_code": record.postal_code[:10],
        "extra_fields": {k: v for k, v in raw.items() if k not in PLACE_HOMED},
        "category_id": None, "body": body,
    }), placement)


def place_key(kind: str, record: FacilityRecord) -> str:
    return _source_key(f"opendata-{kind}", record.local_gov_code, record.source_id, record.name, record.address)


def _import_places(kind: str, records: list[FacilityRecord], group, areas: AreaMatcher, progress=None):
    summary = ImportSummary()
    rows = ((place_key(kind, r), r) for r in records)
    shops = _upsert(Shop, SHOP_FIELDS + SHOP_OPEN_DATA_FIELDS, group, rows,
                    lambda r: place_data(r, kind, areas), summary, progress)
    _confirmed(shops)
    return summary


def import_shelters(records: list[FacilityRecord], group, areas: AreaMatcher, progress=None) -> ImportSummary:
    """Creates or updates one listing of kind "shelter" per 指定緊急避難場所 row; the caller commits."""
    return _import_places(ShopKind.SHELTER, records, group, areas, progress)


def import_aeds(records: list[FacilityRecord], group, areas: AreaMatcher, progress=None) -> ImportSummary:
    """Creates or updates one listing of kind "aed" per AED設置箇所 row; the caller commits."""
    return _import_places(ShopKind.AED, records, group, areas, progress)


def place_record(shop: Shop) -> FacilityRecord:
    """The row a shelter / AED listing is written back as: the cells it came with, the site's own values where they
    were edited (name, place, phone, URL, the disaster types)."""
    from community.opendata.layouts import HAZARDS

    raw = dict(shop.extra_fields or {})
    address_cell = raw.get("所在地_連結表記") or raw.get("住所", "")
    building = raw.get("建物名") or raw.get("建物名等(方書)") or raw.get("方書", "")
    composed = " ".join(p for p in (address_cell, building) if p)
    record = FacilityRecord(
        name=shop.name, name_kana=shop.name_kana,
        address=address_cell if shop.address == composed else shop.address,
        source_id=_export_id(shop, f"opendata-{shop.kind}"), latitude=shop.latitude, longitude=shop.longitude,
        phone=shop.phone, url=shop.website, postal_code=shop.postal_code,
    )
    if shop.address != composed:
        for column in ("建物名", "建物名等(方書)", "方書", "所在地_都道府県", "所在地_市区町村", "所在地_町字",
                       "所在地_番地以下"):
            raw.pop(column, None)
    if shop.kind == ShopKind.SHELTER:
        for hazard in HAZARDS:
            column = f"災害種別_{hazard}"
            if hazard not in (shop.tags or []):
                raw[column] = ""
            elif raw.get(column, "").strip() not in TRUTHY:
                raw[column] = "1"
    for attribute, column in (("latitude", "緯度"), ("longitude", "経度")):
        try:  # the cell as written ("35.5950") while it still says the stored number
            if raw.get(column) and float(raw[column]) == getattr(shop, attribute):
                setattr(record, attribute, None)
        except ValueError:
            pass
    record.extra = raw
    return record


# --- export -------------------------------------------------------------------------------


def _export_id(item, prefix: str) -> str:
    """The ID column. An imported row gives back the key it came with: its file's ID when Sagamihara published it
    ("18268"), else the publisher's code and that ID ("222127:18268"); the site's own items get "portal-<site>-<id>".
    Importing the export again therefore finds every item (here) or makes each once (elsewhere)."""
    if item.source_key and item.source_key.startswith(prefix + ":"):
        _, code, source_id = item.source_key.split(":", 2)
        if code == "self":
            return f"portal-{site_token()}-{source_id}"
        return source_id if code == PORTAL_CODE else f"{code}:{source_id}"
    return f"portal-{site_token()}-{item.id}"


def _join(*parts: str, sep: str = " ") -> str:
    return sep.join(part for part in parts if part)


def _kept(item, raw: dict[str, str], groups: dict[str, tuple[str, tuple[str, ...]]], record) -> dict[str, str]:
    """The raw cells to write back: a group of cells that a model column was composed from (連絡先名称 and
    連絡先電話番号 → contact) is written back as the file had it while that column still says what the cells
    said; once edited on the site, the column's value is written instead and the cells are dropped."""
    kept = dict(raw)
    for attribute, (composed, columns) in groups.items():
        if getattr(item, attribute) == composed:
            for name in _typed_fields(record, columns):
                value = getattr(record, name)
                setattr(record, name, "" if isinstance(value, str) else [] if isinstance(value, list) else None)
        else:
            for column in columns:
                kept.pop(column, None)
    return kept


def _typed_fields(record, columns: tuple[str, ...]) -> list[str]:
    from community.opendata.layouts import EVENTS_STANDARD, FACILITIES_STANDARD

    layout = EVENTS_STANDARD if isinstance(record, EventRecord) else FACILITIES_STANDARD
    return [name for name, column in layout.fields.items() if column in columns]


def _event_fee(raw: dict[str, str]) -> str:
    from community.opendata import values as v

    basic, detail = raw.get("料金(基本)", ""), raw.get("料金(詳細)", "")
    text = "\n".join(dict.fromkeys(p for p in ([basic] if basic and not v.is_plain_yen(basic) else []) + [detail] if p))
    amount = v.parse_yen(basic) if basic else (v.parse_yen(detail) if detail else None)
    return text or ("無料" if amount == 0 else f"{amount:,}円" if amount is not None else "")


def event_record(event: Event) -> EventRecord:
    starts, ends = to_local(event.starts_at), to_local(event.ends_at)
    last_day = (ends - timedelta(seconds=1)).date() if event.all_day else ends.date()
    raw = dict(event.extra_fields or {})
    record = EventRecord(
        title=event.title, start_date=starts.date(), end_date=last_day,  # 終了日 is required: given for one day too
        start_time=None if event.all_day else starts.time().replace(tzinfo=None),
        end_time=None if event.all_day else ends.time().replace(tzinfo=None), all_day=event.all_day,
        source_id=_export_id(event, "opendata-event"), description=plain_text(event.body), time_note=event.time_note,
        fee_amount=event.fee_amount, fee_text=event.fee, contact_name=event.contact,
        organizer=event.organizer if event.extra_fields else event.organizer or event.group.name,
        venue_name=event.venue_name, address=event.address, latitude=event.latitude,
        longitude=event.longitude, capacity=event.capacity, capacity_text=event.capacity_text,
        apply_deadline=event.apply_deadline, how_to_apply=event.how_to_apply, url=event.url,
        apply_url=event.apply_url, audience=event.audience, image_url=event.image_url, genre=event.genre,
        category_hint=event.category.name if event.category and not raw else "",
        area_hint=event.area.name if event.area else "",
    )
    if raw:
        parts = ("所在地_都道府県", "所在地_市区町村", "所在地_町字", "所在地_番地以下")
        joined = _join(*(raw.get(c, "") for c in parts), sep="")
        address = _join(raw.get("所在地_連結表記") or joined, raw.get("建物名等(方書)", ""))
        access = f"アクセス: {raw['アクセス方法']}" if raw.get("アクセス方法") else ""
        record.extra = _kept(event, raw, {
            "body": (_join(raw.get("概要", ""), raw.get("説明", ""), access, raw.get("備考", ""), sep="\n\n"),
                     ("概要", "説明", "アクセス方法", "備考")),
            "contact": (_join(raw.get("連絡先名称", ""), raw.get("連絡先電話番号", "")),
                        ("連絡先名称", "連絡先電話番号", "連絡先内線番号")),
            "address": (address, ("所在地_連結表記", "建物名等(方書)")),
            "fee": (_event_fee(raw), ("料金(基本)", "料金(詳細)")),
            "url": (raw.get("URL") or raw.get("コンテンツURL", ""), ("URL", "コンテンツURL")),
        }, record)
        if event.capacity_text == raw.get("定員備考", "") or event.capacity_text == raw.get("定員", ""):
            record.capacity, record.capacity_text = None, ""
        else:
            record.extra.pop("定員", None)
            record.extra.pop("定員備考", None)
    return record


def facility_record(shop: Shop) -> FacilityRecord:
    raw = dict(shop.extra_fields or {})
    record = FacilityRecord(
        name=shop.name, address=shop.address, source_id=_export_id(shop, "opendata-facility"), name_kana=shop.name_kana,
        latitude=shop.latitude, longitude=shop.longitude, phone=shop.phone, organization=shop.group.name,
        hours_note=" ".join(p for p in (shop.opening_hours, shop.holidays and f"休み: {shop.holidays}") if p),
        description=plain_text(shop.body), barrier_free=[line for line in shop.barrier_free.splitlines() if line],
        url=shop.website, postal_code=shop.postal_code, area_hint=shop.area.name if shop.area else "",
    )
    if raw:
        record.organization = ""
        record.extra = raw
    return record
