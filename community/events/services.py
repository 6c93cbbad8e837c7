"""Event state changes and queries: saving with occurrences, listing by period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from time import monotonic

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.orm import contains_eager, joinedload

from community import policy
from community.content.filters import ListingFilters, apply_place_and_topic, event_window
from community.content.services import save_item
from community.events.models import Event, EventOccurrence
from community.events.recurrence import local_starts
from community.extensions import db
from community.pagination import Page
from community.timeutil import now_utc

DATES_PER_PAGE = 10
NEXT_DATES_CHECKED = "next_dates_checked"  # app.extensions: when this process last looked for passed dates
COUNT_CAP = 1000  # a list says 「1,000件以上」 rather than counting every date to come

EVENT_FIELDS = ("title", "area_id", "category_id", "starts_at", "ends_at", "all_day", "time_note", "rrule", "exdates",
                "venue_name", "address", "latitude", "longitude", "fee", "fee_amount", "capacity",
                "how_to_apply", "apply_deadline", "contact", "organizer", "url", "image", "image_alt")


def save_event(event: Event | None, group, data: dict, actor, publish: bool) -> Event:
    """Creates or edits an event (keeping the previous version), then rewrites its dates."""
    event = save_item(Event, EVENT_FIELDS, event, group, data, actor, publish)
    expand_occurrences(event)
    return event


def expand_occurrences(event: Event) -> None:
    """Rewrites the event's dates: one row per occurrence of its RRULE (or the single date)."""
    db.session.execute(delete(EventOccurrence).where(EventOccurrence.event_id == event.id))
    duration = event.ends_at - event.starts_at
    rows = [{"event_id": event.id, "starts_at": start, "ends_at": start + duration}
            for start in occurrence_starts(event)]
    db.session.execute(EventOccurrence.__table__.insert(), rows)
    set_next_from(event, rows)


def set_next_from(event: Event, rows: list[dict], now: datetime | None = None) -> None:
    """Event.next_start/next_end from the dates just written (sorted): the first one ending after now."""
    from community.timeutil import now_utc

    now = now or now_utc()
    coming = next((row for row in rows if row["ends_at"] > now), None)
    event.next_start, event.next_end = (coming["starts_at"], coming["ends_at"]) if coming else (None, None)


def _next_date(column, now: datetime):
    return (select(column).where(EventOccurrence.event_id == Event.id, EventOccurrence.ends_at > now)
            .order_by(EventOccurrence.ends_at).limit(1).correlate(Event).scalar_subquery())


def recompute_next_dates(*where, now: datetime | None = None) -> None:
    """One UPDATE: the events' next dates from their rows of event_occurrences (all events without `where`; the
    seeder and bulk writers call it after inserting dates themselves)."""
    from community.timeutil import now_utc

    now = now or now_utc()
    db.session.execute(update(Event).where(*where)
                       .values(next_start=_next_date(EventOccurrence.starts_at, now),
                               next_end=_next_date(EventOccurrence.ends_at, now),
                               updated_at=Event.updated_at)  # a date passing is no edit: not "updated"
                       .execution_options(synchronize_session=False))


def refresh_next_dates(now: datetime) -> None:
    """Moves on the events whose stored next date is over (to their next one, or none once all are over).

    Upcoming lists call it first. It looks (one read of the next_end index) at most once every
    NEXT_DATES_CHECK_SECONDS in a process, so a page's statements stay the same from one request to the next;
    between two looks (and in a new process's first interval) an event whose date has just ended is left out of
    the lists for those seconds at most, then shown at its next date.
    """
    from flask import current_app

    # The first look is one interval after the process's first list, so no request's statements differ.
    checked = current_app.extensions.setdefault(NEXT_DATES_CHECKED, [monotonic()])
    if monotonic() - checked[0] < current_app.config["NEXT_DATES_CHECK_SECONDS"]:
        return
    checked[0] = monotonic()
    if db.session.scalar(select(Event.id).where(Event.next_end <= now).limit(1)) is None:
        return
    recompute_next_dates(Event.next_end <= now, now=now)
    db.session.commit()


def occurrence_starts(event: Event) -> list[datetime]:
    """The event's starts (UTC): its RRULE within the horizon, less its skipped dates."""
    if not event.rrule:
        return [event.starts_at]
    from community.timeutil import TOKYO

    # Expand in local time so "every Saturday 10:00" stays 10:00 in Tokyo.
    starts = local_starts(event.rrule, event.exdates, event.starts_at.astimezone(TOKYO))
    return [start.astimezone(event.starts_at.tzinfo) for start in starts] or [event.starts_at]


def public_occurrences():
    """Public event dates with what a listing shows of their event (area, category, group, community) loaded."""
    return (
        select(EventOccurrence)
        .join(EventOccurrence.event)
        .options(contains_eager(EventOccurrence.event).joinedload(Event.area),
                 contains_eager(EventOccurrence.event).joinedload(Event.category),
                 contains_eager(EventOccurrence.event).joinedload(Event.group),
                 contains_eager(EventOccurrence.event).joinedload(Event.community))
        .where(policy.public_clause(Event))
    )


def opens_now(filters: ListingFilters, now: datetime) -> bool:
    """Whether the filters' period starts at `now` (upcoming, this month, …), so each event's first date in it
    is its stored next date."""
    return filters.when != "past" and event_window(filters, now)[0] == now


def occurrences_query(filters: ListingFilters, now: datetime | None = None):
    """Public event dates for the filters, soonest first (a past view: latest first)."""
    start, end = event_window(filters, now)
    past = filters.when == "past"
    query = public_occurrences()
    if start is not None:
        query = query.where(EventOccurrence.ends_at > start)
    if end is not None:
        # "Past" means over: an event still running is not listed as ended.
        query = query.where(EventOccurrence.ends_at <= end if past else EventOccurrence.starts_at < end)
    query = apply_place_and_topic(query, Event, filters)
    if past:
        return query.order_by(EventOccurrence.starts_at.desc(), EventOccurrence.id.desc())
    return query.order_by(EventOccurrence.starts_at, EventOccurrence.id)


def first_occurrences(query, limit: int | None, past: bool = False, order=None, now: datetime | None = None):
    """Each event's first date among those `query` selects, `limit` events at most, in date order.

    `query` is a select(EventOccurrence) joined to its Event (occurrences_query, or one built the same way
    with policy clauses). A repeating event has hundreds of dates: ranking them per event in SQL lists it
    once, at its next date (a past view: its latest), without letting it push other events off the page.
    `order` replaces that date order (both for picking each event's date and for the list).

    `now`: the query selects only dates ending after `now` (its period opens now), so each event's first date
    is its stored next date (Event.next_end): no ranking, one walk of the events' next-date index.
    """
    if now is not None and not past and order is None:
        refresh_next_dates(now)
        # next_start IS NOT NULL: the index walk starts past the events that are over (no next date)
        nexts = (query.where(Event.next_start.is_not(None), EventOccurrence.ends_at == Event.next_end,
                             Event.next_end > now)
                 .order_by(None).order_by(Event.next_start, Event.id))
        return nexts if limit is None else nexts.limit(limit)
    if order is None:
        order = ((EventOccurrence.starts_at.desc(), EventOccurrence.id.desc()) if past
                 else (EventOccurrence.starts_at, EventOccurrence.id))
    ranked = (
        select(EventOccurrence.id,
               func.row_number().over(partition_by=EventOccurrence.event_id, order_by=order).label("rank"))
        .join(EventOccurrence.event)
        .where(*([query.whereclause] if query.whereclause is not None else []))
        .subquery()
    )
    firsts = select(ranked.c.id).where(ranked.c.rank == 1)
    firsts_query = query.where(EventOccurrence.id.in_(firsts)).order_by(None).order_by(*order)
    return firsts_query if limit is None else firsts_query.limit(limit)


def bounded_page(query, page: int, per_page: int, cap: int = COUNT_CAP) -> Page:
    """One page of `query` (first column) with its total counted up to `cap` (and the rows up to this page):
    beyond that the page says 「1,000件以上」 and the pager still moves on, without counting every row."""
    offset = (page - 1) * per_page
    limit = max(cap, offset + per_page) + 1
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).limit(limit).subquery())) or 0
    items = list(db.session.scalars(query.limit(per_page).offset(offset)))
    return Page(page=page, per_page=per_page, total=min(total, limit - 1), items=items, capped=total >= limit)


def listed_occurrences(filters: ListingFilters, now: datetime | None = None, per_page: int = 20):
    """A page of public events, each once at its first date in the period (a weekly event takes one row, at its
    next date), with the total for the pager (bounded: 「1,000件以上」)."""
    now = now or now_utc()
    query = first_occurrences(occurrences_query(filters, now), None, past=filters.when == "past",
                              now=now if opens_now(filters, now) else None)
    return bounded_page(query, filters.page, per_page)


def listed_dates(filters: ListingFilters, now: datetime | None = None, per_page: int = 20):
    """A page of public event dates, a repeating event once per date (the JSON API, for programs that want every
    date without expanding the RRULE themselves)."""
    now = now or now_utc()
    query = occurrences_query(filters, now)
    if opens_now(filters, now):
        # No date ending after now starts before the earliest next date of any event: a lower bound on starts_at
        # lets the date index start there instead of at the first date ever.
        refresh_next_dates(now)
        query = query.where(EventOccurrence.starts_at >= earliest_next_start())
    return bounded_page(query, filters.page, per_page)


def earliest_next_start():
    """The earliest stored next date of any event, as a subquery: no date ending after now starts before it, so a
    query for dates to come can start the date index there rather than at the first date ever."""
    return select(func.min(Event.next_start)).scalar_subquery()


def upcoming_occurrences(filters: ListingFilters, limit: int,
                         leave_out: list[int] | tuple[int, ...] = ()) -> list[EventOccurrence]:
    """The next few public events (each at its next date, so a repeating one takes one place), without counting
    them all (home and area pages); `leave_out` names events the page already shows."""
    now = now_utc()
    query = occurrences_query(filters, now)
    if leave_out:
        query = query.where(EventOccurrence.event_id.not_in(list(leave_out)))
    return list(db.session.scalars(first_occurrences(query, limit, now=now if opens_now(filters, now) else None)))


def events_during(start: datetime, end: datetime, limit: int, filters: ListingFilters | None = None,
                  leave_out: tuple[int, ...] | list[int] = (), now: datetime | None = None) -> list[EventOccurrence]:
    """The public events taking place in [start, end), each once at its first date there, at most `limit`.

    Those that begin in the window come first, soonest first; those already running when it opens (a
    weeks-long exhibition) follow, so they cannot push the period's own events off a short list.
    `leave_out` names events already shown elsewhere on the page. One query whatever the number of dates.
    `now`: the window opens at or after it (today's, the weekend's), so the stored next dates apply.
    """
    query = public_occurrences().where(EventOccurrence.ends_at > start, EventOccurrence.starts_at < end)
    if filters is not None:
        query = apply_place_and_topic(query, Event, filters)
    if leave_out:
        query = query.where(EventOccurrence.event_id.not_in(list(leave_out)))
    if now is not None and start >= now:
        refresh_next_dates(now)
        if start == now:  # today: each event's first date here is its stored next one
            # next_start < end as well: the next-date index's range is then the day's few events
            query = (query.where(EventOccurrence.ends_at == Event.next_end, Event.next_start.is_not(None),
                                 Event.next_start < end)
                     .order_by(case((Event.next_start < start, 1), else_=0), Event.next_start, Event.id))
            return list(db.session.scalars(query.limit(limit)))
        query = query.where(EventOccurrence.starts_at >= earliest_next_start())
    running_first = case((EventOccurrence.starts_at < start, 1), else_=0)
    order = (running_first, EventOccurrence.starts_at, EventOccurrence.id)
    return list(db.session.scalars(first_occurrences(query, limit, order=order)))


@dataclass(frozen=True)
class CalendarEvent:
    id: int
    title: str
    all_day: bool


@dataclass(frozen=True)
class CalendarDate:
    """One date on the month grid: what the grid shows of it, read as plain columns (no ORM objects)."""

    starts_at: datetime
    ends_at: datetime
    event: CalendarEvent


def occurrences_between(start: datetime, end: datetime, filters: ListingFilters,
                        limit: int = 2000) -> list[CalendarDate]:
    """Every public event date in [start, end), for the calendar grid (bounded by the month): the five columns it
    shows, not the events' whole rows."""
    query = (
        select(EventOccurrence.starts_at, EventOccurrence.ends_at, Event.id, Event.title, Event.all_day)
        .join(EventOccurrence.event)
        .where(policy.public_clause(Event), EventOccurrence.ends_at > start, EventOccurrence.starts_at < end)
        .order_by(EventOccurrence.starts_at)
    )
    rows = db.session.execute(apply_place_and_topic(query, Event, filters).limit(limit))
    return [CalendarDate(starts, ends, CalendarEvent(event_id, title, all_day))
            for starts, ends, event_id, title, all_day in rows]


def load_event(event_id: int) -> Event | None:
    return db.session.scalar(
        select(Event).options(joinedload(Event.group), joinedload(Event.area), joinedload(Event.category),
                              joinedload(Event.community))
        .where(Event.id == event_id)
    )


def _coming_dates(event: Event, now: datetime):
    return (select(EventOccurrence).where(EventOccurrence.event_id == event.id, EventOccurrence.ends_at > now)
            .order_by(EventOccurrence.starts_at, EventOccurrence.id))


def upcoming_dates(event: Event, now: datetime, limit: int = DATES_PER_PAGE) -> list[EventOccurrence]:
    return list(db.session.scalars(_coming_dates(event, now).limit(limit)))


def dates_page(event: Event, now: datetime, page: int = 1, per_page: int = DATES_PER_PAGE):
    """A page of the event's dates still to come (the event page's list of dates, with a pager)."""
    return db.paginate(_coming_dates(event, now), page=page, per_page=per_page, error_out=False)
