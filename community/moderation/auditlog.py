"""Reading the audit log: filters from the query string, the paged list and the CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from community.accounts.models import Role, User
from community.args import chosen, date_range, whole_number
from community.extensions import db
from community.moderation.audit import actor_name
from community.moderation.forms import ACTION_LABELS, KIND_LABELS
from community.moderation.models import AuditEntry
from community.pagination import page_number
from community.timeutil import day_end, day_start, to_local

SYSTEM = "system"  # the actor filter value for what the site did by itself (auto-hide)
CSV_LIMIT = 100_000


@dataclass
class AuditFilters:
    action: str | None = None
    actor: str | None = None  # a user id, or SYSTEM
    kind: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    errors: list[str] = field(default_factory=list)

    def args(self, **changes) -> dict:
        values = {"action": self.action, "actor": self.actor, "kind": self.kind,
                  "from": self.date_from.isoformat() if self.date_from else None,
                  "to": self.date_to.isoformat() if self.date_to else None}
        values.update(changes)
        return {key: value for key, value in values.items() if value}


def parse_filters(args) -> AuditFilters:
    filters = AuditFilters()
    filters.action = chosen(args, "action", ACTION_LABELS,
                            _("指定された操作が見つかりません。すべての操作を表示しています。"), filters.errors)
    filters.kind = chosen(args, "kind", KIND_LABELS,
                          _("指定された種類が見つかりません。すべての種類を表示しています。"), filters.errors)
    actor = args.get("actor")
    if actor:
        if actor == SYSTEM or whole_number(actor) is not None:
            filters.actor = actor
        else:
            filters.errors.append(_("指定された操作者が見つかりません。すべての操作者を表示しています。"))
    filters.date_from, filters.date_to = date_range(args, filters.errors) or (None, None)
    filters.page = page_number(args.get("page", "1"))
    return filters


def audit_query(filters: AuditFilters):
    query = select(AuditEntry).options(joinedload(AuditEntry.actor))
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.kind:
        query = query.where(AuditEntry.item_kind == filters.kind)
    if filters.actor == SYSTEM:
        query = query.where(AuditEntry.actor_id.is_(None))
    elif filters.actor:
        query = query.where(AuditEntry.actor_id == int(filters.actor))
    if filters.date_from:
        query = query.where(AuditEntry.created_at >= day_start(filters.date_from))
    if filters.date_to:
        query = query.where(AuditEntry.created_at < day_end(filters.date_to))
    return query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())


def audit_page(filters: AuditFilters, per_page: int = 50):
    return db.paginate(audit_query(filters), page=filters.page, per_page=per_page, error_out=False)


def staff_choices() -> list[tuple[str, str]]:
    """Who can appear as an actor: supporters and admins (one query)."""
    staff = db.session.scalars(select(User).where(User.role.in_((Role.SUPPORTER, Role.ADMIN))).order_by(
        User.display_name, User.id)).all()
    return [(str(user.id), user.display_name) for user in staff]


def csv_header() -> tuple[str, ...]:
    return (_("日時"), _("操作者ID"), _("操作者"), _("操作"), _("操作コード"), _("種類"), _("対象ID"), _("理由"),
            _("詳細"))


def csv_rows(filters: AuditFilters) -> Iterator[str]:
    """The filtered log as CSV text, chunk by chunk: UTF-8 with a BOM so that Excel reads the Japanese."""
    import json

    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text

    writer.writerow(csv_header())
    yield "\ufeff" + flush()
    query = audit_query(filters).limit(CSV_LIMIT).execution_options(yield_per=500)
    for entry in db.session.scalars(query):
        writer.writerow((
            to_local(entry.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            entry.actor_id or "",
            actor_name(entry),
            str(ACTION_LABELS.get(entry.action, entry.action)),
            entry.action,
            str(KIND_LABELS.get(entry.item_kind, entry.item_kind)) if entry.item_kind else "",
            entry.item_id if entry.item_id is not None else "",
            _csv_safe(entry.reason),
            json.dumps(entry.details or {}, ensure_ascii=False, sort_keys=True),
        ))
        yield flush()


def _csv_safe(text: str) -> str:
    """Cells that a spreadsheet would run as a formula get a leading apostrophe (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
