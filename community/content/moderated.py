"""Moderation state every member or group post carries: its status and the reason it was hidden."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from community.content.models import Status


class ModeratedMixin:
    """status: pending (pre-moderation or auto-hidden by reports awaits review), published, hidden."""

    status: Mapped[str] = mapped_column(String(12), default=Status.PUBLISHED, index=True)
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")
