"""Readings of local names that admins add to the shipped dictionary (they win over it and over Sudachi)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import Model


class LocalReading(Model):
    __tablename__ = "local_readings"

    id: Mapped[int] = mapped_column(primary_key=True)
    surface: Mapped[str] = mapped_column(String(60), unique=True)  # as written: 相模大野
    reading: Mapped[str] = mapped_column(String(120))  # in hiragana: さがみおおの

    def __repr__(self) -> str:
        return f"<LocalReading {self.surface}>"
