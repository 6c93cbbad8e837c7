"""Community state changes and the queries behind its pages: profile, membership and roles.

Boards (topics, replies) live in community.communities.boards, meetups and RSVPs in
community.communities.meetups; this module keeps the community itself and who belongs to it.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from community import policy
from community.areas.services import area_and_descendants_clause
from community.communities.common import CommunityError, touch  # noqa: F401 - raised and re-exported to views
from community.communities.meetups import withdraw_rsvps
from community.communities.models import Community, CommunityMembership, CommunityRole, MembershipState
from community.content.models import Status
from community.db import utcnow
from community.extensions import db
from community.moderation import audit
from community.notifications.services import notify
from community.text import render_markdown

# Words the URL map already uses under /communities/.
RESERVED_SLUGS = frozenset({"new"})
SORTS = ("active", "new")
PER_PAGE = 20
MEMBERS_PER_PAGE = 50
REQUESTS_SHOWN = 100


# --- reading ----------------------------------------------------------------------------------


def community_by_slug(slug: str) -> Community | None:
    return db.session.scalar(select(Community).options(joinedload(Community.area), joinedload(Community.category))
                             .where(Community.slug == slug))


def listed_communities(area=None, category=None, sort: str = "active", page: int = 1, per_page: int = PER_PAGE,
                       open_only: bool = False):
    """A page of the directory: published communities, open and closed (their names are public), or only the
    open ones (anyone may read inside)."""
    query = (select(Community).options(joinedload(Community.area), joinedload(Community.category))
             .where(Community.status == Status.PUBLISHED))
    if open_only:
        query = query.where(Community.id.in_(policy.open_community_ids()))
    if area is not None:
        query = query.where(area_and_descendants_clause(Community.area_id, area))
    if category is not None:
        query = query.where(Community.category_id == category.id)
    if sort == "new":
        query = query.order_by(Community.created_at.desc(), Community.id.desc())
    else:
        query = query.order_by(Community.last_activity_at.desc(), Community.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def active_communities(limit: int) -> list[Community]:
    """Open communities (anyone may read inside), most recently active first: the directory's default order."""
    query = (select(Community).options(joinedload(Community.area), joinedload(Community.category))
             .where(Community.id.in_(policy.open_community_ids()))
             .order_by(Community.last_activity_at.desc(), Community.id.desc()).limit(limit))
    return list(db.session.scalars(query))


def membership_of(user, community: Community) -> CommunityMembership | None:
    """The user's row for the community in any state (active, requested, declined), or None."""
    if not policy.is_signed_in(user):
        return None
    return db.session.scalar(select(CommunityMembership).where(
        CommunityMembership.community_id == community.id, CommunityMembership.user_id == user.id))


def members_page(community: Community, page: int = 1, per_page: int = MEMBERS_PER_PAGE):
    """Active members, admins first, then moderators, then by the date they joined."""
    role_order = {CommunityRole.ADMIN: 0, CommunityRole.MODERATOR: 1, CommunityRole.MEMBER: 2}
    from sqlalchemy import case

    query = (select(CommunityMembership).options(joinedload(CommunityMembership.user))
             .where(CommunityMembership.community_id == community.id,
                    CommunityMembership.state == MembershipState.ACTIVE)
             .order_by(case(role_order, value=CommunityMembership.role, else_=3), CommunityMembership.created_at,
                       CommunityMembership.id))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def join_requests(community: Community) -> list[CommunityMembership]:
    return list(db.session.scalars(
        select(CommunityMembership).options(joinedload(CommunityMembership.user))
        .where(CommunityMembership.community_id == community.id,
               CommunityMembership.state == MembershipState.REQUESTED)
        .order_by(CommunityMembership.created_at, CommunityMembership.id).limit(REQUESTS_SHOWN)))


def membership_in(community: Community, membership_id: int) -> CommunityMembership | None:
    membership = db.session.get(CommunityMembership, membership_id)
    return membership if membership is not None and membership.community_id == community.id else None


# --- creating and editing ---------------------------------------------------------------------


def create_community(data: dict, actor, icon: str | None = None) -> Community:
    """Any member may start one and becomes its first admin."""
    _check_slug(data["slug"])
    community = Community(created_by_id=actor.id, status=Status.PUBLISHED, last_activity_at=utcnow())
    _apply(community, data, icon)
    db.session.add(community)
    db.session.flush()
    db.session.add(CommunityMembership(community_id=community.id, user_id=actor.id, role=CommunityRole.ADMIN,
                                       state=MembershipState.ACTIVE))
    db.session.flush()
    recount_members(community)
    policy.forget_community_roles()
    return community


def update_community(community: Community, data: dict, icon: str | None = None) -> None:
    if data["slug"] != community.slug:
        _check_slug(data["slug"])
    _apply(community, data, icon)
    db.session.flush()


def _check_slug(slug: str) -> None:
    if slug in RESERVED_SLUGS or db.session.scalar(select(Community.id).where(Community.slug == slug)) is not None:
        raise CommunityError(_("このURL用の名前はすでに使われています。"))


def _apply(community: Community, data: dict, icon: str | None) -> None:
    community.name = data["name"].strip()
    community.slug = data["slug"]
    community.description = data.get("description") or ""
    community.description_html = render_markdown(community.description)
    community.area_id = data.get("area_id")
    community.category_id = data.get("category_id")
    community.is_closed = bool(data.get("is_closed"))
    if icon:
        community.icon = icon


def recount_members(community: Community) -> None:
    """member_count is denormalised for the directory; every membership change recounts it."""
    community.member_count = db.session.scalar(select(func.count()).select_from(CommunityMembership).where(
        CommunityMembership.community_id == community.id, CommunityMembership.state == MembershipState.ACTIVE)) or 0


# --- joining and leaving ----------------------------------------------------------------------


def join(community: Community, user, message: str = "") -> CommunityMembership:
    """An open community: a member at once. A closed one: a request the admins answer."""
    membership = membership_of(user, community)
    if membership is not None and membership.state == MembershipState.ACTIVE:
        raise CommunityError(_("すでにこのコミュニティに参加しています。"))
    if membership is not None and membership.state == MembershipState.REQUESTED:
        raise CommunityError(_("参加申請はすでに送られています。管理者の返事をお待ちください。"))
    if membership is None:
        membership = CommunityMembership(community_id=community.id, user_id=user.id)
        db.session.add(membership)
    membership.role = CommunityRole.MEMBER
    membership.created_at = utcnow()
    if community.is_closed:
        membership.state = MembershipState.REQUESTED
        membership.message = (message or "").strip()[:500]
        db.session.flush()
        link = _members_link(community)
        for admin_id in _admin_ids(community):
            notify(admin_id, "join_request", link, community_name=community.name, user_name=user.display_name)
    else:
        membership.state = MembershipState.ACTIVE
        membership.message = ""
        db.session.flush()
        recount_members(community)
        touch(community)
    policy.forget_community_roles()
    return membership


def answer_request(community: Community, membership: CommunityMembership, approve: bool, actor) -> None:
    if membership.state != MembershipState.REQUESTED:
        raise CommunityError(_("この参加申請はすでに処理されています。"))
    if approve:
        membership.state = MembershipState.ACTIVE
        membership.created_at = utcnow()  # "new since" markers start from the day they joined
        db.session.flush()
        recount_members(community)
        touch(community)
        notify(membership.user_id, "join_approved", community.link, community_name=community.name)
    else:
        membership.state = MembershipState.DECLINED
        db.session.flush()
    audit.record(actor, "approve_member" if approve else "decline_member", community,
                 user_id=membership.user_id)
    policy.forget_community_roles()


def leave(community: Community, user) -> None:
    membership = membership_of(user, community)
    if membership is None:
        raise CommunityError(_("このコミュニティには参加していません。"))
    if membership.state == MembershipState.ACTIVE and membership.role == CommunityRole.ADMIN \
            and _admin_count(community) <= 1:
        raise CommunityError(_("管理者がいなくなるため退会できません。先にほかの参加者を管理者にしてください。"))
    _drop(community, membership)


def remove_member(community: Community, membership: CommunityMembership, actor) -> None:
    refusal = policy.why_not_remove_member(actor, community, membership)
    if refusal is not None:
        raise CommunityError(str(refusal))
    _drop(community, membership)
    audit.record(actor, "remove_member", community, user_id=membership.user_id)


def _drop(community: Community, membership: CommunityMembership) -> None:
    was_active = membership.state == MembershipState.ACTIVE
    user_id = membership.user_id
    db.session.delete(membership)
    db.session.flush()
    if was_active:
        withdraw_rsvps(community, user_id)
        recount_members(community)
    policy.forget_community_roles()


def set_role(community: Community, membership: CommunityMembership, role: str, actor) -> None:
    """Admins appoint moderators (and other admins), or make someone a plain member again."""
    if role not in tuple(CommunityRole):
        raise CommunityError(_("役割の指定が正しくありません。"))
    if membership.state != MembershipState.ACTIVE:
        raise CommunityError(_("この人はコミュニティの参加者ではありません。"))
    if membership.role == CommunityRole.ADMIN and role != CommunityRole.ADMIN and _admin_count(community) <= 1:
        raise CommunityError(_("管理者がいなくなるため変更できません。先にほかの参加者を管理者にしてください。"))
    previous = membership.role
    membership.role = role
    db.session.flush()
    audit.record(actor, "set_community_role", community, user_id=membership.user_id, role=role, previous=previous)
    policy.forget_community_roles()


def _admin_ids(community: Community) -> list[int]:
    return list(db.session.scalars(select(CommunityMembership.user_id).where(
        CommunityMembership.community_id == community.id, CommunityMembership.state == MembershipState.ACTIVE,
        CommunityMembership.role == CommunityRole.ADMIN)))


def _admin_count(community: Community) -> int:
    return len(_admin_ids(community))


def _members_link(community: Community) -> str:
    from flask import url_for

    return url_for("communities.members", slug=community.slug)
