"""Keyboard alone: the skip link, and every main flow — register, search, post an event with an image, join a
community, answer a meetup, report an item — done with Tab, the arrow keys, Space and Enter only, the focus
visible at every stop.

`Keys` moves the focus the way a keyboard user does (Tab until the control is reached, never a click or a
programmatic focus) and checks at each stop that the focused element shows the focus ring.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from community.timeutil import today_local
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

MAX_TABS = 300

# The focused element (or, for a card's title link, the card around it) draws an outline or a ring.
FOCUS_SHOWN = """el => {
  const drawn = s => (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  if (!el.matches(':focus-visible')) return false;
  if (drawn(getComputedStyle(el))) return true;
  const card = el.closest('.card');
  return !!card && drawn(getComputedStyle(card));
}"""


class Keys:
    """A keyboard user on `page`: Tab to a control, type, press keys; the focus is checked visible at each stop."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def reach(self, target: Locator, limit: int = MAX_TABS) -> Keys:
        """Press Tab until `target` has the focus (and shows it)."""
        target.wait_for(state="attached")
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            if target.evaluate("el => el === document.activeElement"):
                assert target.evaluate(FOCUS_SHOWN), f"the focus on {target} is not visible"
                return self
        raise AssertionError(f"{limit} presses of Tab never reached {target}")

    def type(self, target: Locator, text: str) -> Keys:
        self.reach(target)
        self.page.keyboard.type(text)
        return self

    def press(self, target: Locator, key: str = "Enter") -> Keys:
        self.reach(target)
        self.page.keyboard.press(key)
        return self

    def choose(self, first_radio: Locator, wanted: Locator, limit: int = 12) -> Keys:
        """Tab into a radio group (the focus lands on its first radio) and move with the arrow key to `wanted`."""
        self.reach(first_radio)
        self.page.keyboard.press("Space")
        for _ in range(limit):
            if wanted.is_checked():
                return self
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"the arrow keys never checked {wanted}")


def _main(page: Page) -> Locator:
    return page.get_by_role("main")


def _status(page: Page) -> Locator:
    return page.get_by_role("status")


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


def test_register_by_keyboard(page: Page, app):
    keys = Keys(page)
    page.goto("/")
    keys.press(page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="新規登録"))
    expect(page.get_by_role("heading", level=1)).to_have_text("新規登録")

    keys.type(page.get_by_label("メールアドレス"), "keyboard@example.jp")
    keys.type(page.get_by_label("表示名"), "キー 操作子")
    keys.type(page.get_by_label("パスワード", exact=True), PASSWORD)
    keys.type(page.get_by_label("パスワード（確認）"), PASSWORD)
    keys.press(page.get_by_label("利用規約と個人情報の取扱いに同意します"), "Space")
    keys.press(page.get_by_role("button", name="登録する"))

    expect(_status(page)).to_contain_text("登録しました。ようこそ、キー 操作子 さん。")
    with app.app_context():
        from community.accounts.services import find_user_by_email

        assert find_user_by_email("keyboard@example.jp") is not None


def test_search_and_open_a_result_by_keyboard(page: Page, make_group, make_item):
    group = make_group()
    make_item("event", group, title="親子で子育てひろば")
    keys = Keys(page)
    page.goto("/")
    keys.type(page.get_by_role("search", name="サイト内検索").get_by_role("searchbox"), "子育て")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q="))

    keys.press(_main(page).get_by_role("link", name="親子で子育てひろば"))
    expect(page.get_by_role("heading", level=1)).to_have_text("親子で子育てひろば")


def test_post_an_event_with_an_image_by_keyboard(page: Page, sign_in, editor, app, tmp_path):
    from PIL import Image

    photo = tmp_path / "danboru.jpg"
    Image.new("RGB", (640, 480), (200, 160, 120)).save(photo, "JPEG")
    app.config["NEW_MEMBER_REVIEW_POSTS"] = 0
    sign_in(editor)
    keys = Keys(page)
    day = today_local() + timedelta(days=10)
    page.goto(f"/events/new?group={editor.group.slug}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("イベント")

    keys.type(page.get_by_label("イベント名"), "キーボードで作った工作教室")
    # Chromium lays out date and time fields in its own (US) order whatever the page's language.
    keys.type(page.get_by_label("開始日"), f"{day.month:02d}{day.day:02d}{day.year}")
    expect(page.get_by_label("開始日")).to_have_value(day.isoformat())
    keys.type(page.get_by_label("開始時刻"), "1000A")
    expect(page.get_by_label("開始時刻")).to_have_value("10:00")
    keys.type(page.get_by_label("会場"), "橋本公民館")
    keys.type(page.get_by_label("本文"), "段ボールで工作をします。")
    keys.reach(page.get_by_label("画像", exact=True))
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(photo))
    keys.type(page.get_by_label("画像の説明（代替テキスト）"), "段ボールの家の写真")
    keys.press(page.get_by_role("button", name=re.compile("^(公開する|保存する)")))

    expect(page.get_by_role("heading", level=1)).to_have_text("キーボードで作った工作教室")
    expect(_main(page).get_by_role("img", name="段ボールの家の写真")).to_be_visible()
    expect(_main(page)).to_contain_text(f"{day.month}月{day.day}日")


def test_join_a_community_and_answer_a_meetup_by_keyboard(page: Page, sign_in, make_user, make_community, app):
    from community.communities import meetups
    from community.communities.models import Community
    from community.extensions import db
    from community.timeutil import now_utc

    app.config["NEW_MEMBER_REVIEW_POSTS"] = 0
    host, me = make_user(name="主催 太郎"), make_user(name="キー 花子")
    club = make_community(admin=host, name="相模川ウォーキングの会", slug="sagamigawa-walk")
    with app.test_request_context():
        starts = (now_utc() + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
        meetup = meetups.create_meetup(db.session.get(Community, club.id), {
            "title": "春の河原ウォーク", "starts_at": starts, "ends_at": starts + timedelta(hours=2),
            "venue_name": "高田橋", "address": "", "body": "", "capacity": 10, "area_id": club.area_id}, host)
        db.session.commit()
        meetup_path = meetups.meetup_link(meetup)
    sign_in(me)
    keys = Keys(page)

    page.goto(f"/communities/{club.slug}")
    keys.press(_main(page).get_by_role("button", name="参加する", exact=True))
    expect(_main(page)).to_contain_text("あなたはこのコミュニティの参加者です。")

    page.goto(meetup_path)
    going = _main(page).get_by_role("button", name="参加する", exact=True)
    expect(going).to_have_attribute("aria-pressed", "false")
    keys.press(going)
    expect(_main(page).get_by_role("button", name="参加する", exact=True)).to_have_attribute("aria-pressed", "true")


def test_report_an_item_by_keyboard(page: Page, sign_in, member, make_group, make_item, app):
    event = make_item("event", make_group(), title="通報される催し")
    sign_in(member)
    keys = Keys(page)
    page.goto(f"/events/{event.id}")
    keys.press(_main(page).get_by_role("link", name="この情報を通報する"))
    expect(page.get_by_role("heading", level=1)).to_have_text("情報を通報する")

    radios = _main(page).get_by_role("radio")
    keys.choose(radios.first, page.get_by_label("誤った情報"))
    keys.type(page.get_by_label("詳しい内容（任意）"), "日付が違います。")
    keys.press(page.get_by_role("button", name="通報する"))

    expect(_status(page)).to_contain_text("通報")
    with app.app_context():
        from sqlalchemy import select

        from community.extensions import db
        from community.moderation.models import Report

        report = db.session.scalars(select(Report)).one()
        assert (report.item_kind, report.item_id, report.reason, report.note) == (
            "event", event.id, "wrong", "日付が違います。")
