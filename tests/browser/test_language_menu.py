"""The language menu in a real browser, at phone and desktop widths and without JavaScript: each language is a
link named in itself (lang and hreflang on it), following one shows the page in that language, the choice is
remembered on the next page, and the menu fits the screen (no sideways scrolling)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DEFAULT_TIMEOUT_MS
from tests.browser.test_layout import DESKTOP, PHONE, sideways_overflow

pytestmark = pytest.mark.browser


@pytest.fixture
def open_page(browser, module_live_server):
    contexts = []

    def make(viewport: dict, javascript: bool) -> Page:
        context = browser.new_context(base_url=module_live_server.url, locale="ja-JP", viewport=viewport,
                                      java_script_enabled=javascript)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_language_menu_switches_and_remembers(open_page, viewport, javascript):
    page = open_page(viewport, javascript)
    page.goto("/events")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    if javascript and viewport is PHONE:  # the small-screen menu starts closed behind its button
        page.get_by_role("button", name="メニュー").click()
    menu = page.get_by_role("navigation", name="言語 (Language)")
    chinese = menu.get_by_role("link", name="中文（简体）")
    expect(chinese).to_be_visible()
    expect(chinese).to_have_attribute("hreflang", "zh-Hans")
    expect(chinese).to_have_attribute("lang", "zh-Hans")
    expect(menu.get_by_role("link", name="日本語")).to_have_attribute("aria-current", "true")
    assert sideways_overflow(page) <= 0
    chinese.click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("イベント")
    page.goto("/calendar")  # remembered without ?lang=
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    if javascript and viewport is PHONE:
        page.get_by_role("button", name="菜单").click()
    menu = page.get_by_role("navigation", name="语言 (Language)")
    expect(menu.get_by_role("link", name="中文（简体）")).to_have_attribute("aria-current", "true")
    assert sideways_overflow(page) <= 0
    menu.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(page.url.split("?")[0] + "?lang=en")
