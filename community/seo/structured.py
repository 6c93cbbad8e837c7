"""schema.org data (JSON-LD) for the pages of events, shops and facilities, notices and communities, and the
BreadcrumbList of any page: plain dicts, rendered by meta.json_ld.

A page's breadcrumb trail has one source: the `breadcrumbs` list of (label, url) its template sets. base.html shows
it (through trail_steps) and passes the same list here for the BreadcrumbList."""

from __future__ import annotations

from urllib.parse import urljoin

from flask import request, url_for
from flask_babel import lazy_gettext as _l

from community.items import kind_of
from community.timeutil import to_local

CONTEXT = "https://schema.org"

# Where each kind's page is, and the listing above it in a trail.
DETAIL = {"event": ("events.detail", "event_id"), "shop": ("shops.detail", "shop_id"),
          "notice": ("notices.detail", "notice_id"), "community": ("communities.detail", "slug")}
LISTING = {"event": ("events.index", _l("イベント")), "shop": ("shops.index", _l("お店・施設")),
           "notice": ("notices.index", _l("お知らせ")), "community": ("communities.index", _l("コミュニティ")),
           "group": ("groups.index", _l("団体"))}
# A shop listing's kind → its schema.org type: businesses are LocalBusiness (or a finer kind), public facilities
# (公民館, libraries) CivicStructure, anything else a Place.
SHOP_TYPES = {"shop": "LocalBusiness", "restaurant": "Restaurant", "clinic": "MedicalClinic",
              "facility": "CivicStructure", "other": "Place"}


def detail_url(item) -> str:
    kind = kind_of(item)
    endpoint, argument = DETAIL[kind]
    return url_for(endpoint, **{argument: item.slug if argument == "slug" else item.id}, _external=True)


def listing_crumb(kind: str) -> tuple[str, str]:
    """The step of a kind's listing in a trail: its name and its (relative) address."""
    endpoint, name = LISTING[kind]
    return str(name), url_for(endpoint)


def trail_steps(trail) -> list[tuple[str, str | None]]:
    """Home, then each (label, url) of a page's trail; the last step is the page itself (its url may be None)."""
    return [(str(_l("ホーム")), url_for("main.home")), *((str(label), url) for label, url in trail)]


def breadcrumbs(trail, page_url: str) -> dict:
    """The BreadcrumbList of a page's trail, with absolute addresses; a step without one is the page (page_url)."""
    steps = trail_steps(trail)
    return {"@context": CONTEXT, "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": n, "name": name, "item": urljoin(request.url_root, url) if url else page_url}
        for n, (name, url) in enumerate(steps, 1)]}


def for_item(item, meta, dates=None, trail=None) -> list[dict]:
    """The item's own description (events and shops) and, given the page's trail, its BreadcrumbList."""
    kind = kind_of(item)
    found = [breadcrumbs(trail, meta.url)] if trail else []
    if kind == "event":
        found.insert(0, event(item, meta, dates))
    elif kind == "shop":
        found.insert(0, place(item, meta))
    return found


def _common(meta, name: str) -> dict:
    data = {"@context": CONTEXT, "name": name, "url": meta.url}
    if meta.description:
        data["description"] = meta.description
    if meta.image:
        data["image"] = meta.image
    return data


def _address(text: str) -> dict:
    return {"@type": "PostalAddress", "streetAddress": text, "addressCountry": "JP"}


def _geo(item) -> dict | None:
    if item.latitude is None or item.longitude is None:
        return None
    return {"@type": "GeoCoordinates", "latitude": item.latitude, "longitude": item.longitude}


def _organization(name: str, url: str) -> dict:
    return {"@type": "Organization", "name": name, "url": url}


def event(item, meta, dates=None) -> dict:
    """schema.org Event: its next date (or its first, when all are past), the place, the fee and who holds it."""
    dates = getattr(dates, "items", dates)  # the event page hands its page of dates
    starts, ends = (dates[0].starts_at, dates[0].ends_at) if dates else (item.starts_at, item.ends_at)
    data = {**_common(meta, item.title), "@type": "Event",
            "eventStatus": f"{CONTEXT}/EventCancelled" if item.cancelled_at else f"{CONTEXT}/EventScheduled",
            "eventAttendanceMode": f"{CONTEXT}/OfflineEventAttendanceMode"}
    if item.all_day:
        data["startDate"] = to_local(starts).date().isoformat()
        data["endDate"] = to_local(ends).date().isoformat()
    else:
        data["startDate"] = to_local(starts).isoformat()
        data["endDate"] = to_local(ends).isoformat()
    if item.venue_name or item.address or _geo(item):
        location = {"@type": "Place", "name": item.venue_name or item.address}
        if item.address:
            location["address"] = _address(item.address)
        if geo := _geo(item):
            location["geo"] = geo
        data["location"] = location
    if item.fee_amount is not None:
        offer = {"@type": "Offer", "price": item.fee_amount, "priceCurrency": "JPY", "url": meta.url}
        if item.fee:
            offer["description"] = item.fee
        data["offers"] = offer
    if item.community_id:
        data["organizer"] = _organization(item.community.name, detail_url(item.community))
    elif item.group is not None:
        data["organizer"] = _organization(item.group.name, url_for("groups.detail", slug=item.group.slug,
                                                                   _external=True))
    return data


def place(item, meta) -> dict:
    """A shop (LocalBusiness), restaurant, clinic, or public facility (CivicStructure)."""
    data = {**_common(meta, item.name), "@type": SHOP_TYPES.get(item.kind, "Place")}
    if item.address:
        data["address"] = _address(item.address)
    if geo := _geo(item):
        data["geo"] = geo
    if item.phone:
        data["telephone"] = item.phone
    if item.opening_hours:
        data["openingHours"] = item.opening_hours
    if item.website.lower().startswith(("http://", "https://")):
        data["sameAs"] = item.website
    return data
