"""Keyboard use: the skip link is the first stop and takes focus past the header to the content."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_first_tab_reaches_the_skip_link_which_moves_focus_to_main(page: Page):
    page.goto("/")
    expect(page.locator("body")).to_be_focused()

    page.keyboard.press("Tab")
    skip_link = page.locator(":focus")
    expect(skip_link).to_have_text("本文へ移動")
    expect(skip_link).to_have_attribute("href", "#main")
    expect(skip_link).to_be_in_viewport()  # hidden off-screen until focused, then shown

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    # The next Tab continues from the content, not from the header.
    page.keyboard.press("Tab")
    in_main = page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    assert in_main, "Tab after the skip link left the main content"
