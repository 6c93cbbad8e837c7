"""Furigana in a real browser: the switch works without JavaScript, readings stand above their kanji, and
Chromium's accessibility tree reads a word with furigana once, as written (the reading is aria-hidden)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def no_script_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_switch_works_without_javascript_and_is_remembered(no_script_page):
    page = no_script_page
    page.goto("/areas")
    expect(page.locator("main ruby")).to_have_count(0)
    switch = page.get_by_role("button", name="ふりがな")
    expect(switch).to_have_attribute("aria-pressed", "false")
    switch.click()
    expect(page).to_have_url(page.url.split("?")[0])
    expect(page.locator("main ruby").first).to_be_visible()
    expect(page.get_by_role("button", name="ふりがな")).to_have_attribute("aria-pressed", "true")
    page.goto("/events")
    expect(page.locator("main ruby").first).to_be_visible()  # remembered on the next page
    page.get_by_role("button", name="ふりがな").click()
    expect(page.locator("ruby")).to_have_count(0)


def test_reading_stands_above_its_kanji(page):
    page.goto("/areas?ruby=1")
    link = page.locator("main a[href='/areas/kamimizo']")
    base = link.locator("ruby").bounding_box()
    reading = link.locator("rt").bounding_box()
    assert base and reading
    assert reading["y"] + reading["height"] <= base["y"] + base["height"] / 2  # above, not beside
    assert reading["height"] < base["height"]
    expect(link.locator("rt")).to_have_text("かみみぞ")


def test_screen_readers_read_the_word_once(page):
    page.goto("/areas?ruby=1")
    link = page.locator("main a[href='/areas/kamimizo']")
    expect(link.locator("rt")).to_have_count(1)
    assert link.aria_snapshot().splitlines()[0] == '- link "上溝":'
    # Names built from text with furigana (headings, buttons) are read as written too; Chromium puts a word
    # break where a ruby starts or ends ("地域 から探 す"), nothing more.
    heading = page.locator("main h1").aria_snapshot()
    assert heading.startswith('- heading "') and heading.split('"')[1].replace(" ", "") == "地域から探す"
    expect(page.get_by_role("button", name="特大", exact=True)).to_be_visible()
    tree = page.locator("main").aria_snapshot()
    assert "かみみぞ" not in tree and "ちいき" not in tree
    assert '"上溝"' in tree
    # The control: the same ruby without aria-hidden is read twice, base and reading.
    link.locator("rt").evaluate("rt => rt.removeAttribute('aria-hidden')")
    assert "かみみぞ" in link.aria_snapshot()
