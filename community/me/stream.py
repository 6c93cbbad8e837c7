"""A member's personal lists: the stream of what is new in what they follow, their upcoming events,
their bookmarks and their own posts — each in a fixed number of SQL statements, however many follows.

Every list goes through the policy's SQL clauses (public_clause, visible_clause, topic_visible_clause),
so a closed community's items show only while the member still belongs to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, and_, func, literal_column, or_, select, union_all
from sqlalchemy.orm import aliased, contains_eager, joinedload

from community import policy
from community.areas.models import Area
from community.content.models import Status
from community.extensions import db
from community.me.models import Bookmark, Follow
from community.pagination import Page, page_of_rows

STREAM_KINDS = ("event", "notice", "shop", "topic")
# The stream lists its newest entries up to this many (50 pages): counting or sorting everything a member follows
# in a city of 100,000 items costs more than anyone reads.
STREAM_DEPTH = 1_000
POST_KINDS = ("topic", "reply", "board", "board_reply")


@dataclass
class Entry:
    """An item in a personal list: its kind, the item itself, and the time it is listed by."""

    kind: str
    item: object  # None for a bookmark of an item the member may no longer see
    at: datetime
    item_id: int | None = None


def _models() -> dict:
    from community.board.models import BoardReply, BoardThread
    from community.communities.models import Reply, Topic
    from community.events.models import Event
    from community.notices.models import Notice
    from community.shops.models import Shop

    return {"event": Event, "notice": Notice, "shop": Shop, "topic": Topic, "reply": Reply,
            "board": BoardThread, "board_reply": BoardReply}


def _load_options(kind: str, model) -> tuple:
    """What each kind needs for its title, link and policy check, loaded in the same query."""
    if kind == "event":
        return (joinedload(model.area), joinedload(model.category), joinedload(model.group),
                joinedload(model.community))
    if kind in ("notice", "shop"):
        return joinedload(model.area), joinedload(model.category), joinedload(model.group)
    if kind == "topic":
        return (joinedload(model.community),)
    if kind == "reply":
        from community.communities.models import Topic

        return (joinedload(model.topic).joinedload(Topic.community),)
    if kind == "board":
        return (joinedload(model.area),)
    if kind == "board_reply":
        return (joinedload(model.thread),)
    return ()


def load_items(pairs) -> dict[tuple[str, int], object]:
    """{(kind, id): item} for many items: one query per kind present, with what they need loaded."""
    models = _models()
    wanted: dict[str, set[int]] = {}
    for kind, item_id in pairs:
        if kind in models:
            wanted.setdefault(kind, set()).add(item_id)
    found = {}
    for kind in sorted(wanted):
        model = models[kind]
        query = select(model).options(*_load_options(kind, model)).where(model.id.in_(wanted[kind]))
        for item in db.session.scalars(query).unique():
            found[(kind, item.id)] = item
    return found


def _kind_column(kind: str):
    # A constant from STREAM_KINDS / POST_KINDS, never user input: safe as a literal column.
    return literal_column(f"'{kind}'", String(20)).label("kind")


def _page_of_union(parts, page: int, per_page: int, depth: int | None = None) -> Page:
    """Counts and pages a UNION ALL of (kind, item_id, at) selects, then loads the items: 2 + kinds queries.
    With `depth`, only the newest `depth` entries are listed: the count stops there, and each part gives only
    the rows the page can need, newest first (an index on its time answers that without sorting the rest)."""
    if depth is None:
        stream = union_all(*parts).subquery("listing")
        listing = page_of_rows(db.session, select(stream.c.kind, stream.c.item_id, stream.c.at).order_by(
            stream.c.at.desc(), stream.c.kind, stream.c.item_id.desc()), page, per_page)
    else:
        page = min(page, max(1, -(-depth // per_page)))
        total = db.session.scalar(select(func.count()).select_from(
            union_all(*parts).limit(depth).subquery("bounded"))) or 0
        wanted = page * per_page
        heads = []
        for part in parts:
            columns = part.selected_columns
            head = part.order_by(columns.at.desc(), columns.item_id.desc()).limit(wanted).subquery()
            heads.append(select(head.c.kind, head.c.item_id, head.c.at))
        stream = union_all(*heads).subquery("listing")
        rows = db.session.execute(select(stream.c.kind, stream.c.item_id, stream.c.at).order_by(
            stream.c.at.desc(), stream.c.kind, stream.c.item_id.desc()).limit(per_page).offset(wanted - per_page))
        listing = Page(page=page, per_page=per_page, total=total, items=list(rows))
    loaded = load_items((kind, item_id) for kind, item_id, _ in listing.items)
    listing.items = [Entry(kind, loaded[(kind, item_id)], at) for kind, item_id, at in listing.items
                     if (kind, item_id) in loaded]
    return listing


# --- the personal stream ----------------------------------------------------------------------------


def followed_ids(user_id: int, kind: str):
    """A subquery of the ids of what the member follows of one kind."""
    return select(Follow.target_id).where(Follow.user_id == user_id, Follow.target_kind == kind)


def followed_area_ids(user_id: int):
    """A subquery of the followed areas and every area below them (materialised paths, one join)."""
    parent = aliased(Area)
    return (select(Area.id).join(parent, Area.path.like(parent.path + "%"))
            .where(parent.id.in_(followed_ids(user_id, "area"))))


def listed_clause(user, model):
    """Published and visible to this member: public items, and the meetups of their own communities."""
    if hasattr(model, "community_id"):
        return and_(model.status == Status.PUBLISHED, policy.visible_clause(user, model))
    return policy.public_clause(model)


def _stream_parts(user, since: datetime | None = None) -> list:
    models = _models()
    areas = followed_area_ids(user.id)
    categories = followed_ids(user.id, "category")
    groups = followed_ids(user.id, "group")
    communities = followed_ids(user.id, "community")
    parts = []
    for kind in ("event", "notice", "shop"):
        model = models[kind]
        at = func.coalesce(model.published_at, model.created_at)
        reasons = [model.area_id.in_(areas), model.category_id.in_(categories), model.group_id.in_(groups)]
        if hasattr(model, "community_id"):
            reasons.append(model.community_id.in_(communities))  # a community's meetups
        query = select(_kind_column(kind), model.id.label("item_id"), at.label("at")).where(
            listed_clause(user, model), or_(*reasons))
        parts.append(query.where(at >= since) if since is not None else query)
    topic = models["topic"]
    query = select(_kind_column("topic"), topic.id.label("item_id"), topic.last_post_at.label("at")).where(
        topic.community_id.in_(communities), topic.status == Status.PUBLISHED, policy.topic_visible_clause(user, topic))
    parts.append(query.where(topic.last_post_at >= since) if since is not None else query)
    return parts


def personal_stream(user, page: int = 1, per_page: int = 20, since: datetime | None = None) -> Page:
    """What is new in the member's areas (with the areas below), categories, groups and communities,
    newest first. The number of statements is the same for one follow or a thousand."""
    return _page_of_union(_stream_parts(user, since), page, per_page, depth=STREAM_DEPTH)


# --- upcoming events, bookmarks, own posts -----------------------------------------------------------


@dataclass
class Upcoming:
    occurrence: object
    answer: str | None  # the member's RSVP, or None when only bookmarked

    @property
    def event(self):
        return self.occurrence.event


def upcoming_events(user, now: datetime, limit: int = 10) -> list[Upcoming]:
    """Dates to come of the events the member answered (going / maybe) or bookmarked, soonest first."""
    from community.communities.models import Rsvp, RsvpAnswer
    from community.events.models import Event, EventOccurrence
    from community.events.services import first_occurrences

    answered = select(Rsvp.event_id).where(Rsvp.user_id == user.id, Rsvp.answer != RsvpAnswer.NOT_GOING)
    declined = select(Rsvp.event_id).where(Rsvp.user_id == user.id, Rsvp.answer == RsvpAnswer.NOT_GOING)
    marked = select(Bookmark.item_id).where(Bookmark.user_id == user.id, Bookmark.item_kind == "event")
    query = (
        select(EventOccurrence, Rsvp.answer)
        .join(EventOccurrence.event)
        .outerjoin(Rsvp, and_(Rsvp.event_id == Event.id, Rsvp.user_id == user.id))
        .options(contains_eager(EventOccurrence.event).joinedload(Event.area),
                 contains_eager(EventOccurrence.event).joinedload(Event.community))
        # A bookmarked event the member said they won't attend is not "to come" for them.
        .where(EventOccurrence.ends_at > now, or_(Event.id.in_(answered), Event.id.in_(marked)),
               Event.id.not_in(declined), Event.cancelled_at.is_(None), listed_clause(user, Event))
    )
    # A repeating event has many dates; each event is listed once, at its next one.
    return [Upcoming(occurrence, answer) for occurrence, answer in db.session.execute(first_occurrences(query, limit))]


def bookmarks_page(user, page: int = 1, per_page: int = 20) -> Page:
    """The member's bookmarks, newest first; an item they may no longer see is listed without its content."""
    listing = db.paginate(select(Bookmark).where(Bookmark.user_id == user.id)
                          .order_by(Bookmark.created_at.desc(), Bookmark.id.desc()),
                          page=page, per_page=per_page, error_out=False)
    loaded = load_items((b.item_kind, b.item_id) for b in listing.items)
    entries = []
    for bookmark in listing.items:
        item = loaded.get((bookmark.item_kind, bookmark.item_id))
        visible = item is not None and policy.can_view(user, item)
        entries.append(Entry(bookmark.item_kind, item if visible else None, bookmark.created_at, bookmark.item_id))
    return Page(page=page, per_page=per_page, total=listing.total or 0, items=entries)


def own_posts(user, page: int = 1, per_page: int = 20) -> Page:
    """The member's topics, replies and board posts with their moderation status, newest first."""
    models = _models()
    parts = []
    for kind in POST_KINDS:
        model = models[kind]
        parts.append(select(_kind_column(kind), model.id.label("item_id"), model.created_at.label("at"))
                     .where(model.author_id == user.id, model.deleted_at.is_(None)))
    return _page_of_union(parts, page, per_page)


def follows_page(user, page: int = 1, per_page: int = 50) -> Page:
    """What the member follows, with the followed area, category, group or community loaded (one query a kind);
    one the member may no longer see (or that was deleted) is listed without its name, so they can unfollow it."""
    from community.areas.models import Category
    from community.communities.models import Community
    from community.groups.models import Group

    listing = db.paginate(select(Follow).where(Follow.user_id == user.id)
                          .order_by(Follow.target_kind, Follow.created_at.desc(), Follow.id.desc()),
                          page=page, per_page=per_page, error_out=False)
    targets = {"area": Area, "category": Category, "group": Group, "community": Community}
    wanted: dict[str, set[int]] = {}
    for follow in listing.items:
        wanted.setdefault(follow.target_kind, set()).add(follow.target_id)
    found = {}
    for kind in sorted(wanted):
        model = targets.get(kind)
        if model is not None:
            for target in db.session.scalars(select(model).where(model.id.in_(wanted[kind]))):
                found[(kind, target.id)] = target
    entries = []
    for follow in listing.items:
        target = found.get((follow.target_kind, follow.target_id))
        # A community moderation hid (or one not published) is listed without its name, as bookmarks are.
        if target is not None and follow.target_kind == "community" and not policy.can_view_community(user, target):
            target = None
        entries.append(Entry(follow.target_kind, target, follow.created_at, follow.target_id))
    return Page(page=page, per_page=per_page, total=listing.total or 0, items=entries)


def follow_counts(user) -> dict[str, int]:
    rows = db.session.execute(select(Follow.target_kind, func.count()).where(Follow.user_id == user.id)
                              .group_by(Follow.target_kind))
    return {kind: count for kind, count in rows}


def personal_calendar_events(user, since: datetime, limit: int = 500) -> list:
    """Events for the personal iCalendar: those of what the member follows, answered or bookmarked,
    with a date ending after `since` (one query)."""
    from community.communities.models import Rsvp, RsvpAnswer
    from community.events.models import Event, EventOccurrence

    reasons = [
        Event.area_id.in_(followed_area_ids(user.id)), Event.category_id.in_(followed_ids(user.id, "category")),
        Event.group_id.in_(followed_ids(user.id, "group")), Event.community_id.in_(followed_ids(user.id, "community")),
        Event.id.in_(select(Rsvp.event_id).where(Rsvp.user_id == user.id, Rsvp.answer != RsvpAnswer.NOT_GOING)),
        Event.id.in_(select(Bookmark.item_id).where(Bookmark.user_id == user.id, Bookmark.item_kind == "event")),
    ]
    dates = select(EventOccurrence.event_id).where(EventOccurrence.ends_at > since)
    query = (select(Event).where(listed_clause(user, Event), Event.cancelled_at.is_(None), or_(*reasons),
                                 Event.id.in_(dates))
             .order_by(Event.starts_at, Event.id).limit(limit))
    return list(db.session.scalars(query))
