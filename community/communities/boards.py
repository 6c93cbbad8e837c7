"""A community's board: topics and replies, edits and soft deletes, pins and locks, read markers."""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from community import policy
from community.communities.common import CommunityError, touch
from community.communities.models import Community, Reply, Topic, TopicRead
from community.content.models import Status
from community.db import utcnow
from community.discussions.services import Discussion
from community.extensions import db
from community.moderation import audit
from community.notifications.services import notify
from community.posting import check_post, initial_status
from community.text import render_markdown

TOPICS_PER_PAGE = 20
REPLIES_PER_PAGE = 30
TOPICS = Discussion(Topic, Reply, "topic_id", REPLIES_PER_PAGE)
FLAGS = {"pin": ("is_pinned", True), "unpin": ("is_pinned", False), "lock": ("is_locked", True),
         "unlock": ("is_locked", False)}


# --- reading ----------------------------------------------------------------------------------


def _topics_query(community: Community, user):
    return (select(Topic).options(joinedload(Topic.author))
            .where(Topic.community_id == community.id, Topic.deleted_at.is_(None),
                   policy.post_visible_clause(user, Topic))
            .order_by(Topic.is_pinned.desc(), Topic.last_post_at.desc(), Topic.id.desc()))


def topics_page(community: Community, user, page: int = 1, per_page: int = TOPICS_PER_PAGE):
    return db.paginate(_topics_query(community, user), page=page, per_page=per_page, error_out=False)


def latest_topics(community: Community, user, limit: int = 5) -> list[Topic]:
    return list(db.session.scalars(_topics_query(community, user).limit(limit)))


def load_topic(community: Community, topic_id: int) -> Topic | None:
    """The topic when it belongs to this community and is not deleted."""
    return db.session.scalar(select(Topic).options(joinedload(Topic.author)).where(
        Topic.id == topic_id, Topic.community_id == community.id, Topic.deleted_at.is_(None)))


def load_reply(community: Community, reply_id: int) -> Reply | None:
    return db.session.scalar(
        select(Reply).join(Reply.topic).options(joinedload(Reply.topic), joinedload(Reply.author))
        .where(Reply.id == reply_id, Topic.community_id == community.id, Topic.deleted_at.is_(None)))


def replies_page(topic: Topic, user, page: int = 1, per_page: int = REPLIES_PER_PAGE):
    return TOPICS.replies_page(topic, user, page)


def reply_page(reply: Reply, user, per_page: int = REPLIES_PER_PAGE) -> int:
    """Which page of its topic shows this reply to this user."""
    return TOPICS.reply_page(reply, user)


# --- writing ----------------------------------------------------------------------------------


def create_topic(community: Community, data: dict, actor) -> Topic:
    """Raises PostRefused (abuse limits) before writing anything."""
    title, body = data["title"].strip(), data["body"] or ""
    check_post(actor, f"{title}\n{body}")
    now = utcnow()
    topic = Topic(community_id=community.id, author_id=actor.id, title=title, body=body,
                  body_html=render_markdown(body), status=initial_status(actor), created_at=now, last_post_at=now)
    db.session.add(topic)
    touch(community)
    db.session.flush()
    mark_read(actor, topic, now)
    return topic


def update_topic(topic: Topic, data: dict, editor) -> None:
    """Raises PostRefused (abuse limits, the same text as create_topic checks) before changing anything."""
    TOPICS.edit(topic, editor, data["body"] or "", title=data["title"].strip())


def delete_topic(topic: Topic, actor) -> None:
    """Soft: the row stays (moderation can still read it), the board no longer shows it."""
    TOPICS.delete(topic, actor)


def set_flag(topic: Topic, action: str, actor) -> None:
    if action not in FLAGS:
        raise CommunityError(_("この操作はできません。"))
    column, value = FLAGS[action]
    setattr(topic, column, value)
    audit.record(actor, action, topic)
    db.session.flush()


def create_reply(topic: Topic, body: str, actor) -> Reply:
    if topic.is_locked:
        raise CommunityError(_("このトピックはロックされているため、返信できません。"))
    now = utcnow()
    reply = TOPICS.new_reply(topic, actor, body, now)
    touch(topic.community)
    if reply.status == Status.PUBLISHED:
        reply_published(reply, topic, actor)
    mark_read(actor, topic, now)
    return reply


def reply_published(reply: Reply, topic: Topic | None = None, author=None) -> None:
    """After a reply becomes public (at once, or when a supporter approves it): the topic's counters and
    its author's notification. Moderation calls this when it approves a pending reply."""
    topic = topic or reply.topic
    refresh_counters(topic)
    if topic.author_id is not None and topic.author_id != reply.author_id:
        author = author or reply.author  # None once the reply's author has deleted their account
        notify(topic.author_id, "topic_reply", reply_link(reply), community_name=topic.community.name,
               topic_title=topic.title, user_name=author.display_name if author else _("退会した会員"))


def reply_link(reply: Reply) -> str:
    """A reply's permanent address: it redirects to the page of the topic that shows it to whoever follows it."""
    return url_for("communities.reply_link", slug=reply.topic.community.slug, reply_id=reply.id)


def refresh_counters(topic: Topic) -> None:
    """Counters from the published replies; moderation calls this after hiding or restoring a reply."""
    TOPICS.refresh_counters(topic)


def update_reply(reply: Reply, body: str, editor) -> None:
    """Raises PostRefused (abuse limits) before changing anything."""
    TOPICS.edit(reply, editor, body)


def delete_reply(reply: Reply, actor) -> None:
    TOPICS.delete(reply, actor)


# --- "new since your last visit" ----------------------------------------------------------------


def read_at(user, topic: Topic) -> datetime | None:
    if not policy.is_signed_in(user):
        return None
    return db.session.scalar(select(TopicRead.read_at).where(TopicRead.user_id == user.id,
                                                             TopicRead.topic_id == topic.id))


def mark_read(user, topic: Topic, upto: datetime) -> None:
    """Moves the user's marker forward to `upto` (never back: reading page 1 again changes nothing)."""
    row = db.session.scalar(select(TopicRead).where(TopicRead.user_id == user.id, TopicRead.topic_id == topic.id))
    if row is None:
        db.session.add(TopicRead(user_id=user.id, topic_id=topic.id, read_at=upto))
    elif row.read_at < upto:
        row.read_at = upto
    db.session.flush()


def unread_topic_ids(user, topics: list[Topic], since: datetime | None) -> set[int]:
    """Topics with posts after the member's last visit (or, never opened, after they joined)."""
    if not policy.is_signed_in(user) or not topics:
        return set()
    reads = dict(db.session.execute(select(TopicRead.topic_id, TopicRead.read_at).where(
        TopicRead.user_id == user.id, TopicRead.topic_id.in_([t.id for t in topics]))).all())
    unread = set()
    for topic in topics:
        seen = reads.get(topic.id, since)
        if seen is not None and topic.last_post_at > seen:
            unread.add(topic.id)
    return unread
