"""Download links on the listing pages: the current national layout, filtered like the page."""

from __future__ import annotations

from flask import Blueprint, Response, request

from community.content.filters import parse_filters
from community.content.listing import public_items_query
from community.events.services import listed_occurrences
from community.extensions import db
from community.opendata.services import event_record, facility_record, place_record
from community.opendata.writer import write_aeds, write_events, write_facilities, write_shelters
from community.shops.models import Shop

bp = Blueprint("opendata", __name__)

EXPORT_LIMIT = 5000


def _csv(body: bytes, name: str) -> Response:
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Content-Type": "text/csv; charset=utf-8"})


@bp.route("/events.csv")
def export_events():
    filters = parse_filters(request.args)
    filters.page = 1
    page = listed_occurrences(filters, per_page=EXPORT_LIMIT)
    seen, events = set(), []
    for occurrence in page.items:
        if occurrence.event.id not in seen and occurrence.event.community_id is None:  # never a meetup
            seen.add(occurrence.event.id)
            events.append(occurrence.event)
    return _csv(write_events([event_record(e) for e in events]), "141500_event.csv")


@bp.route("/shops.csv")
def export_facilities():
    filters = parse_filters(request.args)
    query = public_items_query(Shop, filters)
    if not filters.kind:  # shelters and AEDs have layouts of their own
        query = query.where(Shop.kind.not_in(("shelter", "aed")))
    shops = db.session.scalars(query.limit(EXPORT_LIMIT))
    return _csv(write_facilities([facility_record(s) for s in shops]), "141500_public_facility.csv")


def _places_csv(kind: str, write, name: str) -> Response:
    filters = parse_filters(request.args)
    filters.kind = kind
    shops = db.session.scalars(public_items_query(Shop, filters).limit(EXPORT_LIMIT))
    return _csv(write([place_record(s) for s in shops]), name)


@bp.route("/shelters.csv")
def export_shelters():
    return _places_csv("shelter", write_shelters, "141500_evacuation_space.csv")


@bp.route("/aeds.csv")
def export_aeds():
    return _places_csv("aed", write_aeds, "141500_aed.csv")


