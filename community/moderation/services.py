"""Moderation state changes: reports and auto-hiding, approve / hide / restore / dismiss / lock, verifying
groups, suspending accounts and review requests. Every change is recorded in the audit log.

Each action is a guarded transition: one conditional UPDATE whose WHERE holds the state the supporter saw.
When two supporters act on the same item at once, the second UPDATE matches no row, nothing is written
(no second audit entry, no second notification) and the view says that someone else already acted.
"""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from community.content.models import Status
from community.db import utcnow
from community.extensions import db
from community.items import KINDS, author_id_of, kind_of, title_of
from community.moderation.audit import record
from community.moderation.links import item_link
from community.moderation.models import Report, ReportReason, ReviewRequest
from community.notifications.services import notify

# Stored on the item and shown to its author (the data is Japanese, like everything members write).
HIDDEN_BY_REPORTS = "複数の通報により確認中です"
HIDDEN_WITH_SUSPENSION = "アカウントの利用停止に伴い非表示になりました"

PUBLISHABLE_KINDS = ("event", "shop", "notice")
POST_KINDS = ("topic", "reply", "board", "board_reply")
LOCKABLE_KINDS = ("topic", "board")


class ModerationError(ValueError):
    """A user-facing reason why a moderation action was refused; nothing was changed."""


class AlreadyHandled(ModerationError):
    """Someone else got there first: said as information, not as an error."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _("すでに他のサポーターが対応しました。"))


def _change_once(row, column: str, was, now, already: str | None = None, **also) -> None:
    """Sets row.column from `was` to `now` (and the `also` columns with it) in one guarded UPDATE: when two
    supporters act at once, the second finds it changed and is told so (AlreadyHandled) instead of acting twice."""
    table = type(row).__table__
    result = db.session.execute(update(table).where(table.c.id == row.id, table.c[column] == was)
                                .values({column: now, **also}))
    if result.rowcount != 1:
        raise AlreadyHandled(already)
    for name, value in {column: now, **also}.items():
        setattr(row, name, value)


# --- state of any item ------------------------------------------------------------------------


def state_of(item) -> str:
    """pending, published, hidden (or draft) for every kind; a profile is published or hidden."""
    if kind_of(item) == "profile":
        return Status.HIDDEN if item.profile_hidden else Status.PUBLISHED
    return item.status


def hidden_reason_of(item) -> str:
    return "" if kind_of(item) == "profile" else (item.hidden_reason or "")


def _transition(item, expected: str, new_state: str, reason: str = "") -> bool:
    """Moves the item from `expected` to `new_state` if, and only if, it is still in `expected`."""
    kind = kind_of(item)
    table = KINDS[kind].model.__table__
    now = utcnow()
    if kind == "profile":
        if expected not in (Status.PUBLISHED, Status.HIDDEN) or new_state not in (Status.PUBLISHED, Status.HIDDEN):
            return False
        values = {"profile_hidden": new_state == Status.HIDDEN}
        guard = table.c.profile_hidden.is_(expected == Status.HIDDEN)
    else:
        values = {"status": new_state, "hidden_reason": reason if new_state == Status.HIDDEN else ""}
        guard = table.c.status == expected
        if new_state == Status.PUBLISHED and "published_at" in table.c:
            values["published_at"] = func.coalesce(table.c.published_at, now)
    result = db.session.execute(update(table).where(table.c.id == item.id, guard).values(**values))
    if result.rowcount != 1:
        return False
    # Keep the session's copy in step; its flush also tells the search index about the change.
    if kind == "profile":
        item.profile_hidden = values["profile_hidden"]
    else:
        item.status, item.hidden_reason = new_state, values["hidden_reason"]
        if "published_at" in values and item.published_at is None:
            item.published_at = now
    _after_state_change(kind, item, expected, new_state)
    return True


def _after_state_change(kind: str, item, old: str, new: str) -> None:
    """Counters and notifications that other domains keep for their own items: a reply approved from
    pending counts and notifies; one hidden or restored changes its thread's or topic's counters."""
    from importlib import import_module

    if kind not in ("board_reply", "reply"):
        return
    discussion = import_module("community.board.services" if kind == "board_reply" else "community.communities.boards")
    parent = item.thread if kind == "board_reply" else item.topic
    if new == Status.PUBLISHED and old == Status.PENDING:
        discussion.reply_published(item)
    else:
        discussion.refresh_counters(parent)


def _resolve_reports(kind: str, item_id: int, resolution: str) -> int:
    table = Report.__table__
    result = db.session.execute(
        update(table).where(table.c.item_kind == kind, table.c.item_id == item_id, table.c.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolution=resolution))
    return result.rowcount


def _handle_review_requests(kind: str, item_id: int) -> int:
    table = ReviewRequest.__table__
    result = db.session.execute(
        update(table).where(table.c.item_kind == kind, table.c.item_id == item_id, table.c.handled_at.is_(None))
        .values(handled_at=utcnow()))
    return result.rowcount


def _notify_author(item, kind: str, reason: str = "") -> None:
    """moderation_hidden links to the review-request page; the others to the item itself."""
    data = {"item_title": title_of(item)[:100], "item_kind": kind_of(item), "item_id": item.id}
    if kind == "moderation_hidden":
        link = url_for("moderation.review_request", kind=kind_of(item), item_id=item.id)
        data["reason"] = reason
    else:
        link = item_link(item) or ""
    notify(author_id_of(item), kind, link=link, **data)


# --- reports --------------------------------------------------------------------------------------


def open_report_count(kind: str, item_id: int) -> int:
    return db.session.scalar(select(func.count(func.distinct(Report.reporter_id))).where(
        Report.item_kind == kind, Report.item_id == item_id, Report.resolved_at.is_(None))) or 0


def has_reported(user, kind: str, item_id: int) -> bool:
    return db.session.scalar(select(Report.id).where(
        Report.item_kind == kind, Report.item_id == item_id, Report.reporter_id == user.id)) is not None


def _insert_once(table, **values) -> bool:
    """INSERT … ON CONFLICT DO NOTHING: True if the row was added, False if its unique key already existed.
    Atomic on SQLite and PostgreSQL alike, so a double click or two tabs never make an error page."""
    from sqlalchemy.dialects import postgresql, sqlite

    insert = (postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite).insert
    # RETURNING, not rowcount: psycopg reports -1 as the row count of INSERT … ON CONFLICT.
    statement = insert(table).values(**values).on_conflict_do_nothing().returning(table.c.id)
    return db.session.execute(statement).first() is not None


def submit_report(reporter, item, reason: str, note: str = "") -> bool:
    """Records the member's report; False when they had already reported this item (nothing changes).

    When reports from REPORTS_TO_HIDE distinct members are open, a published item is hidden at once
    until a supporter looks at it (recorded with no actor: the system did it).
    """
    kind = kind_of(item)
    if reason not in set(ReportReason):
        raise ModerationError(_("通報の理由を選んでください。"))
    if not _insert_once(Report.__table__, item_kind=kind, item_id=item.id, reporter_id=reporter.id, reason=reason,
                        note=(note or "").strip()[:1000]):
        return False
    threshold = current_app.config.get("REPORTS_TO_HIDE", 3)
    if (threshold and state_of(item) == Status.PUBLISHED and open_report_count(kind, item.id) >= threshold
            and _transition(item, Status.PUBLISHED, Status.HIDDEN, HIDDEN_BY_REPORTS)):
        record(None, "auto_hide", item, HIDDEN_BY_REPORTS, reports=threshold)
        _notify_author(item, "moderation_hidden", HIDDEN_BY_REPORTS)
    return True


# --- supporter actions on one item ------------------------------------------------------------


def approve(actor, item, expected: str = Status.PENDING) -> None:
    if expected != Status.PENDING or not _transition(item, Status.PENDING, Status.PUBLISHED):
        raise AlreadyHandled()
    kind = kind_of(item)
    _resolve_reports(kind, item.id, "approved")
    record(actor, "approve", item)
    _notify_author(item, "moderation_approved")


def hide(actor, item, reason: str, expected: str) -> None:
    """Hides a pending or published item with a reason its author is told."""
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError(_("理由を入力してください。"))
    if expected not in (Status.PENDING, Status.PUBLISHED) or not _transition(item, expected, Status.HIDDEN, reason):
        raise AlreadyHandled()
    kind = kind_of(item)
    _resolve_reports(kind, item.id, "hidden")
    _handle_review_requests(kind, item.id)
    record(actor, "hide", item, reason, previous=expected)
    _notify_author(item, "moderation_hidden", reason)


def restore(actor, item, expected: str = Status.HIDDEN) -> None:
    """A hidden item comes back as it was (published); open reports on it are dismissed."""
    if expected != Status.HIDDEN or not _transition(item, Status.HIDDEN, Status.PUBLISHED):
        raise AlreadyHandled()
    kind = kind_of(item)
    _resolve_reports(kind, item.id, "dismissed")
    _handle_review_requests(kind, item.id)
    record(actor, "restore", item)
    _notify_author(item, "moderation_restored")


def uphold(actor, item, reason: str) -> None:
    """Keeps a hidden item hidden after looking at its reports or its author's review request.

    The guard is the open reports and requests themselves: once handled, a second supporter finds none."""
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError(_("理由を入力してください。"))
    if state_of(item) != Status.HIDDEN:
        raise AlreadyHandled()
    kind = kind_of(item)
    handled = _resolve_reports(kind, item.id, "hidden") + _handle_review_requests(kind, item.id)
    if not handled:
        raise AlreadyHandled()
    if kind != "profile":
        db.session.execute(update(KINDS[kind].model.__table__).where(KINDS[kind].model.__table__.c.id == item.id)
                           .values(hidden_reason=reason))
        item.hidden_reason = reason
    record(actor, "uphold", item, reason)
    _notify_author(item, "moderation_hidden", reason)


def dismiss_reports(actor, item, note: str = "") -> None:
    """The reports were not founded: they are closed and the item stays as it is."""
    count = _resolve_reports(kind_of(item), item.id, "dismissed")
    if not count:
        raise AlreadyHandled()
    record(actor, "dismiss_reports", item, note, reports=count)


def close_reports_of_missing(actor, kind: str, item_id: int) -> int:
    """Closes the open reports and requests about an item that no longer exists; how many were closed."""
    count = _resolve_reports(kind, item_id, "dismissed") + _handle_review_requests(kind, item_id)
    if count:
        record(actor, "dismiss_reports", kind=kind, item_id=item_id, reports=count, missing=True)
    return count


def set_locked(actor, item, locked: bool) -> None:
    kind = kind_of(item)
    if kind not in LOCKABLE_KINDS:
        raise ModerationError(_("この種類の情報はロックできません。"))
    _change_once(item, "is_locked", not locked, locked)
    record(actor, "lock" if locked else "unlock", item)


ACTIONS = ("approve", "hide", "restore", "uphold", "dismiss", "lock", "unlock")


def perform(action: str, actor, item, expected: str = "", reason: str = "") -> str:
    """Runs one named action; returns the message for the supporter."""
    if action == "approve":
        approve(actor, item, expected)
        return _("承認しました。公開されました。")
    if action == "hide":
        hide(actor, item, reason, expected)
        return _("非表示にしました。投稿者に理由を通知しました。")
    if action == "restore":
        restore(actor, item, expected)
        return _("再表示しました。")
    if action == "uphold":
        uphold(actor, item, reason)
        return _("非表示のままにしました。投稿者に理由を通知しました。")
    if action == "dismiss":
        dismiss_reports(actor, item, reason)
        return _("通報を却下しました。")
    if action in ("lock", "unlock"):
        set_locked(actor, item, action == "lock")
        return _("スレッドをロックしました。") if action == "lock" else _("ロックを解除しました。")
    raise ModerationError(_("この操作はできません。"))


# --- groups and accounts -----------------------------------------------------------------------


def verify_group(actor, group, approve_pending: bool = False) -> int:
    """Marks the group verified (its new posts go live at once); optionally approves what it has waiting.
    Returns how many waiting items were approved."""

    _change_once(group, "verified", False, True, _("この団体はすでに確認済みです。"), verified_at=utcnow())
    approved = 0
    if approve_pending:
        for kind in PUBLISHABLE_KINDS:
            model = KINDS[kind].model
            for item in db.session.scalars(select(model).where(model.group_id == group.id,
                                                               model.status == Status.PENDING)):
                if _transition(item, Status.PENDING, Status.PUBLISHED):
                    record(actor, "approve", item, via="verify_group")
                    _notify_author(item, "moderation_approved")
                    approved += 1
    record(actor, "verify_group", kind="group", item_id=group.id, name=group.name, approved=approved)
    return approved


def _member_posts(user_id: int, states: tuple[str, ...]):
    for kind in POST_KINDS:
        model = KINDS[kind].model
        yield from db.session.scalars(select(model).where(model.author_id == user_id, model.status.in_(states)))


def suspend(actor, account, reason: str, hide_content: bool = False) -> int:
    """The account can no longer sign in or post, and its open sessions end. With hide_content, its member posts
    (topics, replies, board threads and replies) and its profile are hidden too, restorably. Returns how many were
    hidden."""
    from community.accounts.sessions import end_all_sessions

    reason = (reason or "").strip()
    if not reason:
        raise ModerationError(_("理由を入力してください。"))
    _change_once(account, "is_suspended", False, True, _("このアカウントはすでに利用停止中です。"))
    end_all_sessions(account)
    hidden = 0
    if hide_content:
        for post in list(_member_posts(account.id, (Status.PUBLISHED, Status.PENDING))):
            previous = post.status
            if _transition(post, previous, Status.HIDDEN, HIDDEN_WITH_SUSPENSION):
                record(actor, "hide", post, HIDDEN_WITH_SUSPENSION, via="suspend", previous=previous)
                hidden += 1
        if _transition(account, Status.PUBLISHED, Status.HIDDEN):
            record(actor, "hide", account, HIDDEN_WITH_SUSPENSION, via="suspend")
    record(actor, "suspend", account, reason, hidden=hidden)
    return hidden


def reinstate(actor, account, restore_content: bool = True) -> int:
    """Lifts the suspension; optionally restores what was hidden together with it. Returns that count."""

    _change_once(account, "is_suspended", True, False, _("このアカウントは利用停止されていません。"))
    restored = 0
    if restore_content:
        for post in list(_member_posts(account.id, (Status.HIDDEN,))):
            if post.hidden_reason == HIDDEN_WITH_SUSPENSION and _transition(post, Status.HIDDEN, Status.PUBLISHED):
                record(actor, "restore", post, via="reinstate")
                restored += 1
        if account.profile_hidden and _suspension_hid_profile(account) and _transition(
                account, Status.HIDDEN, Status.PUBLISHED):
            record(actor, "restore", account, via="reinstate")
    record(actor, "reinstate", account, restored=restored)
    return restored


def _suspension_hid_profile(account) -> bool:
    """Whether the profile's latest hide came with a suspension (a separate hide stays in place)."""
    from community.moderation.models import AuditEntry

    latest = db.session.scalar(select(AuditEntry).where(
        AuditEntry.item_kind == "profile", AuditEntry.item_id == account.id,
        AuditEntry.action.in_(("hide", "auto_hide", "uphold", "restore"))).order_by(
        AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(1))
    return latest is not None and latest.action == "hide" and (latest.details or {}).get("via") == "suspend"


# --- review requests --------------------------------------------------------------------------


def review_request_of(user, item) -> ReviewRequest | None:
    return db.session.scalar(select(ReviewRequest).where(
        ReviewRequest.item_kind == kind_of(item), ReviewRequest.item_id == item.id, ReviewRequest.user_id == user.id))


def request_review(user, item, note: str = "") -> bool:
    """The author's one request; False when they have already asked about this item."""
    note = (note or "").strip()[:1000]
    if not _insert_once(ReviewRequest.__table__, item_kind=kind_of(item), item_id=item.id, user_id=user.id,
                        note=note):
        return False
    record(user, "review_request", item, note)
    return True
