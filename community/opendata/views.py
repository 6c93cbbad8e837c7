"""Download links on the listing pages: the current national layout, filtered like the page."""

from __future__ import annotations

from flask import Blueprint, Response, request

from community.content.filters import parse_filters
from community.content.listing import public_items_query
from community.events.services import listed_occurrences
from community.extensions import db
from community.opendata.services import event_record, facility_record
from community.opendata.writer import write_events, write_facilities
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
    shops = db.session.scalars(public_items_query(Shop, filters).limit(EXPORT_LIMIT))
    return _csv(write_facilities([facility_record(s) for s in shops]), "141500_public_facility.csv")
