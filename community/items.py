"""Every kind of item by its KIND name: how to load it, name it, link to it and place it.

Moderation (reports, the queue, hiding), curation (features, 特集), bookmarks and the search index
deal with items of many kinds through this one registry rather than a branch per kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select


@dataclass(frozen=True)
class ItemKind:
    name: str
    model_path: str  # "community.events.models:Event", imported lazily (models import this module's users)

    @property
    def model(self):
        module, _, cls = self.model_path.partition(":")
        from importlib import import_module

        return getattr(import_module(module), cls)


KINDS = {
    kind.name: kind
    for kind in (
        ItemKind("event", "community.events.models:Event"),
        ItemKind("shop", "community.shops.models:Shop"),
        ItemKind("notice", "community.notices.models:Notice"),
        ItemKind("community", "community.communities.models:Community"),
        ItemKind("topic", "community.communities.models:Topic"),
        ItemKind("reply", "community.communities.models:Reply"),
        ItemKind("board", "community.board.models:BoardThread"),
        ItemKind("board_reply", "community.board.models:BoardReply"),
        ItemKind("profile", "community.accounts.models:User"),
    )
}
# Groups are found and linked like items (search, the sitemap) but are publishers, not content: moderation,
# curation and bookmarks walk KINDS and never meet them.
FINDABLE_KINDS = {**KINDS, "group": ItemKind("group", "community.groups.models:Group")}


def kind_of(item) -> str:
    from community.accounts.models import User

    return "profile" if isinstance(item, User) else item.KIND


def load(kind: str, item_id: int):
    """The item, or None when the kind or the id is unknown."""
    from community.extensions import db

    if kind not in KINDS or not isinstance(item_id, int):
        return None
    return db.session.get(KINDS[kind].model, item_id)


def load_many(pairs) -> dict[tuple[str, int], object]:
    """{(kind, id): item} for many items at once: one query per kind, not one per item."""
    from community.extensions import db

    wanted: dict[str, set[int]] = {}
    for kind, item_id in pairs:
        if kind in KINDS:
            wanted.setdefault(kind, set()).add(item_id)
    found = {}
    for kind, ids in wanted.items():
        model = KINDS[kind].model
        for item in db.session.scalars(select(model).where(model.id.in_(ids))):
            found[(kind, item.id)] = item
    return found


def title_of(item) -> str:
    if kind_of(item) == "profile":
        return item.display_name
    if kind_of(item) in ("reply", "board_reply"):
        from community.text import plain_text

        return plain_text(item.body)[:60]
    return getattr(item, "heading", "") or getattr(item, "title", "") or getattr(item, "name", "")


def link_of(item) -> str:
    from flask import url_for

    kind = kind_of(item)
    if kind == "profile":
        return url_for("accounts.profile", user_id=item.id)
    if kind == "reply":
        return url_for("communities.reply_link", slug=item.topic.community.slug, reply_id=item.id)
    if kind == "board_reply":
        return url_for("board.reply", reply_id=item.id)  # redirects to the right page of the thread
    return item.link


def author_id_of(item) -> int | None:
    if kind_of(item) == "profile":
        return item.id
    return getattr(item, "author_id", None) or getattr(item, "created_by_id", None)


def community_of(item):
    """The community an item lives in, or None (its content privacy follows that community)."""
    kind = kind_of(item)
    if kind == "community":
        return item
    if kind == "topic":
        return item.community
    if kind == "reply":
        return item.topic.community
    if kind == "event" and item.community_id:
        return item.community
    return None
