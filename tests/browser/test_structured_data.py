"""The head's schema.org data blocks under the site's Content-Security-Policy (script-src 'self'): a JSON-LD block
is data, not a script, so the browser reports no violation and the page's own script still runs."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_an_event_page_with_json_ld_raises_no_csp_violation(page: Page, editor, make_group, make_item):
    event = make_item("event", make_group(owner=editor), title="夏まつり <2031> & 花火")
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.add_init_script("""window.__violations = [];
        document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective));""")
    response = page.goto(f"/events/{event.id}")
    assert response is not None and response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    blocks = page.locator('script[type="application/ld+json"]').all_text_contents()
    assert [json.loads(block)["@type"] for block in blocks] == ["Event", "BreadcrumbList"]
    assert json.loads(blocks[0])["name"] == event.title
    assert page.evaluate("window.__violations") == []
    assert not [m for m in messages if "Content Security Policy" in m or m.startswith("error")], messages
