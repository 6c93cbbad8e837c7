"""Open data: who may import a file or subscribe a feed for which group, and see the job or the feed."""

from __future__ import annotations

from sqlalchemy import select

from community.policy.base import group_roles_of, is_admin, is_group_member, is_signed_in


def can_import_for(user, group) -> bool:
    """Owners and editors import for their group (upload a CSV, subscribe a feed); admins for any group."""
    return is_signed_in(user) and (is_admin(user) or is_group_member(user, group.id))


def can_view_import_job(user, job) -> bool:
    """An import's preview and progress: whoever may import for its group."""
    return can_import_for(user, job.group)


def can_manage_feed(user, subscription) -> bool:
    """A feed's log, 「今すぐ取得」 and removal: whoever may import for its group."""
    return can_import_for(user, subscription.group)


def importable_groups_query(user):
    """The groups `user` may import for, by name; None for nobody."""
    from community.groups.models import Group

    if not is_signed_in(user):
        return None
    query = select(Group).order_by(Group.name)
    if not is_admin(user):
        query = query.where(Group.id.in_(list(group_roles_of(user))))
    return query
