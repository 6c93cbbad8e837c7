"""Site administration pages for admins: supporters, accounts, areas and categories (/admin/...)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from community import policy
from community.accounts.models import User
from community.areas.models import Area, Category
from community.areas.services import area_tree, ordered_categories
from community.extensions import db
from community.moderation import admin, bp
from community.moderation.forms import AppointForm, AreaForm, ButtonForm, CategoryForm
from community.pagination import requested_page


def _require_admin() -> None:
    """Any admin page: reference data or supporters (both are admins' rights)."""
    policy.require(policy.can_manage_reference_data(current_user) or policy.can_appoint_supporters(current_user))


@bp.route("/admin")
@login_required
def admin_index():
    _require_admin()
    return render_template("moderation/admin/index.html")


# --- supporters and accounts ---------------------------------------------------------------------


@bp.route("/admin/supporters", methods=["GET", "POST"])
@login_required
def supporters():
    policy.require(policy.can_appoint_supporters(current_user))
    form = AppointForm()
    if form.validate_on_submit():
        try:
            user = admin.appoint_supporter(current_user, form.email.data)
        except admin.AdminError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("%(name)s さんを地域情報サポーターにしました。", name=user.display_name), "success")
            return redirect(url_for("moderation.supporters"))
    return render_template("moderation/admin/supporters.html", form=form, page=admin.staff_page(requested_page()),
                           button=ButtonForm()), 400 if form.errors else 200


@bp.route("/admin/supporters/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_supporter(user_id: int):
    policy.require(policy.can_appoint_supporters(current_user))
    user = db.get_or_404(User, user_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        admin.remove_supporter(current_user, user)
    except admin.AdminError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("%(name)s さんをサポーターから外しました。", name=user.display_name), "success")
    return redirect(url_for("moderation.supporters"))


@bp.route("/admin/users")
@login_required
def users():
    policy.require(policy.can_suspend(current_user))
    text = (request.args.get("q") or "").strip()[:100]
    suspended = request.args.get("suspended") == "1"
    return render_template("moderation/admin/users.html", page=admin.users_page(text, suspended, requested_page()),
                           q=text, suspended=suspended)


# --- areas ---------------------------------------------------------------------------------------


def _area_form(area: Area | None = None) -> AreaForm:
    """Cities and wards can hold areas (three levels at most); an area never goes under itself."""
    form = AreaForm(obj=area)
    choices = [SelectChoice("", _("（なし: いちばん上の地域）"))]
    for city in area_tree():
        for node, optgroup in [(city, None)] + [(ward, city.area.name) for ward in city.children]:
            if area is None or not node.area.path.startswith(area.path):
                choices.append(SelectChoice(str(node.area.id), node.area.name, optgroup=optgroup))
    form.parent_id.choices = choices
    if request.method == "GET" and area is not None:
        form.parent_id.data = str(area.parent_id) if area.parent_id else ""
    return form


def _refuse(form, error: admin.AdminError) -> None:
    getattr(form, error.field).errors.append(str(error))


@bp.route("/admin/areas", methods=["GET", "POST"])
@login_required
def areas():
    policy.require(policy.can_manage_reference_data(current_user))
    form = _area_form()
    if form.validate_on_submit():
        try:
            area = admin.save_area(current_user, None, form.data)
            db.session.commit()
        except admin.AdminError as error:
            _refuse(form, error)
        except IntegrityError:  # the same name saved a moment ago (a second click, another admin)
            db.session.rollback()
            form.slug.errors.append(_("このURL用の名前はすでに使われています。"))
        else:
            flash(_("地域「%(name)s」を追加しました。", name=area.name), "success")
            return redirect(url_for("moderation.areas"))
    return render_template("moderation/admin/areas.html", form=form, tree=area_tree()), 400 if form.errors else 200


@bp.route("/admin/areas/<int:area_id>", methods=["GET", "POST"])
@login_required
def area_edit(area_id: int):
    policy.require(policy.can_manage_reference_data(current_user))
    area = db.get_or_404(Area, area_id)
    form = _area_form(area)
    if form.validate_on_submit():
        try:
            admin.save_area(current_user, area, form.data)
            db.session.commit()
        except admin.AdminError as error:
            db.session.rollback()
            _refuse(form, error)
        except IntegrityError:  # the same name saved a moment ago (a second click, another admin)
            db.session.rollback()
            form.slug.errors.append(_("このURL用の名前はすでに使われています。"))
        else:
            flash(_("地域「%(name)s」を保存しました。", name=area.name), "success")
            return redirect(url_for("moderation.areas"))
    return render_template("moderation/admin/area_form.html", form=form, area=area), 400 if form.errors else 200


# --- categories ------------------------------------------------------------------------------------


@bp.route("/admin/categories", methods=["GET", "POST"])
@login_required
def categories():
    policy.require(policy.can_manage_reference_data(current_user))
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            category = admin.save_category(current_user, None, form.data)
            db.session.commit()
        except admin.AdminError as error:
            form.slug.errors.append(str(error))
        except IntegrityError:  # the same name saved a moment ago (a second click, another admin)
            db.session.rollback()
            form.slug.errors.append(_("このURL用の名前はすでに使われています。"))
        else:
            flash(_("分野「%(name)s」を追加しました。", name=category.name), "success")
            return redirect(url_for("moderation.categories"))
    return render_template("moderation/admin/categories.html", form=form, categories=ordered_categories(),
                           button=ButtonForm()), 400 if form.errors else 200


@bp.route("/admin/categories/<int:category_id>", methods=["GET", "POST"])
@login_required
def category_edit(category_id: int):
    policy.require(policy.can_manage_reference_data(current_user))
    category = db.get_or_404(Category, category_id)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        try:
            admin.save_category(current_user, category, form.data)
            db.session.commit()
        except admin.AdminError as error:
            db.session.rollback()
            form.slug.errors.append(str(error))
        except IntegrityError:  # the same name saved a moment ago (a second click, another admin)
            db.session.rollback()
            form.slug.errors.append(_("このURL用の名前はすでに使われています。"))
        else:
            flash(_("分野「%(name)s」を保存しました。", name=category.name), "success")
            return redirect(url_for("moderation.categories"))
    return render_template("moderation/admin/category_form.html", form=form, category=category), \
        400 if form.errors else 200


@bp.route("/admin/categories/<int:category_id>/move/<direction>", methods=["POST"])
@login_required
def category_move(category_id: int, direction: str):
    policy.require(policy.can_manage_reference_data(current_user))
    category = db.get_or_404(Category, category_id)
    if direction not in ("up", "down"):
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if admin.move_category(current_user, category, direction):
        db.session.commit()
        flash(_("並び順を変えました。"), "success")
    return redirect(url_for("moderation.categories") + f"#category-{category.id}")
