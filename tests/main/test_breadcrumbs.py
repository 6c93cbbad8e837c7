"""Breadcrumbs: every page below home shows its trail, and the page's schema.org BreadcrumbList is the same trail."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from tests.browser.site_data import build_site
from tests.browser.test_accessibility import _VISITS

NOT_SITE_PAGES = ("/signage",)  # a full-screen display for a public screen, without the site's header and menus


class _Trail(HTMLParser):
    """The steps of the page's breadcrumb nav: (label, href or None, aria-current); a label is its text as written
    (the readings of furigana, in <rt>, left out)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.navs = 0
        self.steps: list[list] = []
        self._in_nav = self._in_item = self._in_reading = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "nav" and values.get("aria-label") == "パンくずリスト":
            self.navs += 1
            self._in_nav = True
        elif self._in_nav and tag == "li":
            self._in_item = True
            self.steps.append(["", None, values.get("aria-current")])
        elif self._in_item and tag == "a":
            self.steps[-1][1] = values.get("href")
        elif tag == "rt":
            self._in_reading = True

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False
        elif tag == "li":
            self._in_item = False
        elif tag == "rt":
            self._in_reading = False

    def handle_data(self, data):
        if self._in_item and not self._in_reading:
            self.steps[-1][0] += data.strip()


def trail_of(page: str) -> _Trail:
    parser = _Trail()
    parser.feed(page)
    return parser


def json_ld_trail(page: str) -> list[dict] | None:
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S):
        data = json.loads(block)
        if data["@type"] == "BreadcrumbList":
            return data["itemListElement"]
    return None


def test_every_page_below_home_has_one_breadcrumb_trail(app, client, login, password_hash):
    site = build_site(app, password_hash)
    checked = 0
    for visit in _VISITS:
        path = visit.path.format(**site.ids)
        if path.split("?")[0] == "/" or path.startswith(NOT_SITE_PAGES):
            continue
        browser = app.test_client()
        if visit.as_:
            login(site.users[visit.as_], to_client=browser)
        response = browser.get(path)
        assert response.status_code == visit.status, path
        page = response.get_data(as_text=True)
        trail = trail_of(page)
        assert trail.navs == 1, f"{visit.id}: {trail.navs} breadcrumb navs"
        assert len(trail.steps) >= 2 and trail.steps[0][:2] == ["ホーム", "/"], (visit.id, trail.steps)
        *above, last = trail.steps
        assert last[2] == "page" and last[1] is None and last[0], (visit.id, trail.steps)
        assert all(href and current is None for _, href, current in above), (visit.id, trail.steps)
        structured = json_ld_trail(page)
        if structured is not None:  # pages that describe themselves: the same steps, in the same order
            assert [step["name"] for step in structured] == [label for label, _, _ in trail.steps], visit.id
            assert [step["item"] for step in structured[:-1]] == [f"http://localhost{href}" for _, href, _ in above]
        checked += 1
    assert checked > 90


def test_home_has_no_breadcrumbs(client):
    page = client.get("/").get_data(as_text=True)
    assert trail_of(page).navs == 0 and json_ld_trail(page) is None


def test_an_area_trail_climbs_the_area_tree_and_an_event_sits_under_its_listing(client, editor, make_item):
    steps = trail_of(client.get("/areas/hashimoto").get_data(as_text=True)).steps
    assert [label for label, _, _ in steps] == ["ホーム", "地域から探す", "相模原市", "緑区", "橋本"]
    assert steps[2][1] == "/areas/sagamihara"

    event = make_item("event", editor.group, title="春の写真展")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert [label for label, _, _ in trail_of(page).steps] == ["ホーム", "イベント", "春の写真展"]
    assert [step["name"] for step in json_ld_trail(page)] == ["ホーム", "イベント", "春の写真展"]
