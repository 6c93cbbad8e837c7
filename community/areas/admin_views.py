"""Administering areas and categories (/admin/areas, /admin/categories): admins add, rename, move and order them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from community import policy
from community.areas import bp
from community.areas.editing import EditingError, move_category, save_area, save_category
from community.areas.forms import AreaForm, CategoryForm
from community.areas.models import Area, Category
from community.areas.services import area_tree, ordered_categories
from community.extensions import db
from community.forms import ButtonForm


def _area_form(area: Area | None = None) -> AreaForm:
    """Cities and wards can hold areas (three levels at most); an area never goes under itself."""
    form = AreaForm(obj=area)
    choices = [SelectChoice("", _("（なし: いちばん上の地域）"))]
    for city in area_tree():
        for node, optgroup in [(city, None)] + [(ward, city.area.label) for ward in city.children]:
            if area is None or not node.area.path.startswith(area.path):
                choices.append(SelectChoice(str(node.area.id), node.area.label, optgroup=optgroup))
    form.parent_id.choices = choices
    if request.method == "GET" and area is not None:
        form.parent_id.data = str(area.parent_id) if area.parent_id else ""
    return form


def _saved_or_refused(form, save, template: str, saved, then: str, **context):
    """The editor of an area or a category: save, commit, say so; a refusal (or the same name saved a moment
    ago by a second click or another admin) is the form's error and nothing is written."""
    if form.validate_on_submit():
        try:
            item = save()
            db.session.commit()
        except EditingError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(str(error))
        except IntegrityError:
            db.session.rollback()
            form.slug.errors.append(_("このURL用の名前はすでに使われています。"))
        else:
            flash(saved(item), "success")
            return redirect(then)
    return render_template(template, form=form, **context), 400 if form.errors else 200


@bp.route("/admin/areas", methods=["GET", "POST"])
@login_required
def admin_areas():
    policy.require(policy.can_manage_reference_data(current_user))
    form = _area_form()
    return _saved_or_refused(form, lambda: save_area(current_user, None, form.data), "areas/admin/areas.html",
                             lambda area: _("地域「%(name)s」を追加しました。", name=area.label),
                             url_for("areas.admin_areas"), tree=area_tree())


@bp.route("/admin/areas/<int:area_id>", methods=["GET", "POST"])
@login_required
def area_edit(area_id: int):
    policy.require(policy.can_manage_reference_data(current_user))
    area = db.get_or_404(Area, area_id)
    form = _area_form(area)
    return _saved_or_refused(form, lambda: save_area(current_user, area, form.data), "areas/admin/area_form.html",
                             lambda area: _("地域「%(name)s」を保存しました。", name=area.label),
                             url_for("areas.admin_areas"), area=area)


@bp.route("/admin/categories", methods=["GET", "POST"])
@login_required
def admin_categories():
    policy.require(policy.can_manage_reference_data(current_user))
    form = CategoryForm()
    return _saved_or_refused(form, lambda: save_category(current_user, None, form.data),
                             "areas/admin/categories.html",
                             lambda category: _("分野「%(name)s」を追加しました。", name=category.label),
                             url_for("areas.admin_categories"), categories=ordered_categories(), button=ButtonForm())


@bp.route("/admin/categories/<int:category_id>", methods=["GET", "POST"])
@login_required
def category_edit(category_id: int):
    policy.require(policy.can_manage_reference_data(current_user))
    category = db.get_or_404(Category, category_id)
    form = CategoryForm(obj=category)
    return _saved_or_refused(form, lambda: save_category(current_user, category, form.data),
                             "areas/admin/category_form.html",
                             lambda category: _("分野「%(name)s」を保存しました。", name=category.label),
                             url_for("areas.admin_categories"), category=category)


@bp.route("/admin/categories/<int:category_id>/move/<direction>", methods=["POST"])
@login_required
def category_move(category_id: int, direction: str):
    policy.require(policy.can_manage_reference_data(current_user))
    category = db.get_or_404(Category, category_id)
    if direction not in ("up", "down"):
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if move_category(current_user, category, direction):
        db.session.commit()
        flash(_("並び順を変えました。"), "success")
    return redirect(url_for("areas.admin_categories") + f"#category-{category.id}")
