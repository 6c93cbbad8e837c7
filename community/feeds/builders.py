"""Building Atom (feedgen) and iCalendar (icalendar) documents; no XML or ICS by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from feedgen.feed import FeedGenerator
from flask import request, url_for
from flask_babel import gettext as _
from icalendar import Calendar, vRecur
from icalendar import Event as VEvent

from community.locale import site_name
from community.timeutil import TOKYO, now_utc


def atom_feed(title: str, self_url: str, page_url: str, entries: list[dict]) -> bytes:
    """entries: dicts with id, title, link, updated, summary and optional html content and author."""
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(f"{title} | {site_name()}")
    feed.link(href=self_url, rel="self")
    feed.link(href=page_url, rel="alternate")
    feed.language("ja")
    feed.updated(max((e["updated"] for e in entries), default=now_utc()))
    for data in reversed(entries):  # feedgen prepends; keep the listing order
        entry = feed.add_entry()
        entry.id(data["link"])
        # Atom requires a title, and feedgen refuses to write an entry without one: a row stored before titles
        # were checked (an old import, "<img src=x>" stripped to "") must not take the whole feed down.
        entry.title(data["title"].strip() or _("（無題）"))
        entry.link(href=data["link"])
        entry.updated(data["updated"])
        if data.get("summary"):
            entry.summary(data["summary"])
        if data.get("html"):
            entry.content(data["html"], type="html")
        entry.author({"name": data.get("author") or site_name()})
    return feed.atom_str(pretty=False)


def calendar_document(name: str, events) -> bytes:
    """One VEVENT per event, repeating ones with their RRULE, times in Asia/Tokyo.

    Each VEVENT's text is built once per version of its event (and per host it is served from) and kept; the
    Asia/Tokyo VTIMEZONE that icalendar's add_missing_timezones writes is built once: a feed of 200 events is
    then a join of stored text rather than 200 icalendar objects.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Sagamihara Community Portal//ja")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Tokyo")
    host = request.host.split(":")[0]
    parts, timed = [], False
    for event in events:
        key = (event.id, event.updated_at, event.cancelled_at, request.host_url, request.script_root)
        text = _VEVENTS.get(key)
        if text is None:
            text = _VEVENTS.put(key, _vevent(event, host).to_ical())
        parts.append(text)
        timed = timed or not event.all_day
    if timed:
        parts.insert(0, _tokyo_timezone())  # where add_missing_timezones puts it: before the events
    head, _sep, tail = calendar.to_ical().rpartition(b"END:VCALENDAR")
    return head + b"".join(parts) + b"END:VCALENDAR" + tail


class _Texts:
    """A bounded store of built texts (oldest out first)."""

    def __init__(self, size: int):
        from collections import OrderedDict
        from threading import Lock

        self.size, self.lock = size, Lock()
        self.items: OrderedDict[object, str] = OrderedDict()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value):
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


_VEVENTS = _Texts(4000)
_TIMEZONE: list[bytes] = []


def _tokyo_timezone() -> bytes:
    """The VTIMEZONE add_missing_timezones writes for Asia/Tokyo (the same whatever the events)."""
    if not _TIMEZONE:
        calendar = Calendar()
        probe = VEvent()
        probe.add("dtstart", datetime(2026, 1, 1, 10, tzinfo=TOKYO))
        calendar.add_component(probe)
        calendar.add_missing_timezones()
        _TIMEZONE.append(b"".join(c.to_ical() for c in calendar.subcomponents if c.name == "VTIMEZONE"))
    return _TIMEZONE[0]


def _vevent(event, host: str) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", f"event-{event.id}@{host}")
    vevent.add("summary", _plain(event.title))
    vevent.add("dtstamp", event.updated_at)
    vevent.add("last-modified", event.updated_at)
    # A cancelled meetup stays listed (marked 中止 on the site); calendars strike it through.
    vevent.add("status", "CANCELLED" if event.cancelled_at is not None else "CONFIRMED")
    if event.all_day:
        vevent.add("dtstart", event.starts_at.astimezone(TOKYO).date())
        vevent.add("dtend", (event.ends_at.astimezone(TOKYO) - timedelta(seconds=1)).date() + timedelta(days=1))
    else:
        vevent.add("dtstart", event.starts_at.astimezone(TOKYO))
        vevent.add("dtend", event.ends_at.astimezone(TOKYO))
    if event.rrule:
        vevent.add("rrule", _recurrence(event))
        if event.exdates:
            vevent.add("exdate", _skipped(event))
    location = " ".join(_plain(part) for part in (event.venue_name, event.address) if part)
    if location:
        vevent.add("location", location)
    # The page's address ends the description too: many calendar apps show no URL property.
    page = url_for("events.detail", event_id=event.id, _external=True)
    vevent.add("description", "\n\n".join(part for part in (_plain(event.body), page) if part))
    vevent.add("url", page)
    return vevent


def _recurrence(event) -> vRecur:
    """The stored RRULE, typed (UNTIL as a UTC time; a date for an all-day event, as RFC 5545 asks)."""
    rule = vRecur.from_ical(event.rrule)
    if event.all_day and rule.get("UNTIL"):
        rule["UNTIL"] = [until.astimezone(TOKYO).date() if isinstance(until, datetime) else until
                         for until in rule["UNTIL"]]
    return rule


def _skipped(event) -> list:
    """EXDATE values: the skipped days at the series' start time in Tokyo (dates for an all-day event)."""
    days = [date.fromisoformat(day) for day in sorted(event.exdates)]
    if event.all_day:
        return days
    start = event.starts_at.astimezone(TOKYO)
    return [datetime.combine(day, start.timetz()) for day in days]


def _plain(source: str) -> str:
    """Calendar apps may render DESCRIPTION or LOCATION as HTML: every value goes in as tag-free text."""
    from community.text import plain_text

    return plain_text(source or "")[:2000]
