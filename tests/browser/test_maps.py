"""Maps in a real browser: Leaflet shipped under static/ draws tiles from MAP_TILE_URL (here the live server's own
test tiles), an item's marker, a listing's clustered markers with popups, and the form map that sets the
coordinates; under the site's CSP, with no request to any other host."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def _watch(page: Page, base_url: str) -> dict:
    """Records CSP violations and every request to another host."""
    seen: dict = {"violations": None, "elsewhere": []}
    page.add_init_script("""window.__violations = [];
        document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective));""")
    page.on("request", lambda request: None if request.url.startswith(base_url)
            else seen["elsewhere"].append(request.url))
    return seen


def test_an_items_map_draws_local_tiles_and_its_marker(page: Page, live_server, local_tiles, editor, make_item):
    shop = make_item("shop", editor.group, name="橋本ベーカリー", address="相模原市緑区橋本6-2-1",
                     latitude=35.5951, longitude=139.3449)
    seen = _watch(page, live_server.url)
    page.goto(f"/shops/{shop.id}")
    expect(page.locator("#item-map .leaflet-tile-loaded").first).to_be_visible()
    expect(page.locator("#item-map img.leaflet-marker-icon")).to_have_attribute("alt", "橋本ベーカリー")
    expect(page.locator("#item-map")).to_have_attribute("data-tiles", "loaded")
    assert local_tiles.requested and all(re.fullmatch(r"/test-tiles/16/\d+/\d+\.png", p) for p in local_tiles.requested)
    tile = page.locator("#item-map img.leaflet-tile").first.get_attribute("src")
    assert tile.startswith(f"{live_server.url}/test-tiles/16/")
    # The plain link and the address stay beside the map.
    expect(page.get_by_role("link", name="OpenStreetMapで大きな地図を見る")).to_have_attribute(
        "href", re.compile(r"^https://www\.openstreetmap\.org/\?mlat=35\.595100&mlon=139\.344900"))
    expect(page.locator(".attribution, .leaflet-control-attribution")).to_contain_text("OpenStreetMap")
    assert page.evaluate("window.__violations") == []
    assert seen["elsewhere"] == []


def test_when_tiles_fail_the_page_says_so_and_keeps_the_address(page: Page, app, live_server, editor, make_item):
    app.config["MAP_TILE_URL"] = f"{live_server.url}/no-such-tiles/{{z}}/{{x}}/{{y}}.png"
    event = make_item("event", editor.group, title="橋本の祭り", address="相模原市緑区橋本6丁目",
                      latitude=35.5951, longitude=139.3449)
    page.goto(f"/events/{event.id}")
    expect(page.locator("#item-map-status")).to_contain_text("地図の画像を読み込めませんでした")
    expect(page.locator("main")).to_contain_text("相模原市緑区橋本6丁目")
    expect(page.get_by_role("link", name="OpenStreetMapで大きな地図を見る")).to_be_visible()


def test_the_listing_map_clusters_markers_that_open_to_their_pages(page: Page, live_server, local_tiles, editor,
                                                                   make_group, make_item):
    for n in range(3):  # three shops 100 m apart: one cluster at the start
        make_item("shop", editor.group, name=f"橋本の店{n}", latitude=35.5951 + n / 1000, longitude=139.3449)
    far = make_item("shop", make_group(area="torin"), name="東林間の店", area="torin", latitude=35.5238,
                    longitude=139.4458)
    make_item("shop", editor.group, name="位置のない店")
    seen = _watch(page, live_server.url)
    page.goto("/shops")
    page.get_by_role("link", name="地図で見る").click()
    expect(page).to_have_url(re.compile(r"/shops/map$"))
    expect(page.locator("#listing-map-status")).to_have_text("地図に4件を表示しています。")
    cluster = page.locator("#listing-map .marker-cluster")
    expect(cluster).to_have_count(1)
    expect(cluster).to_contain_text("3")
    expect(page.locator("#listing-map .leaflet-tile-loaded").first).to_be_visible()
    assert local_tiles.requested
    # The lone marker opens its popup; the title links to the shop's page.
    page.locator('#listing-map img.leaflet-marker-icon[alt="東林間の店"]').click()
    popup_link = page.locator(".leaflet-popup-content a")
    expect(popup_link).to_have_text("東林間の店")
    expect(popup_link).to_have_attribute("href", f"/shops/{far.id}")
    expect(page.locator(".leaflet-popup-close-button")).to_have_attribute("aria-label", "閉じる")
    # The cluster opens from the keyboard: focus it, Enter zooms in until its markers show.
    cluster.focus()
    page.keyboard.press("Enter")
    expect(page.locator('#listing-map img.leaflet-marker-icon[alt^="橋本の店"]')).to_have_count(3)
    expect(cluster).to_have_count(0)
    # Back to the list, with the same selection.
    page.get_by_role("link", name="一覧で見る").click()
    expect(page).to_have_url(re.compile(r"/shops$"))
    assert page.evaluate("window.__violations") == []
    assert seen["elsewhere"] == []


def test_the_map_keeps_the_filters(page: Page, live_server, local_tiles, editor, make_group, make_item):
    make_item("shop", editor.group, name="橋本の店", latitude=35.5951, longitude=139.3449)
    make_item("shop", make_group(area="torin"), name="東林間の店", area="torin", latitude=35.5238,
              longitude=139.4458)
    page.goto("/shops?area=minami")
    page.get_by_role("link", name="地図で見る").click()
    expect(page).to_have_url(re.compile(r"/shops/map\?area=minami$"))
    expect(page.locator("#listing-map-status")).to_have_text("地図に1件を表示しています。")
    expect(page.locator('#listing-map img.leaflet-marker-icon[alt="東林間の店"]')).to_be_visible()


def test_clicking_the_form_map_sets_the_coordinates(page: Page, live_server, local_tiles, sign_in, editor):
    sign_in(editor)
    page.goto(f"/shops/new?group={editor.group.slug}")
    latitude, longitude = page.get_by_label("緯度", exact=True), page.get_by_label("経度", exact=True)
    expect(latitude).to_have_value("")
    expect(page.locator("#location-map .leaflet-tile-loaded").first).to_be_visible()
    page.locator("#location-map").click(position={"x": 120, "y": 80})
    expect(latitude).to_have_value(re.compile(r"^35\.\d{6}$"))
    expect(longitude).to_have_value(re.compile(r"^139\.\d{6}$"))
    expect(page.locator("#location-map img.leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("#location-status")).to_have_text("地図で選んだ位置を入れました。")
    # From the address: the gazetteer's point for 相模大野, said to be approximate.
    page.get_by_label("住所", exact=True).fill("相模原市南区相模大野3-1-1")
    page.get_by_role("button", name="住所から位置を設定").click()
    expect(latitude).to_have_value("35.532200")
    expect(longitude).to_have_value("139.438000")
    expect(page.locator("#location-status")).to_contain_text("「相模大野」のおおよその位置")
    # What the map set is what the form saves.
    page.get_by_label("名称", exact=True).fill("相模大野の店")
    page.get_by_role("button", name="公開する").click()
    expect(page.locator("h1")).to_have_text("相模大野の店")
    expect(page.locator("#item-map")).to_have_attribute("data-lat", "35.5322")
