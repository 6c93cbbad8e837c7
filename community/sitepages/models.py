"""Site pages kept as versions, and messages sent through the contact form."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.db import UTCDateTime, utcnow
from community.extensions import Model

# The site pages, by the slug that is also their address (/about, …).
PAGE_SLUGS = ("about", "terms", "privacy", "accessibility", "help")


class SitePageVersion(Model):
    """One saved version of a site page; the highest version of a slug is the page in force. Nothing is
    overwritten: each save adds a row, so every earlier wording stays readable (what members agreed to)."""

    __tablename__ = "site_page_versions"
    __table_args__ = (UniqueConstraint("slug", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column()  # 1, 2, … per slug (0 is the shipped default, never stored)
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)  # Markdown, as the admin wrote it
    body_html: Mapped[str] = mapped_column(Text)  # sanitised on the way in (community.text)
    note: Mapped[str] = mapped_column(String(500), default="")  # what changed, for the history
    material: Mapped[bool] = mapped_column(default=False)  # terms only: members must agree again
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author = relationship("User")

    def __repr__(self) -> str:
        return f"<SitePageVersion {self.slug} v{self.version}>"


class ContactMessage(Model):
    """A message sent through /contact; admins read it in /admin/contact and mark it handled."""

    __tablename__ = "contact_messages"
    __table_args__ = (Index("ix_contact_messages_open", "handled_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    handled_by = relationship("User", foreign_keys=[handled_by_id])

    def __repr__(self) -> str:
        return f"<ContactMessage {self.id}>"
