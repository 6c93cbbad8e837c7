"""Signage screens (/signage, /signage.json), urgent notices for admins (/admin/urgent) and the banner data."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from community import policy
from community.areas.forms import area_choices
from community.extensions import db
from community.pagination import requested_page
from community.signage.forms import UrgentNoticeForm, WithdrawForm
from community.signage.models import UrgentNotice
from community.signage.services import (
    active_urgent_notices,
    parse_signage_args,
    raise_urgent_notice,
    signage_slides,
    urgent_notices_page,
    urgent_payload,
    withdraw_urgent_notice,
)
from community.timeutil import now_utc

bp = Blueprint("signage", __name__)

NO_STORE = {"Cache-Control": "no-store"}


# --- the banner on every page ---------------------------------------------------------------------


class LazyUrgentNotices:
    """The active urgent notices for this page, asked of the database only if a template looks."""

    def __init__(self, area_slug: str | None):
        self.area_slug = area_slug
        self._notices: list | None = None

    def _load(self) -> list:
        if self._notices is None:
            try:
                self._notices = active_urgent_notices(area_slug=self.area_slug)
            except SQLAlchemyError:  # an error page must still render when the database is the problem
                db.session.rollback()
                current_app.logger.exception("Urgent notices could not be read")
                self._notices = []
        return self._notices

    def __iter__(self):
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __bool__(self) -> bool:
        return bool(self._load())


def _page_area_slug() -> str | None:
    """?area=… on any page, the area an /areas/<slug> page shows, or the one a view named (g.page_area_slug: the
    area a visitor chose on the home page)."""
    if request.endpoint == "areas.detail" and request.view_args:
        return request.view_args.get("slug")
    if g.get("page_area_slug"):
        return g.page_area_slug
    slug = request.args.get("area", "")
    return slug.strip() or None


@bp.app_context_processor
def urgent_banner():
    from flask import has_request_context

    return {"urgent_notices": LazyUrgentNotices(_page_area_slug() if has_request_context() else None)}


# --- signage --------------------------------------------------------------------------------------


@bp.route("/signage")
def screen():
    options = parse_signage_args(request.args)
    slides = [] if options.errors else signage_slides(options)
    urgent = active_urgent_notices(area=options.area)
    now = now_utc()
    response = render_template("signage/screen.html", options=options, slides=slides,
                               urgent=[urgent_payload(n) for n in urgent], now=now,
                               clock_time=format_datetime(now, "H:mm"),
                               feed_url=url_for("signage.data", **options.args()))
    return response, 400 if options.errors else 200, NO_STORE


@bp.route("/signage.json")
def data():
    options = parse_signage_args(request.args)
    if options.errors:
        return jsonify(error="bad_request", messages=options.errors), 400, NO_STORE
    urgent = active_urgent_notices(area=options.area)
    return jsonify(slides=signage_slides(options), urgent=[urgent_payload(n) for n in urgent],
                   seconds=options.seconds, generated_at=now_utc().isoformat()), 200, NO_STORE


# --- urgent notices (admins) ----------------------------------------------------------------------


@bp.route("/admin/urgent", methods=["GET", "POST"])
@login_required
def urgent_admin():
    policy.require(policy.can_raise_urgent_notice(current_user))
    form = UrgentNoticeForm()
    form.area_id.choices = area_choices(blank_label=_("市内全域"))
    checking = request.form.get("action") == "check"  # the やさしい日本語 hints without raising anything
    if not checking and form.validate_on_submit():
        raise_urgent_notice({"title": form.title.data, "body": form.body.data, "area_id": form.area_id.data,
                             "ends_at": form.ends_at(), **form.easy_data()}, current_user)
        db.session.commit()
        flash(_("緊急情報を発信しました。対象の地域のページとサイネージの上部に表示されます。"), "success")
        if hints := form.easy_hints():
            flash(_("やさしい日本語の版に、書き方のヒントが%(n)d件あります。", n=len(hints)), "info")
        return redirect(url_for("signage.urgent_admin"))
    return render_template("signage/admin.html", form=form, withdraw_form=WithdrawForm(), easy_hints=form.easy_hints(),
                           checked=checking, notices=urgent_notices_page(requested_page()),
                           now=now_utc()), 400 if form.errors else 200


@bp.route("/admin/urgent/<int:notice_id>/withdraw", methods=["POST"])
@login_required
def urgent_withdraw(notice_id: int):
    policy.require(policy.can_raise_urgent_notice(current_user))
    notice = db.session.get(UrgentNotice, notice_id) or abort(404)
    if withdraw_urgent_notice(notice, current_user):
        db.session.commit()
        flash(_("緊急情報を取り下げました。"), "success")
    else:
        flash(_("この緊急情報はすでに終了しています。"), "error")
    return redirect(url_for("signage.urgent_admin"))
