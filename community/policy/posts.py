"""Members' posts — community topics and replies, the regional message board's threads and replies: who sees
them (each inside its place: a topic in its community, a reply in its topic or thread) and who edits,
deletes, closes and posts them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, or_, select, true

from community.policy import base
from community.policy.base import is_author, is_signed_in, is_staff
from community.policy.communities import (
    can_moderate_community,
    can_post_in_community,
    can_view_community_content,
    content_community_ids,
)

EDIT_WINDOW_MINUTES = 30


def _published():
    from community.content.models import Status

    return Status.PUBLISHED


def can_view_post(user, post) -> bool:
    """The post itself, its place aside: published ones for all, pending or hidden ones for their author and
    staff."""
    return post.status == _published() or is_staff(user) or is_author(user, post)


def post_visible_clause(user, model):
    """SQL twin of can_view_post, for the posts listed inside a place the user may see."""
    if is_staff(user):
        return true()
    if is_signed_in(user):
        return or_(model.status == _published(), model.author_id == user.id)
    return model.status == _published()


def can_view_topic(user, topic) -> bool:
    return (topic.deleted_at is None and can_view_community_content(user, topic.community)
            and can_view_post(user, topic))


def topic_visible_clause(user, model):
    """SQL twin of can_view_topic (for Topic)."""
    return and_(model.deleted_at.is_(None), model.community_id.in_(content_community_ids(user)),
                post_visible_clause(user, model))


def can_view_reply(user, reply) -> bool:
    return reply.deleted_at is None and can_view_post(user, reply) and can_view_topic(user, reply.topic)


def reply_visible_clause(user, model):
    """SQL twin of can_view_reply (for Reply)."""
    from community.communities.models import Topic

    return and_(model.deleted_at.is_(None), post_visible_clause(user, model),
                model.topic_id.in_(select(Topic.id).where(topic_visible_clause(user, Topic))))


def can_view_board_thread(user, thread) -> bool:
    return thread.deleted_at is None and can_view_post(user, thread)


def board_thread_visible_clause(user, model):
    """SQL twin of can_view_board_thread (for BoardThread)."""
    return and_(model.deleted_at.is_(None), post_visible_clause(user, model))


def can_view_board_reply(user, reply) -> bool:
    return reply.deleted_at is None and can_view_post(user, reply) and can_view_board_thread(user, reply.thread)


def board_reply_visible_clause(user, model):
    """SQL twin of can_view_board_reply (for BoardReply)."""
    from community.board.models import BoardThread

    return and_(model.deleted_at.is_(None), post_visible_clause(user, model),
                model.thread_id.in_(select(BoardThread.id).where(board_thread_visible_clause(user, BoardThread))))


def can_view_post_in_place(user, post) -> bool:
    """The post and the place it lives in (a topic's community, a reply's topic, a board reply's thread)."""
    from community.items import kind_of

    return {"topic": can_view_topic, "reply": can_view_reply, "board": can_view_board_thread,
            "board_reply": can_view_board_reply}[kind_of(post)](user, post)


def can_edit_post(user, post) -> bool:
    """Authors edit their topic, reply or board post within the edit window, while they may see it."""
    if not is_author(user, post) or not can_view_post_in_place(user, post):
        return False
    return base.now() - post.created_at <= timedelta(minutes=EDIT_WINDOW_MINUTES)


def can_delete_post(user, post, community=None) -> bool:
    """Authors delete their own posts (softly); community moderators (in a community) or staff (on the board)
    delete any they may see."""
    if not is_signed_in(user) or not can_view_post_in_place(user, post):
        return False
    if is_author(user, post):
        return True
    if community is not None:
        return can_moderate_community(user, community)
    return is_staff(user)


def can_reply(user, post) -> bool:
    """Replying to a topic (its community's members) or a board thread (any member), while they may see it;
    whether the thread still takes replies (locked, ended, unpublished) is the thread's state, not a right."""
    from community.items import kind_of

    if kind_of(post) == "topic":
        return can_view_topic(user, post) and can_post_in_community(user, post.community)
    return can_view_board_thread(user, post) and can_post_on_board(user)


def can_post_on_board(user) -> bool:
    return is_signed_in(user)


def can_close_board_thread(user, thread) -> bool:
    """The author ends their own ゆずります / 探しています thread before it expires."""
    from community.board.models import EXPIRING_KINDS

    return is_author(user, thread) and thread.deleted_at is None and thread.kind in EXPIRING_KINDS
