"""Moderation, curation and site administration: the review queue, reports, review requests, locking, おすすめ and
特集, suspending accounts, appointing supporters, areas and categories, urgent notices, the audit log and the mail
queue."""

from __future__ import annotations

from community.policy.base import group_roles_of, is_admin, is_author, is_community_member, is_signed_in, is_staff
from community.policy.items import can_view


def _kind(item) -> str:
    from community.items import kind_of

    return kind_of(item)


def can_moderate(user) -> bool:
    """The review queue, hiding and restoring, verifying groups: supporters and admins."""
    return is_staff(user)


def can_read_for_moderation(user, item) -> bool:
    """Staff read an item's words in the review queue, except a closed community's content when they are
    not its members: that stays members-only everywhere, so the queue shows where it is, not what it says."""
    from community.items import community_of

    if not can_moderate(user):
        return False
    community = community_of(item)
    if community is None or _kind(item) == "community":
        return True
    return not community.is_closed or is_community_member(user, community)


def can_report(user) -> bool:
    return is_signed_in(user)


def can_report_item(user, item) -> bool:
    """Members report what they can see, never their own item (they can edit or withdraw it)."""
    return can_report(user) and can_view(user, item) and not is_author(user, item)


def is_own_item(user, item) -> bool:
    """The user wrote the item or edits for the group that published it: they are told of decisions on it
    (and may read its review-request page) even while it is hidden from everyone else."""
    return is_author(user, item) or (is_signed_in(user) and getattr(item, "group_id", None) in group_roles_of(user))


def can_request_review(user, item) -> bool:
    """The author of a hidden item (or an editor of its group) may ask for another look; once, by the data."""
    from community.content.models import Status

    if _kind(item) == "profile":
        return is_author(user, item) and item.profile_hidden
    return is_own_item(user, item) and item.status == Status.HIDDEN


def can_lock_thread(user, item) -> bool:
    """Supporters lock a community topic or a board thread against new replies."""
    return can_moderate(user) and _kind(item) in ("topic", "board")


def can_verify_group(user) -> bool:
    return is_staff(user)


def can_curate(user) -> bool:
    """Featuring items (おすすめ) and building 特集 collections: supporters and admins."""
    return is_staff(user)


def is_public_collection(collection) -> bool:
    """A 特集 anyone may read: a supporter has published it."""
    return bool(collection.is_published)


def public_collections_clause():
    """SQL twin of is_public_collection: the 特集 that /features and the sitemap list."""
    from community.moderation.models import Collection

    return Collection.is_published.is_(True)


def can_view_collection(user, collection) -> bool:
    return is_public_collection(collection) or can_curate(user)


# --- site administration: admins (city staff) ---------------------------------------------------------


def can_suspend(user) -> bool:
    return is_admin(user)


def can_suspend_account(user, account) -> bool:
    """Admins suspend members and supporters; never themselves or another admin."""
    from community.accounts.models import Role

    return can_suspend(user) and account.id != user.id and not account.has_role(Role.ADMIN)


def can_appoint_supporters(user) -> bool:
    return is_admin(user)


def can_dismiss_supporter(user, account) -> bool:
    """Offered for supporters only: an admin is not dismissed from this list."""
    from community.accounts.models import Role

    return can_appoint_supporters(user) and account.role == Role.SUPPORTER


def can_manage_reference_data(user) -> bool:
    """Areas and categories."""
    return is_admin(user)


def can_read_audit_log(user) -> bool:
    return is_admin(user)


def can_raise_urgent_notice(user) -> bool:
    return is_admin(user)


def can_manage_mail_queue(user) -> bool:
    """What the mail server refused: addresses and subjects of members' mail, so admins only."""
    return is_admin(user)
