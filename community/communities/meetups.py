"""Meetups: a community's Event (community_id set, no group) with RSVPs and a waiting list.

A meetup is stored as an Event with its occurrence rows, so an open community's meetups appear in
/events, the calendar, the feeds and the API through policy.public_clause; a closed one's never do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from community import policy
from community.communities.common import CommunityError, touch
from community.communities.models import Community, Rsvp, RsvpAnswer
from community.content import services as content
from community.content.models import Status
from community.db import utcnow
from community.events.models import Event
from community.events.services import expand_occurrences
from community.extensions import db
from community.notifications.services import notify

MEETUPS_PER_PAGE = 20
ATTENDEES_SHOWN = 500
# What, when changed, is worth telling the people who answered.
NOTIFIED_FIELDS = ("title", "starts_at", "ends_at", "venue_name", "address")


# --- reading ----------------------------------------------------------------------------------


def meetup_link(meetup: Event) -> str:
    """The meetup's page inside its community: it works for members of closed communities too."""
    from flask import url_for

    return url_for("communities.meetup", slug=meetup.community.slug, event_id=meetup.id)


def load_meetup(community: Community, event_id: int) -> Event | None:
    return db.session.scalar(select(Event).where(Event.id == event_id, Event.community_id == community.id))


def upcoming_meetups(community: Community, limit: int = 5) -> list[Event]:
    return list(db.session.scalars(
        select(Event).where(Event.community_id == community.id, Event.status == Status.PUBLISHED,
                            Event.ends_at > utcnow())
        .order_by(Event.starts_at, Event.id).limit(limit)))


def meetups_page(community: Community, past: bool = False, page: int = 1, per_page: int = MEETUPS_PER_PAGE):
    query = select(Event).where(Event.community_id == community.id, Event.status == Status.PUBLISHED)
    now = utcnow()
    if past:
        query = query.where(Event.ends_at <= now).order_by(Event.starts_at.desc(), Event.id.desc())
    else:
        query = query.where(Event.ends_at > now).order_by(Event.starts_at, Event.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def rsvp_of(meetup: Event, user) -> Rsvp | None:
    if not policy.is_signed_in(user):
        return None
    return db.session.scalar(select(Rsvp).where(Rsvp.event_id == meetup.id, Rsvp.user_id == user.id))


def seats_taken(meetup: Event) -> int:
    return db.session.scalar(select(func.count()).select_from(Rsvp).where(
        Rsvp.event_id == meetup.id, Rsvp.answer == RsvpAnswer.GOING, Rsvp.waitlisted.is_(False))) or 0


def waiting_position(meetup: Event, rsvp: Rsvp) -> int | None:
    """1 for the first in line; None when the answer is not waiting."""
    if rsvp is None or not rsvp.waitlisted:
        return None
    ahead = db.session.scalar(select(func.count()).select_from(Rsvp).where(
        Rsvp.event_id == meetup.id, Rsvp.answer == RsvpAnswer.GOING, Rsvp.waitlisted.is_(True),
        (Rsvp.answered_at < rsvp.answered_at) | ((Rsvp.answered_at == rsvp.answered_at) & (Rsvp.id < rsvp.id))))
    return (ahead or 0) + 1


@dataclass
class Attendance:
    going: list = field(default_factory=list)
    waiting: list = field(default_factory=list)
    maybe: list = field(default_factory=list)
    not_going: list = field(default_factory=list)


def attendance(meetup: Event) -> Attendance:
    """Everyone who answered, with their names (one query), the waiting list in its order."""
    rows = db.session.scalars(
        select(Rsvp).options(joinedload(Rsvp.user)).where(Rsvp.event_id == meetup.id)
        .order_by(Rsvp.answered_at, Rsvp.id).limit(ATTENDEES_SHOWN))
    result = Attendance()
    for rsvp in rows:
        if rsvp.answer == RsvpAnswer.GOING:
            (result.waiting if rsvp.waitlisted else result.going).append(rsvp)
        elif rsvp.answer == RsvpAnswer.MAYBE:
            result.maybe.append(rsvp)
        else:
            result.not_going.append(rsvp)
    return result


# --- writing ----------------------------------------------------------------------------------


def create_meetup(community: Community, data: dict, actor) -> Event:
    now = utcnow()
    meetup = Event(community_id=community.id, group_id=None, author_id=actor.id, status=Status.PUBLISHED,
                   published_at=now, all_day=False, rrule="", category_id=community.category_id)
    _apply(meetup, community, data)
    db.session.add(meetup)
    db.session.flush()
    expand_occurrences(meetup)
    touch(community)
    return meetup


def update_meetup(meetup: Event, data: dict, actor) -> None:
    """Keeps the previous version; tells those who answered when the time or place changed."""
    if meetup.cancelled_at is not None:
        raise CommunityError(_("中止した集まりは編集できません。"))
    before = {name: getattr(meetup, name) for name in NOTIFIED_FIELDS}
    content.record_version(meetup, actor)
    _apply(meetup, meetup.community, data)
    db.session.flush()
    expand_occurrences(meetup)
    if any(before[name] != getattr(meetup, name) for name in NOTIFIED_FIELDS):
        _tell_answered(meetup, "meetup_changed", exclude=actor.id)
    fill_seats(meetup)


def cancel_meetup(meetup: Event, actor) -> None:
    if meetup.cancelled_at is not None:
        raise CommunityError(_("この集まりはすでに中止になっています。"))
    meetup.cancelled_at = utcnow()
    db.session.flush()
    _tell_answered(meetup, "meetup_cancelled", exclude=actor.id)


def _apply(meetup: Event, community: Community, data: dict) -> None:
    meetup.title = data["title"].strip()
    meetup.starts_at, meetup.ends_at = data["starts_at"], data["ends_at"]
    meetup.venue_name, meetup.address = data["venue_name"], data["address"]
    meetup.area_id = data["area_id"]
    meetup.capacity = data["capacity"]
    meetup.organizer = community.name  # what open-data exports and feeds name as the organiser
    content.set_body(meetup, data["body"])


def _tell_answered(meetup: Event, kind: str, exclude: int | None = None) -> None:
    user_ids = db.session.scalars(select(Rsvp.user_id).where(
        Rsvp.event_id == meetup.id, Rsvp.answer.in_((RsvpAnswer.GOING, RsvpAnswer.MAYBE))))
    for user_id in user_ids:
        if user_id != exclude:
            notify(user_id, kind, meetup_link(meetup), community_name=meetup.community.name,
                   event_title=meetup.title)


def answer(meetup: Event, user, choice: str) -> Rsvp:
    """going / maybe / not_going. Over capacity, going waits in line in the order of answering;
    a seat given up goes at once to the first in line."""
    if choice not in tuple(RsvpAnswer):
        raise CommunityError(_("出欠の指定が正しくありません。"))
    if meetup.cancelled_at is not None:
        raise CommunityError(_("この集まりは中止になりました。"))
    if meetup.ends_at <= utcnow():
        raise CommunityError(_("この集まりは終了しました。"))
    rsvp = rsvp_of(meetup, user)
    if rsvp is not None and rsvp.answer == choice:
        return rsvp  # the same answer again keeps one's place in line
    had_seat = rsvp is not None and rsvp.answer == RsvpAnswer.GOING and not rsvp.waitlisted
    full = choice == RsvpAnswer.GOING and meetup.capacity is not None and seats_taken(meetup) >= meetup.capacity
    if rsvp is None:
        rsvp = Rsvp(event_id=meetup.id, user_id=user.id)
        db.session.add(rsvp)
    rsvp.answer = choice
    rsvp.waitlisted = full
    rsvp.answered_at = utcnow()
    db.session.flush()
    if had_seat:
        fill_seats(meetup)
    return rsvp


def fill_seats(meetup: Event) -> list[Rsvp]:
    """Moves the first in line up while there are free seats; each one promoted is told."""
    if meetup.cancelled_at is not None:
        return []
    line = select(Rsvp).where(Rsvp.event_id == meetup.id, Rsvp.answer == RsvpAnswer.GOING,
                              Rsvp.waitlisted.is_(True)).order_by(Rsvp.answered_at, Rsvp.id)
    if meetup.capacity is not None:
        free = meetup.capacity - seats_taken(meetup)
        if free <= 0:
            return []
        line = line.limit(free)
    promoted = list(db.session.scalars(line))
    for rsvp in promoted:
        rsvp.waitlisted = False
        notify(rsvp.user_id, "waitlist_promoted", meetup_link(meetup), community_name=meetup.community.name,
               event_title=meetup.title)
    db.session.flush()
    return promoted


def withdraw_rsvps(community: Community, user_id: int) -> None:
    """Someone left the community: their answers to its coming meetups go, and freed seats move up."""
    rows = list(db.session.scalars(
        select(Rsvp).join(Rsvp.event).options(joinedload(Rsvp.event))
        .where(Rsvp.user_id == user_id, Event.community_id == community.id, Event.ends_at > utcnow())))
    for rsvp in rows:
        meetup, had_seat = rsvp.event, rsvp.answer == RsvpAnswer.GOING and not rsvp.waitlisted
        db.session.delete(rsvp)
        db.session.flush()
        if had_seat:
            fill_seats(meetup)
