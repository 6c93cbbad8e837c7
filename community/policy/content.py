"""What groups publish — events, shops and facilities, notices — and community meetups (events of a community):
who sees them, in pages and in SQL for every list, feed, API, calendar and signage, and who edits them."""

from __future__ import annotations

from sqlalchemy import and_, false, or_

from community.policy import base
from community.policy.base import group_roles_of, is_admin, is_group_member, is_staff
from community.policy.communities import (
    can_manage_meetups,
    can_view_meetup,
    is_open_community,
    meetup_visible_clause,
    open_community_ids,
)


def _published():
    from community.content.models import Status

    return Status.PUBLISHED


def is_public_item(item, at=None) -> bool:
    """Anyone may see it: published, inside its publishing window (notices), and for a meetup, in an open
    community."""
    if item.status != _published():
        return False
    if getattr(item, "community_id", None) and not is_open_community(item.community):
        return False
    at = at or base.now()
    start, until = getattr(item, "publish_from", None), getattr(item, "publish_until", None)
    return (start is None or start <= at) and (until is None or until > at)


def public_clause(model, at=None):
    """SQL twin of is_public_item, for listings, feeds, the API, the calendar and signage."""
    clause = model.status == _published()
    if hasattr(model, "community_id"):
        clause = and_(clause, or_(model.community_id.is_(None), model.community_id.in_(open_community_ids())))
    if hasattr(model, "publish_from"):
        at = at or base.now()
        clause = and_(clause, or_(model.publish_from.is_(None), model.publish_from <= at),
                      or_(model.publish_until.is_(None), model.publish_until > at))
    return clause


def can_view_item(user, item) -> bool:
    """An event, shop or notice: public ones for everyone; its group's editors and staff see the others too (to
    edit and to moderate them). A meetup is decided by its community (can_view_meetup)."""
    if getattr(item, "community_id", None):
        return can_view_meetup(user, item)
    return is_public_item(item) or is_staff(user) or is_group_member(user, item.group_id)


def visible_clause(user, model, at=None):
    """SQL twin of can_view_item, for the lists a signed-in member, an editor or staff sees."""
    groups = list(group_roles_of(user))
    group_items = or_(public_clause(model, at), model.group_id.in_(groups) if groups else false(),
                      model.group_id.isnot(None) if is_staff(user) else false())
    if not hasattr(model, "community_id"):
        return group_items
    return or_(and_(model.community_id.is_(None), group_items), meetup_visible_clause(user, model))


def can_edit_item(user, item) -> bool:
    """Editors and owners of the publishing group; admins. Supporters moderate, they do not edit. A meetup is
    edited by its community's admins and moderators (can_manage_meetups)."""
    if getattr(item, "community_id", None):
        return can_manage_meetups(user, item.community)
    return is_admin(user) or is_group_member(user, item.group_id)


def publishable_groups(user) -> list[int]:
    """Ids of the groups this user may publish for (all groups for admins is handled by callers)."""
    return list(group_roles_of(user))
