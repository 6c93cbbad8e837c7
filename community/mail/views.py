"""/admin/mail: what the mail queue could not deliver yet, and what it gave up on, for admins."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from community import policy
from community.extensions import db
from community.mail.delivery import discard, retry_now
from community.mail.models import OutgoingMail
from community.pagination import requested_page

bp = Blueprint("mail", __name__)


@bp.route("/admin/mail")
@login_required
def queue():
    policy.require(policy.can_manage_mail_queue(current_user))
    waiting = (select(OutgoingMail).where(OutgoingMail.sent_at.is_(None))
               .order_by(OutgoingMail.failed_at.is_(None), OutgoingMail.attempts.desc(), OutgoingMail.id))
    page = db.paginate(waiting, page=requested_page(), per_page=50, error_out=False)
    sent = db.session.scalar(select(func.count()).where(OutgoingMail.sent_at.isnot(None)))
    return render_template("mail/queue.html", page=page, sent=sent)


@bp.route("/admin/mail/<int:mail_id>/retry", methods=["POST"])
@login_required
def retry(mail_id: int):
    policy.require(policy.can_manage_mail_queue(current_user))
    mail = db.get_or_404(OutgoingMail, mail_id)
    if mail.sent_at is None:
        retry_now(mail)
        db.session.commit()
        flash(_("再送します。"), "success")
    return redirect(url_for("mail.queue"))


@bp.route("/admin/mail/<int:mail_id>/discard", methods=["POST"])
@login_required
def discard_mail(mail_id: int):
    policy.require(policy.can_manage_mail_queue(current_user))
    mail = db.get_or_404(OutgoingMail, mail_id)
    if mail.sent_at is None:
        discard(mail, current_user)
        db.session.commit()
        flash(_("メールを破棄しました。"), "success")
    return redirect(url_for("mail.queue"))
