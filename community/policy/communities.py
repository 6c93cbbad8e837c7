"""Communities: who sees a community and what is inside it, who joins, posts, moderates and manages it, meetups.

A closed (承認制) community's content — topics, replies, meetups, the member list — is for its members only,
everywhere; a community that is not published (hidden by moderation) is seen by its members and staff only.
"""

from __future__ import annotations

from sqlalchemy import and_, false, or_, select, true

from community.policy.base import (
    community_roles_of,
    is_admin,
    is_community_member,
    is_signed_in,
    is_staff,
)


def _published():
    from community.content.models import Status

    return Status.PUBLISHED


def is_open_community(community) -> bool:
    """Anyone may see what is inside: published and not closed."""
    return community.status == _published() and not community.is_closed


def open_community_ids():
    """SQL twin of is_open_community: a subquery of the open communities' ids."""
    from community.communities.models import Community

    return select(Community.id).where(Community.is_closed.is_(False), Community.status == _published())


def can_view_community(user, community) -> bool:
    """The profile page (name, description, member count) of an open or closed community."""
    return community.status == _published() or is_staff(user) or is_community_member(user, community)


def community_visible_clause(user, model):
    """SQL twin of can_view_community, for the Community model."""
    mine = list(community_roles_of(user))
    return or_(model.status == _published(), true() if is_staff(user) else false(),
               model.id.in_(mine) if mine else false())


def can_view_community_content(user, community) -> bool:
    """Topics, replies, meetups and the member list: a closed community's are for its members only."""
    if not can_view_community(user, community):
        return False
    return not community.is_closed or is_community_member(user, community)


def content_community_ids(user):
    """SQL twin of can_view_community_content: the ids of the communities whose content the user may see."""
    from community.communities.models import Community

    mine = list(community_roles_of(user))
    seen = community_visible_clause(user, Community)
    return select(Community.id).where(seen, or_(Community.is_closed.is_(False), Community.id.in_(mine)
                                                if mine else false()))


def can_create_community(user) -> bool:
    return is_signed_in(user)


def can_join_community(user, community) -> bool:
    return is_signed_in(user) and not is_community_member(user, community) and community.status == _published()


def can_post_in_community(user, community) -> bool:
    return is_signed_in(user) and is_community_member(user, community)


def community_role(user, community) -> str | None:
    return community_roles_of(user).get(community.id)


def can_moderate_community(user, community) -> bool:
    """Community admins and moderators pin, lock and delete; site admins may step in."""
    from community.communities.models import CommunityRole

    return is_admin(user) or community_role(user, community) in (CommunityRole.ADMIN, CommunityRole.MODERATOR)


def can_manage_community(user, community) -> bool:
    """Community admins approve members, appoint moderators and edit the profile."""
    from community.communities.models import CommunityRole

    return is_admin(user) or community_role(user, community) == CommunityRole.ADMIN


def can_view_community_members(user, community) -> bool:
    """A community's member list and a meetup's attendee list: its members (and site admins where the
    content is not closed to them), never the public, whatever members chose for their profiles."""
    return can_view_community_content(user, community) and (is_community_member(user, community) or is_admin(user))


def can_manage_community_members(user, community) -> bool:
    """Answering join requests, removing members and appointing moderators: community admins (and site
    admins, except in a closed community they do not belong to — its member list is for members only)."""
    return can_manage_community(user, community) and can_view_community_members(user, community)


def why_not_remove_member(user, community, membership):
    """None when `user` may remove this member from the community; otherwise the reason, for the page."""
    from flask_babel import lazy_gettext as _l

    from community.communities.models import CommunityRole, MembershipState

    if not can_manage_community_members(user, community):
        return _l("この操作はできません。")
    if membership.state != MembershipState.ACTIVE:
        return _l("この人はコミュニティの参加者ではありません。")
    if is_signed_in(user) and membership.user_id == user.id:
        return _l("自分自身は外せません。退会する場合は「退会する」を使ってください。")
    if membership.role == CommunityRole.ADMIN:
        return _l("管理者は外せません。先に役割を「参加者」に変えてください。")
    return None


def can_remove_member(user, community, membership) -> bool:
    return why_not_remove_member(user, community, membership) is None


def can_set_member_role(user, community, membership, role: str) -> bool:
    """Offered for an active member whose role differs (the last admin stepping down is refused by the service,
    which counts the admins)."""
    from community.communities.models import CommunityRole, MembershipState

    return (can_manage_community_members(user, community) and role in tuple(CommunityRole)
            and membership.state == MembershipState.ACTIVE and membership.role != role)


# --- meetups -----------------------------------------------------------------------------------------


def can_view_meetup(user, meetup) -> bool:
    """Whoever may see its community's content, while it is published (its community's moderators also before)."""
    if not can_view_community_content(user, meetup.community):
        return False
    return meetup.status == _published() or can_moderate_community(user, meetup.community)


def meetup_visible_clause(user, model):
    """SQL twin of can_view_meetup for the meetups among `model`'s rows (rows of a group are not meetups)."""
    from community.communities.models import CommunityRole

    roles = community_roles_of(user)
    moderated = [cid for cid, role in roles.items() if role in (CommunityRole.ADMIN, CommunityRole.MODERATOR)]
    in_sight = model.community_id.in_(content_community_ids(user))
    if is_admin(user):
        return and_(model.community_id.isnot(None), in_sight)
    status_ok = or_(model.status == _published(), model.community_id.in_(moderated) if moderated else false())
    return and_(model.community_id.isnot(None), in_sight, status_ok)


def can_manage_meetups(user, community) -> bool:
    """Community admins and moderators create, edit and cancel meetups of a community they can see."""
    return can_view_community_content(user, community) and can_moderate_community(user, community)


def can_rsvp(user, meetup) -> bool:
    """Members answer a meetup that is neither cancelled nor over."""
    from community.policy.base import now

    if meetup.community_id is None or meetup.cancelled_at is not None or meetup.ends_at <= now():
        return False
    return can_post_in_community(user, meetup.community)
