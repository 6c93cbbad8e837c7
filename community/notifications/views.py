"""notifications pages: /notifications (the inbox), marking read, and the header's unread counter."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from community import policy
from community.extensions import db
from community.notifications import services
from community.notifications.models import Notification
from community.pagination import requested_page
from community.security import safe_next_url

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def unread_notifications():
    """`unread_notifications` for the header: one COUNT per request for a signed-in member, else 0."""
    if "_unread_notifications" not in g:
        try:
            g._unread_notifications = services.unread_count_for(current_user)
        except SQLAlchemyError:
            # An error page after a failed transaction must still render; the counter is not worth a second 500.
            g._unread_notifications = 0
    return {"unread_notifications": g._unread_notifications}


@bp.route("/notifications")
@login_required
def index():
    page = services.inbox(current_user.id, requested_page())
    return render_template("notifications/index.html", page=page, sentence_for=services.marked_sentence_for,
                           link_for=_local_link)


def _local_link(notification: Notification) -> str:
    """The notification's link when it is a path on this site (links are ours, but never trust a stored URL)."""
    fallback = url_for("notifications.index")
    link = safe_next_url(notification.link, "notifications.index")
    return link if link != fallback or notification.link == fallback else ""


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def read(notification_id: int):
    notification = db.session.get(Notification, notification_id)
    if notification is None or not policy.can_read_notification(current_user, notification):
        abort(404)
    services.mark_read(current_user.id, notification.id)
    db.session.commit()
    return redirect(safe_next_url(notification.link, "notifications.index"))


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def read_all():
    services.mark_read(current_user.id)
    db.session.commit()
    flash(_("すべての通知を既読にしました。"), "success")
    return redirect(url_for("notifications.index"))
