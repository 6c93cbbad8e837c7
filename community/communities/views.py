"""Community pages: the directory, creating a community, its profile and editing it. Membership, the board and
meetups add their routes to the same blueprint from membership_views, topic_views and meetup_views."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community import policy
from community.areas.services import area_by_slug, area_tree, category_by_slug, ordered_categories
from community.communities import bp
from community.communities.forms import CommunityForm, JoinRequestForm
from community.communities.pages import community_or_404, render_detail
from community.communities.services import SORTS, CommunityError, create_community, listed_communities, update_community
from community.images import ImageError, save_image
from community.pages import form_page, permitted
from community.pagination import requested_page

REFUSALS = {ImageError: "icon", CommunityError: "slug"}  # which field says why a community was not saved


@bp.route("/communities")
def index():
    errors = []
    area = area_by_slug(request.args.get("area"))
    if request.args.get("area") and area is None:
        errors.append(_("指定された地域が見つかりません。すべての地域を表示しています。"))
    category = category_by_slug(request.args.get("category"))
    if request.args.get("category") and category is None:
        errors.append(_("指定された分野が見つかりません。すべての分野を表示しています。"))
    sort = request.args.get("sort", "active")
    sort = sort if sort in SORTS else "active"
    open_only = request.args.get("open") == "1"
    page = listed_communities(area, category, sort, requested_page(), open_only=open_only)
    return render_template("communities/index.html", page=page, area=area, category=category, sort=sort,
                           open_only=open_only, errors=errors, areas=area_tree(), categories=ordered_categories())


@bp.route("/communities/new", methods=["GET", "POST"])
@login_required
def new():
    policy.require(policy.can_create_community(current_user))
    form = CommunityForm()
    return form_page(form, lambda: create_community(form.to_data(), current_user, _icon(form)), "communities/form.html",
                     community=None, refusals=REFUSALS, saved=_("コミュニティを作りました。あなたが管理者です。"),
                     then=lambda community: url_for("communities.detail", slug=community.slug))


@bp.route("/communities/<slug>")
def detail(slug: str):
    community = community_or_404(slug)
    return render_detail(community, JoinRequestForm())


@bp.route("/communities/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    community = permitted(community_or_404(slug), policy.can_manage_community)
    form = CommunityForm(obj=community)
    return form_page(form, lambda: update_community(community, form.to_data(), _icon(form)), "communities/form.html",
                     community=community, refusals=REFUSALS, saved=_("コミュニティの情報を保存しました。"),
                     then=lambda _result: url_for("communities.detail", slug=community.slug))


def _icon(form) -> str | None:
    """The uploaded icon, stored (raises ImageError for what is not an image we take)."""
    return save_image(form.icon.data.stream) if form.icon.data else None
