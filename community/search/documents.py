"""Turning database items into search documents, with the audience tokens the policy gives them."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from community import policy
from community.items import KINDS, kind_of, link_of
from community.text import plain_text

# Kinds that are searched (profiles are not).
INDEXED_KINDS = ("event", "shop", "notice", "community", "topic", "reply", "board", "board_reply")


def key_of(kind: str, item_id: int) -> str:
    return f"{kind}:{item_id}"


def _join(*parts) -> str:
    return "\n".join(p for p in parts if p)


def _area_tokens(area) -> str:
    return " ".join(str(i) for i in area.ancestor_ids) if area is not None else ""


def document(item) -> dict | None:
    """The search document for an item, or None when nobody may find it (deleted, or no audience)."""
    kind = kind_of(item)
    audiences = policy.audiences_for_item(item)
    if not audiences:
        return None
    doc = {"key": key_of(kind, item.id), "kind": kind, "id": item.id, "audience": audiences,
           "url": link_of(item), "updated_at": getattr(item, "updated_at", None) or getattr(item, "created_at", None)}
    if kind == "event":
        doc.update(title=item.title, body=_join(plain_text(item.body), item.venue_name, item.address, item.fee),
                   area=_area_tokens(item.area), category=item.category.slug if item.category else "",
                   starts_at=item.starts_at, ends_at=_last_end(item))
    elif kind == "shop":
        doc.update(title=item.name, body=_join(item.name_kana, plain_text(item.body), item.address,
                                               item.opening_hours, " ".join(item.tags or []), item.barrier_free),
                   area=_area_tokens(item.area), category=item.category.slug if item.category else "")
    elif kind == "notice":
        doc.update(title=item.title, body=plain_text(item.body), area=_area_tokens(item.area),
                   category=item.category.slug if item.category else "")
    elif kind == "community":
        doc.update(title=item.name, body=plain_text(item.description), area=_area_tokens(item.area),
                   category=item.category.slug if item.category else "")
    elif kind == "topic":
        community = item.community
        doc.update(title=item.title, body=plain_text(item.body), area=_area_tokens(community.area),
                   category=community.category.slug if community.category else "")
    elif kind == "reply":
        community = item.topic.community
        doc.update(title=item.topic.title, body=plain_text(item.body), area=_area_tokens(community.area),
                   category=community.category.slug if community.category else "")
    elif kind == "board":
        doc.update(title=item.title, body=plain_text(item.body), area=_area_tokens(item.area))
    elif kind == "board_reply":
        doc.update(title=item.thread.title, body=plain_text(item.body), area=_area_tokens(item.thread.area))
    else:
        return None
    return doc


def _last_end(event):
    occurrences = event.__dict__.get("occurrences")
    if occurrences:
        return max(o.ends_at for o in occurrences)
    from community.events.models import EventOccurrence
    from community.extensions import db

    last = db.session.scalar(select(EventOccurrence.ends_at).where(EventOccurrence.event_id == event.id)
                             .order_by(EventOccurrence.ends_at.desc()).limit(1))
    return last or event.ends_at


def _loader_options(kind: str, model):
    from community.board.models import BoardReply, BoardThread
    from community.communities.models import Community, Reply, Topic
    from community.events.models import Event
    from community.notices.models import Notice
    from community.shops.models import Shop

    options = {
        "event": [joinedload(Event.area), joinedload(Event.category), joinedload(Event.community),
                  selectinload(Event.occurrences)],
        "shop": [joinedload(Shop.area), joinedload(Shop.category)],
        "notice": [joinedload(Notice.area), joinedload(Notice.category)],
        "community": [joinedload(Community.area), joinedload(Community.category)],
        "topic": [joinedload(Topic.community).joinedload(Community.area),
                  joinedload(Topic.community).joinedload(Community.category)],
        "reply": [joinedload(Reply.topic).joinedload(Topic.community).joinedload(Community.area),
                  joinedload(Reply.topic).joinedload(Topic.community).joinedload(Community.category)],
        "board": [joinedload(BoardThread.area)],
        "board_reply": [joinedload(BoardReply.thread).joinedload(BoardThread.area)],
    }
    return options[kind]


def load_items(kind: str, ids) -> dict[int, object]:
    """Items of one kind with what their documents need, in one query."""
    from community.extensions import db

    model = KINDS[kind].model
    query = select(model).options(*_loader_options(kind, model)).where(model.id.in_(list(ids)))
    return {item.id: item for item in db.session.scalars(query).unique()}


def all_documents(batch: int = 500) -> Iterator[dict]:
    """Every document, for a rebuild: batches by id so memory stays flat at 100,000 items."""
    from community.extensions import db

    for kind in INDEXED_KINDS:
        model = KINDS[kind].model
        last = 0
        while True:
            ids = db.session.scalars(select(model.id).where(model.id > last).order_by(model.id).limit(batch)).all()
            if not ids:
                break
            items = load_items(kind, ids)
            for item_id in ids:
                doc = document(items[item_id]) if item_id in items else None
                if doc is not None:
                    yield doc
            last = ids[-1]
            db.session.expunge_all()


def count_items() -> int:
    from sqlalchemy import func

    from community.extensions import db

    return sum(db.session.scalar(select(func.count()).select_from(KINDS[k].model)) or 0 for k in INDEXED_KINDS)
