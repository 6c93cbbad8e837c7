"""Map pages: /events/map and /shops/map (the listings' filters on a map), their marker data as JSON, and
/map/place (an approximate point for an address, from the local gazetteer)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from community.areas.services import area_tree, ordered_categories
from community.args import whole_number
from community.content.filters import parse_filters
from community.maps import services
from community.shops.forms import HAZARD_LABELS, KIND_LABELS

bp = Blueprint("maps", __name__)

# kind → (title, the listing's endpoint, markers function, whether the filters have dates)
MAPS = {
    "events": (lambda: _("イベントの地図"), "events.index", services.event_markers, True),
    "shops": (lambda: _("お店・施設の地図"), "shops.index", services.shop_markers, False),
}


def _list_args() -> dict:
    """The query string as it came, less the page number: the other view shows the same selection."""
    return {key: value for key, value in request.args.items() if key != "page"}


def _page(kind: str):
    title, list_endpoint, _markers, dates = MAPS[kind]
    filters = parse_filters(request.args)
    shop_filters, heading = {}, title()
    if kind == "shops":
        shop_filters = {"kind_choices": KIND_LABELS, "hazard_choices": list(HAZARD_LABELS.items())}
        if filters.kind:
            heading = _("%(kind)sの地図", kind=KIND_LABELS[filters.kind])
    return render_template("maps/listing.html", kind=kind, title=heading, filters=filters, dates=dates, **shop_filters,
                           list_endpoint=list_endpoint, areas=area_tree(), categories=ordered_categories(),
                           markers_url=url_for(f"maps.{kind}_markers", **_list_args()), list_args=_list_args())


def _markers(kind: str):
    markers_of = MAPS[kind][2]
    limit = current_app.config["MAP_MAX_MARKERS"]
    markers, more = markers_of(parse_filters(request.args), limit)
    note = _("地図には%(n)d件までを表示しています。地域や分野で絞り込んでください。", n=limit) if more else ""
    return jsonify(markers=[marker.as_json() for marker in markers], more=more, limit=limit, note=note)


@bp.route("/events/map")
def events():
    return _page("events")


@bp.route("/shops/map")
def shops():
    return _page("shops")


@bp.route("/events/map.json")
def events_markers():
    return _markers("events")


@bp.route("/shops/map.json")
def shops_markers():
    return _markers("shops")


@bp.route("/map/place")
def place():
    """The form's 「住所から位置を設定」 button asks here: the point of the place the address names, approximate."""
    found = services.place_for(request.args.get("address", "")[:300], whole_number(request.args.get("area")))
    if found is None:
        return jsonify(found=False,
                       message=_("住所や地域から位置を見つけられませんでした。地図をクリックして位置を選んでください。"))
    return jsonify(found=True, name=found.name, latitude=found.latitude, longitude=found.longitude,
                   message=_("「%(name)s」のおおよその位置を入れました。地図をクリックして正確な位置に直してください。",
                             name=found.name))
