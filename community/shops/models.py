"""Shop and facility listings: places residents look for (shops, restaurants, clinics, 公民館, libraries)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from flask import url_for
from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from community.content.models import PublishableMixin
from community.extensions import Model


class ShopKind(StrEnum):
    SHOP = "shop"
    RESTAURANT = "restaurant"
    CLINIC = "clinic"
    FACILITY = "facility"
    SHELTER = "shelter"  # 指定緊急避難場所
    AED = "aed"  # AED設置箇所
    OTHER = "other"


class Shop(PublishableMixin, Model):
    __tablename__ = "shops"
    KIND = "shop"

    name: Mapped[str] = mapped_column(String(200))
    name_kana: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20), default=ShopKind.SHOP)
    address: Mapped[str] = mapped_column(String(300), default="")
    latitude: Mapped[float | None] = mapped_column()
    longitude: Mapped[float | None] = mapped_column()
    opening_hours: Mapped[str] = mapped_column(String(300), default="")
    holidays: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(500), default="")
    barrier_free: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list] = mapped_column(JSON, default=list)
    last_confirmed: Mapped[date | None] = mapped_column()
    postal_code: Mapped[str] = mapped_column(String(10), default="")  # 郵便番号
    # Open-data columns without a column of their own, by the file's header: see Event.extra_fields.
    extra_fields: Mapped[dict] = mapped_column(JSON, default=dict)

    @property
    def link(self) -> str:
        return url_for("shops.detail", shop_id=self.id)

    def __repr__(self) -> str:
        return f"<Shop {self.id} {self.name!r}>"
