"""Items of any kind for moderation and curation pages: loading many at once with what their titles and
links need (no query per row), their links, and finding an item from a URL a supporter pastes."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BuildError

from community.args import whole_number
from community.extensions import db
from community.items import author_id_of, kind_of, link_of, load, load_many


def item_link(item) -> str | None:
    """The item's public page, or None while that page does not exist (yet)."""
    try:
        return link_of(item)
    except (BuildError, AttributeError):
        return None


def load_items(pairs) -> dict[tuple[str, int], object]:
    """{(kind, id): item} with their groups, areas, categories, communities, topics and threads attached in a fixed
    number of queries, so that title_of, link_of, item.group, item.area or item.topic ask no more.

    The related objects are set on the items (not just left in the session, whose identity map holds
    them weakly and may drop them before the template reads them)."""
    from community.areas.models import Area, Category
    from community.board.models import BoardThread
    from community.communities.models import Community, Topic
    from community.groups.models import Group

    found = load_many(pairs)
    items = list(found.values())

    def fetch(model, ids) -> dict:
        ids = {i for i in ids if i is not None}
        return {o.id: o for o in db.session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}

    def attach(objects, key: str, relation: str, targets: dict) -> None:
        for obj in objects:
            target_id = getattr(obj, key, None)
            if target_id in targets and hasattr(type(obj), relation):
                set_committed_value(obj, relation, targets[target_id])

    topics = fetch(Topic, [i.topic_id for i in items if kind_of(i) == "reply"])
    threads = fetch(BoardThread, [i.thread_id for i in items if kind_of(i) == "board_reply"])
    attach(items, "topic_id", "topic", topics)
    attach(items, "thread_id", "thread", threads)
    everything = items + list(topics.values()) + list(threads.values())
    communities = fetch(Community, [getattr(i, "community_id", None) for i in everything])
    attach(everything, "community_id", "community", communities)
    everything += list(communities.values())
    attach(everything, "group_id", "group", fetch(Group, [getattr(i, "group_id", None) for i in everything]))
    attach(everything, "area_id", "area", fetch(Area, [getattr(i, "area_id", None) for i in everything]))
    attach(everything, "category_id", "category",
           fetch(Category, [getattr(i, "category_id", None) for i in everything]))
    return found


def authors_of(items) -> dict[int, object]:
    """{user_id: User} for the items' authors, in one query."""
    from community.accounts.models import User

    ids = {author_id_of(i) for i in items} - {None}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


# Endpoint of a public page -> (kind, name of the id argument).
_PAGES = {
    "events.detail": ("event", "event_id"),
    "shops.detail": ("shop", "shop_id"),
    "notices.detail": ("notice", "notice_id"),
    "board.thread": ("board", "thread_id"),
    "board.reply": ("board_reply", "reply_id"),
    "accounts.profile": ("profile", "user_id"),
    "communities.topic": ("topic", "topic_id"),
}


def item_from_url(text: str):
    """The item a URL of this site points at (events, shops, notices, communities, topics, replies,
    board threads and replies, profiles, or a moderation item page), or None."""
    parts = urlsplit((text or "").strip())
    if not parts.path.startswith("/") or (parts.netloc and parts.netloc != _this_host()):
        return None
    try:
        endpoint, args = current_app.url_map.bind("localhost").match(parts.path, method="GET")
    except HTTPException:
        return None
    fragment = parts.fragment
    reply_id = whole_number(fragment.removeprefix("reply-")) if fragment.startswith("reply-") else None
    if reply_id is not None:
        if endpoint == "communities.topic":
            return load("reply", reply_id)
        if endpoint == "board.thread":
            return load("board_reply", reply_id)
    if endpoint == "moderation.item":
        return load(args["kind"], args["item_id"])
    if endpoint == "communities.detail":
        from community.communities.models import Community

        return db.session.scalar(select(Community).where(Community.slug == args.get("slug")))
    if endpoint in _PAGES:
        kind, arg = _PAGES[endpoint]
        return load(kind, args.get(arg))
    return None


def _this_host() -> str:
    from flask import has_request_context, request

    return request.host if has_request_context() else (current_app.config.get("SERVER_NAME") or "")
