"""Group pages: the directory, a group's profile, asking to create one, managing editors."""

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from community import policy
from community.areas.forms import area_choices
from community.areas.services import area_and_descendants_clause, area_by_slug
from community.content.listing import group_items
from community.extensions import db
from community.groups.forms import EditorForm, GroupForm
from community.groups.models import Group, GroupMembership
from community.groups.services import (
    GroupError,
    add_editor,
    create_group,
    group_by_slug,
    members_of,
    remove_member,
    transfer_ownership,
    update_group,
)
from community.pages import act, form_page, permitted
from community.pagination import requested_page

bp = Blueprint("groups", __name__)


def _group_form(**kwargs) -> GroupForm:
    form = GroupForm(**kwargs)
    form.area_id.choices = area_choices()
    return form


@bp.route("/groups")
def index():
    query = select(Group).options(joinedload(Group.area)).order_by(Group.name)
    area = area_by_slug(request.args.get("area"))
    if area:
        query = query.where(area_and_descendants_clause(Group.area_id, area))
    page = db.paginate(query, page=requested_page(), per_page=30, error_out=False)
    return render_template("groups/index.html", page=page, area=area)


@bp.route("/groups/new", methods=["GET", "POST"])
@login_required
def new():
    policy.require(policy.can_request_group(current_user))
    form = _group_form()
    return form_page(form, lambda: create_group(form.data, current_user), "groups/form.html", group=None,
                     saved=_("団体を登録しました。サポーターの確認が済むまで、投稿は確認待ちとして扱われます。"),
                     then=lambda group: url_for("groups.detail", slug=group.slug), refusals={GroupError: "slug"})


def _load(slug: str) -> Group:
    return group_by_slug(slug) or abort(404)


@bp.route("/groups/<slug>")
def detail(slug: str):
    group = _load(slug)
    return render_template("groups/detail.html", group=group, **group_items(group, current_user))


@bp.route("/groups/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    group = permitted(_load(slug), policy.can_manage_group)
    form = _group_form(obj=group)
    return form_page(form, lambda: update_group(group, form.data), "groups/form.html", group=group,
                     saved=_("団体の情報を保存しました。"), refusals={GroupError: "slug"},
                     then=lambda _result: url_for("groups.detail", slug=group.slug))  # the slug may have changed


@bp.route("/groups/<slug>/members", methods=["GET", "POST"])
@login_required
def members(slug: str):
    group = permitted(_load(slug), policy.can_manage_group)
    form = EditorForm()
    return form_page(form, lambda: add_editor(group, form.email.data), "groups/members.html", group=group,
                     memberships=members_of(group), saved=_("編集者を追加しました。"),
                     then=url_for("groups.members", slug=group.slug), refusals={GroupError: "email"})


@bp.route("/groups/<slug>/members/<int:membership_id>/<action>", methods=["POST"])
@login_required
def member_action(slug: str, membership_id: int, action: str):
    group = permitted(_load(slug), policy.can_manage_group)
    membership = db.session.get(GroupMembership, membership_id)
    if membership is None or membership.group_id != group.id or action not in ("remove", "make-owner"):
        abort(404)
    if action == "remove":
        do, done = (lambda: remove_member(group, membership)), _("編集者を外しました。")
    else:
        do, done = (lambda: transfer_ownership(group, current_user.id, membership)), _("代表者を引き継ぎました。")

    def back() -> str:  # the owner who handed the group over may no longer manage its editors
        policy.forget_group_roles()
        return url_for("groups.members" if policy.can_manage_group(current_user, group) else "groups.detail",
                       slug=group.slug)

    return act(do, back, done, refusals=(GroupError,))
