"""Deleting a member's account: their personal data goes, what they wrote in public discussions stays under
「退会した会員」 (or is removed when they ask), what groups published stays with the group.

Rows are changed through the ORM where the search index follows them (posts and items keep an author's audience
token), so the change log records them; what no page shows any more is deleted by statement. Every foreign key to
users.id also has an ON DELETE rule, so a table this module does not name yet cannot stop the deletion.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy import delete, select, update

from community import policy
from community.accounts.models import User
from community.accounts.services import AccountError
from community.accounts.sessions import end_all_sessions
from community.db import utcnow
from community.extensions import db
from community.locale import user_text


def why_not_delete(user: User, marked: bool = False) -> str | None:
    """The message naming every group and community the member must hand over first, or None. `marked`: as HTML,
    the names (which people wrote) marked as user content."""
    groups, communities = policy.handover_before_deletion(user)
    if not groups and not communities:
        return None

    def say(template, **values) -> str:
        if not marked:
            return str(template) % values
        return escape(str(template)) % {key: user_text(value) for key, value in values.items()}

    names = [say(_l("団体「%(name)s」の代表者"), name=group.name) for group in groups]
    names += [say(_l("コミュニティ「%(name)s」の管理者"), name=community.name) for community in communities]
    joined = (escape(_("、")) if marked else _("、")).join(names)
    if marked:
        return escape(_("あなたは次の最後の担当者です。退会する前に、ほかの人に引き継いでください: %(list)s")) % {
            "list": joined}
    return _("あなたは次の最後の担当者です。退会する前に、ほかの人に引き継いでください: %(list)s", list=joined)


def delete_account(user: User, password: str, remove_posts: bool) -> None:
    """Checks the password and the handovers (AccountError, nothing changed), then deletes the account and
    records it in the audit log under the member's number only. The caller commits and signs the browser out."""
    from community.moderation import audit

    if not user.check_password(password):
        raise AccountError(_("パスワードが正しくありません。"))
    refusal = why_not_delete(user)
    if refusal:
        raise AccountError(refusal)
    user_id = user.id
    _leave_communities(user_id)
    _release_posts(user_id, remove_posts)
    _release_items(user_id)
    _forget_personal_rows(user, user_id)
    audit.record(None, "delete_account", kind="profile", item_id=user_id, former_member_id=user_id,
                 posts_removed=remove_posts)
    end_all_sessions(user)
    db.session.execute(delete(User).where(User.id == user_id))
    db.session.flush()
    policy.forget_group_roles()
    policy.forget_community_roles()


def _leave_communities(user_id: int) -> None:
    """Memberships and answers to meetups go; a seat given up at a coming meetup moves the first in line up, and
    each community counts its members again."""
    from community.communities.meetups import fill_seats
    from community.communities.models import Community, CommunityMembership, Rsvp, RsvpAnswer
    from community.communities.services import recount_members
    from community.events.models import Event

    freed = list(db.session.scalars(select(Rsvp.event_id).where(
        Rsvp.user_id == user_id, Rsvp.answer == RsvpAnswer.GOING, Rsvp.waitlisted.is_(False))))
    community_ids = list(db.session.scalars(
        select(CommunityMembership.community_id).where(CommunityMembership.user_id == user_id)))
    db.session.execute(delete(Rsvp).where(Rsvp.user_id == user_id))
    db.session.execute(delete(CommunityMembership).where(CommunityMembership.user_id == user_id))
    db.session.flush()
    for meetup in db.session.scalars(select(Event).where(Event.id.in_(freed), Event.ends_at > utcnow())).all():
        fill_seats(meetup)
    for community in db.session.scalars(select(Community).where(Community.id.in_(community_ids))).all():
        recount_members(community)


def _release_posts(user_id: int, remove: bool) -> None:
    """Threads and replies on the board and in communities: kept without an author, or (when the member asks)
    removed the way a deleted post is, their words blanked; a removed reply keeps its place in its thread."""
    from community.board.services import THREADS
    from community.communities.boards import TOPICS

    for discussion in (THREADS, TOPICS):
        for model in (discussion.reply_model, discussion.thread_model):
            posts: list = list(db.session.scalars(select(model).where(model.author_id == user_id)))
            for post in posts:
                if remove:
                    if post.deleted_at is None:
                        discussion.delete(post, None)
                    post.body = post.body_html = ""
                post.author_id = None
    db.session.flush()


def _release_items(user_id: int) -> None:
    """What groups published stays theirs; only the author's name goes (through the ORM: their search documents
    carry it as an audience)."""
    from community.events.models import Event
    from community.notices.models import Notice
    from community.shops.models import Shop

    for model in (Event, Shop, Notice):
        for item in db.session.scalars(select(model).where(model.author_id == user_id)).all():
            item.author_id = None
    db.session.flush()


def _forget_personal_rows(user: User, user_id: int) -> None:
    """Everything else about the member: follows, bookmarks, notifications, read markers, group roles, review
    requests, digests and queued mail go; reports stay without their name; the audit log keeps the number only."""
    from community.communities.models import Community, TopicRead
    from community.content.models import ContentVersion
    from community.groups.models import Group, GroupMembership
    from community.mail.models import OutgoingMail
    from community.me.models import Bookmark, DigestDelivery, Follow
    from community.moderation.models import AuditEntry, Collection, Feature, Report, ReviewRequest
    from community.notifications.models import Notification
    from community.signage.models import UrgentNotice

    for model in (Follow, Bookmark, DigestDelivery, Notification, TopicRead, GroupMembership, ReviewRequest):
        db.session.execute(delete(model).where(model.user_id == user_id))
    db.session.execute(delete(OutgoingMail).where(OutgoingMail.to == user.email))
    db.session.execute(update(Report).where(Report.reporter_id == user_id).values(reporter_id=None))
    for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == user_id)).all():
        entry.details = {**(entry.details or {}), "former_member_id": user_id}
        entry.actor_id = None
    for model, column in ((Group, Group.created_by_id), (Community, Community.created_by_id),
                          (ContentVersion, ContentVersion.edited_by_id), (Feature, Feature.created_by_id),
                          (Collection, Collection.created_by_id), (UrgentNotice, UrgentNotice.created_by_id)):
        db.session.execute(update(model).where(column == user_id).values({column: None}))
    db.session.flush()
