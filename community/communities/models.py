"""Interest communities (地域SNS): members, boards of topics and replies, and meetup RSVPs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask import url_for
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.content.moderated import ModeratedMixin
from community.db import TimestampMixin, UTCDateTime, utcnow
from community.discussions.models import PostMixin, ThreadMixin
from community.extensions import Model


class CommunityRole(StrEnum):
    ADMIN = "admin"
    MODERATOR = "moderator"
    MEMBER = "member"


class MembershipState(StrEnum):
    ACTIVE = "active"
    REQUESTED = "requested"   # a closed community's admin has not answered yet
    DECLINED = "declined"


class Community(ModeratedMixin, TimestampMixin, Model):
    __tablename__ = "communities"
    KIND = "community"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    icon: Mapped[str | None] = mapped_column(String(80))
    # Closed: joining needs an admin's approval and the content is for members only, everywhere.
    is_closed: Mapped[bool] = mapped_column(default=False, index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    member_count: Mapped[int] = mapped_column(default=0)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    area = relationship("Area")
    category = relationship("Category")

    @property
    def link(self) -> str:
        return url_for("communities.detail", slug=self.slug)

    @property
    def heading(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<Community {self.slug}>"


class CommunityMembership(Model):
    __tablename__ = "community_memberships"
    __table_args__ = (UniqueConstraint("community_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10), default=CommunityRole.MEMBER)
    state: Mapped[str] = mapped_column(String(10), default=MembershipState.ACTIVE, index=True)
    message: Mapped[str] = mapped_column(String(500), default="")  # what a requester wrote to the admins
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    community = relationship("Community")
    user = relationship("User")


class Topic(ThreadMixin, Model):
    """A thread on a community's board."""

    __tablename__ = "topics"
    __table_args__ = (Index("ix_topics_board", "community_id", "is_pinned", "last_post_at"),)
    KIND = "topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    is_pinned: Mapped[bool] = mapped_column(default=False)

    community = relationship("Community")
    author = relationship("User")

    @property
    def link(self) -> str:
        return url_for("communities.topic", slug=self.community.slug, topic_id=self.id)


class Reply(PostMixin, Model):
    __tablename__ = "replies"
    __table_args__ = (Index("ix_replies_topic", "topic_id", "created_at"),)
    KIND = "reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))

    topic = relationship("Topic")
    author = relationship("User")


class TopicRead(Model):
    """When a member last read a topic: the "new since your last visit" marker."""

    __tablename__ = "topic_reads"
    __table_args__ = (UniqueConstraint("user_id", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RsvpAnswer(StrEnum):
    GOING = "going"
    MAYBE = "maybe"
    NOT_GOING = "not_going"


class Rsvp(Model):
    """A member's answer to a meetup (a community's Event). Over capacity, "going" waits in line."""

    __tablename__ = "rsvps"
    __table_args__ = (UniqueConstraint("event_id", "user_id"), Index("ix_rsvps_line", "event_id", "waitlisted",
                                                                     "answered_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    answer: Mapped[str] = mapped_column(String(10), default=RsvpAnswer.GOING)
    waitlisted: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)  # place in the waiting line

    event = relationship("Event")
    user = relationship("User")
