"""Members and groups: asking for a group, publishing for it, managing its editors; following, profiles and
notifications."""

from __future__ import annotations

from community.policy.base import group_roles_of, is_admin, is_group_member, is_signed_in
from community.policy.communities import can_view_community


def can_request_group(user) -> bool:
    return is_signed_in(user)


def can_publish_for(user, group) -> bool:
    """Owners and editors publish for their group; admins for any group."""
    return is_admin(user) or is_group_member(user, group.id)


def can_manage_group(user, group) -> bool:
    """Owners change the profile and the editors; admins may step in."""
    from community.groups.models import GroupRole

    return is_admin(user) or group_roles_of(user).get(group.id) == GroupRole.OWNER


def can_transfer_group_ownership(user, group, membership) -> bool:
    """Offered for an editor: the owner hands the group over (and stays on as an editor)."""
    from community.groups.models import GroupRole

    return can_manage_group(user, group) and membership.role != GroupRole.OWNER


def can_remove_group_member(user, group, membership) -> bool:
    """Any owner or editor may be removed by those who manage the group (the service keeps one owner)."""
    return can_manage_group(user, group) and membership.group_id == group.id


def can_follow(user) -> bool:
    return is_signed_in(user)


def can_follow_target(user, kind: str, target) -> bool:
    """Areas, categories and groups are public; a community must be one the member may know of."""
    if not can_follow(user) or target is None:
        return False
    return kind != "community" or can_view_community(user, target)


def can_view_profile_communities(viewer, member) -> bool:
    """A profile lists only open communities, and only when the member allows it."""
    return bool(member.show_communities) or (is_signed_in(viewer) and viewer.id == member.id)


def can_read_notification(user, notification) -> bool:
    """A notification is its recipient's alone."""
    return is_signed_in(user) and notification.user_id == user.id


# --- the member's own data ------------------------------------------------------------------------


def can_download_own_data(user) -> bool:
    """Every member may take away everything stored about them (the download holds their own data only)."""
    return is_signed_in(user)


def can_delete_account(user) -> bool:
    """Every member may close their own account; what they must hand over first is in handover_before_deletion."""
    return is_signed_in(user)


def handover_before_deletion(user) -> tuple[list, list]:
    """(groups, communities) the member is the last owner / the last admin of: nobody would be left to run them,
    so deleting the account is refused until they are handed over. Two queries."""
    from sqlalchemy import func, select

    from community.communities.models import Community, CommunityMembership, CommunityRole, MembershipState
    from community.extensions import db
    from community.groups.models import Group, GroupMembership, GroupRole

    if not is_signed_in(user):
        return [], []
    owners = (select(GroupMembership.group_id).where(GroupMembership.role == GroupRole.OWNER)
              .group_by(GroupMembership.group_id).having(func.count() == 1))
    groups = db.session.scalars(select(Group).join(GroupMembership, GroupMembership.group_id == Group.id).where(
        GroupMembership.user_id == user.id, GroupMembership.role == GroupRole.OWNER, Group.id.in_(owners))
        .order_by(Group.name, Group.id))
    admins = (select(CommunityMembership.community_id).where(
        CommunityMembership.role == CommunityRole.ADMIN, CommunityMembership.state == MembershipState.ACTIVE)
        .group_by(CommunityMembership.community_id).having(func.count() == 1))
    communities = db.session.scalars(
        select(Community).join(CommunityMembership, CommunityMembership.community_id == Community.id).where(
            CommunityMembership.user_id == user.id, CommunityMembership.role == CommunityRole.ADMIN,
            CommunityMembership.state == MembershipState.ACTIVE, Community.id.in_(admins))
        .order_by(Community.name, Community.id))
    return list(groups), list(communities)
