"""Areas (city → ward → district) and categories: reference data an admin can change."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import Model
from community.locale import local_name

AREA_LEVELS = ("city", "ward", "district")


class Area(Model):
    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"), index=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    name_kana: Mapped[str] = mapped_column(String(120), default="")
    name_en: Mapped[str] = mapped_column(String(120), default="")
    level: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(default=0)
    # Materialised path of ids ("/1/3/12/") so "this area and everything below it" is one LIKE.
    path: Mapped[str] = mapped_column(String(200), index=True, default="/")
    description: Mapped[str] = mapped_column(Text, default="")

    parent = relationship("Area", remote_side=[id])

    @property
    def label(self) -> str:
        """The name in the interface language (the English name in English, where there is one)."""
        return local_name(self)

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def __repr__(self) -> str:
        return f"<Area {self.slug}>"


class Category(Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    position: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(Text, default="")

    @property
    def label(self) -> str:
        """The name in the interface language (the English name in English, where there is one)."""
        return local_name(self)

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"
