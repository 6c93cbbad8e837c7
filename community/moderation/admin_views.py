"""Site administration pages for admins: the admin home, supporters and accounts (/admin/...). Areas and
categories are administered in areas.admin_views."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community import policy
from community.accounts.models import User
from community.extensions import db
from community.moderation import admin, bp
from community.moderation.forms import AppointForm, ButtonForm
from community.moderation.home import waiting_figures
from community.pagination import requested_page


@bp.route("/admin")
@login_required
def admin_index():
    """The admin home: every admin page, with what waits counted in one statement."""
    policy.require(policy.can_open_admin_home(current_user))
    import_endpoint = next((name for name in current_app.view_functions if name.startswith("opendata.import")), None)
    return render_template("moderation/admin/index.html", figures=waiting_figures(), import_endpoint=import_endpoint)


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
