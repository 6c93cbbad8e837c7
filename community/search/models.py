"""The search change log every host follows, and where each host has got to.

`search_changes` is append-only: a row per changed item, written in the same transaction as the change. Each host
keeps its own index and reads the log from its own position (kept in its index folder, reported here in
`search_hosts`), so no host's reading, rebuilding or clean-up takes a row another host still needs. Rows are pruned
once every live host has applied them. See docs/architecture.md, "Indexing".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from community.db import UTCDateTime, utcnow
from community.extensions import Model

# SQLite: a rowid alias with AUTOINCREMENT, so an id is never used twice after pruning. PostgreSQL: a bigint sequence.
ChangeId = BigInteger().with_variant(Integer(), "sqlite")


class SearchChange(Model):
    """One changed item. `txid` is the writing transaction's id on PostgreSQL (0 on SQLite, where one writer at a
    time means ids are handed out in commit order): hosts read only transactions that have ended (see
    indexing.horizon), so a transaction that commits after a later-numbered one is never skipped."""

    __tablename__ = "search_changes"
    __table_args__ = (Index("ix_search_changes_position", "txid", "id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(ChangeId, primary_key=True, autoincrement=True)
    txid: Mapped[int] = mapped_column(BigInteger, default=0)
    item_kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column()
    # "cascade" when the change alters who may find what the item contains (a community turning closed), else
    # "update"; a deleted item is an "update" that finds no row.
    op: Mapped[str] = mapped_column(String(10), default="update")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SearchHost(Model):
    """A host's (an index folder's) position in the log, as it last reported it. The row named PRUNED holds how far
    the log has been pruned: a host whose position is below it has missed changes and must be rebuilt."""

    __tablename__ = "search_hosts"
    PRUNED = "(pruned)"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    txid: Mapped[int] = mapped_column(BigInteger, default=0)
    change_id: Mapped[int] = mapped_column(BigInteger, default=0)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
