"""JSON endpoints: public, published items only, with the listing filters and page pagination."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from community.args import whole_number
from community.content.filters import parse_filters
from community.content.listing import listed_items
from community.events.services import listed_dates
from community.notices.models import Notice
from community.shops.models import Shop
from community.text import plain_text

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_PER_PAGE = 100


def _text(value: str | None) -> str:
    """Plain-text fields leave as text with no markup, whatever an older row or an import stored."""
    return plain_text(value or "")


def _http_url(value: str | None) -> str:
    """Only web links: a javascript: or data: value is not passed on to whoever builds a link from it."""
    value = (value or "").strip()
    return value if value.lower().startswith(("http://", "https://")) else ""


def _per_page() -> int:
    value = request.args.get("per_page", "20")
    number = whole_number(value, 1)
    return min(number, MAX_PER_PAGE) if number else 20


def _common(item) -> dict:
    return {
        "id": item.id,
        "url": url_for(f"{item.KIND}s.detail", **{f"{item.KIND}_id": item.id}, _external=True),
        "area": ({"slug": item.area.slug, "name": _text(item.area.name), "name_en": _text(item.area.name_en)}
                 if item.area else None),
        "category": ({"slug": item.category.slug, "name": _text(item.category.name),
                      "name_en": _text(item.category.name_en)} if item.category else None),
        "group": {"slug": item.group.slug, "name": _text(item.group.name)} if item.group else None,
        # A community meetup has no group: its community (always an open one here) is named instead.
        "community": ({"slug": item.community.slug, "name": _text(item.community.name)}
                      if getattr(item, "community_id", None) else None),
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
    page = listed_dates(filters, per_page=_per_page())
    items = [{
        **_common(o.event), "title": _text(o.event.title), "starts_at": o.starts_at.isoformat(),
        "ends_at": o.ends_at.isoformat(), "all_day": o.event.all_day, "rrule": o.event.rrule or None,
        "exdates": o.event.exdates or [],
        "venue_name": _text(o.event.venue_name), "address": _text(o.event.address), "fee": _text(o.event.fee),
        "capacity": o.event.capacity, "how_to_apply": _text(o.event.how_to_apply),
        "contact": _text(o.event.contact), "capacity_text": _text(o.event.capacity_text),
        "audience": _text(o.event.audience), "apply_url": _http_url(o.event.apply_url),
        "apply_deadline": o.event.apply_deadline.isoformat() if o.event.apply_deadline else None,
        "image_url": _http_url(o.event.image_url), "genre": _text(o.event.genre),
        "extra_fields": {_text(k): _text(v) for k, v in (o.event.extra_fields or {}).items()},
    } for o in page.items]
    return jsonify(_page(page, items, "api.events", filters))


@bp.route("/shops")
def shops():
    filters = parse_filters(request.args)
    page = listed_items(Shop, filters, per_page=_per_page())
    items = [{
        **_common(s), "name": _text(s.name), "kind": s.kind, "address": _text(s.address), "latitude": s.latitude,
        "longitude": s.longitude, "opening_hours": _text(s.opening_hours), "holidays": _text(s.holidays),
        "phone": _text(s.phone), "website": _http_url(s.website), "barrier_free": _text(s.barrier_free),
        "tags": [_text(tag) for tag in s.tags or []],
        "last_confirmed": s.last_confirmed.isoformat() if s.last_confirmed else None,
        "postal_code": _text(s.postal_code),
        "extra_fields": {_text(k): _text(v) for k, v in (s.extra_fields or {}).items()},
    } for s in page.items]
    return jsonify(_page(page, items, "api.shops", filters))


@bp.route("/notices")
def notices():
    filters = parse_filters(request.args)
    page = listed_items(Notice, filters, per_page=_per_page(), order=(Notice.published_at.desc(), Notice.id.desc()))
    items = [{
        **_common(n), "title": _text(n.title),
        "published_at": n.published_at.isoformat() if n.published_at else None,
        "publish_until": n.publish_until.isoformat() if n.publish_until else None,
        # The やさしい日本語 version the publisher wrote, or null.
        "easy_japanese": ({"title": _text(n.easy_title), "body_html": n.easy_body_html}
                          if n.has_easy_version else None),
    } for n in page.items]
    return jsonify(_page(page, items, "api.notices", filters))
