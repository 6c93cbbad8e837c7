"""One answer for an item of any kind in community.items (event, shop, notice, community, topic, reply, board,
board_reply, profile, and group where search and the sitemap ask): may this user see it (can_view), which rows
may they see (visible: the SQL twin), and may anyone see it (is_public_any_item). Bookmarks, my page, moderation,
curation and search ask here."""

from __future__ import annotations

from sqlalchemy import and_, false

from community.policy.base import is_signed_in
from community.policy.communities import (
    can_view_community,
    community_visible_clause,
    is_open_community,
    open_community_ids,
)
from community.policy.content import can_view_item, is_public_item, public_clause, visible_clause
from community.policy.groups import can_find_group, findable_groups_clause, is_listed_group, listed_groups_clause
from community.policy.posts import (
    board_reply_visible_clause,
    board_thread_visible_clause,
    can_view_board_reply,
    can_view_board_thread,
    can_view_reply,
    can_view_topic,
    reply_visible_clause,
    topic_visible_clause,
)

ANYONE = None  # the user to ask about when the question is "may anyone see it" (a visitor without an account)


def _kind(item) -> str:
    from community.items import kind_of

    return kind_of(item)


def can_view(user, item) -> bool:
    """Whether `user` may see this item of any kind (a deleted post is seen by nobody, a suspended account's
    profile neither)."""
    kind = _kind(item)
    if kind in ("event", "shop", "notice"):
        return can_view_item(user, item)
    if kind == "community":
        return can_view_community(user, item)
    if kind == "topic":
        return can_view_topic(user, item)
    if kind == "reply":
        return can_view_reply(user, item)
    if kind == "board":
        return can_view_board_thread(user, item)
    if kind == "board_reply":
        return can_view_board_reply(user, item)
    if kind == "profile":
        return not item.is_suspended
    if kind == "group":  # its page opens for anyone with the address; this is who finds it
        return can_find_group(user, item)
    return False


_CLAUSES = {"event": visible_clause, "shop": visible_clause, "notice": visible_clause,
            "community": community_visible_clause, "topic": topic_visible_clause, "reply": reply_visible_clause,
            "board": board_thread_visible_clause, "board_reply": board_reply_visible_clause,
            "group": findable_groups_clause}


def visible(user, kind: str):
    """SQL twin of can_view for the model of `kind`: `select(model).where(visible(user, kind))` lists exactly the
    items can_view allows (the policy table test holds the two to each other)."""
    from community.items import FINDABLE_KINDS

    model = FINDABLE_KINDS[kind].model
    if kind == "profile":
        return model.is_suspended.is_(False)
    clause = _CLAUSES.get(kind)
    return clause(user, model) if clause is not None else false()


def is_public_any_item(item, at=None) -> bool:
    """Anyone, signed in or not, may see it: all that curation (おすすめ, 特集) ever shows. A closed community
    (its page is public, its life is not) never, a profile hidden by moderation never."""
    kind = _kind(item)
    if kind in ("event", "shop", "notice"):
        return is_public_item(item, at)
    if kind == "community":
        return is_open_community(item)
    if kind == "profile":
        return not item.is_suspended and not item.profile_hidden
    if kind == "group":
        return is_listed_group(item)
    return can_view(ANYONE, item)


def public(kind: str, at=None):
    """SQL twin of is_public_any_item for the model of `kind`: the rows anyone may see, all that the sitemap
    lists."""
    from community.items import FINDABLE_KINDS

    model = FINDABLE_KINDS[kind].model
    if kind in ("event", "shop", "notice"):
        return public_clause(model, at)
    if kind == "group":
        return listed_groups_clause(model)
    if kind == "community":
        return model.id.in_(open_community_ids())
    if kind == "profile":
        return and_(model.is_suspended.is_(False), model.profile_hidden.is_(False))
    return visible(ANYONE, kind)


def can_bookmark(user, item) -> bool:
    """Members keep events, shops, notices, topics and board threads they may see."""
    return is_signed_in(user) and _kind(item) in ("event", "shop", "notice", "topic", "board") and can_view(user, item)
