"""The layout in a real browser: the small-screen header and its menu button, the desktop navigation, no sideways
scrolling on a phone, the breadcrumbs, and screenshots of the main pages at phone and desktop widths (written to
$SCREENSHOT_DIR, default artifacts/screenshots/ in the repository, for people to look at)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DEFAULT_TIMEOUT_MS
from tests.browser.site_data import OPEN_SLUG, SEARCH_WORD, build_site

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
MAX_PHONE_HEADER = 64
REPOSITORY = Path(__file__).resolve().parents[2]
SCREENSHOTS = {"home": "/", "events": "/events", "event": "/events/{event}", "shop": "/shops/{shop}",
               "community": f"/communities/{OPEN_SLUG}", "search": f"/search?q={SEARCH_WORD}"}


@pytest.fixture(scope="module")
def site(module_app, password_hash):
    return build_site(module_app, password_hash)


@pytest.fixture
def open_page(browser, module_live_server):
    """open_page(viewport, javascript=True) -> a page of a fresh profile at that size."""
    contexts = []

    def make(viewport: dict, javascript: bool = True) -> Page:
        context = browser.new_context(base_url=module_live_server.url, locale="ja-JP", viewport=viewport,
                                      java_script_enabled=javascript)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def header_height(page: Page) -> float:
    box = page.locator("header.site-header").bounding_box()
    assert box is not None
    return box["height"]


def sideways_overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0: nothing to scroll sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("path", ["/", "/events", "/shops", "/events/{event}", f"/search?q={SEARCH_WORD}"])
def test_phone_header_is_short_and_nothing_scrolls_sideways(open_page, site, path):
    page = open_page(PHONE)
    page.goto(path.format(**site.ids))
    button = page.get_by_role("button", name="メニュー")
    expect(button).to_be_visible()
    expect(page.locator("#site-menu")).to_be_hidden()
    assert header_height(page) <= MAX_PHONE_HEADER
    assert sideways_overflow(page) <= 0
    button.click()  # the open menu does not widen the page either
    expect(page.get_by_role("navigation", name="メインメニュー")).to_be_visible()
    assert sideways_overflow(page) <= 0


def test_menu_button_opens_and_closes_by_keyboard_alone(open_page, site):
    page = open_page(PHONE)
    page.goto("/events")
    button = page.get_by_role("button", name="メニュー")
    menu = page.locator("#site-menu")
    for _ in range(5):  # the skip link, the site name, then the button
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('menu-button')"):
            break
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "site-menu")

    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    # The menu holds search, the text size and language controls and the main navigation.
    expect(menu.get_by_role("searchbox")).to_be_visible()
    expect(menu.get_by_role("button", name="特大")).to_be_visible()
    expect(menu.get_by_role("link", name="English")).to_be_visible()
    expect(menu.get_by_role("link", name="お店・施設")).to_be_visible()
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    expect(button).to_be_focused()

    page.keyboard.press("Space")
    expect(menu).to_be_visible()
    page.keyboard.press("Tab")  # into the menu: its first control is the search box
    expect(menu.get_by_role("searchbox")).to_be_focused()
    page.keyboard.press("Escape")  # Escape from inside the menu closes it and focus goes back to the button
    expect(menu).to_be_hidden()
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # and the button closes it again
    expect(menu).to_be_hidden()


def test_desktop_shows_the_navigation_without_a_button(open_page):
    page = open_page(DESKTOP)
    page.goto("/events")
    expect(page.get_by_role("button", name="メニュー")).to_be_hidden()
    nav = page.get_by_role("navigation", name="メインメニュー")
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="コミュニティ")).to_be_in_viewport()
    expect(page.get_by_role("search", name="サイト内検索")).to_be_visible()
    assert sideways_overflow(page) <= 0


def test_without_javascript_the_menu_is_a_plain_list_under_the_header(open_page):
    page = open_page(PHONE, javascript=False)
    page.goto("/events")
    expect(page.locator(".menu-button")).to_be_hidden()
    nav = page.get_by_role("navigation", name="メインメニュー")
    expect(nav.get_by_role("link", name="お知らせ")).to_be_visible()
    expect(page.get_by_role("button", name="特大")).to_be_visible()
    assert sideways_overflow(page) <= 0


def test_breadcrumbs_lead_back_up_from_an_event(open_page, site):
    page = open_page(PHONE)
    page.goto(f"/events/{site.ids['event']}")
    trail = page.get_by_role("navigation", name="パンくずリスト")
    expect(trail.locator("li")).to_have_text(["ホーム", "イベント", "親子で遊ぼう 子育てひろば"])
    expect(trail.locator("li").last).to_have_attribute("aria-current", "page")
    trail.get_by_role("link", name="イベント").click()
    expect(page).to_have_url(f"{page.url.split('/events')[0]}/events")


@pytest.mark.parametrize("width", [PHONE, DESKTOP], ids=["375", "1280"])
def test_screenshots_of_the_main_pages(open_page, site, width):
    folder = Path(os.environ.get("SCREENSHOT_DIR") or REPOSITORY / "artifacts" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    page = open_page(width)
    for name, path in SCREENSHOTS.items():
        response = page.goto(path.format(**site.ids))
        assert response is not None and response.status == 200, path
        page.evaluate("() => document.fonts.ready")
        target = folder / f"{name}-{width['width']}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000, target


def test_an_event_prints_without_the_site_chrome_and_with_its_address(open_page, site):
    page = open_page({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.goto(f"/events/{site.ids['event']}")
    page.emulate_media(media="print")
    for chrome in ("header.site-header", "footer.site-footer", ".breadcrumbs", ".skip-link", ".me-actions"):
        expect(page.locator(chrome).first).to_be_hidden()
    expect(page.locator(".page-url")).to_be_visible()
    expect(page.locator(".page-url")).to_contain_text(f"/events/{site.ids['event']}")
    expect(page.locator(".facts .fact-key").first).to_be_visible()
    body_size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.prose')).fontSize)")
    when_size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.fact-key')).fontSize)")
    assert when_size > body_size  # the date and the place stand out
    assert sideways_overflow(page) <= 0
    folder = Path(os.environ.get("SCREENSHOT_DIR") or REPOSITORY / "artifacts" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "event-print.png"), full_page=True)
