"""Event pages: /events, /events/<id>, its printable flyer, /calendar and the shared editing pages."""

from __future__ import annotations

import calendar as pycalendar
from datetime import date, timedelta

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from community import policy
from community.args import whole_number
from community.content.filters import parse_filters
from community.content.pages import ItemPages
from community.events.display import event_when, is_long, repeat_end, repeat_words, skipped_days
from community.events.flyer import event_flyer
from community.events.forms import EventForm
from community.events.services import dates_page, listed_occurrences, load_event, occurrences_between, save_event
from community.pagination import page_number
from community.timeutil import day_end, day_start, now_utc, to_local, today_local

bp = Blueprint("events", __name__)
# How a listed event's date reads, for every template (cards on the home, group and area pages too).
for helper in (event_when, repeat_words, repeat_end, skipped_days):
    bp.add_app_template_global(helper)


def _detail_context(event) -> dict:
    """The event's coming dates, a page at a time (`dates_page=`)."""
    return {"dates": dates_page(event, now_utc(), page_number(request.args.get("dates_page")))}


ItemPages(kind="event", load=load_event, listing=listed_occurrences, form_class=EventForm, save=save_event,
          detail_context=_detail_context).register(bp)


@bp.route("/events/<int:event_id>/flyer")
def flyer(event_id: int):
    """The event as an A4 sheet to print and pin up (a print style sheet), for whoever may see its page."""
    event = load_event(event_id)
    if event is None or not policy.can_view_item(current_user, event):
        abort(404)  # as its page: a hidden event is not there for those who may not see it
    return render_template("events/flyer.html", event=event, flyer=event_flyer(event, now_utc()))


@bp.route("/calendar")
def month():
    filters = parse_filters(request.args)
    today = today_local()
    # A month from 1900 to 2200 (so the previous/next links stay valid dates); anything else is this month.
    year, month = whole_number(request.args.get("year"), 1900, 2200), whole_number(request.args.get("month"), 1, 12)
    first = date(year, month, 1) if year and month else today.replace(day=1)
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    by_day: dict[date, list] = {}
    running = []  # a weeks-long exhibition is listed once above the grid, with its span, not on any one day
    for occurrence in occurrences_between(day_start(first), day_end(last), filters):
        if is_long(occurrence):
            running.append(occurrence)
            continue
        day = max(to_local(occurrence.starts_at).date(), first)
        by_day.setdefault(day, []).append(occurrence)
    weeks = pycalendar.Calendar(firstweekday=6).monthdatescalendar(first.year, first.month)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    return render_template("events/calendar.html", weeks=weeks, first=first, by_day=by_day, today=today,
                           running=running, previous=previous, following=following, filters=filters)
