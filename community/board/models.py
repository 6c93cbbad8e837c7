"""The regional message board (地域伝言板): public threads by area and kind, with replies."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask import url_for
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.db import UTCDateTime
from community.discussions.models import PostMixin, ThreadMixin
from community.extensions import Model


class BoardKind(StrEnum):
    NOTICE = "notice"        # お知らせ
    LOOKING = "looking"      # 探しています (expires)
    GIVING = "giving"        # ゆずります (expires)
    QUESTION = "question"    # 質問
    CHAT = "chat"            # 雑談


EXPIRING_KINDS = (BoardKind.LOOKING, BoardKind.GIVING)


class BoardThread(ThreadMixin, Model):
    __tablename__ = "board_threads"
    __table_args__ = (Index("ix_board_threads_listing", "status", "last_post_at"),)
    KIND = "board"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"), index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    area = relationship("Area")
    author = relationship("User")

    @property
    def link(self) -> str:
        return url_for("board.thread", thread_id=self.id)


class BoardReply(PostMixin, Model):
    __tablename__ = "board_replies"
    __table_args__ = (Index("ix_board_replies_thread", "thread_id", "created_at"),)
    KIND = "board_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("board_threads.id", ondelete="CASCADE"))

    thread = relationship("BoardThread")
    author = relationship("User")
