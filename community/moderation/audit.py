"""Writing the audit log: every moderation and admin action, who, what, which item, why, when."""

from __future__ import annotations

from community.extensions import db
from community.moderation.models import AuditEntry


def record(actor, action: str, item=None, reason: str = "", *, kind: str | None = None,
           item_id: int | None = None, **details) -> AuditEntry:
    from community.items import kind_of

    entry = AuditEntry(
        actor_id=getattr(actor, "id", None), action=action,
        item_kind=kind or (kind_of(item) if item is not None else ""),
        item_id=item_id if item_id is not None else getattr(item, "id", None),
        reason=reason or "", details=details,
    )
    db.session.add(entry)
    return entry


def actor_name(entry: AuditEntry) -> str:
    """Who did it, for the log's readers: a member's name, a former member by number only, or the site itself."""
    from flask_babel import gettext as _

    if entry.actor is not None:
        return entry.actor.display_name
    former = (entry.details or {}).get("former_member_id")
    if former is not None:
        return _("退会した会員（%(id)s）", id=former)
    return _("（自動）")
