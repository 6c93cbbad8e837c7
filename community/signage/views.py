"""Signage screens (/signage, /signage.json, the QR codes of their slides), urgent notices and the screen address
builder for admins (/admin/urgent) and the banner data."""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from community import policy
from community.areas.forms import area_choices
from community.extensions import db
from community.pagination import requested_page
from community.qrcodes import public_url, qr_svg_document
from community.signage.forms import ScreenAddressForm, UrgentNoticeForm, WithdrawForm
from community.signage.models import UrgentNotice
from community.signage.services import (
    DEFAULT_POLL,
    DEFAULT_SECONDS,
    POLL_RANGE,
    SECONDS_RANGE,
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
QR_MAX_AGE = 7 * 24 * 60 * 60  # an item's address never changes: a screen keeps its codes for a week


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


@bp.route("/signage/qr/<any(event, notice):kind>/<int:item_id>.svg")
def qr(kind: str, item_id: int):
    """The QR code of a public event's or notice's page, as the slides show it."""
    from community.events.models import Event
    from community.notices.models import Notice

    item = db.session.get(Event if kind == "event" else Notice, item_id)
    if item is None or not policy.is_public_item(item):
        abort(404)
    url = public_url(item.link)
    response = Response(qr_svg_document(url), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = f"public, max-age={QR_MAX_AGE}"
    response.set_etag(hashlib.sha256(url.encode()).hexdigest()[:32])
    return response.make_conditional(request)


# --- urgent notices and screen addresses (admins) -------------------------------------------------


@bp.route("/admin/urgent", methods=["GET", "POST"])
@login_required
def urgent_admin():
    policy.require(policy.can_raise_urgent_notice(current_user))
    form = UrgentNoticeForm()
    form.area_id.choices = area_choices(blank_label=_("市内全域"))
    if form.validate_on_submit():
        raise_urgent_notice({"title": form.title.data, "body": form.body.data, "area_id": form.area_id.data,
                             "ends_at": form.ends_at()}, current_user)
        db.session.commit()
        flash(_("緊急情報を発信しました。対象の地域のページとサイネージの上部に表示されます。"), "success")
        return redirect(url_for("signage.urgent_admin"))
    screen_form, screen_url = _screen_address()
    return render_template("signage/admin.html", form=form, withdraw_form=WithdrawForm(),
                           screen_form=screen_form, screen_url=screen_url, seconds_range=SECONDS_RANGE,
                           default_seconds=DEFAULT_SECONDS, poll_range=POLL_RANGE, default_poll=DEFAULT_POLL,
                           notices=urgent_notices_page(requested_page()), now=now_utc()), 400 if form.errors else 200


def _screen_address() -> tuple[ScreenAddressForm, str | None]:
    """The address builder (a GET form on the admin page): the screen's address once its settings are valid."""
    screen_form = ScreenAddressForm(request.args)
    if not screen_form.submitted():
        return ScreenAddressForm(), None
    if not screen_form.validate():
        return screen_form, None
    options = parse_signage_args(screen_form.screen_args())
    if options.errors:  # the form's choices are the screen's: this would be a bug, shown rather than hidden
        screen_form.area.errors = list(options.errors)
        return screen_form, None
    return screen_form, public_url(url_for("signage.screen", **options.args()))


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
