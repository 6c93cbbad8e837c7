"""Issue 16 point 6 in a real browser: an event's flyer prints as exactly one A4 page even for a long event, and
a signage slide's QR code is large enough to scan from 2 m on a 1080p screen."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from community.timeutil import now_utc

pytestmark = pytest.mark.browser

A4_POINTS = (595, 842)  # 210 × 297 mm


def _pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """The sizes of a PDF's pages (Chromium writes one /MediaBox per page object)."""
    boxes = re.findall(rb"/Type\s*/Page\b[^s].*?/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf,
                       re.S)
    if not boxes:  # the box may come before the type
        boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    return [(float(x2) - float(x1), float(y2) - float(y1)) for x1, y1, x2, y2 in boxes]


def _page_count(pdf: bytes) -> int:
    return int(re.search(rb"/Type\s*/Pages\b.*?/Count\s+(\d+)", pdf, re.S).group(1))


@pytest.fixture
def long_event(make_user, make_group, make_item):
    group = make_group(owner=make_user("member"), name="橋本まちづくり協議会")
    part = "駅前広場で七夕飾りの展示、地元の団体による演奏や踊り、子ども向けの工作教室を行います。"
    body = "\n\n".join(f"第{i}部: {part}" for i in range(1, 60))
    return make_item("event", group, title="第50回 橋本七夕まつり " + "（雨天決行・荒天中止）" * 12, body=body,
                     venue_name="杜のホールはしもと 多目的室" * 6, address="相模原市緑区橋本3丁目28番1号" * 5,
                     organizer="橋本まちづくり協議会" * 8, contact="042-000-0000（平日9時〜17時）" * 6,
                     fee="無料（材料費300円）" * 8, audience="どなたでも（小学生以下は保護者同伴）" * 6,
                     time_note="雨天時は屋内で行います。" * 10, rrule="FREQ=WEEKLY;COUNT=8",
                     starts_at=now_utc() + timedelta(days=2))


def test_a_long_event_flyer_prints_on_exactly_one_a4_page(page, live_server, long_event):
    page.goto(live_server(f"/events/{long_event.id}"))
    page.get_by_role("link", name="チラシを印刷").click()
    expect(page.locator(".flyer .qr-code")).to_be_visible()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert _page_count(pdf) == 1
    width, height = _pdf_pages(pdf)[0]
    assert (round(width), round(height)) == A4_POINTS

    # Printed, the sheet holds the title, dates, place, QR code and its words; the site's header is gone.
    page.emulate_media(media="print")
    for selector in ("#flyer-title", ".flyer-dates", ".flyer-place", ".flyer-qr .qr-code", ".flyer-url"):
        expect(page.locator(selector)).to_be_visible()
        box = page.locator(selector).bounding_box()
        assert box and box["height"] > 0
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".flyer-help")).to_be_hidden()
    qr = page.locator(".flyer-qr .qr-code").bounding_box()
    assert qr["width"] >= 50 / 25.4 * 96 - 1  # at least 5 cm across on paper
    # Nothing of the sheet's bottom part is cut off: the QR block ends inside the sheet.
    sheet = page.locator(".flyer").bounding_box()
    block = page.locator(".flyer-qr").bounding_box()
    assert block["y"] + block["height"] <= sheet["y"] + sheet["height"] + 1


def test_signage_qr_code_is_a_fifth_of_a_1080p_screen(browser, live_server, make_user, make_group, make_item):
    group = make_group(owner=make_user("member"))
    make_item("event", group, title="公民館まつり", starts_at=now_utc() + timedelta(days=1))
    make_item("notice", group, title="図書館の休館日")
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-US")
    try:
        screen = context.new_page()
        screen.goto(live_server("/signage?seconds=3&poll=5"))
        code = screen.locator(".slide[data-current='true'] .slide-qr-code")
        expect(code).to_be_visible()
        screen.wait_for_function("() => [...document.querySelectorAll('.slide-qr-code')].every(i => i.complete"
                                 " && i.naturalWidth > 0)")
        box = code.bounding_box()
        assert box["height"] >= 0.2 * 1080 and abs(box["width"] - box["height"]) < 2
        expect(screen.locator(".slide[data-current='true'] .slide-qr-label")).to_have_text("詳しくはこちら")
        # The first poll rebuilds the slides from the JSON (signage.js): each keeps its code, as large.
        screen.evaluate("() => document.querySelectorAll('.slide').forEach(s => s.classList.add('from-page'))")
        screen.evaluate("() => window.signage.poll()")
        expect(screen.locator("body")).to_have_attribute("data-poll-count", "1", timeout=15000)
        expect(screen.locator(".slide.from-page")).to_have_count(0)
        sources = screen.eval_on_selector_all(".slide .slide-qr-code", "imgs => imgs.map(i => i.getAttribute('src'))")
        ids = screen.eval_on_selector_all(".slide", "s => s.map(x => x.dataset.slideId)")
        assert sources == [f"/signage/qr/{i.replace('-', '/')}.svg" for i in ids] and len(ids) == 2
        box = screen.locator(".slide[data-current='true'] .slide-qr-code").bounding_box()
        assert box["height"] >= 0.2 * 1080
    finally:
        context.close()
