"""Turning database items into search documents, with the audience tokens the policy gives them."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, load_only, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from community import policy
from community.items import FINDABLE_KINDS, kind_of, link_of
from community.text import plain_text

# Kinds that are searched (profiles are not).
INDEXED_KINDS = ("event", "shop", "notice", "community", "topic", "reply", "board", "board_reply", "group")


def key_of(kind: str, item_id: int) -> str:
    return f"{kind}:{item_id}"


def _join(*parts) -> str:
    return "\n".join(p for p in parts if p)


def _area_tokens(area) -> str:
    return " ".join(str(i) for i in area.ancestor_ids) if area is not None else ""


# The portal's own words for each kind, as a resident searches for them (「イベント 子育て」); the index is
# Japanese whatever the interface language.
KIND_WORDS = {"event": "イベント 催し", "shop": "お店 施設", "notice": "お知らせ", "community": "コミュニティ",
              "topic": "コミュニティ トピック", "reply": "コミュニティ", "board": "伝言板", "board_reply": "伝言板",
              "group": "団体"}
# A group's own kind (community.groups.models.GroupKind), in the words residents use for it.
GROUP_KIND_WORDS = {"jichikai": "自治会 町内会", "npo": "NPO 市民団体", "shop": "店舗 事業者",
                    "school": "学校 教育機関", "city": "市役所 市の部署 公共施設", "circle": "サークル"}
_AREA_NAMES_SECONDS = 60.0
_area_names: dict = {"at": float("-inf"), "names": {}}


def _area_name_map() -> dict[int, str]:
    """Every area's name by id (28 rows), read at most once a minute per process: not a query per item."""
    from community.areas.models import Area
    from community.extensions import db

    if time.monotonic() - _area_names["at"] > _AREA_NAMES_SECONDS:
        _area_names["names"] = dict(db.session.execute(select(Area.id, Area.name)).all())
        _area_names["at"] = time.monotonic()
    return _area_names["names"]


def forget_area_names() -> None:
    """An area was renamed or moved: the next document reads the names again."""
    _area_names["at"] = float("-inf")


def _place_words(kind: str, area, category) -> str:
    """What the item's page shows about it besides its text: its kind, category and area (with the ward and the
    city above it), so 「緑区 子育て」 or 「イベント」 finds what a resident expects."""
    names = _area_name_map()
    areas = [names.get(i, "") for i in area.ancestor_ids] if area is not None else []
    return " ".join(part for part in (KIND_WORDS.get(kind, ""), category.name if category else "", *areas) if part)


def document(item, last_ends: Mapping[int, datetime] | None = None) -> dict | None:
    """The search document for an item, or None when nobody may find it (deleted, or no audience).

    last_ends: the latest end of each event's dates by event id, when the caller read them in bulk.
    """
    kind = kind_of(item)
    audiences = policy.audiences_for_item(item)
    if not audiences:
        return None
    doc = {"key": key_of(kind, item.id), "kind": kind, "id": item.id, "audience": audiences,
           "url": link_of(item), "updated_at": getattr(item, "updated_at", None) or getattr(item, "created_at", None)}
    if kind == "event":
        doc.update(title=item.title, body=_join(plain_text(item.body), item.venue_name, item.address, item.fee),
                   area=_area_tokens(item.area), category=item.category.slug if item.category else "",
                   starts_at=item.starts_at, ends_at=_last_end(item, last_ends))
    elif kind == "shop":
        doc.update(title=item.name, body=_join(item.name_kana, plain_text(item.body), item.address,
                                               item.opening_hours, " ".join(item.tags or []), item.barrier_free),
                   area=_area_tokens(item.area), category=item.category.slug if item.category else "")
    elif kind == "notice":  # with its やさしい日本語 version, found by the words only it uses
        doc.update(title=item.title, body=_join(plain_text(item.body), item.easy_title, plain_text(item.easy_body)),
                   area=_area_tokens(item.area),
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
    elif kind == "group":
        doc.update(title=item.name, body=_join(plain_text(item.description), GROUP_KIND_WORDS.get(item.kind, "")),
                   area=_area_tokens(item.area))
    else:
        return None
    doc["body"] = _join(doc.get("body", ""), _place_words(kind, *_area_and_category(kind, item)))
    return doc


def _area_and_category(kind: str, item):
    if kind in ("topic", "reply"):
        community = item.community if kind == "topic" else item.topic.community
        return community.area, community.category
    if kind == "board":
        return item.area, None
    if kind == "board_reply":
        return item.thread.area, None
    if kind == "group":
        return item.area, None
    return item.area, getattr(item, "category", None)


def _last_end(event, last_ends=None):
    if last_ends is not None:
        return last_ends.get(event.id) or event.ends_at
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
    from community.groups.models import Group
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
        "group": [joinedload(Group.area)],
    }
    return options[kind]


def load_items(kind: str, ids) -> dict[int, object]:
    """Items of one kind with what their documents need, in one query."""
    from community.extensions import db

    model = FINDABLE_KINDS[kind].model
    query = select(model).options(*_loader_options(kind, model)).where(model.id.in_(list(ids)))
    return {item.id: item for item in db.session.scalars(query).unique()}


def _rebuild_options(kind: str) -> list:
    """Exactly the columns and relations document() and the policy read, for a rebuild.

    Areas and categories are left out: they are attached from one read of those small tables, which
    saves a joined row and an identity lookup per item. A column missing here would be loaded with one
    query per item (tests/indexing/test_all_documents.py counts the statements).
    """
    from community.board.models import BoardReply, BoardThread
    from community.communities.models import Community, Reply, Topic
    from community.events.models import Event
    from community.groups.models import Group
    from community.notices.models import Notice
    from community.shops.models import Shop

    community = load_only(Community.slug, Community.status, Community.is_closed, Community.area_id,
                          Community.category_id)
    options = {
        "event": [load_only(Event.title, Event.body, Event.venue_name, Event.address, Event.fee, Event.area_id,
                            Event.category_id, Event.starts_at, Event.ends_at, Event.community_id, Event.status,
                            Event.group_id, Event.author_id, Event.updated_at),
                  joinedload(Event.community).options(community)],
        "shop": [load_only(Shop.name, Shop.name_kana, Shop.body, Shop.address, Shop.opening_hours, Shop.tags,
                           Shop.barrier_free, Shop.area_id, Shop.category_id, Shop.status, Shop.group_id,
                           Shop.author_id, Shop.updated_at)],
        "notice": [load_only(Notice.title, Notice.body, Notice.easy_title, Notice.easy_body, Notice.area_id,
                             Notice.category_id, Notice.status, Notice.publish_from, Notice.publish_until,
                             Notice.group_id, Notice.author_id, Notice.updated_at)],
        "community": [load_only(Community.slug, Community.name, Community.description, Community.area_id,
                                Community.category_id, Community.status, Community.is_closed, Community.updated_at)],
        "topic": [load_only(Topic.title, Topic.body, Topic.community_id, Topic.status, Topic.deleted_at,
                            Topic.author_id, Topic.created_at),
                  joinedload(Topic.community).options(community)],
        "reply": [load_only(Reply.body, Reply.topic_id, Reply.status, Reply.deleted_at, Reply.author_id,
                            Reply.created_at),
                  joinedload(Reply.topic).options(
                      load_only(Topic.title, Topic.community_id, Topic.status, Topic.deleted_at),
                      joinedload(Topic.community).options(community))],
        "board": [load_only(BoardThread.title, BoardThread.body, BoardThread.area_id, BoardThread.status,
                            BoardThread.deleted_at, BoardThread.author_id, BoardThread.created_at)],
        "board_reply": [load_only(BoardReply.body, BoardReply.thread_id, BoardReply.status, BoardReply.deleted_at,
                                  BoardReply.author_id, BoardReply.created_at),
                        joinedload(BoardReply.thread).options(
                            load_only(BoardThread.title, BoardThread.area_id, BoardThread.status,
                                      BoardThread.deleted_at))],
        "group": [load_only(Group.slug, Group.name, Group.kind, Group.description, Group.area_id, Group.verified,
                            Group.updated_at)],
    }
    return options[kind]


def _reference_data():
    """Every area and category, detached so that clearing the session between batches keeps them."""
    from community.areas.models import Area, Category
    from community.extensions import db

    areas = {area.id: area for area in db.session.scalars(select(Area))}
    categories = {category.id: category for category in db.session.scalars(select(Category))}
    for obj in (*areas.values(), *categories.values()):
        db.session.expunge(obj)
    return areas, categories


def _attach(obj, areas, categories) -> None:
    """Sets obj.area and obj.category from the cached reference data, as if they had been loaded."""
    if obj is None:
        return
    state = obj.__dict__
    if "area" not in state and "area_id" in state:
        set_committed_value(obj, "area", areas.get(obj.area_id))
    if "category" not in state and "category_id" in state:
        set_committed_value(obj, "category", categories.get(obj.category_id))


def _attach_reference_data(kind: str, items, areas, categories) -> None:
    for item in items:
        _attach(item, areas, categories)
        if kind in ("event", "topic"):
            _attach(item.community, areas, categories)
        elif kind == "reply":
            _attach(item.topic.community, areas, categories)
        elif kind == "board_reply":
            _attach(item.thread, areas, categories)


def _last_ends(first: int, last: int) -> dict[int, datetime]:
    """{event id: end of its last date} for the events with ids first..last, in one grouped query."""
    from sqlalchemy import func

    from community.events.models import EventOccurrence
    from community.extensions import db

    query = (select(EventOccurrence.event_id, func.max(EventOccurrence.ends_at))
             .where(EventOccurrence.event_id.between(first, last)).group_by(EventOccurrence.event_id))
    return dict(db.session.execute(query).all())


def all_documents(batch: int = 1000) -> Iterator[dict]:
    """Every document, for a rebuild.

    One query per batch of `batch` items of a kind (keyset pagination by id, with what document()
    needs joined in; an event batch adds one for the dates), so the statement count grows with the
    number of batches, never per item; the session is cleared after each batch so memory stays flat.
    """
    from community.extensions import db

    areas, categories = _reference_data()
    for kind in INDEXED_KINDS:
        model = FINDABLE_KINDS[kind].model
        query = select(model).options(*_rebuild_options(kind)).order_by(model.id).limit(batch)
        last = 0
        while True:
            items = db.session.scalars(query.where(model.id > last)).all()
            if not items:
                break
            _attach_reference_data(kind, items, areas, categories)
            last_ends = _last_ends(items[0].id, items[-1].id) if kind == "event" else None
            for item in items:
                doc = document(item, last_ends)
                if doc is not None:
                    yield doc
            finished = len(items) < batch  # a short batch is the last: no need to ask for an empty one
            last = items[-1].id
            del items, last_ends
            db.session.expunge_all()
            if finished:
                break


def count_items() -> int:
    """Rows of every indexed kind (documents may be fewer: deleted and unpublished ones have none)."""
    from sqlalchemy import func

    from community.extensions import db

    counts = [select(func.count()).select_from(FINDABLE_KINDS[k].model).scalar_subquery() for k in INDEXED_KINDS]
    return sum(db.session.execute(select(*counts)).one())
