"""Maps: an item's map and its fallback link, the list ↔ map views, their marker JSON (the listing's filters and
policy, bounded), the coordinates on the editing forms, the gazetteer, and the CSP's one tile host."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from community.security import content_security_policy, tile_source

HASHIMOTO = {"latitude": 35.5951, "longitude": 139.3449}


def _area_id(app, slug: str) -> str:
    from community.areas.services import area_by_slug

    with app.app_context():
        return str(area_by_slug(slug).id)


# -- an item's page -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["shop", "event"])
def test_an_item_with_a_place_shows_its_map_and_a_plain_link(client, editor, make_item, kind):
    item = make_item(kind, editor.group, address="相模原市緑区橋本6-2-1", **HASHIMOTO)
    page = client.get(f"/{kind}s/{item.id}").get_data(as_text=True)
    container = re.search(r'<div class="map" id="item-map"[^>]*>', page).group(0)
    assert 'data-map="point"' in container and 'data-lat="35.5951"' in container and 'data-lon="139.3449"' in container
    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in container
    assert "openstreetmap.org/copyright" in container  # the attribution travels with the tiles
    assert "vendor/leaflet/leaflet.js" in page and "js/maps.js" in page
    # Without JavaScript or tiles: the address and a link to the place on OpenStreetMap stay.
    osm = "https://www.openstreetmap.org/?mlat=35.595100&amp;mlon=139.344900#map=17/35.595100/139.344900"
    assert f'href="{osm}"' in page
    assert "相模原市緑区橋本6-2-1" in page


@pytest.mark.parametrize("kind", ["shop", "event"])
def test_an_item_without_a_place_has_no_map(client, editor, make_item, kind):
    item = make_item(kind, editor.group, address="相模原市緑区橋本6-2-1")
    page = client.get(f"/{kind}s/{item.id}").get_data(as_text=True)
    assert 'id="item-map"' not in page and "leaflet" not in page and "openstreetmap.org/?mlat" not in page
    assert "相模原市緑区橋本6-2-1" in page


def test_the_tile_server_setting_reaches_the_page_and_the_csp(app, client, editor, make_item):
    app.config.update(MAP_TILE_URL="https://{s}.tiles.example.org:8443/osm/{z}/{x}/{y}.png",
                      MAP_ATTRIBUTION="© 地図の提供元")
    shop = make_item("shop", editor.group, **HASHIMOTO)
    response = client.get(f"/shops/{shop.id}")
    page = response.get_data(as_text=True)
    assert 'data-tile-url="https://{s}.tiles.example.org:8443/osm/{z}/{x}/{y}.png"' in page
    assert 'data-attribution="© 地図の提供元"' in page
    csp = response.headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tiles.example.org:8443;" in csp
    assert "script-src 'self';" in csp and "connect-src 'self';" in csp and "style-src 'self';" in csp


def test_the_csp_allows_images_from_the_tile_host_and_nothing_else_new(app, client):
    csp = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["img-src"] == "'self' data: https://tile.openstreetmap.org"
    assert {key: value for key, value in directives.items() if key != "img-src"} == {
        "default-src": "'self'", "style-src": "'self'", "script-src": "'self'", "connect-src": "'self'",
        "font-src": "'self'", "object-src": "'none'", "base-uri": "'self'", "form-action": "'self'",
        "frame-ancestors": "'none'"}
    for value, source in [("/tiles/{z}/{x}/{y}.png", None), ("", None), ("javascript:alert(1)", None),
                          ("https://a.example/x'; script-src *", "https://a.example"),  # the origin only
                          ("https://a.example';script-src/{z}.png", None),
                          ("http://127.0.0.1:5001/t/{z}/{x}/{y}.png", "http://127.0.0.1:5001")]:
        assert tile_source(value) == source, value
    app.config["MAP_TILE_URL"] = "/tiles/{z}/{x}/{y}.png"  # tiles from this site: nothing to add
    assert "img-src 'self' data:;" in content_security_policy(app)


# -- the list ↔ map views ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["shops", "events"])
def test_list_and_map_link_to_each_other_keeping_the_query(client, kind):
    listing = client.get(f"/{kind}?area=midori&category=events&page=2").get_data(as_text=True)
    assert f'href="/{kind}/map?area=midori&amp;category=events"' in listing
    page = client.get(f"/{kind}/map?area=midori&category=events&page=2")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'href="/{kind}?area=midori&amp;category=events"' in html
    assert f'data-markers-url="/{kind}/map.json?area=midori&amp;category=events"' in html
    assert 'data-map="markers"' in html and "leaflet.markercluster.js" in html
    # The filters stay on the map view.
    assert f'action="/{kind}/map"' in html


def test_shop_markers_follow_the_listing_filters(client, editor, make_group, make_item):
    torin = make_group(area="torin")
    make_item("shop", editor.group, name="橋本の店", category="food-shops", **HASHIMOTO)
    make_item("shop", torin, name="東林間の店", area="torin", latitude=35.5238, longitude=139.4458)
    make_item("shop", editor.group, name="位置のない店")
    make_item("shop", editor.group, name="下書きの店", publish=False, **HASHIMOTO)
    data = client.get("/shops/map.json").get_json()
    assert sorted(m["title"] for m in data["markers"]) == ["東林間の店", "橋本の店"]
    assert data["more"] is False and data["note"] == ""
    hashimoto = next(m for m in data["markers"] if m["title"] == "橋本の店")
    assert (hashimoto["lat"], hashimoto["lon"]) == (35.5951, 139.3449)
    assert re.fullmatch(r"/shops/\d+", hashimoto["url"]) and "橋本" in hashimoto["meta"]
    assert [m["title"] for m in client.get("/shops/map.json?area=minami").get_json()["markers"]] == ["東林間の店"]
    assert [m["title"] for m in client.get("/shops/map.json?category=food-shops").get_json()["markers"]] == ["橋本の店"]
    assert client.get("/shops/map.json?area=nowhere").get_json()["markers"]  # a bad filter is ignored, as in lists


def test_event_markers_follow_the_period_and_list_each_event_once(client, editor, make_item):
    from dateutil.rrule import WEEKLY, rrule

    from community.timeutil import now_utc

    soon = now_utc() + timedelta(days=1)
    until = (soon + timedelta(days=60)).strftime("%Y%m%dT%H%M%SZ")
    make_item("event", editor.group, title="毎週の体操", rrule=f"FREQ=WEEKLY;UNTIL={until}", starts_at=soon,
              **HASHIMOTO)
    make_item("event", editor.group, title="終わった祭り", starts_at=now_utc() - timedelta(days=9), **HASHIMOTO)
    make_item("event", editor.group, title="場所のない会", **{})
    assert WEEKLY and rrule  # the rule above repeats: one marker still
    upcoming = client.get("/events/map.json").get_json()["markers"]
    assert [m["title"] for m in upcoming] == ["毎週の体操"]
    assert [m["title"] for m in client.get("/events/map.json?when=past").get_json()["markers"]] == ["終わった祭り"]


def test_closed_communities_meetups_never_reach_the_map(app, client, login, member, make_community, make_meetup):
    from sqlalchemy import update

    from community.events.models import Event
    from community.extensions import db

    open_club, closed_club = make_community(admin=member), make_community(admin=member, closed=True)
    make_meetup(open_club, member, title="公開の集まり")
    make_meetup(closed_club, member, title="非公開の集まり")
    with app.app_context():  # the meetup form has no place fields; an import or a later form might set them
        db.session.execute(update(Event).values(**HASHIMOTO))
        db.session.commit()
    for browser in (client, login(member)):  # not even for its own members: the listing is public
        titles = [m["title"] for m in browser.get("/events/map.json").get_json()["markers"]]
        assert titles == ["公開の集まり"]


def test_markers_are_bounded_with_a_note(app, client, editor, make_item):
    app.config["MAP_MAX_MARKERS"] = 3
    for n in range(4):
        make_item("shop", editor.group, latitude=35.59 + n / 1000, longitude=139.34)
    data = client.get("/shops/map.json").get_json()
    assert len(data["markers"]) == 3 and data["more"] is True and data["limit"] == 3
    assert "3件まで" in data["note"]


@pytest.mark.parametrize("path", ["/shops/map.json", "/events/map.json?area=midori", "/shops/map", "/events/map"])
def test_map_views_run_a_bounded_number_of_statements(client, editor, make_item, same_query_count, path):
    def grow():
        for n in range(5):
            make_item("shop", editor.group, latitude=35.59 + n / 1000, longitude=139.34)
            make_item("event", editor.group, latitude=35.59 + n / 1000, longitude=139.34, area="hashimoto")

    make_item("shop", editor.group, **HASHIMOTO)
    make_item("event", editor.group, **HASHIMOTO)
    same_query_count(client, path, grow)


def test_marker_json_is_one_statement(client, editor, make_item, count_queries):
    for n in range(3):
        make_item("shop", editor.group, latitude=35.59 + n / 1000, longitude=139.34)
        make_item("event", editor.group, latitude=35.59 + n / 1000, longitude=139.34)
    client.get("/shops/map.json")
    for path in ("/shops/map.json", "/events/map.json"):
        with count_queries() as counted:
            assert len(client.get(path).get_json()["markers"]) == 3
        assert counted.n == 1, counted.statements


# -- editing ----------------------------------------------------------------------------------------------------

def _shop_form(app, **overrides):
    data = {"name": "橋本ベーカリー", "name_kana": "", "kind": "shop", "area_id": _area_id(app, "hashimoto"),
            "category_id": "", "address": "相模原市緑区橋本3-1", "latitude": "", "longitude": "",
            "opening_hours": "", "holidays": "", "phone": "", "website": "", "barrier_free": "", "body": "",
            "image_alt": "", "last_confirmed": "", "action": "publish"}
    data.update(overrides)
    return data


def _event_form(app, **overrides):
    data = {"title": "橋本の祭り", "start_date": "2027-08-01", "start_time": "10:00", "end_date": "",
            "end_time": "15:00", "area_id": _area_id(app, "hashimoto"), "category_id": "", "venue_name": "広場",
            "address": "相模原市緑区橋本6丁目", "fee": "", "capacity": "", "how_to_apply": "", "contact": "",
            "url": "", "body": "", "image_alt": "", "repeat": "", "repeat_until": "", "latitude": "",
            "longitude": "", "action": "publish"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("kind, form", [("shop", _shop_form), ("event", _event_form)])
def test_editors_set_coordinates_on_the_form(app, client, login, editor, rows, kind, form):
    from community.events.models import Event
    from community.shops.models import Shop

    login(editor)
    page = client.get(f"/{kind}s/new?group={editor.group.slug}").get_data(as_text=True)
    assert 'name="latitude"' in page and 'name="longitude"' in page
    assert 'data-map="picker"' in page and "住所から位置を設定" in page and "おおよその位置" in page
    response = client.post(f"/{kind}s/new?group={editor.group.slug}",
                           data=form(app, latitude="35.5951", longitude="139.3449"))
    assert response.status_code == 302
    model = Shop if kind == "shop" else Event
    (item,) = rows(model)
    assert (item.latitude, item.longitude) == (35.5951, 139.3449)
    edit = client.get(f"/{kind}s/{item.id}/edit").get_data(as_text=True)
    assert 'value="35.5951"' in edit and 'value="139.3449"' in edit
    client.post(f"/{kind}s/{item.id}/edit", data=form(app, latitude="", longitude=""))
    (item,) = rows(model)
    assert (item.latitude, item.longitude) == (None, None)  # both emptied: no place


@pytest.mark.parametrize("kind, form", [("shop", _shop_form), ("event", _event_form)])
@pytest.mark.parametrize("latitude, longitude, message", [
    ("35.5", "", "経度も入力してください"),
    ("", "139.4", "緯度も入力してください"),
    ("91", "139.4", "緯度は-90〜90の数で入力してください。"),
    ("35.5", "-181", "経度は-180〜180の数で入力してください。"),
    ("北緯35度", "139.4", "緯度は-90〜90の数で入力してください。"),
])
def test_coordinates_are_numbers_in_range_both_or_neither(app, client, login, editor, rows, kind, form, latitude,
                                                         longitude, message):
    from community.events.models import Event
    from community.shops.models import Shop

    login(editor)
    response = client.post(f"/{kind}s/new?group={editor.group.slug}",
                           data=form(app, latitude=latitude, longitude=longitude))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert f'value="{latitude}"' in page or not latitude  # what was typed is kept
    assert rows(Shop if kind == "shop" else Event) == []


# -- the gazetteer ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("address, area, name, point", [
    ("相模原市緑区橋本6-2-1", "midori", "橋本", (35.5951, 139.3449)),
    ("相模原市中央区中央2-11-15", "chuo", "中央", (35.5714, 139.3733)),  # the district, not found inside 中央区
    ("相模原市南区相模大野3-1", "minami", "相模大野", (35.5322, 139.438)),
    ("相模原市中央区淵野辺1-1", "chuo", "淵野辺", (35.5689, 139.395)),
    ("相模原市南区どこか1-2", "hashimoto", "南区", (35.5326, 139.4378)),  # the ward the address names
    ("", "torin", "東林", (35.5238, 139.4458)),                         # nothing named: the chosen area
])
def test_place_from_the_address_uses_the_local_gazetteer(app, client, address, area, name, point):
    data = client.get("/map/place", query_string={"address": address, "area": _area_id(app, area)}).get_json()
    assert data["found"] is True and data["name"] == name
    assert (data["latitude"], data["longitude"]) == point
    assert "おおよその位置" in data["message"]


def test_place_for_a_new_area_falls_back_to_the_area_above_and_else_says_so(app, client):
    from community.areas.services import add_area, area_by_slug
    from community.extensions import db

    with app.app_context():
        new = add_area(area_by_slug("tana"), "tana-new", "新しい地区", "district")
        db.session.commit()
        new_id = new.id
    data = client.get(f"/map/place?address=どこか&area={new_id}").get_json()
    assert data["name"] == "田名"
    missing = client.get("/map/place?address=東京都千代田区&area=abc").get_json()
    assert missing["found"] is False and "見つけられませんでした" in missing["message"]
