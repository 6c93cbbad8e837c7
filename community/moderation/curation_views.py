"""Curation pages: おすすめ (features) management, 特集 management, and the public /features pages."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from community import policy
from community.areas.forms import area_choices
from community.areas.models import Area
from community.db import utcnow
from community.extensions import db
from community.moderation import bp, curation
from community.moderation.forms import ButtonForm, CollectionForm, CollectionItemForm, FeatureForm
from community.moderation.links import item_from_url, load_items
from community.moderation.models import Collection, CollectionItem, Feature
from community.pages import form_page
from community.pagination import requested_page
from community.timeutil import day_end, today_local


def _require_curator() -> None:
    policy.require(policy.can_curate(current_user))


# --- features (おすすめ) -------------------------------------------------------------------------


def _feature_form(**kwargs) -> FeatureForm:
    form = FeatureForm(**kwargs)
    form.place.choices = [SelectChoice("", _("ホーム（トップページ）"))] + area_choices()
    return form


@bp.route("/moderation/features", methods=["GET", "POST"])
@login_required
def features():
    _require_curator()
    form = _feature_form()
    if request.method == "GET" and request.args.get("item"):
        form.item_url.data = request.args["item"]
    if form.validate_on_submit() and _add_feature(form):
        db.session.commit()
        flash(_("おすすめに載せました。"), "success")
        return redirect(url_for("moderation.features"))
    page = curation.features_page(requested_page())
    items = load_items((f.item_kind, f.item_id) for f in page.items)
    areas = {a.id: a for a in db.session.scalars(select(Area))}
    return render_template("moderation/features.html", form=form, page=page, items=items, areas=areas,
                           button=ButtonForm(), now=utcnow()), 400 if form.errors else 200


def _add_feature(form: FeatureForm) -> Feature | None:
    """The new feature, or None with the reason put on the form's fields."""
    if form.ends_on.data and form.ends_on.data < today_local():
        form.ends_on.errors.append(_("終了日は今日以降の日付にしてください。"))
        return None
    item = item_from_url(form.item_url.data)
    if item is None:
        form.item_url.errors.append(_("このURLの情報が見つかりません。サイト内の情報ページのURLを入力してください。"))
        return None
    area = db.session.get(Area, int(form.place.data)) if form.place.data else None
    ends_at = day_end(form.ends_on.data) if form.ends_on.data else None
    try:
        return curation.feature_item(current_user, item, area, ends_at, form.note.data)
    except curation.CurationError as error:
        form.item_url.errors.append(str(error))
        return None


@bp.route("/moderation/features/<int:feature_id>/end", methods=["POST"])
@login_required
def end_feature(feature_id: int):
    _require_curator()
    feature = db.get_or_404(Feature, feature_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if curation.end_feature(current_user, feature):
        db.session.commit()
        flash(_("おすすめから外しました。"), "success")
    else:
        flash(_("このおすすめはすでに終了しています。"), "info")
    return redirect(url_for("moderation.features"))


# --- 特集 management ------------------------------------------------------------------------------


@bp.route("/moderation/collections")
@login_required
def collections_admin():
    _require_curator()
    return render_template("moderation/collections.html", page=curation.all_collections_page(requested_page()))


@bp.route("/moderation/collections/new", methods=["GET", "POST"])
@login_required
def collection_new():
    _require_curator()
    form = CollectionForm()
    return form_page(form, lambda: curation.save_collection(current_user, None, form.data),
                     "moderation/collection_form.html", collection=None, refusals={curation.CurationError: "slug"},
                     saved=_("特集を作成しました。情報を追加してください。"),
                     then=lambda collection: url_for("moderation.collection_edit", collection_id=collection.id))


@bp.route("/moderation/collections/<int:collection_id>", methods=["GET", "POST"])
@login_required
def collection_edit(collection_id: int):
    _require_curator()
    collection = db.get_or_404(Collection, collection_id)
    form = CollectionForm(obj=collection)
    return form_page(form, lambda: curation.save_collection(current_user, collection, form.data),
                     "moderation/collection_edit.html", refusals={curation.CurationError: "slug"},
                     saved=_("特集を保存しました。"),
                     then=url_for("moderation.collection_edit", collection_id=collection.id),
                     **_collection_context(collection, CollectionItemForm(formdata=None)))


def _collection_context(collection, item_form) -> dict:
    return dict(collection=collection, item_form=item_form, button=ButtonForm(),
                entries=curation.collection_entries(collection, public_only=False))


def _collection_page(collection, form, item_form, status: int):
    return render_template("moderation/collection_edit.html", form=form,
                           **_collection_context(collection, item_form)), status


@bp.route("/moderation/collections/<int:collection_id>/items", methods=["POST"])
@login_required
def collection_add(collection_id: int):
    _require_curator()
    collection = db.get_or_404(Collection, collection_id)
    item_form = CollectionItemForm()
    if item_form.validate_on_submit():
        item = item_from_url(item_form.item_url.data)
        try:
            if item is None:
                raise curation.CurationError(
                    _("このURLの情報が見つかりません。サイト内の情報ページのURLを入力してください。"))
            curation.add_to_collection(current_user, collection, item, item_form.comment.data)
            db.session.commit()
        except curation.CurationError as error:
            item_form.item_url.errors.append(str(error))
        except IntegrityError:  # added a moment ago by a second click
            db.session.rollback()
            item_form.item_url.errors.append(_("この情報はすでにこの特集に入っています。"))
        else:
            flash(_("特集に追加しました。"), "success")
            return redirect(url_for("moderation.collection_edit", collection_id=collection.id))
    return _collection_page(collection, CollectionForm(obj=collection, formdata=None), item_form, 400)


@bp.route("/moderation/collections/<int:collection_id>/items/<int:entry_id>/<action>", methods=["POST"])
@login_required
def collection_entry(collection_id: int, entry_id: int, action: str):
    _require_curator()
    collection = db.get_or_404(Collection, collection_id)
    entry = db.session.get(CollectionItem, entry_id)
    if entry is None or entry.collection_id != collection.id or action not in ("up", "down", "remove"):
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if action == "remove":
        curation.remove_from_collection(current_user, collection, entry)
        flash(_("特集から外しました。"), "success")
    elif curation.move_in_collection(current_user, collection, entry, action):
        flash(_("並び順を変えました。"), "success")
    db.session.commit()
    return redirect(url_for("moderation.collection_edit", collection_id=collection.id) + f"#entry-{entry_id}")


# --- public 特集 pages ---------------------------------------------------------------------------


@bp.route("/features")
def collections():
    return render_template("moderation/features_index.html", page=curation.published_collections_page(requested_page()))


@bp.route("/features/<slug>")
def collection(slug: str):
    found = curation.collection_by_slug(slug)
    if found is None or not policy.can_view_collection(current_user, found):
        abort(404)
    public_only = not policy.can_curate(current_user)
    return render_template("moderation/collection.html", collection=found,
                           entries=curation.collection_entries(found, public_only=public_only))
