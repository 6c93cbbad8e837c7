"""/admin/furigana: admins add local names and their readings, which win over the shipped ones and Sudachi."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community import policy
from community.extensions import db
from community.forms import ButtonForm
from community.furigana import bp
from community.furigana.forms import LocalReadingForm
from community.furigana.models import LocalReading
from community.furigana.names import SHIPPED_READINGS
from community.furigana.services import ReadingError, admin_entries, area_readings, remove_reading, save_reading
from community.pagination import requested_page


@bp.route("/admin/furigana", methods=["GET", "POST"])
@login_required
def admin_readings():
    policy.require(policy.can_manage_reference_data(current_user))
    form = LocalReadingForm()
    if form.validate_on_submit():
        try:
            entry = save_reading(current_user, form.surface.data or "", form.reading.data or "")
            db.session.commit()
        except ReadingError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(str(error))
        else:
            flash(_("「%(surface)s」の読みを「%(reading)s」にしました。", surface=entry.surface,
                    reading=entry.reading), "success")
            return redirect(url_for("furigana.admin_readings"))
    shipped = sorted({**SHIPPED_READINGS, **area_readings()}.items())
    page = render_template("furigana/admin.html", form=form, entries=admin_entries(requested_page()), shipped=shipped)
    return page, 400 if form.errors else 200


@bp.route("/admin/furigana/<int:entry_id>/remove", methods=["POST"])
@login_required
def remove(entry_id: int):
    policy.require(policy.can_manage_reference_data(current_user))
    entry = db.get_or_404(LocalReading, entry_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    surface = entry.surface
    remove_reading(current_user, entry)
    db.session.commit()
    flash(_("「%(surface)s」を辞書から削除しました。", surface=surface), "success")
    return redirect(url_for("furigana.admin_readings"))
