"""Read-aloud (「読み上げ」), the やさしい日本語 version and its writing hints in a real browser.

Headless Chromium may have no voices, so window.speechSynthesis is replaced by a stub (an init script, before the
page's own scripts run) that records what it is asked to say; `voices` sets the languages it claims to have, and
window.__voices(...) later changes them and fires voiceschanged, as a browser does when its voices load late.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.board.conftest import make_thread  # noqa: F401 - shared fixture
from tests.signage.conftest import make_urgent  # noqa: F401 - shared fixture

pytestmark = pytest.mark.browser

STUB = """
(() => {
  const listeners = [];
  let voices = %s;
  window.__spoken = [];
  window.__calls = [];
  window.__voices = (langs) => { voices = langs; listeners.forEach((fn) => fn(new Event('voiceschanged'))); };
  window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ''; };
  const synth = {
    speaking: false, paused: false,
    getVoices: () => voices.map((lang) => ({ lang: lang, name: 'stub ' + lang })),
    speak(u) { window.__spoken.push({ text: u.text, lang: u.lang }); this.speaking = true; this.paused = false; },
    pause() { window.__calls.push('pause'); this.paused = true; },
    resume() { window.__calls.push('resume'); this.paused = false; },
    cancel() { window.__calls.push('cancel'); this.speaking = false; this.paused = false; },
    addEventListener(type, fn) { if (type === 'voiceschanged') listeners.push(fn); },
  };
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
})();
"""


def _open(page: Page, url: str, voices: list[str]) -> None:
    page.add_init_script(STUB % json.dumps(voices))
    page.goto(url)


def _tab_to(page: Page, name: str, limit: int = 80) -> None:
    """Moves the focus with Tab alone until the button called `name` has it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"{name} cannot be reached with Tab")


@pytest.fixture
def notice(editor, make_item):
    return make_item("notice", editor.group, title="資源回収日の変更", body="今月は第3土曜です。",
                     easy_title="ごみを 出す 日が かわります", easy_body="6月から 水曜日に 出して ください。")


def test_the_buttons_read_the_title_and_body_in_the_page_language(page, live_server, notice):
    _open(page, live_server(f"/notices/{notice.id}"), ["ja-JP", "en-US"])
    controls = page.locator("[data-read-aloud]")
    expect(controls).to_be_visible()
    _tab_to(page, "読み上げ")
    page.keyboard.press("Enter")
    spoken = page.evaluate("window.__spoken")
    assert spoken == [{"text": "資源回収日の変更\n今月は第3土曜です。", "lang": "ja"}]
    _tab_to(page, "一時停止")
    page.keyboard.press("Enter")
    _tab_to(page, "停止")
    page.keyboard.press("Space")
    calls = page.evaluate("window.__calls")
    assert "pause" in calls and calls[-1] == "cancel"


def test_the_easy_version_is_read_when_it_is_shown(page, live_server, notice):
    _open(page, live_server(f"/notices/{notice.id}"), ["ja-JP"])
    page.get_by_role("link", name="やさしい日本語で読む").click()
    expect(page.locator("article[lang=ja] h1")).to_have_text("ごみを 出す 日が かわります")
    page.get_by_role("button", name="読み上げ").click()
    assert page.evaluate("window.__spoken") == [
        {"text": "ごみを 出す 日が かわります\n6月から 水曜日に 出して ください。", "lang": "ja"}]
    page.get_by_role("link", name="ふつうの日本語で読む").click()
    expect(page.locator("h1")).to_have_text("資源回収日の変更")


def test_the_buttons_stay_hidden_without_a_voice_for_the_language(page, live_server, notice):
    _open(page, live_server(f"/notices/{notice.id}"), ["en-US", "fr-FR"])
    page.wait_for_load_state("load")
    expect(page.locator("[data-read-aloud]")).to_be_hidden()
    expect(page.get_by_role("button", name="読み上げ")).to_have_count(0)  # hidden: not in the accessibility tree


def test_voices_that_arrive_late_show_the_buttons(page, live_server, notice):
    _open(page, live_server(f"/notices/{notice.id}"), [])
    page.wait_for_load_state("load")
    expect(page.locator("[data-read-aloud]")).to_be_hidden()
    page.evaluate("window.__voices(['ja-JP'])")
    expect(page.locator("[data-read-aloud]")).to_be_visible()


def test_without_javascript_there_are_no_buttons(browser, live_server, notice):
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"/notices/{notice.id}")
        expect(page.locator("h1")).to_have_text("資源回収日の変更")
        expect(page.locator("[data-read-aloud]")).to_be_hidden()
    finally:
        context.close()


def test_every_kind_of_content_page_has_the_buttons(page, live_server, editor, make_item, make_community,
                                                    make_topic, make_thread, member):  # noqa: F811
    from community.timeutil import now_utc

    event = make_item("event", editor.group, title="橋本七夕まつり", body="駅前で開きます。",
                      starts_at=now_utc() + timedelta(days=2))
    shop = make_item("shop", editor.group, name="橋本の本屋", body="駅から歩いて3分です。")
    club = make_community(admin=member, name="写真のサークル")
    topic = make_topic(club, member, title="撮影会の相談", body="次の撮影会はいつにしましょう。")
    thread = make_thread(member, title="自転車をゆずります", body="子ども用の自転車です。")
    page.add_init_script(STUB % json.dumps(["ja-JP"]))
    for url, expected in (
        (f"/events/{event.id}", "橋本七夕まつり\n駅前で開きます。"),
        (f"/shops/{shop.id}", "橋本の本屋\n駅から歩いて3分です。"),
        (f"/communities/{club.slug}/topics/{topic.id}", "撮影会の相談\n次の撮影会はいつにしましょう。"),
        (f"/board/{thread.id}", "自転車をゆずります\n子ども用の自転車です。"),
    ):
        page.goto(live_server(url))
        page.get_by_role("button", name="読み上げ").click()
        assert page.evaluate("window.__spoken") == [{"text": expected, "lang": "ja"}], url


def test_the_english_interface_reads_in_english(page, live_server, notice):
    _open(page, live_server(f"/notices/{notice.id}?lang=en"), ["en-GB"])
    page.get_by_role("button", name="Read aloud").click()
    assert page.evaluate("window.__spoken")[0]["lang"] == "en"


def test_signage_alternates_the_two_versions_of_an_urgent_notice(page, live_server, make_urgent):  # noqa: F811
    from community.extensions import db
    from community.signage.models import UrgentNotice

    notice = make_urgent("大雨による避難指示")
    with live_server.app.app_context():
        stored = db.session.get(UrgentNotice, notice.id)
        stored.easy_title, stored.easy_body = "大雨（おおあめ）です", "川（かわ）に 行かないで ください。"
        db.session.commit()
    page.goto(live_server("/signage?seconds=3"))
    article = page.locator(".urgent-notice")
    plain, easy = article.locator("[data-version=plain]"), article.locator("[data-version=easy]")
    expect(article).to_have_attribute("data-shown-version", "plain")
    expect(plain).to_be_visible()
    expect(easy).to_be_hidden()
    expect(article).to_have_attribute("data-shown-version", "easy", timeout=8000)
    expect(easy).to_be_visible()
    expect(easy).to_contain_text("川（かわ）に 行かないで ください。")
    expect(plain).to_be_hidden()
    expect(article).to_have_attribute("data-shown-version", "plain", timeout=8000)


def test_the_hints_follow_the_editor_while_typing(page, sign_in, editor):
    sign_in(editor)
    page.goto(f"/notices/new?group={editor.group.slug}")
    hints = page.locator("#easy-hints")
    expect(hints).to_have_attribute("data-live", "true")
    page.get_by_label("やさしい日本語のタイトル").fill("ボランティアを 募集します")
    expect(hints.locator("li[data-hint-kind=loan_word]")).to_contain_text("ボランティア")
    expect(hints.locator("li[data-hint-kind=kanji]")).to_contain_text("募集（ぼしゅう）")
    page.get_by_label("やさしい日本語のタイトル").fill("あした 会いましょう")
    expect(hints.locator(".easy-hints-list")).to_have_text("ヒントはありません。")
    expect(hints.locator("li")).to_have_count(0)
