"""Issue 7 in a real browser: a signage screen rotates, polls, shows urgent notices on top and survives
losing the server.

static/js/signage.js keeps its state on the page (see its header): #signage-slides[data-current-slide],
body[data-poll-count], body[data-state], #signage-urgent[data-urgent-count]. The screen here turns a
slide every 3 seconds and polls /signage.json every 5, the shortest the URL allows.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from community.timeutil import now_utc, today_local

pytestmark = pytest.mark.browser

SCREEN = "/signage?seconds=3&poll=5"
ROTATION_WAIT_MS = 3 * 1000 * 2 + 2000  # two turns at most, and some slack for a busy machine
POLL_WAIT_MS = 5 * 1000 * 2 + 3000      # the poll under way may predate the change: the next one brings it
URGENT = "大雨による避難指示（市内全域）"
OFFLINE_TEXT = "サーバーに接続できません。前回の情報を表示しています。"


@pytest.fixture
def content(make_user, make_group, make_item):
    """Two events in the next days and a notice: three slides."""
    group = make_group(owner=make_user("member"), name="橋本まちづくり協議会")
    soon = now_utc() + timedelta(days=1)
    make_item("event", group, title="橋本七夕まつり", starts_at=soon)
    make_item("event", group, title="親子で遊ぼう 子育てひろば", starts_at=soon + timedelta(days=2))
    make_item("notice", group, title="ごみ収集日の変更")
    return group


def _shown(screen: Page) -> tuple[int, list[int]]:
    """(the current slide's index, the indexes of the slides not hidden), read at one moment."""
    state = screen.evaluate("""() => {
        const slides = [...document.querySelectorAll('#signage-slides .slide')];
        return [parseInt(document.getElementById('signage-slides').dataset.currentSlide, 10),
                slides.map((slide, i) => slide.hidden ? -1 : i).filter(i => i >= 0)];
    }""")
    return state[0], state[1]


def _polls(screen: Page) -> int:
    return int(screen.locator("body").get_attribute("data-poll-count") or "0")


def _after_next_poll(screen: Page, since: int) -> None:
    """Waits for a poll to finish after `since` polls, and checks it came on time (the one under way when
    the change was made may have read the old state, so at most the one after it)."""
    expect(screen.locator("body")).not_to_have_attribute("data-poll-count", str(since), timeout=POLL_WAIT_MS)
    assert _polls(screen) <= since + 2


def test_screen_rotates_polls_shows_urgent_notices_and_survives_going_offline(
        app, content, admin, make_item, new_context):
    screen = new_context().new_page()
    screen.goto(SCREEN)
    slides = screen.locator("#signage-slides")
    expect(slides).to_have_attribute("data-slide-count", "3")
    expect(slides).to_have_attribute("data-current-slide", "0")
    assert _shown(screen) == (0, [0])  # the script shows one slide at a time
    expect(screen.locator("#signage-urgent")).to_be_hidden()
    screen.evaluate("() => { window.sameDocument = true; }")  # gone if the page reloads

    # The slides turn by themselves, without a reload.
    expect(slides).to_have_attribute("data-current-slide", "1", timeout=ROTATION_WAIT_MS)
    current, shown = _shown(screen)
    assert shown == [current] and current in (1, 2), (current, shown)
    screen.evaluate("() => window.signage.next()")
    current, shown = _shown(screen)
    assert shown == [current] and current != 1, (current, shown)

    # An admin raises a whole-city urgent notice through the form, and a new notice is published.
    staff = new_context(admin).new_page()
    staff.goto("/admin/urgent")
    staff.get_by_label("見出し", exact=True).fill(URGENT)
    staff.get_by_label("本文", exact=True).fill("高台へ避難してください。")
    staff.get_by_label("表示を終える日").fill((today_local() + timedelta(days=1)).isoformat())
    staff.get_by_label("表示を終える時刻").fill("12:00")
    staff.get_by_role("button", name="緊急情報を発信する").click()
    expect(staff.locator(".flashes")).to_contain_text("緊急情報を発信しました。")
    make_item("notice", content, title="臨時の避難所を開設しました")
    polls = _polls(screen)

    # At the next poll the screen shows it on top, and the new slide joins the rotation.
    urgent = screen.locator("#signage-urgent")
    expect(urgent).to_have_attribute("data-urgent-count", "1", timeout=POLL_WAIT_MS)
    _after_next_poll(screen, polls)
    expect(urgent).to_be_visible()
    expect(urgent.locator(".urgent-title")).to_have_text(URGENT)
    expect(urgent).to_contain_text("高台へ避難してください。")
    expect(screen.locator("body")).to_have_attribute("data-urgent", "true")
    urgent_box, slides_box = urgent.bounding_box(), slides.bounding_box()
    assert urgent_box and slides_box and urgent_box["y"] < slides_box["y"], "the urgent notice is not on top"
    expect(slides).to_have_attribute("data-slide-count", "4")
    expect(slides.locator(".slide-title", has_text="臨時の避難所を開設しました")).to_have_count(1)

    # Withdrawn: gone at the next poll.
    staff.goto("/admin/urgent")
    staff.locator("tr", has_text=URGENT).get_by_role("button", name="取り下げる").click()
    expect(staff.locator(".flashes")).to_contain_text("緊急情報を取り下げました。")
    polls = _polls(screen)
    expect(urgent).to_be_hidden(timeout=POLL_WAIT_MS)
    _after_next_poll(screen, polls)
    expect(urgent).to_have_attribute("data-urgent-count", "0")
    expect(screen.locator("body")).to_have_attribute("data-urgent", "false")

    # The server out of reach: the screen says so and keeps showing and turning its slides.
    screen.route("**/signage.json*", lambda route: route.abort())
    polls = _polls(screen)
    expect(screen.locator("body")).to_have_attribute("data-state", "offline", timeout=POLL_WAIT_MS)
    expect(screen.locator("#signage-status")).to_have_text(OFFLINE_TEXT)
    expect(slides).to_have_attribute("data-slide-count", "4")
    current, shown = _shown(screen)
    assert shown == [current]
    expect(slides).not_to_have_attribute("data-current-slide", str(current), timeout=ROTATION_WAIT_MS)
    assert _polls(screen) > polls

    # Back online: the next poll clears the message.
    screen.unroute("**/signage.json*")
    expect(screen.locator("body")).to_have_attribute("data-state", "ok", timeout=POLL_WAIT_MS)
    expect(screen.locator("#signage-status")).to_have_text("")
    assert screen.evaluate("() => window.sameDocument === true"), "the screen reloaded itself"
