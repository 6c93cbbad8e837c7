"""What the community pages share: finding a community the visitor may know of (or see inside), the member's join
date, the message after posting, and the profile page itself (shown again with the join form's errors)."""

from __future__ import annotations

from flask import abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from community import policy
from community.communities import boards, meetups
from community.communities.models import MembershipState
from community.communities.services import community_by_slug, membership_of
from community.content.models import Status
from community.extensions import login_manager


def community_or_404(slug: str):
    """The community when this user may know it exists (a hidden one is not there for the public)."""
    community = community_by_slug(slug)
    if community is None or not policy.can_view_community(current_user, community):
        abort(404)
    return community


def community_content_or_404(slug: str):
    """The community when this user may see its topics and meetups; otherwise they are not there."""
    community = community_or_404(slug)
    if not policy.can_view_community_content(current_user, community):
        abort(404)
    return community


def require_signed_in():
    if not policy.is_signed_in(current_user):
        abort(login_manager.unauthorized())


def joined_at(community):
    membership = membership_of(current_user, community)
    return membership.created_at if membership and membership.state == MembershipState.ACTIVE else None


def posted_message(item) -> str:
    if item.status == Status.PENDING:
        return _("投稿しました。はじめての投稿のため、地域情報サポーターの確認後に公開されます。")
    return _("投稿しました。")


def render_detail(community, join_form, status: int = 200):
    membership = membership_of(current_user, community)
    topics, unread, upcoming = [], set(), []
    if policy.can_view_community_content(current_user, community):
        topics = boards.latest_topics(community, current_user)
        joined = membership.created_at if membership and membership.state == MembershipState.ACTIVE else None
        unread = boards.unread_topic_ids(current_user, topics, joined)
        upcoming = meetups.upcoming_meetups(community)
    return render_template("communities/detail.html", community=community, membership=membership, topics=topics,
                           unread=unread, meetups=upcoming, join_form=join_form), status
