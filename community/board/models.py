"""The regional message board (地域伝言板): public threads by area and kind, with replies."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask import url_for
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.content.moderated import ModeratedMixin
from community.db import UTCDateTime, utcnow
from community.extensions import db


class BoardKind(StrEnum):
    NOTICE = "notice"        # お知らせ
    LOOKING = "looking"      # 探しています (expires)
    GIVING = "giving"        # ゆずります (expires)
    QUESTION = "question"    # 質問
    CHAT = "chat"            # 雑談


EXPIRING_KINDS = (BoardKind.LOOKING, BoardKind.GIVING)


class BoardThread(ModeratedMixin, db.Model):
    __tablename__ = "board_threads"
    __table_args__ = (Index("ix_board_threads_listing", "status", "last_post_at"),)
    KIND = "board"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    is_locked: Mapped[bool] = mapped_column(default=False)
    reply_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    area = relationship("Area")
    author = relationship("User")

    @property
    def link(self) -> str:
        return url_for("board.thread", thread_id=self.id)

    @property
    def heading(self) -> str:
        return self.title


class BoardReply(ModeratedMixin, db.Model):
    __tablename__ = "board_replies"
    __table_args__ = (Index("ix_board_replies_thread", "thread_id", "created_at"),)
    KIND = "board_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("board_threads.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    thread = relationship("BoardThread")
    author = relationship("User")
