"""What the maps show: the listings' items that have a place, as markers (bounded), and a place for an address."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from community.areas.models import Area
from community.content.filters import ListingFilters
from community.content.listing import public_items_query
from community.events.models import Event
from community.events.services import first_occurrences, occurrences_query, opens_now
from community.extensions import db
from community.maps.gazetteer import Place, locate
from community.shops.models import Shop
from community.templating import format_day
from community.timeutil import now_utc


@dataclass(frozen=True)
class Marker:
    id: int
    title: str
    url: str
    latitude: float
    longitude: float
    meta: str  # the line under the title in the popup: date, place

    def as_json(self) -> dict:
        return {"id": self.id, "title": self.title, "url": self.url, "lat": self.latitude, "lon": self.longitude,
                "meta": self.meta}


def _placed(model):
    return (model.latitude.is_not(None), model.longitude.is_not(None))


def shop_markers(filters: ListingFilters, limit: int) -> tuple[list[Marker], bool]:
    """The shops the listing shows for `filters` that have a place: at most `limit`, and whether there are more.
    One statement (the listing's own query, with its policy)."""
    query = public_items_query(Shop, filters, order=(Shop.name_kana, Shop.name, Shop.id)).where(*_placed(Shop))
    shops = db.session.scalars(query.limit(limit + 1)).unique().all()
    markers = [Marker(shop.id, shop.name, shop.link, shop.latitude, shop.longitude,
                      " · ".join(part for part in (shop.area.name, shop.address) if part))
               for shop in shops[:limit]]
    return markers, len(shops) > limit


def event_markers(filters: ListingFilters, limit: int) -> tuple[list[Marker], bool]:
    """The events the listing shows for `filters` that have a place, each once at its next date (a past view: its
    latest): at most `limit`, and whether there are more. One statement (the listing's query, with its policy)."""
    now = now_utc()
    query = occurrences_query(filters, now).where(*_placed(Event))
    occurrences = db.session.scalars(first_occurrences(query, limit + 1, past=filters.when == "past",
                                                       now=now if opens_now(filters, now) else None)).unique().all()
    markers = []
    for occurrence in occurrences[:limit]:
        event = occurrence.event
        when = format_day(occurrence.starts_at)
        place = event.venue_name or event.area.name
        markers.append(Marker(event.id, event.title, event.link, event.latitude, event.longitude,
                              " · ".join(part for part in (when, place) if part)))
    return markers, len(occurrences) > limit


def place_for(address: str, area_id: int | None) -> Place | None:
    """An approximate point for an address (see gazetteer): one statement, the area table."""
    areas = list(db.session.scalars(select(Area)))
    by_id = {area.id: area for area in areas}
    chosen = by_id.get(area_id) if area_id is not None else None
    chain = [by_id[i] for i in reversed(chosen.ancestor_ids) if i in by_id] if chosen else []
    return locate(address, areas, chain)
