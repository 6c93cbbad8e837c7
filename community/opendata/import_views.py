"""Import in the browser (/import: upload, preview, confirm, progress) and a group's feed subscriptions
(/groups/<slug>/feeds). The admin home links the first `opendata.import…` page."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from community import policy
from community.extensions import db
from community.forms import ButtonForm
from community.groups.models import Group
from community.locale import user_content_attrs
from community.opendata import bp, jobs
from community.opendata import subscriptions as feeds
from community.opendata.errors import OpenDataError
from community.opendata.forms import FeedForm, ImportForm
from community.opendata.models import FeedSubscription, ImportJob
from community.pagination import requested_page

PREVIEW_PAGE = 200


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_upload():
    query = policy.importable_groups_query(current_user)
    groups = list(db.session.scalars(query)) if query is not None else []
    policy.require(bool(groups))
    form = ImportForm()
    form.group_id.choices = [SelectChoice("", _("選んでください"))] + [
        SelectChoice(g.id, g.name, render_kw=_user_content(g.name)) for g in groups]
    if request.method == "GET" and request.args.get("group"):
        chosen = next((g for g in groups if g.slug == request.args["group"]), None)
        form.group_id.data = chosen.id if chosen else None
    if form.validate_on_submit():
        group = db.session.get(Group, form.group_id.data)
        if group is None or not policy.can_import_for(current_user, group):
            form.group_id.errors.append(_("この団体には取り込めません。"))
        else:
            if jobs.expire_previews():
                db.session.commit()
            upload = form.file.data
            try:
                content = upload.read()
            finally:
                upload.close()  # a large upload is a temporary file: closed now, not when it is collected
            try:
                job = jobs.start_preview(current_user, group, form.kind.data, upload.filename or "", content)
            except OpenDataError as error:
                form.file.errors.append(str(error))
            else:
                db.session.commit()
                return redirect(url_for("opendata.import_job", job_id=job.id))
    recent = []
    if groups:
        recent = list(db.session.scalars(select(ImportJob).where(ImportJob.group_id.in_([g.id for g in groups]))
                                         .order_by(ImportJob.id.desc()).limit(10)))
    return render_template("opendata/import.html", form=form, recent=recent), 400 if form.errors else 200


def _user_content(text: str) -> dict:
    """user_content_attrs as a field's render_kw: a group's name is what people wrote, not the interface."""
    attributes = str(user_content_attrs(text))
    return {"data-user-content": True, **({"lang": "ja"} if 'lang="ja"' in attributes else {})} if attributes else {}


def _job(job_id: int) -> ImportJob:
    job = db.get_or_404(ImportJob, job_id)
    policy.require(policy.can_view_import_job(current_user, job))
    return job


@bp.route("/import/<int:job_id>")
@login_required
def import_job(job_id: int):
    job = _job(job_id)
    page = requested_page()
    shown = [row for row in job.report if row[0] != jobs.UNCHANGED] if request.args.get("only") == "changes" \
        else job.report
    start = (page - 1) * PREVIEW_PAGE
    rows = shown[start:start + PREVIEW_PAGE]
    pages = max(1, -(-len(shown) // PREVIEW_PAGE))
    return render_template("opendata/job.html", job=job, rows=rows, page=page, pages=pages, button=ButtonForm(),
                           only=request.args.get("only", ""))


@bp.route("/import/<int:job_id>/progress.json")
@login_required
def import_progress(job_id: int):
    job = _job(job_id)
    return jsonify(status=job.status, done=job.done, total=job.total, percent=job.percent, created=job.created,
                   changed=job.changed, unchanged=job.unchanged, refused=job.refused, error=job.error,
                   finished=job.finished)


@bp.route("/import/<int:job_id>/confirm", methods=["POST"])
@login_required
def import_confirm(job_id: int):
    job = _job(job_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if job.status != ImportJob.PREVIEW or not job.stored_name:
        flash(_("この取り込みはもう確定しています。"), "error")
        return redirect(url_for("opendata.import_job", job_id=job.id))
    jobs.confirm(job)
    db.session.commit()
    jobs.wake()
    return redirect(url_for("opendata.import_job", job_id=job_id))


@bp.route("/import/<int:job_id>/discard", methods=["POST"])
@login_required
def import_discard(job_id: int):
    job = _job(job_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if job.status == ImportJob.PREVIEW:
        jobs.discard(job)
        db.session.commit()
        flash(_("取り込みを取りやめました。ファイルは削除しました。"), "success")
    return redirect(url_for("opendata.import_upload"))


# --- feed subscriptions ----------------------------------------------------------------------------------------


@bp.route("/groups/<slug>/feeds", methods=["GET", "POST"])
@login_required
def feeds_of_group(slug: str):
    group = db.first_or_404(select(Group).where(Group.slug == slug))
    policy.require(policy.can_import_for(current_user, group))
    form = FeedForm()
    if form.validate_on_submit():
        try:
            feeds.check_url(form.url.data)
        except feeds.FeedError as error:
            form.url.errors.append(str(error))
        else:
            db.session.add(FeedSubscription(group_id=group.id, url=form.url.data.strip(), kind=form.kind.data,
                                            created_by_id=current_user.id))
            db.session.commit()
            flash(_("登録しました。「今すぐ取得」で最初の取り込みができます。"), "success")
            return redirect(url_for("opendata.feeds_of_group", slug=slug))
    subscriptions = list(db.session.scalars(select(FeedSubscription).where(FeedSubscription.group_id == group.id)
                                            .order_by(FeedSubscription.id)))
    return render_template("opendata/feeds.html", group=group, form=form, subscriptions=subscriptions,
                           button=ButtonForm()), 400 if form.errors else 200


def _subscription(subscription_id: int) -> FeedSubscription:
    subscription = db.get_or_404(FeedSubscription, subscription_id)
    policy.require(policy.can_manage_feed(current_user, subscription))
    return subscription


@bp.route("/feeds/<int:subscription_id>")
@login_required
def feed_log(subscription_id: int):
    subscription = _subscription(subscription_id)
    logs = subscription.logs.limit(20).all()
    return render_template("opendata/feed.html", subscription=subscription, logs=logs, button=ButtonForm())


@bp.route("/feeds/<int:subscription_id>/fetch", methods=["POST"])
@login_required
def feed_fetch(subscription_id: int):
    subscription = _subscription(subscription_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    log = feeds.fetch_feed(subscription)
    db.session.commit()
    flash(log.message, "success" if log.outcome != "failed" else "error")
    return redirect(url_for("opendata.feed_log", subscription_id=subscription_id))


@bp.route("/feeds/<int:subscription_id>/delete", methods=["POST"])
@login_required
def feed_delete(subscription_id: int):
    subscription = _subscription(subscription_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    slug = subscription.group.slug
    db.session.delete(subscription)
    db.session.commit()
    flash(_("登録を解除しました。取り込んだイベントはそのまま残ります。"), "success")
    return redirect(url_for("opendata.feeds_of_group", slug=slug))
