"""Site administration pages for admins: the admin home, supporters and accounts (/admin/...). Areas and
categories are administered in areas.admin_views."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community import policy
from community.accounts.models import User
from community.extensions import db
from community.moderation import admin, bp
from community.moderation.forms import AppointForm, ButtonForm
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
