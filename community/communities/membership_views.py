"""Membership pages: joining and leaving, the member list, answering join requests, members' roles."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community import policy
from community.communities import bp
from community.communities.forms import JoinRequestForm
from community.communities.models import CommunityRole
from community.communities.pages import community_or_404, render_detail, require_signed_in
from community.communities.services import (
    CommunityError,
    answer_request,
    join,
    join_requests,
    leave,
    members_page,
    membership_in,
    remove_member,
    set_role,
)
from community.pages import act, permitted
from community.pagination import requested_page

MEMBER_ACTIONS = {"make-admin": CommunityRole.ADMIN, "make-moderator": CommunityRole.MODERATOR,
                  "make-member": CommunityRole.MEMBER}


@bp.route("/communities/<slug>/join", methods=["POST"])
@login_required
def join_community(slug: str):
    community = community_or_404(slug)
    policy.require(policy.can_join_community(current_user, community)
                   or policy.is_community_member(current_user, community))
    form = JoinRequestForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return render_detail(community, form, 400)
    done = (_("参加を申請しました。管理者が承認すると参加できます。") if community.is_closed
            else _("コミュニティに参加しました。"))
    return act(lambda: join(community, current_user, form.message.data or ""), _profile(community), done,
               refusals=(CommunityError,))


@bp.route("/communities/<slug>/leave", methods=["POST"])
@login_required
def leave_community(slug: str):
    community = community_or_404(slug)
    return act(lambda: leave(community, current_user), _profile(community), _("コミュニティから退会しました。"),
               refusals=(CommunityError,))


@bp.route("/communities/<slug>/members")
def members(slug: str):
    community = community_or_404(slug)
    require_signed_in()
    policy.require(policy.can_view_community_members(current_user, community))
    manages = policy.can_manage_community_members(current_user, community)
    page = members_page(community, requested_page())
    return render_template("communities/members.html", community=community, page=page,
                           requests=join_requests(community) if manages else [], manages=manages)


@bp.route("/communities/<slug>/requests/<int:membership_id>/<any(approve, decline):action>", methods=["POST"])
@login_required
def answer_join_request(slug: str, membership_id: int, action: str):
    community = permitted(community_or_404(slug), policy.can_manage_community_members)
    membership = membership_in(community, membership_id) or abort(404)
    done = _("参加を承認しました。") if action == "approve" else _("参加申請をお断りしました。")
    return act(lambda: answer_request(community, membership, action == "approve", current_user),
               url_for("communities.members", slug=community.slug), done, refusals=(CommunityError,))


@bp.route("/communities/<slug>/members/<int:membership_id>/"
          "<any('remove', 'make-admin', 'make-moderator', 'make-member'):action>", methods=["POST"])
@login_required
def member_action(slug: str, membership_id: int, action: str):
    community = permitted(community_or_404(slug), policy.can_manage_community_members)
    membership = membership_in(community, membership_id) or abort(404)
    if action == "remove":
        do, done = (lambda: remove_member(community, membership, current_user)), _("参加者を外しました。")
    else:
        role = MEMBER_ACTIONS[action]
        do, done = (lambda: set_role(community, membership, role, current_user)), _("役割を変更しました。")

    def back() -> str:  # an admin who made themselves a plain member no longer manages the list
        return (url_for("communities.members", slug=community.slug)
                if policy.can_manage_community_members(current_user, community) else _profile(community))

    return act(do, back, done, refusals=(CommunityError,))


def _profile(community) -> str:
    return url_for("communities.detail", slug=community.slug)
