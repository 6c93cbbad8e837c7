"""moderation pages: reports, review requests, the review queue and its actions, accounts, the dashboard
and the audit log. Curation and site administration pages live in curation_views and admin_views."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import escape

from community import policy
from community.accounts.models import User
from community.areas.services import area_by_slug
from community.args import chosen
from community.extensions import db
from community.items import KINDS, author_id_of, kind_of, load, title_of
from community.moderation import bp, services
from community.moderation import queue as reading
from community.moderation.audit import actor_name
from community.moderation.auditlog import SYSTEM, audit_page, csv_rows, parse_filters, staff_choices
from community.moderation.forms import (
    ACTION_LABELS,
    KIND_LABELS,
    REASON_LABELS,
    STATE_LABELS,
    ActionForm,
    ReasonActionForm,
    ReinstateForm,
    ReportForm,
    ReviewRequestForm,
    SuspendForm,
    VerifyGroupForm,
)
from community.moderation.links import item_link, load_items
from community.moderation.models import ReportReason
from community.pages import act as act_and_go_back
from community.pages import permitted
from community.pagination import page_number, requested_page
from community.security import safe_next_url


def content_html(item) -> str:
    """What the item says, as the HTML its page shows: cleaned with bleach on the way in (templates mark
    it safe, as the item pages do); a profile's bio is plain text and is escaped here."""
    kind = kind_of(item)
    if kind == "profile":
        return f"<p>{escape(item.bio)}</p>" if item.bio else ""
    if kind == "community":
        return item.description_html or ""
    return item.body_html or ""


@bp.context_processor
def moderation_helpers():
    return {"kind_labels": KIND_LABELS, "reason_labels": REASON_LABELS, "action_labels": ACTION_LABELS,
            "state_labels": STATE_LABELS, "title_of": title_of, "item_link": item_link,
            "state_of": services.state_of, "hidden_reason_of": services.hidden_reason_of,
            "content_html": content_html, "lockable_kinds": services.LOCKABLE_KINDS,
            "actor_name": actor_name}


def _load(kind: str, item_id: int):
    if kind not in KINDS:
        abort(404)
    return load(kind, item_id) or abort(404)


def _require_staff() -> None:
    policy.require(policy.can_moderate(current_user))


# --- reports ---------------------------------------------------------------------------------------


@bp.route("/report/<kind>/<int:item_id>", methods=["GET", "POST"])
@login_required
def report(kind: str, item_id: int):
    policy.require(policy.can_report(current_user))
    item = _load(kind, item_id)
    if not policy.can_view(current_user, item):
        abort(404)
    context = {"item": item, "kind": kind, "back": item_link(item)}
    if author_id_of(item) == current_user.id:
        return render_template("moderation/report.html", form=None, refusal="own", **context), 403
    if services.has_reported(current_user, kind, item.id):
        return render_template("moderation/report.html", form=None, refusal="already", **context)
    form = ReportForm()
    if form.validate_on_submit():
        made = services.submit_report(current_user, item, form.reason.data, form.note.data)
        db.session.commit()
        if not made:
            flash(_("この情報はすでに通報いただいています。ご協力ありがとうございます。"), "info")
        else:
            flash(_("通報を受け付けました。地域情報サポーターが確認します。ご協力ありがとうございます。"), "success")
        still_visible = policy.can_view(current_user, item)
        return redirect((still_visible and item_link(item)) or url_for("main.home"))
    return render_template("moderation/report.html", form=form, refusal=None, **context), 400 if form.errors else 200


# --- review requests by authors ---------------------------------------------------------------------


@bp.route("/moderation/review-request/<kind>/<int:item_id>", methods=["GET", "POST"])
@login_required
def review_request(kind: str, item_id: int):
    item = _load(kind, item_id)
    if not policy.is_own_item(current_user, item):
        abort(404)  # only the author learns that an item of theirs was hidden
    asked = services.review_request_of(current_user, item)
    form = ReviewRequestForm()
    allowed = policy.can_request_review(current_user, item) and asked is None
    if allowed and form.validate_on_submit():
        made = services.request_review(current_user, item, form.note.data)
        db.session.commit()
        if not made:
            flash(_("この情報についての再確認は、すでに依頼されています。"), "info")
        else:
            flash(_("再確認を依頼しました。サポーターが確認して、結果をお知らせします。"), "success")
        return redirect(url_for("moderation.review_request", kind=kind, item_id=item_id))
    return render_template("moderation/review_request.html", item=item, kind=kind, form=form, asked=asked,
                           allowed=allowed, reason=reading.reason_given(item)), 400 if form.errors else 200


# --- the review queue -------------------------------------------------------------------------------


def _queue_filters(args) -> reading.QueueFilters:
    filters = reading.QueueFilters()
    filters.kind = chosen(args, "kind", KINDS, _("指定された種類が見つかりません。すべての種類を表示しています。"),
                          filters.errors)
    if args.get("area"):
        filters.area = area_by_slug(args["area"])
        if filters.area is None:
            filters.errors.append(_("指定された地域が見つかりません。すべての地域を表示しています。"))
    filters.reason = chosen(args, "reason", set(ReportReason),
                            _("指定された理由が見つかりません。すべての理由を表示しています。"), filters.errors)
    filters.page = page_number(args.get("page", "1"))
    return filters


@bp.route("/moderation")
@login_required
def queue():
    _require_staff()
    filters = _queue_filters(request.args)
    page = reading.queue_page(filters)
    from community.areas.services import area_tree

    return render_template("moderation/queue.html", page=page, filters=filters, areas=area_tree(),
                           item_kinds=[(kind, KIND_LABELS[kind]) for kind in KINDS],
                           next_url=request.full_path.rstrip("?"))


@bp.route("/moderation/item/<kind>/<int:item_id>")
@login_required
def item(kind: str, item_id: int):
    _require_staff()
    found = _load(kind, item_id)
    return _item_page(found)


def _item_page(found, errors: dict | None = None, status: int = 200):
    entry = reading.entry_for(found)
    return render_template("moderation/item.html", entry=entry, errors=errors or {},
                           next_url=url_for("moderation.item", kind=entry.kind, item_id=entry.item_id)), status


@bp.route("/moderation/item/<kind>/<int:item_id>/<action>", methods=["POST"])
@login_required
def act(kind: str, item_id: int, action: str):
    _require_staff()
    if action not in services.ACTIONS or kind not in KINDS:
        abort(404)
    found = load(kind, item_id)
    if found is None:
        return _close_reports_of_missing(kind, item_id, action)
    if action in ("lock", "unlock"):
        if kind not in services.LOCKABLE_KINDS:
            abort(404)
        policy.require(policy.can_lock_thread(current_user, found))
    form = ReasonActionForm() if action in ("hide", "uphold") else ActionForm()
    if not form.validate_on_submit():
        return _item_page(found, {action: [e for errors in form.errors.values() for e in errors]}, 400)
    reason = form.reason.data if hasattr(form, "reason") else ""
    try:
        message = services.perform(action, current_user, found, form.expected.data or "", reason)
    except services.AlreadyHandled as refusal:
        db.session.rollback()
        flash(str(refusal), "info")
    except services.ModerationError as refusal:
        db.session.rollback()
        return _item_page(load(kind, item_id), {action: [str(refusal)]}, 400)
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(safe_next_url(form.next.data, "moderation.queue"))


def _close_reports_of_missing(kind: str, item_id: int, action: str):
    """Reports can outlive their item (its author deleted it for good): a supporter closes them."""
    form = ActionForm()
    if action != "dismiss":
        abort(404)
    if not form.validate_on_submit():
        abort(400)
    if services.close_reports_of_missing(current_user, kind, item_id):
        db.session.commit()
        flash(_("通報を閉じました。"), "success")
    else:
        flash(str(services.AlreadyHandled()), "info")
    return redirect(safe_next_url(form.next.data, "moderation.queue"))


# --- groups ------------------------------------------------------------------------------------------


@bp.route("/moderation/groups")
@login_required
def groups():
    policy.require(policy.can_verify_group(current_user))
    page = reading.unverified_groups_page(requested_page())
    counts = reading.pending_counts_by_group([g.id for g in page.items])
    return render_template("moderation/groups.html", page=page, counts=counts, form=VerifyGroupForm())


@bp.route("/moderation/groups/<int:group_id>/verify", methods=["POST"])
@login_required
def verify_group(group_id: int):
    policy.require(policy.can_verify_group(current_user))
    from community.groups.models import Group

    group = db.get_or_404(Group, group_id)
    form = VerifyGroupForm()
    if not form.validate_on_submit():
        abort(400)
    return act_and_go_back(lambda: services.verify_group(current_user, group, form.approve_pending.data),
                           safe_next_url(form.next.data, "moderation.groups"),
                           lambda approved: _("「%(name)s」を確認済みにしました。承認した投稿: %(n)d件",
                                              name=group.name, n=approved),
                           already=(services.AlreadyHandled,))


# --- accounts ------------------------------------------------------------------------------------------


@bp.route("/moderation/users/<int:user_id>")
@login_required
def user(user_id: int):
    _require_staff()
    account = db.get_or_404(User, user_id)
    return _user_page(account)


def _user_page(account, suspend_form=None, status: int = 200):
    return render_template("moderation/user.html", account=account, history=reading.account_history(account),
                           suspend_form=suspend_form or SuspendForm(), reinstate_form=ReinstateForm(),
                           can_suspend=policy.can_suspend_account(current_user, account)), status


@bp.route("/moderation/users/<int:user_id>/suspend", methods=["POST"])
@login_required
def suspend(user_id: int):
    policy.require(policy.can_suspend(current_user))
    account = permitted(db.get_or_404(User, user_id), policy.can_suspend_account)
    form = SuspendForm()
    if not form.validate_on_submit():
        return _user_page(account, form, 400)
    return act_and_go_back(lambda: services.suspend(current_user, account, form.reason.data, form.hide_content.data),
                           url_for("moderation.user", user_id=user_id),
                           lambda hidden: _("アカウントを利用停止にしました。非表示にした投稿: %(n)d件", n=hidden),
                           already=(services.AlreadyHandled,))


@bp.route("/moderation/users/<int:user_id>/reinstate", methods=["POST"])
@login_required
def reinstate(user_id: int):
    policy.require(policy.can_suspend(current_user))
    account = db.get_or_404(User, user_id)
    form = ReinstateForm()
    if not form.validate_on_submit():
        abort(400)
    return act_and_go_back(lambda: services.reinstate(current_user, account, form.restore_content.data),
                           url_for("moderation.user", user_id=user_id),
                           lambda restored: _("利用停止を解除しました。再表示した投稿: %(n)d件", n=restored),
                           already=(services.AlreadyHandled,))


# --- dashboard and audit log --------------------------------------------------------------------------


@bp.route("/moderation/dashboard")
@login_required
def dashboard():
    _require_staff()
    shops, shops_total = reading.stale_shops()
    events, events_total = reading.featured_past_events()
    groups_, groups_total = reading.dormant_groups()
    return render_template("moderation/dashboard.html", figures=reading.dashboard_figures(), shops=shops,
                           shops_total=shops_total, past_events=events, past_events_total=events_total,
                           dormant=groups_, dormant_total=groups_total)


@bp.route("/moderation/audit")
@login_required
def audit():
    policy.require(policy.can_read_audit_log(current_user))
    filters = parse_filters(request.args)
    page = audit_page(filters)
    items = load_items((e.item_kind, e.item_id) for e in page.items if e.item_kind in KINDS and e.item_id)
    return render_template("moderation/audit.html", page=page, filters=filters, items=items,
                           staff=staff_choices(), system=SYSTEM)


@bp.route("/moderation/audit.csv")
@login_required
def audit_csv():
    policy.require(policy.can_read_audit_log(current_user))
    filters = parse_filters(request.args)
    return Response(stream_with_context(csv_rows(filters)), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'})


