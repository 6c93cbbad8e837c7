"""The admin home's figures: what waits for staff (review queue, reports, review requests, unverified groups,
contact messages, undelivered mail, urgent notices in force), counted in one statement."""

from __future__ import annotations

from sqlalchemy import func, select

from community.db import utcnow
from community.extensions import db
from community.groups.models import Group
from community.mail.models import OutgoingMail
from community.moderation.models import Report, ReviewRequest
from community.moderation.queue import STATUS_KINDS, _pending
from community.signage.models import UrgentNotice
from community.sitepages.models import ContactMessage


def _count(query):
    return select(func.count()).select_from(query.subquery()).scalar_subquery()


def waiting_figures() -> dict[str, int]:
    now = utcnow()
    pending = [_count(_pending(kind)) for kind in STATUS_KINDS]
    columns = {
        "pending": sum(pending[1:], pending[0]),
        "open_reports": _count(select(Report.id).where(Report.resolved_at.is_(None))),
        "review_requests": _count(select(ReviewRequest.id).where(ReviewRequest.handled_at.is_(None))),
        "unverified_groups": _count(select(Group.id).where(Group.verified.is_(False))),
        "open_contact": _count(select(ContactMessage.id).where(ContactMessage.handled_at.is_(None))),
        "failed_mail": _count(select(OutgoingMail.id).where(OutgoingMail.sent_at.is_(None),
                                                            OutgoingMail.failed_at.isnot(None))),
        "queued_mail": _count(select(OutgoingMail.id).where(OutgoingMail.sent_at.is_(None),
                                                            OutgoingMail.failed_at.is_(None))),
        "urgent_in_force": _count(select(UrgentNotice.id).where(
            UrgentNotice.withdrawn_at.is_(None), UrgentNotice.starts_at <= now, UrgentNotice.ends_at > now)),
    }
    row = db.session.execute(select(*(column.label(name) for name, column in columns.items()))).one()
    return {name: int(value or 0) for name, value in row._mapping.items()}
