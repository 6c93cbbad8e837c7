"""Who someone is: signed in, staff, admin, and their roles in groups and communities (read once per request)."""

from __future__ import annotations

from datetime import datetime

from flask import abort, g
from sqlalchemy import select

from community.extensions import db


def now() -> datetime:
    from community.db import utcnow

    return utcnow()


def is_signed_in(user) -> bool:
    """A member with an account that is not suspended (a suspended account is treated as a visitor)."""
    return bool(getattr(user, "is_authenticated", False)) and not getattr(user, "is_suspended", False)


def is_staff(user) -> bool:
    """Information supporters and admins."""
    from community.accounts.models import Role

    return is_signed_in(user) and user.has_role(Role.SUPPORTER)


def is_admin(user) -> bool:
    from community.accounts.models import Role

    return is_signed_in(user) and user.has_role(Role.ADMIN)


def require(allowed: bool) -> None:
    """Abort with 403 unless allowed (a visitor is sent to log in by login_required first)."""
    if not allowed:
        abort(403)


def group_roles_of(user) -> dict[int, str]:
    """{group_id: role} for the user, loaded once per request so lists ask no query per row."""
    from community.groups.models import GroupMembership

    if not is_signed_in(user):
        return {}
    cache = g.setdefault("_group_roles", {})
    if user.id not in cache:
        rows = db.session.execute(
            select(GroupMembership.group_id, GroupMembership.role).where(GroupMembership.user_id == user.id))
        cache[user.id] = {group_id: role for group_id, role in rows}
    return cache[user.id]


def forget_group_roles() -> None:
    """Called by services after they change group memberships within the same request."""
    g.pop("_group_roles", None)


def community_roles_of(user) -> dict[int, str]:
    """{community_id: role} of the user's active memberships, loaded once per request."""
    from community.communities.models import CommunityMembership, MembershipState

    if not is_signed_in(user):
        return {}
    cache = g.setdefault("_community_roles", {})
    if user.id not in cache:
        rows = db.session.execute(
            select(CommunityMembership.community_id, CommunityMembership.role).where(
                CommunityMembership.user_id == user.id, CommunityMembership.state == MembershipState.ACTIVE))
        cache[user.id] = {community_id: role for community_id, role in rows}
    return cache[user.id]


def forget_community_roles() -> None:
    """Called by services after they change community memberships within the same request."""
    g.pop("_community_roles", None)


def is_group_member(user, group_id: int | None) -> bool:
    """An owner or editor of the group (they publish for it and see its drafts)."""
    return group_id is not None and group_id in group_roles_of(user)


def is_community_member(user, community) -> bool:
    return community.id in community_roles_of(user)


def is_author(user, item) -> bool:
    """The user wrote it (a post, a group item they created) or, for a profile, it is theirs."""
    from community.items import author_id_of

    return is_signed_in(user) and author_id_of(item) == user.id
