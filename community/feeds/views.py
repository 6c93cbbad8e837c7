"""Feed endpoints: the same filters and the same policy as the listing pages."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from community import policy
from community.cache import same_for_everyone
from community.content.filters import event_window, parse_filters
from community.content.listing import public_items_query
from community.events.models import Event, EventOccurrence
from community.events.services import first_occurrences, load_event, occurrences_query, opens_now, refresh_next_dates
from community.extensions import db
from community.feeds.builders import atom_feed, calendar_document
from community.locale import site_name
from community.notices.models import Notice
from community.shops.models import Shop
from community.text import plain_text
from community.timeutil import now_utc

bp = Blueprint("feeds", __name__)

FEED_SIZE = 50
ICS_LIMIT = 200  # icalendar spends ~3 ms an event; calendar apps refetch often
ATOM = "application/atom+xml; charset=utf-8"
ICS = "text/calendar; charset=utf-8"


def _entry(item, title: str, summary: str = "") -> dict:
    # Atom text constructs are text: whatever markup a stored plain-text field holds is stripped here.
    return {"link": url_for(f"{item.KIND}s.detail", **{f"{item.KIND}_id": item.id}, _external=True),
            "title": plain_text(title), "updated": item.updated_at, "summary": plain_text(summary),
            "html": item.body_html, "author": plain_text(_publisher(item))}


def _publisher(item) -> str:
    """The group, or for a community meetup its community, marked as such."""
    if getattr(item, "community_id", None):
        return _("%(name)s（コミュニティの集まり）", name=item.community.name)
    return item.group.name


@bp.route("/events.atom")
@same_for_everyone
def events_atom():
    filters = parse_filters(request.args)
    filters.page = 1
    from community.templating import event_span

    # One entry per event, at its next date: an Atom id names one entry, and a weekly event would
    # otherwise fill the feed with copies of itself.
    now = now_utc()
    query = first_occurrences(occurrences_query(filters, now), FEED_SIZE, past=filters.when == "past",
                              now=now if opens_now(filters, now) else None)
    entries = [_entry(o.event, o.event.title, event_span(o.starts_at, o.ends_at, o.event.all_day))
               for o in db.session.scalars(query)]
    body = atom_feed(_("イベント"), request.url, url_for("events.index", **filters.args(), _external=True), entries)
    return Response(body, content_type=ATOM)


@bp.route("/shops.atom")
@same_for_everyone
def shops_atom():
    filters = parse_filters(request.args)
    shops = db.session.scalars(public_items_query(Shop, filters).limit(FEED_SIZE))
    entries = [_entry(s, s.name, s.address) for s in shops]
    body = atom_feed(_("お店・施設"), request.url, url_for("shops.index", **filters.args(), _external=True), entries)
    return Response(body, content_type=ATOM)


@bp.route("/notices.atom")
@same_for_everyone
def notices_atom():
    filters = parse_filters(request.args)
    notices = db.session.scalars(public_items_query(Notice, filters, order=(Notice.published_at.desc(),
                                                                             Notice.id.desc())).limit(FEED_SIZE))
    entries = [_entry(n, n.title, plain_text(n.body)[:200]) for n in notices]
    body = atom_feed(_("お知らせ"), request.url, url_for("notices.index", **filters.args(), _external=True), entries)
    return Response(body, content_type=ATOM)


@bp.route("/events.ics")
@same_for_everyone
def events_ics():
    filters = parse_filters(request.args)
    now = now_utc()
    start, end = event_window(filters, now)
    if opens_now(filters, now):
        # An event has a date in [now, end) when its next one starts before `end`: no scan of the dates.
        refresh_next_dates(now)
        query = public_items_query(Event, filters, order=(Event.next_start, Event.id)).where(Event.next_end > now)
        if end is not None:
            query = query.where(Event.next_start < end)
        return _calendar_response(db.session.scalars(query.limit(ICS_LIMIT)).unique())
    dates = select(EventOccurrence.event_id)
    if start is not None:
        dates = dates.where(EventOccurrence.ends_at > start)
    if end is not None:
        # As on /events: "past" means over, so an event still running is not in it.
        over = filters.when == "past"
        dates = dates.where(EventOccurrence.ends_at <= end if over else EventOccurrence.starts_at < end)
    query = public_items_query(Event, filters, order=(Event.starts_at, Event.id)).where(Event.id.in_(dates))
    return _calendar_response(db.session.scalars(query.limit(ICS_LIMIT)).unique())


def _calendar_response(events) -> Response:
    body = calendar_document(_("%(site)s イベント", site=site_name()), events)
    return Response(body, content_type=ICS, headers={"Content-Disposition": 'inline; filename="events.ics"'})


@bp.route("/events/<int:event_id>.ics")
@same_for_everyone
def event_ics(event_id: int):
    event = load_event(event_id)
    if event is None or not policy.is_public_item(event):
        abort(404)  # feeds are public documents: only public items, whoever asks
    body = calendar_document(event.title, [event])
    return Response(body, content_type=ICS,
                    headers={"Content-Disposition": f'attachment; filename="event-{event.id}.ics"'})
