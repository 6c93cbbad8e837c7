"""What every discussion does with its threads and replies: read replies page by page (deleted ones stay as
placeholders), find a reply's page, keep a thread's counters, reply, edit, and delete softly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from community import policy
from community.content.models import Status
from community.db import utcnow
from community.extensions import db
from community.posting import check_edit, check_post, initial_status
from community.text import render_markdown

REPLIES_PER_PAGE = 30


@dataclass(frozen=True)
class Discussion:
    """One kind of discussion: its thread and reply models and the reply's column that names its thread."""

    thread_model: type
    reply_model: type
    thread_key: str  # "topic_id", "thread_id"
    replies_per_page: int = REPLIES_PER_PAGE

    # --- reading ---------------------------------------------------------------------------------

    def _replies(self, thread, user):
        """The replies of a thread this user sees on its pages (deleted ones too: they stay as placeholders)."""
        model = self.reply_model
        in_thread = getattr(model, self.thread_key) == thread.id
        return select(model).where(in_thread, policy.post_visible_clause(user, model))

    def replies_page(self, thread, user, page: int = 1):
        """Replies oldest first; deleted ones stay in place (shown as deleted) so the thread reads on."""
        model = self.reply_model
        query = self._replies(thread, user).options(joinedload(model.author)).order_by(model.created_at, model.id)
        return db.paginate(query, page=page, per_page=self.replies_per_page, error_out=False)

    def reply_page(self, reply, user) -> int:
        """Which page of its thread shows this reply to this user: the replies they see before it, in page order."""
        model = self.reply_model
        thread = getattr(reply, "topic", None) or reply.thread
        before = self._replies(thread, user).where(or_(
            model.created_at < reply.created_at, and_(model.created_at == reply.created_at, model.id < reply.id)))
        position = db.session.scalar(select(func.count()).select_from(before.subquery())) or 0
        return position // self.replies_per_page + 1

    # --- writing ---------------------------------------------------------------------------------

    def refresh_counters(self, thread) -> None:
        """reply_count and last_post_at from the published replies (one query); call after any reply changes
        status or is deleted, moderation too. Pending and hidden replies are not counted."""
        model = self.reply_model
        count, latest = db.session.execute(
            select(func.count(model.id), func.max(model.created_at)).where(
                getattr(model, self.thread_key) == thread.id, model.status == Status.PUBLISHED,
                model.deleted_at.is_(None))
        ).one()
        thread.reply_count = count or 0
        thread.last_post_at = max(thread.created_at, latest) if latest else thread.created_at
        db.session.flush()

    def new_reply(self, thread, author, body: str, now: datetime | None = None):
        """A reply through the posting limits (raises PostRefused before writing anything), waiting for review
        when its author's posts still do."""
        check_post(author, body)
        reply = self.reply_model(**{self.thread_key: thread.id}, author_id=author.id, body=body,
                                 body_html=render_markdown(body), status=initial_status(author),
                                 created_at=now or utcnow())
        db.session.add(reply)
        db.session.flush()
        return reply

    def edit(self, post, editor, body: str, title: str | None = None) -> None:
        """New words for a thread or a reply, through the posting limits (raises PostRefused first)."""
        before = f"{post.title}\n{post.body}" if title is not None else post.body
        after = f"{title}\n{body}" if title is not None else body
        check_edit(editor, before, after)
        if title is not None:
            post.title = title
        post.body, post.body_html = body, render_markdown(body)
        post.edited_at = utcnow()
        db.session.flush()

    def delete(self, post, actor) -> None:
        """Soft: the row stays (moderation can still read it), the pages no longer show its words. A reply's
        thread recounts; deleting someone else's post is recorded in the audit log."""
        from community.moderation import audit

        post.deleted_at = utcnow()
        if actor is not None and post.author_id != actor.id:
            audit.record(actor, "delete", post)
        db.session.flush()
        if isinstance(post, self.reply_model):
            self.refresh_counters(getattr(post, "topic", None) or post.thread)
