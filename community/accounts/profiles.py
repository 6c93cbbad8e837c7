"""What a member's public profile (/users/<id>) shows: open communities and recent public posts.

Only what anyone may see (policy.visible for ANYONE): communities that are open (and only when the member allows
it), and the posts a visitor may see in open communities and on the regional message board.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from community import policy
from community.extensions import db

COMMUNITIES_SHOWN = 50
POSTS_SHOWN = 10


@dataclass
class ProfilePost:
    kind: str  # "topic", "reply", "board", "board_reply"
    title: str
    link: str
    place: str
    created_at: datetime


def profile_communities(viewer, member) -> list:
    """The open communities the member belongs to, when the member lets this viewer see them."""
    from community.communities.models import Community, CommunityMembership, MembershipState

    if not policy.can_view_profile_communities(viewer, member):
        return []
    return list(db.session.scalars(
        select(Community).join(CommunityMembership, CommunityMembership.community_id == Community.id)
        .where(CommunityMembership.user_id == member.id, CommunityMembership.state == MembershipState.ACTIVE,
               Community.id.in_(policy.open_community_ids()))
        .order_by(Community.name, Community.id).limit(COMMUNITIES_SHOWN)))


def recent_public_posts(member, limit: int = POSTS_SHOWN) -> list[ProfilePost]:
    """The member's latest public posts: one bounded query per kind, merged by date."""
    from community.communities.models import Reply, Topic

    posts: list[ProfilePost] = []
    topics = db.session.scalars(
        select(Topic).join(Topic.community).options(contains_eager(Topic.community))
        .where(Topic.author_id == member.id, policy.visible(policy.ANYONE, "topic"))
        .order_by(Topic.created_at.desc(), Topic.id.desc()).limit(limit))
    posts += [ProfilePost("topic", t.title, t.link, t.community.name, t.created_at) for t in topics]
    replies = db.session.scalars(
        select(Reply).join(Reply.topic).join(Topic.community)
        .options(contains_eager(Reply.topic).contains_eager(Topic.community))
        .where(Reply.author_id == member.id, policy.visible(policy.ANYONE, "reply"))
        .order_by(Reply.created_at.desc(), Reply.id.desc()).limit(limit))
    posts += [ProfilePost("reply", r.topic.title, url_for("communities.reply_link", slug=r.topic.community.slug,
                                                          reply_id=r.id), r.topic.community.name, r.created_at)
              for r in replies]
    if "board.thread" in current_app.view_functions:  # the message board may not be installed
        posts += _board_posts(member, limit)
    posts.sort(key=lambda post: post.created_at, reverse=True)
    return posts[:limit]


def _board_posts(member, limit: int) -> list[ProfilePost]:
    from community.board.models import BoardReply, BoardThread

    threads = db.session.scalars(
        select(BoardThread).options(joinedload(BoardThread.area))
        .where(BoardThread.author_id == member.id, policy.visible(policy.ANYONE, "board"))
        .order_by(BoardThread.created_at.desc(), BoardThread.id.desc()).limit(limit))
    posts = [ProfilePost("board", t.title, url_for("board.thread", thread_id=t.id), t.area.name if t.area else "",
                         t.created_at) for t in threads]
    replies = db.session.scalars(
        select(BoardReply).join(BoardReply.thread).options(contains_eager(BoardReply.thread))
        .where(BoardReply.author_id == member.id, policy.visible(policy.ANYONE, "board_reply"))
        .order_by(BoardReply.created_at.desc(), BoardReply.id.desc()).limit(limit))
    posts += [ProfilePost("board_reply", r.thread.title, url_for("board.thread", thread_id=r.thread_id)
                          + f"#reply-{r.id}", "", r.created_at) for r in replies]
    return posts
