"""The query-string filters every listing, feed and API shares: area, category, dates, page."""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import String, cast

from community.areas.models import Area, Category
from community.areas.services import area_and_descendants_clause, area_by_slug, category_by_slug
from community.args import date_range
from community.pagination import page_number
from community.timeutil import day_end, day_start, now_utc, today_local

WHEN_CHOICES = ("upcoming", "today", "weekend", "month", "past")


@dataclass
class ListingFilters:
    area: Area | None = None
    category: Category | None = None
    when: str = "upcoming"
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    kind: str = ""  # shops only: one ShopKind ("shelter", "aed" …)
    hazard: str = ""  # shelters only: a disaster type (layouts.HAZARDS)
    errors: list[str] = field(default_factory=list)

    def args(self, **changes) -> dict:
        """The filters as query-string arguments (for links to other pages and to the feeds)."""
        values = {
            "area": self.area.slug if self.area else None,
            "category": self.category.slug if self.category else None,
            "when": self.when if self.when != "upcoming" else None,
            "from": self.date_from.isoformat() if self.date_from and self.when == "range" else None,
            "to": self.date_to.isoformat() if self.date_to and self.when == "range" else None,
            "kind": self.kind or None,
            "hazard": self.hazard or None,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value}


def parse_filters(args) -> ListingFilters:
    filters = ListingFilters()
    if args.get("area"):
        filters.area = area_by_slug(args["area"])
        if filters.area is None:
            filters.errors.append(_("指定された地域が見つかりません。すべての地域を表示しています。"))
    if args.get("category"):
        filters.category = category_by_slug(args["category"])
        if filters.category is None:
            filters.errors.append(_("指定された分野が見つかりません。すべての分野を表示しています。"))
    if args.get("kind"):
        from community.shops.models import ShopKind

        if args["kind"] in {kind.value for kind in ShopKind}:
            filters.kind = args["kind"]
        else:
            filters.errors.append(_("指定された種類が見つかりません。すべての種類を表示しています。"))
    if args.get("hazard"):
        from community.opendata.layouts import HAZARDS

        if args["hazard"] in HAZARDS:
            filters.hazard = args["hazard"]
        else:
            filters.errors.append(_("指定された災害の種類が見つかりません。すべての避難場所を表示しています。"))
    page = args.get("page", "1")
    filters.page = page_number(page)
    when = args.get("when") or "upcoming"
    filters.when = when if when in WHEN_CHOICES else "upcoming"
    if when not in WHEN_CHOICES and when != "range":  # "range" comes with from/to, handled below
        filters.errors.append(_("期間の指定が正しくありません。これからのイベントを表示しています。"))
    if args.get("from") or args.get("to"):
        dates = date_range(args, filters.errors)
        if dates is not None:
            filters.when, (filters.date_from, filters.date_to) = "range", dates
    return filters


def apply_place_and_topic(query, model, filters: ListingFilters):
    if filters.area is not None:
        query = query.where(area_and_descendants_clause(model.area_id, filters.area))
    if filters.category is not None:
        query = query.where(model.category_id == filters.category.id)
    if getattr(model, "KIND", None) == "shop":
        if filters.kind:
            query = query.where(model.kind == filters.kind)
        if filters.hazard:
            # tags is a JSON list; its stored text holds the name as json.dumps writes it (the same on SQLite and
            # PostgreSQL, since SQLAlchemy serialises it), quotes included, so a part of a longer name cannot match.
            query = query.where(cast(model.tags, String).contains(json.dumps(filters.hazard), autoescape=True))
    return query


def event_window(filters: ListingFilters, now: datetime | None = None) -> tuple[datetime | None, datetime | None]:
    """[start, end) in UTC for the chosen period; None means open-ended."""
    now = now or now_utc()
    today = today_local(now)
    if filters.when == "today":
        return day_start(today), day_end(today)
    if filters.when == "weekend":
        if today.weekday() == 6:  # Sunday: what is left of today
            return now, day_end(today)
        saturday = today + timedelta(days=5 - today.weekday())
        return max(now, day_start(saturday)), day_end(saturday + timedelta(days=1))
    if filters.when == "month":
        last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
        return now, day_end(last)
    if filters.when == "past":
        return None, now
    if filters.when == "range":
        return (day_start(filters.date_from) if filters.date_from else None,
                day_end(filters.date_to) if filters.date_to else None)
    return now, None
