"""What the home page shows: today's and the weekend's events, おすすめ and 特集, what is new in the visitor's own
area, the board's latest threads and the active communities — a fixed number of queries whatever the data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from community.areas.models import Area
from community.content.filters import ListingFilters
from community.timeutil import day_end, day_start, now_utc, today_local

SECTION_SIZE = 6
FEATURED_SIZE = 6
COLLECTIONS_SIZE = 4
AREA_COOKIE = "home_area"


@dataclass
class Period:
    """A span of local days [first, last] as the home page shows it, the UTC window it covers and the /events
    arguments that list the same days."""

    first: date
    last: date
    start: datetime
    end: datetime

    @property
    def more_args(self) -> dict:
        return {"from": self.first.isoformat(), "to": self.last.isoformat()}


def is_weekend(day: date) -> bool:
    return day.weekday() >= 5


def today_period(now: datetime) -> Period:
    """What is left of today (an event that ended this morning is not 'on today')."""
    today = today_local(now)
    return Period(today, today, now, day_end(today))


def weekend_period(now: datetime) -> Period:
    """The coming Saturday and Sunday; on a Saturday or a Sunday, today and tomorrow."""
    today = today_local(now)
    if is_weekend(today):
        return Period(today, today + timedelta(days=1), now, day_end(today + timedelta(days=1)))
    saturday = today + timedelta(days=5 - today.weekday())
    sunday = saturday + timedelta(days=1)
    return Period(saturday, sunday, day_start(saturday), day_end(sunday))


def whats_on(now: datetime | None = None, size: int = SECTION_SIZE) -> dict:
    """Today's events and the weekend's; an event on both (a long exhibition) is shown once, under today."""
    from community.events.services import events_during

    now = now or now_utc()
    today, weekend = today_period(now), weekend_period(now)
    today_events = events_during(today.start, today.end, size, now=now)
    weekend_events = events_during(weekend.start, weekend.end, size,
                                   leave_out=[o.event_id for o in today_events], now=now)
    return {"today": today, "today_events": today_events, "weekend": weekend, "weekend_events": weekend_events,
            "weekend_is_now": is_weekend(today.first)}


def new_in_area(area: Area | None, size: int = SECTION_SIZE, leave_out: list[int] | tuple[int, ...] = ()) -> dict:
    """The coming events, newest notices and recently updated shops of the chosen area and everything below it
    (a ward includes its districts); the whole city while none is chosen. `leave_out`: events the page already
    shows (today's and the weekend's), so a months-long exhibition is on the page once."""
    from community.content.listing import front_page_sections

    return front_page_sections(ListingFilters(area=area), size, leave_out=leave_out)


def curated(featured_size: int = FEATURED_SIZE, collections_size: int = COLLECTIONS_SIZE) -> dict:
    from community.moderation.curation import featured_for, published_collections

    return {"featured": featured_for(limit=featured_size), "collections": published_collections(collections_size)}


def conversations(user, size: int = SECTION_SIZE) -> dict:
    """The board threads this user may read, latest activity first, and the open communities, most active first."""
    from community.board.services import latest_threads
    from community.communities.services import active_communities

    return {"threads": latest_threads(user, size), "communities": active_communities(size)}
