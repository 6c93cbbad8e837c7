"""Reading for supporters: the review queue (pending, reported and re-review items of every kind, oldest
first), an item's moderation history, the dashboard figures and the audit log. Queries only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import String, and_, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import joinedload

from community.areas.models import Area
from community.content.models import Status
from community.db import utcnow
from community.extensions import db
from community.items import KINDS, author_id_of, kind_of
from community.moderation.links import authors_of, load_items
from community.moderation.models import AuditEntry, Feature, Report, ReviewRequest
from community.pagination import page_of_rows

QUEUE_KINDS = tuple(KINDS)  # every kind of item can be pending (not profiles), reported or re-reviewed
STATUS_KINDS = tuple(k for k in KINDS if k != "profile")
PUBLISHABLE_KINDS = ("event", "shop", "notice")


@dataclass
class QueueFilters:
    kind: str | None = None
    area: Area | None = None
    reason: str | None = None
    page: int = 1
    errors: list[str] = field(default_factory=list)

    def args(self, **changes) -> dict:
        values = {"kind": self.kind, "area": self.area.slug if self.area else None, "reason": self.reason}
        values.update(changes)
        return {key: value for key, value in values.items() if value}


@dataclass
class QueueEntry:
    kind: str
    item_id: int
    since: datetime
    item: object = None
    author: object = None
    reports: list = field(default_factory=list)
    history: list = field(default_factory=list)
    requests: list = field(default_factory=list)

    @property
    def open_reports(self) -> list:
        return [r for r in self.reports if r.resolved_at is None]

    @property
    def open_requests(self) -> list:
        return [r for r in self.requests if r.handled_at is None]


def _since(model):
    """Items a group publishes wait from their last edit (submitting); member posts from their writing."""
    return model.updated_at if hasattr(model, "updated_at") else model.created_at


def _pending(kind: str):
    model = KINDS[kind].model
    query = select(literal(kind, String(20)).label("kind"), model.id.label("item_id"),
                   _since(model).label("since")).where(model.status == Status.PENDING)
    if hasattr(model, "deleted_at"):
        query = query.where(model.deleted_at.is_(None))
    return query


def _area_ids(area: Area):
    return select(Area.id).where(or_(Area.id == area.id, Area.path.like(f"{area.path}%")))


def _ids_in_area(kind: str, area: Area):
    """A subquery of the ids of one kind's items placed in the area or below it."""
    from community.board.models import BoardReply, BoardThread
    from community.communities.models import Community, Reply, Topic

    below = _area_ids(area)
    if kind == "topic":
        return select(Topic.id).join(Community, Community.id == Topic.community_id).where(Community.area_id.in_(below))
    if kind == "reply":
        return (select(Reply.id).join(Topic, Topic.id == Reply.topic_id)
                .join(Community, Community.id == Topic.community_id).where(Community.area_id.in_(below)))
    if kind == "board_reply":
        return (select(BoardReply.id).join(BoardThread, BoardThread.id == BoardReply.thread_id)
                .where(BoardThread.area_id.in_(below)))
    model = KINDS[kind].model
    return select(model.id).where(model.area_id.in_(below))


def queue_query(filters: QueueFilters):
    """(kind, item_id, since) of every item waiting for a supporter, oldest first."""
    kinds = (filters.kind,) if filters.kind else QUEUE_KINDS
    reports = select(Report.item_kind.label("kind"), Report.item_id.label("item_id"),
                     func.min(Report.created_at).label("since")).where(
        Report.resolved_at.is_(None), Report.item_kind.in_(kinds)).group_by(Report.item_kind, Report.item_id)
    if filters.reason:
        reports = reports.where(Report.reason == filters.reason)
    parts = [reports]
    if not filters.reason:
        parts += [_pending(kind) for kind in kinds if kind in STATUS_KINDS]
        parts.append(select(ReviewRequest.item_kind.label("kind"), ReviewRequest.item_id.label("item_id"),
                            ReviewRequest.created_at.label("since")).where(
            ReviewRequest.handled_at.is_(None), ReviewRequest.item_kind.in_(kinds)))
    waiting = union_all(*parts).subquery("waiting")
    query = select(waiting.c.kind, waiting.c.item_id, func.min(waiting.c.since).label("since")).group_by(
        waiting.c.kind, waiting.c.item_id)
    if filters.area is not None:
        query = query.where(or_(*(and_(waiting.c.kind == kind, waiting.c.item_id.in_(_ids_in_area(kind, filters.area)))
                                  for kind in kinds)))
    return query.order_by(func.min(waiting.c.since), waiting.c.kind, waiting.c.item_id)


def queue_page(filters: QueueFilters, per_page: int = 20):
    page = page_of_rows(db.session, queue_query(filters), filters.page, per_page)
    page.items = entries_for([(row.kind, row.item_id, row.since) for row in page.items])
    return page


def _pairs_clause(model, pairs):
    by_kind: dict[str, set[int]] = {}
    for kind, item_id in pairs:
        by_kind.setdefault(kind, set()).add(item_id)
    if not by_kind:
        return literal(False)
    return or_(*(and_(model.item_kind == kind, model.item_id.in_(ids)) for kind, ids in by_kind.items()))


def entries_for(rows) -> list[QueueEntry]:
    """Queue entries with their items, authors, reports, review requests and earlier actions: a fixed
    number of queries for the whole page."""
    pairs = [(kind, item_id) for kind, item_id, _ in rows]
    items = load_items(pairs)
    authors = authors_of(items.values())
    entries = [QueueEntry(kind, item_id, since, item=items.get((kind, item_id))) for kind, item_id, since in rows]
    by_key = {(e.kind, e.item_id): e for e in entries}
    for entry in entries:
        if entry.item is not None:
            entry.author = authors.get(author_id_of(entry.item))
    if pairs:
        for report in db.session.scalars(select(Report).options(joinedload(Report.reporter)).where(
                _pairs_clause(Report, pairs)).order_by(Report.created_at, Report.id)):
            by_key[(report.item_kind, report.item_id)].reports.append(report)
        for entry_ in db.session.scalars(select(AuditEntry).options(joinedload(AuditEntry.actor)).where(
                _pairs_clause(AuditEntry, pairs)).order_by(AuditEntry.created_at, AuditEntry.id)):
            by_key[(entry_.item_kind, entry_.item_id)].history.append(entry_)
        for request in db.session.scalars(select(ReviewRequest).where(_pairs_clause(ReviewRequest, pairs))
                                          .order_by(ReviewRequest.created_at)):
            by_key[(request.item_kind, request.item_id)].requests.append(request)
    return entries


def entry_for(item) -> QueueEntry:
    """One item's entry (its moderation page)."""
    return entries_for([(kind_of(item), item.id, getattr(item, "created_at", None) or utcnow())])[0]


def reason_given(item) -> str:
    """The reason its author was given for hiding the item: on the item, or for a profile (which has no
    column for it) in its latest hide entry of the audit log."""
    if kind_of(item) != "profile":
        return item.hidden_reason or ""
    return db.session.scalar(select(AuditEntry.reason).where(
        AuditEntry.item_kind == "profile", AuditEntry.item_id == item.id,
        AuditEntry.action.in_(("hide", "auto_hide", "uphold"))).order_by(
        AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(1)) or ""


def account_history(account, limit: int = 50) -> list[AuditEntry]:
    """What was done to an account and its profile, newest first."""
    return list(db.session.scalars(select(AuditEntry).options(joinedload(AuditEntry.actor)).where(
        AuditEntry.item_kind == "profile", AuditEntry.item_id == account.id).order_by(
        AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit)))


# --- the dashboard -------------------------------------------------------------------------------


def pending_count() -> int:
    total = 0
    for kind in STATUS_KINDS:
        total += db.session.scalar(select(func.count()).select_from(_pending(kind).subquery())) or 0
    return total


def dashboard_figures(now: datetime | None = None) -> dict:
    now = now or utcnow()
    week_ago = now - timedelta(days=7)
    return {
        "pending": pending_count(),
        "open_reports": db.session.scalar(select(func.count(Report.id)).where(Report.resolved_at.is_(None))) or 0,
        "reported_items": db.session.scalar(select(func.count()).select_from(
            select(Report.item_kind, Report.item_id).where(Report.resolved_at.is_(None))
            .group_by(Report.item_kind, Report.item_id).subquery())) or 0,
        "review_requests": db.session.scalar(select(func.count(ReviewRequest.id)).where(
            ReviewRequest.handled_at.is_(None))) or 0,
        "hidden_this_week": db.session.scalar(select(func.count()).select_from(
            select(AuditEntry.item_kind, AuditEntry.item_id).where(
                AuditEntry.action.in_(("hide", "auto_hide")), AuditEntry.created_at >= week_ago)
            .group_by(AuditEntry.item_kind, AuditEntry.item_id).subquery())) or 0,
    }


STALE_LIMIT = 20


def stale_shops(now: datetime | None = None, limit: int = STALE_LIMIT):
    """Published shop listings whose 「最終確認日」 is over a year old (or never set, and not edited for a year)."""
    from community.shops.models import Shop
    from community.timeutil import today_local

    now = now or utcnow()
    cutoff_day = today_local(now) - timedelta(days=365)
    clause = and_(Shop.status == Status.PUBLISHED, or_(
        Shop.last_confirmed < cutoff_day,
        and_(Shop.last_confirmed.is_(None), Shop.updated_at < now - timedelta(days=365))))
    total = db.session.scalar(select(func.count(Shop.id)).where(clause)) or 0
    shops = db.session.scalars(select(Shop).options(joinedload(Shop.group)).where(clause).order_by(
        Shop.last_confirmed.is_(None), Shop.last_confirmed, Shop.updated_at).limit(limit)).all()
    return shops, total


def featured_past_events(now: datetime | None = None, limit: int = STALE_LIMIT):
    """Features still running whose event has no date left: [(feature, event)]."""
    from community.events.models import Event, EventOccurrence

    now = now or utcnow()
    upcoming = exists().where(EventOccurrence.event_id == Event.id, EventOccurrence.ends_at > now)
    query = (select(Feature, Event).join(Event, and_(Feature.item_kind == "event", Feature.item_id == Event.id))
             .where(or_(Feature.ends_at.is_(None), Feature.ends_at > now), ~upcoming)
             .order_by(Event.starts_at))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return [tuple(row) for row in db.session.execute(query.limit(limit))], total


def dormant_groups(now: datetime | None = None, limit: int = STALE_LIMIT):
    """Groups with no change to themselves or to any of their events, shops or notices for a year."""
    from community.events.models import Event
    from community.groups.models import Group
    from community.notices.models import Notice
    from community.shops.models import Shop

    now = now or utcnow()
    cutoff = now - timedelta(days=365)
    active = [exists().where(model.group_id == Group.id, model.updated_at >= cutoff) for model in (Event, Shop, Notice)]
    clause = and_(Group.updated_at < cutoff, *(~a for a in active))
    total = db.session.scalar(select(func.count(Group.id)).where(clause)) or 0
    groups = db.session.scalars(select(Group).where(clause).order_by(Group.updated_at).limit(limit)).all()
    return groups, total


def unverified_groups_page(page: int, per_page: int = 30):
    from community.groups.models import Group

    query = select(Group).options(joinedload(Group.area)).where(Group.verified.is_(False)).order_by(
        Group.created_at, Group.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def pending_counts_by_group(group_ids) -> dict[int, int]:
    counts: dict[int, int] = {}
    if not group_ids:
        return counts
    for kind in PUBLISHABLE_KINDS:
        model = KINDS[kind].model
        for group_id, n in db.session.execute(select(model.group_id, func.count(model.id)).where(
                model.group_id.in_(group_ids), model.status == Status.PENDING).group_by(model.group_id)):
            counts[group_id] = counts.get(group_id, 0) + n
    return counts
