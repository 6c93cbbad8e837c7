"""Download links on the listing pages: the current national layout, filtered like the page."""

from __future__ import annotations

from flask import Response, request, stream_with_context

from community.content.filters import parse_filters
from community.content.listing import public_items_query
from community.events.models import Event
from community.events.services import first_occurrences, occurrences_query, opens_now
from community.extensions import db
from community.opendata import bp
from community.opendata.services import event_record, facility_record, place_record
from community.opendata.writer import stream_events, write_aeds, write_facilities, write_shelters
from community.shops.models import Shop
from community.timeutil import now_utc

EXPORT_LIMIT = 5000


def _csv(body: bytes, name: str) -> Response:
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Content-Type": "text/csv; charset=utf-8"})


@bp.route("/events.csv")
def export_events():
    """The listing's events (never a meetup) as the file, streamed: rows go out as they are read, a few hundred
    at a time, with no count and no list of them all in memory."""
    filters = parse_filters(request.args)
    filters.page = 1
    now = now_utc()
    query = first_occurrences(occurrences_query(filters, now).where(Event.community_id.is_(None)), EXPORT_LIMIT,
                              past=filters.when == "past", now=now if opens_now(filters, now) else None)

    def records():
        seen = set()
        for occurrence in db.session.scalars(query.execution_options(yield_per=500)):
            if occurrence.event.id not in seen:
                seen.add(occurrence.event.id)
                yield event_record(occurrence.event)

    return Response(stream_with_context(stream_events(records())), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="141500_event.csv"', "Content-Type": "text/csv; charset=utf-8"})


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
