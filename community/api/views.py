"""JSON endpoints: public, published items only, with the listing filters and page pagination."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from community.content.filters import parse_filters
from community.content.listing import listed_items
from community.events.services import listed_occurrences
from community.notices.models import Notice
from community.shops.models import Shop

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_PER_PAGE = 100


def _per_page() -> int:
    value = request.args.get("per_page", "20")
    return min(int(value), MAX_PER_PAGE) if value.isdigit() and int(value) > 0 else 20


def _common(item) -> dict:
    return {
        "id": item.id,
        "url": url_for(f"{item.KIND}s.detail", **{f"{item.KIND}_id": item.id}, _external=True),
        "area": {"slug": item.area.slug, "name": item.area.name} if item.area else None,
        "category": {"slug": item.category.slug, "name": item.category.name} if item.category else None,
        "group": {"slug": item.group.slug, "name": item.group.name},
        "body_html": item.body_html,
        "image": url_for("main.media", name=item.image, _external=True) if item.image else None,
        "updated_at": item.updated_at.isoformat(),
    }


def _page(page, items: list[dict], endpoint: str, filters) -> dict:
    def link(number):
        return url_for(endpoint, **filters.args(page=number, per_page=page.per_page), _external=True)

    return {
        "items": items, "page": page.page, "per_page": page.per_page, "total": page.total,
        "next": link(page.next_num) if page.has_next else None,
        "prev": link(page.prev_num) if page.has_prev else None,
        "errors": filters.errors,
    }


@bp.route("/events")
def events():
    filters = parse_filters(request.args)
    page = listed_occurrences(filters, per_page=_per_page())
    items = [{
        **_common(o.event), "title": o.event.title, "starts_at": o.starts_at.isoformat(),
        "ends_at": o.ends_at.isoformat(), "all_day": o.event.all_day, "rrule": o.event.rrule or None,
        "venue_name": o.event.venue_name, "address": o.event.address, "fee": o.event.fee,
        "capacity": o.event.capacity, "how_to_apply": o.event.how_to_apply, "contact": o.event.contact,
    } for o in page.items]
    return jsonify(_page(page, items, "api.events", filters))


@bp.route("/shops")
def shops():
    filters = parse_filters(request.args)
    page = listed_items(Shop, filters, per_page=_per_page())
    items = [{
        **_common(s), "name": s.name, "kind": s.kind, "address": s.address, "latitude": s.latitude,
        "longitude": s.longitude, "opening_hours": s.opening_hours, "holidays": s.holidays, "phone": s.phone,
        "website": s.website, "barrier_free": s.barrier_free, "tags": s.tags or [],
        "last_confirmed": s.last_confirmed.isoformat() if s.last_confirmed else None,
    } for s in page.items]
    return jsonify(_page(page, items, "api.shops", filters))


@bp.route("/notices")
def notices():
    filters = parse_filters(request.args)
    page = listed_items(Notice, filters, per_page=_per_page(), order=(Notice.published_at.desc(), Notice.id.desc()))
    items = [{
        **_common(n), "title": n.title,
        "published_at": n.published_at.isoformat() if n.published_at else None,
        "publish_until": n.publish_until.isoformat() if n.publish_until else None,
    } for n in page.items]
    return jsonify(_page(page, items, "api.notices", filters))
