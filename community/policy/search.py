"""Who may find an item in search, written as index tokens: the same rules as the pages in the form the index
can filter on. Every hit is still checked against the database (policy.visible) before it is shown."""

from __future__ import annotations

from community.policy.base import community_roles_of, group_roles_of, is_signed_in, is_staff
from community.policy.content import is_public_item
from community.policy.groups import is_listed_group


def audiences_of(user) -> list[str]:
    """The tokens this user may see."""
    tokens = ["public"]
    if is_signed_in(user):
        tokens.append(f"user:{user.id}")
        tokens += [f"group:{gid}" for gid in group_roles_of(user)]
        tokens += [f"community:{cid}" for cid in community_roles_of(user)]
        if is_staff(user):
            tokens.append("staff")
    return tokens


def audiences_for_item(item) -> list[str]:
    """The tokens an indexed item carries: `public` when it is published in a published place; a closed
    community's content only for its members; anything else for its group, its author and staff."""
    from community.content.models import Status
    from community.items import community_of, kind_of

    if kind_of(item) == "group":  # a group is found by everyone once listed, else by its own people and staff
        return ["public"] if is_listed_group(item) else [f"group:{item.id}", "staff"]
    if getattr(item, "deleted_at", None) is not None:
        return []
    community = community_of(item)
    published = item.status == Status.PUBLISHED and (not hasattr(item, "publish_from") or is_public_item(item))
    for container in (getattr(item, "topic", None), getattr(item, "thread", None)):
        # A reply inside a deleted or unpublished topic or thread is not public either.
        if container is not None and (container.deleted_at is not None or container.status != Status.PUBLISHED):
            published = False
    if community is not None and community.status != Status.PUBLISHED and item is not community:
        published = False
    if community is not None and community.is_closed and item is not community:
        return [f"community:{community.id}"] if published else []  # members only, whatever else
    if published:
        return ["public"]
    tokens = []
    if getattr(item, "group_id", None):
        tokens.append(f"group:{item.group_id}")
    if getattr(item, "author_id", None):
        tokens.append(f"user:{item.author_id}")
    return [*tokens, "staff"]
