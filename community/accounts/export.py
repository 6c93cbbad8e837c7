"""Everything stored about a member, as one JSON document they can download (/settings/data).

The member's own row goes out column by column (all but the secrets), so a column added to users is in the download
without a change here. Every other table that refers to a member (a foreign key to users.id) has a Section;
tests/accounts/test_member_data.py reads the tables' foreign keys and fails when one has none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Select, select

from community.accounts.models import User
from community.db import utcnow
from community.extensions import db

FORMAT = "sagamihara-portal-member-data/1"


@dataclass(frozen=True)
class Section:
    """One list in the document: the rows of `table` whose `column` is the member, as `query(user_id)` reads them
    (labelled columns, one query)."""

    name: str
    table: str
    column: str
    query: Callable[[int], Select]


# Secrets are not handed out again: the password's hash, the personal feeds' token (the download says whether one
# is set), the counter that voids reset links.
SECRET_COLUMNS = frozenset({"password_hash", "feed_token", "session_version"})
SETTINGS_COLUMNS = ("show_area", "show_communities", "digest_frequency")


def _sessions(user_id: int) -> Select:
    from community.accounts.models import UserSession

    return select(UserSession.created_at).where(UserSession.user_id == user_id).order_by(UserSession.id)


def _posts(model, *extra) -> Callable[[int], Select]:
    def query(user_id: int) -> Select:
        return (select(model.id, *extra, model.body, model.status, model.created_at, model.edited_at,
                       model.deleted_at).where(model.author_id == user_id).order_by(model.id))
    return query


def _board_threads(user_id: int) -> Select:
    from community.board.models import BoardThread

    return _posts(BoardThread, BoardThread.title, BoardThread.kind, BoardThread.area_id,
                  BoardThread.expires_at)(user_id)


def _board_replies(user_id: int) -> Select:
    from community.board.models import BoardReply

    return _posts(BoardReply, BoardReply.thread_id)(user_id)


def _topics(user_id: int) -> Select:
    from community.communities.models import Topic

    return _posts(Topic, Topic.title, Topic.community_id)(user_id)


def _replies(user_id: int) -> Select:
    from community.communities.models import Reply

    return _posts(Reply, Reply.topic_id)(user_id)


def _published(model, title) -> Callable[[int], Select]:
    def query(user_id: int) -> Select:
        return (select(model.id, title.label("title"), model.group_id, model.status, model.created_at,
                       model.updated_at).where(model.author_id == user_id).order_by(model.id))
    return query


def _events(user_id: int) -> Select:
    from community.events.models import Event

    return _published(Event, Event.title)(user_id).add_columns(Event.community_id)


def _shops(user_id: int) -> Select:
    from community.shops.models import Shop

    return _published(Shop, Shop.name)(user_id)


def _notices(user_id: int) -> Select:
    from community.notices.models import Notice

    return _published(Notice, Notice.title)(user_id)


def _item_edits(user_id: int) -> Select:
    from community.content.models import ContentVersion

    return (select(ContentVersion.item_kind, ContentVersion.item_id, ContentVersion.created_at)
            .where(ContentVersion.edited_by_id == user_id).order_by(ContentVersion.id))


def _groups_created(user_id: int) -> Select:
    from community.groups.models import Group

    return select(Group.id, Group.slug, Group.name, Group.created_at).where(Group.created_by_id == user_id)


def _group_roles(user_id: int) -> Select:
    from community.groups.models import Group, GroupMembership

    return (select(GroupMembership.group_id, Group.name.label("group_name"), GroupMembership.role,
                   GroupMembership.created_at).join(Group, Group.id == GroupMembership.group_id)
            .where(GroupMembership.user_id == user_id).order_by(GroupMembership.id))


def _communities_created(user_id: int) -> Select:
    from community.communities.models import Community

    return (select(Community.id, Community.slug, Community.name, Community.created_at)
            .where(Community.created_by_id == user_id))


def _community_memberships(user_id: int) -> Select:
    from community.communities.models import Community, CommunityMembership

    return (select(CommunityMembership.community_id, Community.name.label("community_name"),
                   CommunityMembership.role, CommunityMembership.state, CommunityMembership.message,
                   CommunityMembership.created_at).join(Community, Community.id == CommunityMembership.community_id)
            .where(CommunityMembership.user_id == user_id).order_by(CommunityMembership.id))


def _topic_reads(user_id: int) -> Select:
    from community.communities.models import TopicRead

    return select(TopicRead.topic_id, TopicRead.read_at).where(TopicRead.user_id == user_id).order_by(TopicRead.id)


def _rsvps(user_id: int) -> Select:
    from community.communities.models import Rsvp
    from community.events.models import Event

    return (select(Rsvp.event_id, Event.title.label("event_title"), Event.starts_at, Rsvp.answer, Rsvp.waitlisted,
                   Rsvp.answered_at).join(Event, Event.id == Rsvp.event_id)
            .where(Rsvp.user_id == user_id).order_by(Rsvp.id))


def _follows(user_id: int) -> Select:
    from community.me.models import Follow

    return (select(Follow.target_kind, Follow.target_id, Follow.created_at).where(Follow.user_id == user_id)
            .order_by(Follow.id))


def _bookmarks(user_id: int) -> Select:
    from community.me.models import Bookmark

    return (select(Bookmark.item_kind, Bookmark.item_id, Bookmark.created_at).where(Bookmark.user_id == user_id)
            .order_by(Bookmark.id))


def _digests(user_id: int) -> Select:
    from community.me.models import DigestDelivery

    return (select(DigestDelivery.period, DigestDelivery.sent_at).where(DigestDelivery.user_id == user_id)
            .order_by(DigestDelivery.id))


def _notifications(user_id: int) -> Select:
    from community.notifications.models import Notification

    return (select(Notification.kind, Notification.data, Notification.link, Notification.created_at,
                   Notification.read_at).where(Notification.user_id == user_id).order_by(Notification.id))


def _reports(user_id: int) -> Select:
    from community.moderation.models import Report

    return (select(Report.item_kind, Report.item_id, Report.reason, Report.note, Report.created_at,
                   Report.resolved_at, Report.resolution).where(Report.reporter_id == user_id).order_by(Report.id))


def _review_requests(user_id: int) -> Select:
    from community.moderation.models import ReviewRequest

    return (select(ReviewRequest.item_kind, ReviewRequest.item_id, ReviewRequest.note, ReviewRequest.created_at,
                   ReviewRequest.handled_at).where(ReviewRequest.user_id == user_id).order_by(ReviewRequest.id))


def _actions(user_id: int) -> Select:
    from community.moderation.models import AuditEntry

    return (select(AuditEntry.action, AuditEntry.item_kind, AuditEntry.item_id, AuditEntry.reason,
                   AuditEntry.created_at).where(AuditEntry.actor_id == user_id).order_by(AuditEntry.id))


def _features(user_id: int) -> Select:
    from community.moderation.models import Feature

    return (select(Feature.item_kind, Feature.item_id, Feature.area_id, Feature.note, Feature.ends_at,
                   Feature.created_at).where(Feature.created_by_id == user_id).order_by(Feature.id))


def _collections(user_id: int) -> Select:
    from community.moderation.models import Collection

    return (select(Collection.id, Collection.slug, Collection.title, Collection.intro, Collection.created_at)
            .where(Collection.created_by_id == user_id).order_by(Collection.id))


def _urgent_notices(user_id: int) -> Select:
    from community.signage.models import UrgentNotice

    return (select(UrgentNotice.id, UrgentNotice.title, UrgentNotice.body, UrgentNotice.starts_at,
                   UrgentNotice.ends_at, UrgentNotice.created_at)
            .where(UrgentNotice.created_by_id == user_id).order_by(UrgentNotice.id))


def _contact_messages(column: str) -> Callable[[int], Select]:
    def query(user_id: int) -> Select:
        from community.sitepages.models import ContactMessage

        return (select(ContactMessage.id, ContactMessage.subject, ContactMessage.body, ContactMessage.created_at,
                       ContactMessage.handled_at).where(getattr(ContactMessage, column) == user_id)
                .order_by(ContactMessage.id))

    return query


def _imports(user_id: int) -> Select:
    from community.opendata.models import ImportJob

    return (select(ImportJob.id, ImportJob.group_id, ImportJob.kind, ImportJob.filename, ImportJob.status,
                   ImportJob.created, ImportJob.changed, ImportJob.refused).where(ImportJob.user_id == user_id)
            .order_by(ImportJob.id))


def _feeds(user_id: int) -> Select:
    from community.opendata.models import FeedSubscription

    return (select(FeedSubscription.id, FeedSubscription.group_id, FeedSubscription.url, FeedSubscription.kind,
                   FeedSubscription.created_at).where(FeedSubscription.created_by_id == user_id)
            .order_by(FeedSubscription.id))


def _site_page_versions(user_id: int) -> Select:
    from community.sitepages.models import SitePageVersion

    return (select(SitePageVersion.slug, SitePageVersion.version, SitePageVersion.title, SitePageVersion.note,
                   SitePageVersion.created_at).where(SitePageVersion.author_id == user_id)
            .order_by(SitePageVersion.id))


SECTIONS = (
    Section("sessions", "user_sessions", "user_id", _sessions),
    Section("board_threads", "board_threads", "author_id", _board_threads),
    Section("board_replies", "board_replies", "author_id", _board_replies),
    Section("topics", "topics", "author_id", _topics),
    Section("replies", "replies", "author_id", _replies),
    Section("events_written", "events", "author_id", _events),
    Section("shops_written", "shops", "author_id", _shops),
    Section("notices_written", "notices", "author_id", _notices),
    Section("item_edits", "content_versions", "edited_by_id", _item_edits),
    Section("groups_created", "groups", "created_by_id", _groups_created),
    Section("group_roles", "group_memberships", "user_id", _group_roles),
    Section("communities_created", "communities", "created_by_id", _communities_created),
    Section("community_memberships", "community_memberships", "user_id", _community_memberships),
    Section("topic_reads", "topic_reads", "user_id", _topic_reads),
    Section("rsvps", "rsvps", "user_id", _rsvps),
    Section("follows", "follows", "user_id", _follows),
    Section("bookmarks", "bookmarks", "user_id", _bookmarks),
    Section("digests_sent", "digest_deliveries", "user_id", _digests),
    Section("notifications", "notifications", "user_id", _notifications),
    Section("reports_made", "reports", "reporter_id", _reports),
    Section("review_requests", "review_requests", "user_id", _review_requests),
    Section("moderation_actions", "audit_log", "actor_id", _actions),
    Section("features_created", "features", "created_by_id", _features),
    Section("collections_created", "collections", "created_by_id", _collections),
    Section("urgent_notices_created", "urgent_notices", "created_by_id", _urgent_notices),
    Section("contact_messages_sent", "contact_messages", "user_id", _contact_messages("user_id")),
    Section("contact_messages_handled", "contact_messages", "handled_by_id", _contact_messages("handled_by_id")),
    Section("site_page_versions_written", "site_page_versions", "author_id", _site_page_versions),
    Section("imports_started", "import_jobs", "user_id", _imports),
    Section("feeds_registered", "feed_subscriptions", "created_by_id", _feeds),
)


def _plain(value):
    """A JSON value for what a column holds."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _account(user: User) -> dict:
    """Every column of the member's row but the secrets and the settings (consent records included)."""
    skipped = SECRET_COLUMNS | set(SETTINGS_COLUMNS)
    account = {column.key: _plain(getattr(user, column.key)) for column in User.__table__.columns
               if column.key not in skipped}
    account["area_name"] = user.area.name if user.area else None
    return account


def _settings(user: User) -> dict:
    settings = {name: _plain(getattr(user, name)) for name in SETTINGS_COLUMNS}
    settings["personal_feed_enabled"] = bool(user.feed_token)
    return settings


def member_data(user: User) -> dict:
    """The document: the account, its settings, and one list per section (one query each)."""
    document: dict = {"format": FORMAT, "exported_at": _plain(utcnow()), "account": _account(user),
                      "settings": _settings(user)}
    for section in SECTIONS:
        rows = db.session.execute(section.query(user.id)).mappings()
        document[section.name] = [{key: _plain(value) for key, value in row.items()} for row in rows]
    return document
