"""Who may see or change what: every view, template, query, feed and API asks here."""

from __future__ import annotations

from functools import wraps

from flask import abort, g
from flask_login import current_user
from sqlalchemy import select

from community.accounts.models import Role
from community.extensions import db
from community.groups.models import GroupMembership, GroupRole


def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and not getattr(user, "is_suspended", False)


def is_staff(user) -> bool:
    """Information supporters and admins."""
    return is_signed_in(user) and user.has_role(Role.SUPPORTER)


def is_admin(user) -> bool:
    return is_signed_in(user) and user.has_role(Role.ADMIN)


# --- groups ---------------------------------------------------------------------------------


def group_roles_of(user) -> dict[int, str]:
    """{group_id: role} for the user, loaded once per request so lists ask no query per row."""
    if not is_signed_in(user):
        return {}
    cache = g.setdefault("_group_roles", {})
    if user.id not in cache:
        rows = db.session.execute(
            select(GroupMembership.group_id, GroupMembership.role).where(GroupMembership.user_id == user.id)
        )
        cache[user.id] = {group_id: role for group_id, role in rows}
    return cache[user.id]


def forget_group_roles() -> None:
    """Called by services after they change memberships within the same request."""
    g.pop("_group_roles", None)


def can_request_group(user) -> bool:
    return is_signed_in(user)


def can_publish_for(user, group) -> bool:
    """Owners and editors publish for their group; admins for any group."""
    return is_admin(user) or group.id in group_roles_of(user)


def can_manage_group(user, group) -> bool:
    """Owners change the profile and the editors; admins may step in."""
    return is_admin(user) or group_roles_of(user).get(group.id) == GroupRole.OWNER


def can_verify_group(user) -> bool:
    return is_staff(user)


# --- site administration --------------------------------------------------------------------


def can_manage_reference_data(user) -> bool:
    """Areas and categories."""
    return is_admin(user)


def can_appoint_supporters(user) -> bool:
    return is_admin(user)


# --- helpers for views ----------------------------------------------------------------------


def require(allowed: bool) -> None:
    """Abort with 403 unless allowed (a visitor is sent to log in by login_required first)."""
    if not allowed:
        abort(403)


def role_required(role: Role):
    """View decorator: a visitor is sent to /login?next=…, a member without the role gets 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            from community.extensions import login_manager

            if not is_signed_in(current_user):
                return login_manager.unauthorized()
            require(current_user.has_role(role))
            return view(*args, **kwargs)

        return wrapped

    return decorator


# --- published content (events, shops, notices) ---------------------------------------------


def _now():
    from community.db import utcnow

    return utcnow()


def public_clause(model, now=None):
    """SQL for 'anyone may see this item': published, and for notices inside their window."""
    from sqlalchemy import and_, or_

    from community.content.models import Status

    clause = model.status == Status.PUBLISHED
    if hasattr(model, "publish_from"):
        now = now or _now()
        clause = and_(
            clause,
            or_(model.publish_from.is_(None), model.publish_from <= now),
            or_(model.publish_until.is_(None), model.publish_until > now),
        )
    return clause


def visible_clause(user, model, now=None):
    """SQL for 'this user may see this item': public, or the user's own group's, or staff."""
    from sqlalchemy import or_, true

    if is_staff(user):
        return true()
    groups = list(group_roles_of(user))
    if not groups:
        return public_clause(model, now)
    return or_(public_clause(model, now), model.group_id.in_(groups))


def is_public_item(item, now=None) -> bool:
    from community.content.models import Status

    if item.status != Status.PUBLISHED:
        return False
    now = now or _now()
    start, until = getattr(item, "publish_from", None), getattr(item, "publish_until", None)
    return (start is None or start <= now) and (until is None or until > now)


def can_view_item(user, item) -> bool:
    return is_public_item(item) or is_staff(user) or item.group_id in group_roles_of(user) or is_admin(user)


def can_edit_item(user, item) -> bool:
    """Editors and owners of the publishing group; admins. Supporters moderate, they do not edit."""
    return is_admin(user) or item.group_id in group_roles_of(user)


def publishable_groups(user) -> list[int]:
    """Ids of the groups this user may publish for (all groups for admins is handled by callers)."""
    return list(group_roles_of(user))
