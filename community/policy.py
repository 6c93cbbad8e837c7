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
    if hasattr(model, "community_id"):
        # A community meetup is public only while its community is open (and not hidden).
        clause = and_(clause, or_(model.community_id.is_(None), model.community_id.in_(open_community_ids())))
    if hasattr(model, "publish_from"):
        now = now or _now()
        clause = and_(
            clause,
            or_(model.publish_from.is_(None), model.publish_from <= now),
            or_(model.publish_until.is_(None), model.publish_until > now),
        )
    return clause


def visible_clause(user, model, now=None):
    """SQL for 'this user may see this item': public, or the user's own group's or community's, or staff.

    Staff see every group's drafts and hidden items (to moderate them) but never a closed community's
    content unless they belong to it.
    """
    from sqlalchemy import or_

    own = []
    groups = list(group_roles_of(user))
    if groups:
        own.append(model.group_id.in_(groups))
    if hasattr(model, "community_id"):
        communities = list(community_roles_of(user))
        if communities:
            own.append(model.community_id.in_(communities))
    if is_staff(user):
        own.append(model.group_id.isnot(None))  # every group's items; meetups stay with their community
    return or_(public_clause(model, now), *own)


def is_public_item(item, now=None) -> bool:
    from community.content.models import Status

    if item.status != Status.PUBLISHED:
        return False
    if getattr(item, "community_id", None) and (item.community.is_closed or item.community.status != "published"):
        return False
    now = now or _now()
    start, until = getattr(item, "publish_from", None), getattr(item, "publish_until", None)
    return (start is None or start <= now) and (until is None or until > now)


def can_view_item(user, item) -> bool:
    """Events, shops and notices (a meetup is decided by its community)."""
    if getattr(item, "community_id", None):
        from community.content.models import Status

        return can_view_community_content(user, item.community) and (
            item.status == Status.PUBLISHED or can_moderate_community(user, item.community))
    return is_public_item(item) or is_staff(user) or item.group_id in group_roles_of(user)


def can_edit_item(user, item) -> bool:
    """Editors and owners of the publishing group (or a meetup's community moderators); admins.

    Supporters moderate, they do not edit.
    """
    if getattr(item, "community_id", None):
        return can_moderate_community(user, item.community)
    return is_admin(user) or item.group_id in group_roles_of(user)


def publishable_groups(user) -> list[int]:
    """Ids of the groups this user may publish for (all groups for admins is handled by callers)."""
    return list(group_roles_of(user))


# --- communities ------------------------------------------------------------------------------


def community_roles_of(user) -> dict[int, str]:
    """{community_id: role} of the user's active memberships, loaded once per request."""
    if not is_signed_in(user):
        return {}
    cache = g.setdefault("_community_roles", {})
    if user.id not in cache:
        from community.communities.models import CommunityMembership, MembershipState

        rows = db.session.execute(
            select(CommunityMembership.community_id, CommunityMembership.role).where(
                CommunityMembership.user_id == user.id, CommunityMembership.state == MembershipState.ACTIVE)
        )
        cache[user.id] = {community_id: role for community_id, role in rows}
    return cache[user.id]


def forget_community_roles() -> None:
    g.pop("_community_roles", None)


def open_community_ids():
    """A subquery of the communities whose content anyone may see."""
    from community.communities.models import Community
    from community.content.models import Status

    return select(Community.id).where(Community.is_closed.is_(False), Community.status == Status.PUBLISHED)


def is_community_member(user, community) -> bool:
    return community.id in community_roles_of(user)


def can_view_community(user, community) -> bool:
    """The profile page (name, description, member count) of an open or closed community."""
    from community.content.models import Status

    return community.status == Status.PUBLISHED or is_staff(user) or is_community_member(user, community)


def can_view_community_content(user, community) -> bool:
    """Topics, replies, meetups and the member list: a closed community's are for its members only."""
    if not can_view_community(user, community):
        return False
    return not community.is_closed or is_community_member(user, community)


def can_create_community(user) -> bool:
    return is_signed_in(user)


def can_join_community(user, community) -> bool:
    return is_signed_in(user) and not is_community_member(user, community) and community.status == "published"


def can_post_in_community(user, community) -> bool:
    return is_signed_in(user) and is_community_member(user, community)


def can_moderate_community(user, community) -> bool:
    """Community admins and moderators pin, lock and delete; site admins may step in."""
    from community.communities.models import CommunityRole

    role = community_roles_of(user).get(community.id)
    return is_admin(user) or role in (CommunityRole.ADMIN, CommunityRole.MODERATOR)


def can_manage_community(user, community) -> bool:
    """Community admins approve members, appoint moderators and edit the profile."""
    from community.communities.models import CommunityRole

    return is_admin(user) or community_roles_of(user).get(community.id) == CommunityRole.ADMIN


def topic_visible_clause(user, model):
    """SQL for topics (or anything with community_id) the user may see listed."""
    from sqlalchemy import or_

    return or_(model.community_id.in_(open_community_ids()), model.community_id.in_(list(community_roles_of(user))))


EDIT_WINDOW_MINUTES = 30


def can_edit_post(user, post) -> bool:
    """Authors edit their topic, reply or board post within the edit window."""
    from datetime import timedelta

    if not is_signed_in(user) or post.author_id != user.id or post.deleted_at is not None:
        return False
    return _now() - post.created_at <= timedelta(minutes=EDIT_WINDOW_MINUTES)


def can_delete_post(user, post, community=None) -> bool:
    """Authors delete their own posts (softly); community moderators and staff delete any."""
    if not is_signed_in(user) or post.deleted_at is not None:
        return False
    if post.author_id == user.id:
        return True
    if community is not None:
        return can_moderate_community(user, community)
    return is_staff(user)


def can_view_post(user, post) -> bool:
    """A topic, reply, board thread or board reply: published ones for all who may see the place,
    pending or hidden ones for their author and the moderators."""
    from community.content.models import Status

    if post.status == Status.PUBLISHED:
        return True
    return is_staff(user) or (is_signed_in(user) and post.author_id == user.id)


# --- the regional message board ----------------------------------------------------------------


def can_post_on_board(user) -> bool:
    return is_signed_in(user)


# --- moderation and curation --------------------------------------------------------------------


def can_report(user) -> bool:
    return is_signed_in(user)


def can_moderate(user) -> bool:
    """The review queue, hiding and restoring, verifying groups, featuring: supporters and admins."""
    return is_staff(user)


def can_suspend(user) -> bool:
    return is_admin(user)


def can_read_audit_log(user) -> bool:
    return is_admin(user)


def can_raise_urgent_notice(user) -> bool:
    return is_admin(user)


# --- my page --------------------------------------------------------------------------------------


def can_follow(user) -> bool:
    return is_signed_in(user)


def can_view_profile_communities(viewer, member) -> bool:
    """A profile lists only open communities, and only when the member allows it."""
    return bool(member.show_communities) or (is_signed_in(viewer) and viewer.id == member.id)


# --- search audiences ---------------------------------------------------------------------------


def audiences_of(user) -> list[str]:
    """The index tokens this user may see; the same rules as the pages, written as tokens."""
    tokens = ["public"]
    if is_signed_in(user):
        tokens.append(f"user:{user.id}")
        tokens += [f"group:{gid}" for gid in group_roles_of(user)]
        tokens += [f"community:{cid}" for cid in community_roles_of(user)]
        if is_staff(user):
            tokens.append("staff")
    return tokens


def audiences_for_item(item) -> list[str]:
    """The tokens an indexed item carries: who may find it in search."""
    from community.content.models import Status
    from community.items import community_of

    community = community_of(item)
    published = item.status == Status.PUBLISHED and (not hasattr(item, "publish_from") or is_public_item(item))
    if getattr(item, "deleted_at", None) is not None:
        return []
    for container in (getattr(item, "topic", None), getattr(item, "thread", None)):
        # A reply inside a deleted or unpublished topic or thread is not found on its own either.
        if container is not None and (container.deleted_at is not None or container.status != Status.PUBLISHED):
            published = False
    if community is not None and community.status != Status.PUBLISHED and item is not community:
        published = False
    tokens = []
    if community is not None and community.is_closed and item is not community:
        tokens.append(f"community:{community.id}")  # members only, whatever the status
        return tokens if published else []
    if published:
        tokens.append("public")
    else:
        if getattr(item, "group_id", None):
            tokens.append(f"group:{item.group_id}")
        if getattr(item, "author_id", None):
            tokens.append(f"user:{item.author_id}")
        tokens.append("staff")
    return tokens


# --- the regional message board (appended by the board helper) ------------------------------------


def can_close_board_thread(user, thread) -> bool:
    """The author ends their own ゆずります / 探しています thread before it expires."""
    from community.board.models import EXPIRING_KINDS

    return (is_signed_in(user) and thread.author_id == user.id and thread.deleted_at is None
            and thread.kind in EXPIRING_KINDS)


# --- notifications (appended by the notifications helper) -----------------------------------------


def can_read_notification(user, notification) -> bool:
    """A notification is its recipient's alone."""
    return is_signed_in(user) and notification.user_id == user.id


# --- communities: lists of posts, member lists, meetups (appended by the communities domain) ----------


def post_visible_clause(user, model):
    """SQL twin of can_view_post for lists of topics, replies, board threads and board replies: published ones,
    the user's own pending or hidden ones, and everything for staff (whose rights to the place itself are checked
    separately)."""
    from sqlalchemy import or_, true

    from community.content.models import Status

    if is_staff(user):
        return true()
    if is_signed_in(user):
        return or_(model.status == Status.PUBLISHED, model.author_id == user.id)
    return model.status == Status.PUBLISHED


def can_view_community_members(user, community) -> bool:
    """A community's member list and a meetup's attendee list: its members (and site admins where the
    content is not closed to them), never the public, whatever members chose for their profiles."""
    return can_view_community_content(user, community) and (is_community_member(user, community) or is_admin(user))


def can_manage_meetups(user, community) -> bool:
    """Community admins and moderators create, edit and cancel meetups of a community they can see."""
    return can_view_community_content(user, community) and can_moderate_community(user, community)


def can_rsvp(user, meetup) -> bool:
    """Members answer a meetup that is neither cancelled nor over."""
    if meetup.community_id is None or meetup.cancelled_at is not None or meetup.ends_at <= _now():
        return False
    return can_post_in_community(user, meetup.community)


# --- my page: follows and bookmarks (appended by the me helper) ------------------------------------


def can_view_any_item(user, item) -> bool:
    """One answer for an item of any kind in community.items (bookmarks, the personal stream)."""
    kind = getattr(item, "KIND", "")
    if getattr(item, "deleted_at", None) is not None:
        return False
    if kind in ("event", "shop", "notice"):
        return can_view_item(user, item)
    if kind == "topic":
        return can_view_community_content(user, item.community) and can_view_post(user, item)
    if kind in ("board", "board_reply"):
        return can_view_post(user, item)
    if kind == "community":
        return can_view_community(user, item)
    return False


def can_bookmark(user, item) -> bool:
    """Members keep events, shops, notices, topics and board threads they may see."""
    return (is_signed_in(user) and getattr(item, "KIND", "") in ("event", "shop", "notice", "topic", "board")
            and can_view_any_item(user, item))


def can_follow_target(user, kind: str, target) -> bool:
    """Areas, categories and groups are public; a community must be one the member may know of."""
    if not can_follow(user) or target is None:
        return False
    return kind != "community" or can_view_community(user, target)


def can_manage_community_members(user, community) -> bool:
    """Answering join requests, removing members and appointing moderators: community admins (and site
    admins, except in a closed community they do not belong to — its member list is for members only)."""
    return can_manage_community(user, community) and can_view_community_members(user, community)


def can_view_meetup(user, meetup) -> bool:
    """A meetup's own page: whoever may see its community's content, while it is published (its community's
    moderators also before). Unlike can_view_item, members of a closed community see its meetups."""
    from community.content.models import Status

    if not can_view_community_content(user, meetup.community):
        return False
    return meetup.status == Status.PUBLISHED or can_moderate_community(user, meetup.community)


# --- moderation and curation of any kind of item (appended by the moderation domain) -------------


def can_view_reportable_item(user, item) -> bool:
    """can_view_any_item widened to every kind moderation deals with: community replies (in a topic the
    user may see), board replies (in a thread the user may see) and profiles (any account not suspended).
    Reports and review requests are only for what the user can see."""
    from community.items import kind_of

    kind = kind_of(item)
    if kind == "profile":
        return not item.is_suspended
    if kind == "reply":
        return item.deleted_at is None and can_view_any_item(user, item.topic) and can_view_post(user, item)
    if kind == "board_reply":
        return can_view_any_item(user, item) and can_view_any_item(user, item.thread)
    return can_view_any_item(user, item)


def is_public_any_item(item, now=None) -> bool:
    """Anyone, signed in or not, may see it: all that curation (おすすめ, 特集) ever shows.
    A closed community's content never, a hidden profile never."""
    from community.content.models import Status
    from community.items import kind_of

    kind = kind_of(item)
    if kind in ("event", "shop", "notice"):
        return is_public_item(item, now)
    if kind == "profile":
        return not item.is_suspended and not item.profile_hidden
    if item.status != Status.PUBLISHED or getattr(item, "deleted_at", None) is not None:
        return False
    if kind == "community":
        return not item.is_closed
    if kind == "topic":
        return is_public_any_item(item.community, now)
    if kind == "reply":
        return is_public_any_item(item.topic, now)
    if kind == "board_reply":
        return is_public_any_item(item.thread, now)
    return kind == "board"


def can_read_for_moderation(user, item) -> bool:
    """Staff read an item's words in the review queue, except a closed community's content when they are
    not its members: that stays members-only everywhere, so the queue shows where it is, not what it says."""
    from community.items import community_of, kind_of

    if not can_moderate(user):
        return False
    community = community_of(item)
    if community is None or kind_of(item) == "community":
        return True
    return not community.is_closed or is_community_member(user, community)


def can_report_item(user, item) -> bool:
    """Members report what they can see, never their own item (they can edit or withdraw it)."""
    from community.items import author_id_of

    return can_report(user) and can_view_reportable_item(user, item) and author_id_of(item) != user.id


def can_request_review(user, item) -> bool:
    """The author of a hidden item (or an editor of its group) may ask for another look; once, by the data."""
    from community.content.models import Status
    from community.items import author_id_of, kind_of

    if not is_signed_in(user):
        return False
    if kind_of(item) == "profile":
        return item.id == user.id and item.profile_hidden
    own = author_id_of(item) == user.id or (getattr(item, "group_id", None) in group_roles_of(user))
    return own and item.status == Status.HIDDEN


def can_lock_thread(user, item) -> bool:
    """Supporters lock a community topic or a board thread against new replies."""
    from community.items import kind_of

    return can_moderate(user) and kind_of(item) in ("topic", "board")


def can_curate(user) -> bool:
    """Featuring items (おすすめ) and building 特集 collections: supporters and admins."""
    return is_staff(user)


def can_view_collection(user, collection) -> bool:
    return collection.is_published or can_curate(user)


def can_suspend_account(user, account) -> bool:
    """Admins suspend members and supporters; never themselves or another admin."""
    from community.accounts.models import Role

    return can_suspend(user) and account.id != user.id and not account.has_role(Role.ADMIN)


def is_own_item(user, item) -> bool:
    """The user wrote the item or edits for the group that published it: they are told of decisions on it
    (and may read its review-request page) even while it is hidden from everyone else."""
    from community.items import author_id_of

    if not is_signed_in(user):
        return False
    return author_id_of(item) == user.id or getattr(item, "group_id", None) in group_roles_of(user)
