"""The message board's reading and state changes: listing, posting, replying, editing, closing, deleting."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from community import policy
from community.areas.models import Area
from community.areas.services import area_and_descendants_clause, area_by_slug
from community.board.models import EXPIRING_KINDS, BoardKind, BoardReply, BoardThread
from community.content.models import Status
from community.db import utcnow
from community.discussions.services import Discussion
from community.extensions import db
from community.notifications.services import notify
from community.pagination import page_number
from community.posting import check_post, initial_status
from community.text import plain_text, render_markdown

THREADS_PER_PAGE = 20
REPLIES_PER_PAGE = 30
THREADS = Discussion(BoardThread, BoardReply, "thread_id", REPLIES_PER_PAGE)


class BoardError(ValueError):
    """A user-facing reason why a board action was refused; nothing was changed."""


# --- reading ----------------------------------------------------------------------------------


@dataclass
class BoardFilters:
    kind: str | None = None
    area: Area | None = None
    closed: bool = False  # also list threads that have ended
    page: int = 1
    errors: list[str] = field(default_factory=list)

    def args(self, **changes) -> dict:
        values = {"kind": self.kind, "area": self.area.slug if self.area else None,
                  "closed": "1" if self.closed else None}
        values.update(changes)
        return {key: value for key, value in values.items() if value}


def parse_filters(args) -> BoardFilters:
    filters = BoardFilters(closed=args.get("closed") == "1", page=page_number(args.get("page")))
    kind = args.get("kind")
    if kind:
        if kind in {k.value for k in BoardKind}:
            filters.kind = kind
        else:
            filters.errors.append(_("指定された種類が見つかりません。すべての種類を表示しています。"))
    if args.get("area"):
        filters.area = area_by_slug(args["area"])
        if filters.area is None:
            filters.errors.append(_("指定された地域が見つかりません。すべての地域を表示しています。"))
    return filters


def is_expiring(kind: str) -> bool:
    return kind in EXPIRING_KINDS


def is_closed(thread: BoardThread, now: datetime | None = None) -> bool:
    """A ゆずります / 探しています thread ends when its expiry passes (or its author closes it)."""
    return thread.expires_at is not None and thread.expires_at <= (now or utcnow())


def listed_threads(user, filters: BoardFilters, now: datetime | None = None):
    """The threads this user may see, newest activity first; ended ones only when asked for."""
    return db.paginate(threads_query(user, filters, now), page=filters.page, per_page=THREADS_PER_PAGE,
                       error_out=False)


def latest_threads(user, limit: int, now: datetime | None = None) -> list[BoardThread]:
    """The first few threads of the board's own list (/board), without counting them all (home page)."""
    return list(db.session.scalars(threads_query(user, BoardFilters(), now).limit(limit)))


def threads_query(user, filters: BoardFilters, now: datetime | None = None):
    now = now or utcnow()
    query = (
        select(BoardThread)
        .options(joinedload(BoardThread.area), joinedload(BoardThread.author))
        .where(BoardThread.deleted_at.is_(None), policy.post_visible_clause(user, BoardThread))
    )
    if not filters.closed:
        query = query.where(or_(BoardThread.expires_at.is_(None), BoardThread.expires_at > now))
    if filters.kind:
        query = query.where(BoardThread.kind == filters.kind)
    if filters.area is not None:
        query = query.where(area_and_descendants_clause(BoardThread.area_id, filters.area))
    return query.order_by(BoardThread.last_post_at.desc(), BoardThread.id.desc())


def load_thread(thread_id: int) -> BoardThread | None:
    """A thread that has not been deleted, with its area and author."""
    return db.session.scalar(
        select(BoardThread).options(joinedload(BoardThread.area), joinedload(BoardThread.author))
        .where(BoardThread.id == thread_id, BoardThread.deleted_at.is_(None))
    )


def load_reply(reply_id: int) -> BoardReply | None:
    """A reply with its thread (deleted replies too: they leave a placeholder)."""
    return db.session.scalar(
        select(BoardReply).options(joinedload(BoardReply.thread), joinedload(BoardReply.author))
        .where(BoardReply.id == reply_id)
    )


def thread_replies(user, thread: BoardThread, page: int):
    """The replies this user may see, oldest first; deleted ones stay as placeholders."""
    return THREADS.replies_page(thread, user, page)


def reply_page(user, reply: BoardReply) -> int:
    """Which page of its thread shows this reply to this user."""
    return THREADS.reply_page(reply, user)


def reply_refusal(thread: BoardThread, now: datetime | None = None) -> str | None:
    """Why nobody may reply to this thread now, or None."""
    if thread.deleted_at is not None:
        return _("この投稿は削除されました。")
    if thread.is_locked:
        return _("この投稿はロックされているため、返信できません。")
    if is_closed(thread, now):
        return _("この投稿は終了したため、返信できません。")
    if thread.status != Status.PUBLISHED:
        return _("この投稿は公開されていないため、返信できません。")
    return None


# --- writing ----------------------------------------------------------------------------------


def clean_title(raw: str) -> str:
    """Titles are plain text: tags dropped, entities decoded (templates escape it again), spaces collapsed."""
    return " ".join(html.unescape(plain_text(raw or "")).split())


def _checked_title(raw: str) -> str:
    title = clean_title(raw)
    if not title:
        raise BoardError(_("件名を入力してください。"))
    return title


def create_thread(author, data: dict, now: datetime | None = None) -> BoardThread:
    """Raises PostRefused (abuse limits) or BoardError before anything is written."""
    now = now or utcnow()
    title = _checked_title(data["title"])
    kind = BoardKind(data["kind"])
    check_post(author, data["body"])
    thread = BoardThread(
        kind=kind, area_id=data["area_id"], author_id=author.id, title=title, body=data["body"],
        body_html=render_markdown(data["body"]), status=initial_status(author), created_at=now, last_post_at=now,
        expires_at=now + timedelta(days=data["expires_in_days"]) if is_expiring(kind) else None,
    )
    db.session.add(thread)
    db.session.flush()
    return thread


def update_thread(thread: BoardThread, data: dict, editor) -> None:
    title = _checked_title(data["title"])
    THREADS.edit(thread, editor, data["body"], title=title)
    thread.area_id = data["area_id"]


def close_thread(thread: BoardThread, now: datetime | None = None) -> None:
    """Ends a ゆずります / 探しています thread now (no more replies, no longer listed)."""
    now = now or utcnow()
    if not is_expiring(thread.kind):
        raise BoardError(_("この種類の投稿は終了できません。"))
    if is_closed(thread, now):
        raise BoardError(_("この投稿はすでに終了しています。"))
    thread.expires_at = now
    db.session.flush()


def delete_thread(thread: BoardThread, actor=None) -> None:
    """Soft delete: the row stays (moderation can look at it), nobody sees it any more."""
    THREADS.delete(thread, actor)


def add_reply(thread: BoardThread, author, body: str, now: datetime | None = None) -> BoardReply:
    """Raises BoardError (locked, ended, unpublished) or PostRefused before anything is written."""
    now = now or utcnow()
    refusal = reply_refusal(thread, now)
    if refusal:
        raise BoardError(refusal)
    reply = THREADS.new_reply(thread, author, body, now)
    if reply.status == Status.PUBLISHED:
        reply_published(reply, thread)
    return reply


def reply_published(reply: BoardReply, thread: BoardThread | None = None) -> None:
    """After a reply becomes public (at once, or when a supporter approves it): counters and the author's
    notification. Moderation calls this when it approves a pending board reply."""
    thread = thread or reply.thread
    refresh_counters(thread)
    if thread.author_id != reply.author_id:
        notify(thread.author_id, "board_reply", link=url_for("board.reply", reply_id=reply.id),
               thread_title=thread.title)


def update_reply(reply: BoardReply, body: str, editor) -> None:
    THREADS.edit(reply, editor, body)


def delete_reply(reply: BoardReply, actor=None) -> None:
    THREADS.delete(reply, actor)


def refresh_counters(thread: BoardThread) -> None:
    """Counters from the public replies; moderation calls this after hiding or restoring a board reply."""
    THREADS.refresh_counters(thread)
