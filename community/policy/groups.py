"""Which groups (publishers) anyone may find: search and the sitemap offer a group only once a supporter has
verified it. A new group's page exists from the start, but until it is checked it is not offered to visitors,
as its posts wait in the review queue; its own owners and editors and the staff find it meanwhile."""

from __future__ import annotations

from sqlalchemy import or_, true

from community.policy.base import group_roles_of, is_staff


def is_listed_group(group) -> bool:
    """Anyone may find it: a supporter has verified it."""
    return bool(group.verified)


def listed_groups_clause(model):
    """SQL twin of is_listed_group."""
    return model.verified.is_(True)


def can_find_group(user, group) -> bool:
    """A listed group, or an unlisted one by its own owners and editors and by staff (who verify it)."""
    return is_listed_group(group) or is_staff(user) or group.id in group_roles_of(user)


def findable_groups_clause(user, model):
    """SQL twin of can_find_group."""
    if is_staff(user):
        return true()
    own = list(group_roles_of(user))
    return or_(listed_groups_clause(model), model.id.in_(own)) if own else listed_groups_clause(model)
