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
    """One VEVENT per event, repeating ones with their RRULE, times in Asia/Tokyo."""
    calendar = Calendar()
    calendar.add("prodid", "-//Sagamihara Community Portal//ja")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Tokyo")
    host = request.host.split(":")[0]
    for event in events:
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
        calendar.add_component(vevent)
    calendar.add_missing_timezones()
    return calendar.to_ical()


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
