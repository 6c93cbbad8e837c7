"""Public listings of shops and notices (events page by occurrence in events.services)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from community import policy
from community.content.filters import ListingFilters, apply_place_and_topic
from community.extensions import db


def public_items_query(model, filters: ListingFilters | None = None, order=None):
    """Published items of one type with their area, category and group loaded in the same query."""
    query = (
        select(model)
        .options(joinedload(model.area), joinedload(model.category), joinedload(model.group))
        .where(policy.public_clause(model))
    )
    if filters is not None:
        query = apply_place_and_topic(query, model, filters)
    return query.order_by(*(order if order is not None else (model.updated_at.desc(), model.id.desc())))


def listed_items(model, filters: ListingFilters, per_page: int = 20, order=None):
    return db.paginate(public_items_query(model, filters, order), page=filters.page, per_page=per_page,
                       error_out=False)


def load_item(model, item_id: int):
    return db.session.scalar(
        select(model).options(joinedload(model.group), joinedload(model.area), joinedload(model.category))
        .where(model.id == item_id)
    )


def front_page_sections(filters: ListingFilters, size: int = 6, leave_out: list[int] | tuple[int, ...] = ()) -> dict:
    """Upcoming events (but those in `leave_out`), new notices and recently updated shops: three queries whatever
    the data."""
    from community.events.services import upcoming_occurrences
    from community.notices.models import Notice
    from community.shops.models import Shop

    upcoming = ListingFilters(area=filters.area, category=filters.category)
    events = upcoming_occurrences(upcoming, size, leave_out=leave_out)
    notices = db.session.scalars(public_items_query(Notice, filters, order=(Notice.published_at.desc(),
                                                                             Notice.id.desc())).limit(size)).all()
    shops = db.session.scalars(public_items_query(Shop, filters).limit(size)).all()
    return {"events": events, "notices": notices, "shops": shops}


def group_items(group, user, size: int = 20) -> dict:
    """A group's items; its own editors (and staff) also see drafts, pending and hidden ones."""
    from community.events.models import Event
    from community.notices.models import Notice
    from community.shops.models import Shop

    sections = {}
    for key, model in (("events", Event), ("shops", Shop), ("notices", Notice)):
        query = (select(model).options(joinedload(model.area), joinedload(model.category))
                 .where(model.group_id == group.id, policy.visible_clause(user, model))
                 .order_by(model.updated_at.desc(), model.id.desc()).limit(size))
        sections[key] = db.session.scalars(query).all()
    return sections
