"""Issue 4 end to end: a closed community from its creation to a meetup, two members in two browsers.

Member A creates a closed community through the form, member B asks to join, A approves, B posts a
topic, A replies, A creates a meetup with a capacity and B answers "going". At each step the test looks
at what each of them (and a visitor) is shown.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from community.timeutil import today_local

pytestmark = pytest.mark.browser

SLUG = "hashimoto-hatake"
NAME = "橋本ひみつの畑"
TOPIC = "夏野菜の育て方"
MEETUP = "収穫のつどい"


def _flash(page: Page):
    return page.locator(".flashes")


def _main(page: Page):
    return page.get_by_role("main")


@pytest.fixture
def people(app, make_user):
    app.config["NEW_MEMBER_REVIEW_POSTS"] = 0  # pre-moderation of first posts is the moderation tests' story
    return make_user("member", name="会員A 畑主"), make_user("member", name="会員B 新入り")


def test_closed_community_from_creation_to_meetup(people, new_context):
    a_user, b_user = people
    a = new_context(a_user).new_page()
    b = new_context(b_user).new_page()
    visitor = new_context().new_page()

    # A creates a closed community through the form and is its admin.
    a.goto("/communities/new")
    a.get_by_label("コミュニティ名").fill(NAME)
    a.get_by_label("URL用の名前").fill(SLUG)
    a.get_by_label("紹介").fill("家庭菜園の仲間の会です。")
    a.get_by_label("地域").select_option(label="橋本")
    a.get_by_label(re.compile("承認制にする")).check()
    a.get_by_role("button", name="保存する").click()
    expect(_flash(a)).to_contain_text("コミュニティを作りました。あなたが管理者です。")
    expect(a).to_have_url(re.compile(f"/communities/{SLUG}$"))
    expect(a.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(_main(a)).to_contain_text("あなたはこのコミュニティの参加者です。")
    expect(_main(a)).to_contain_text("管理者")

    # B, not a member, sees the profile and the request form, not the board.
    b.goto(f"/communities/{SLUG}")
    expect(_main(b)).to_contain_text("このコミュニティの掲示板と集まりは、参加者だけが見られます。")
    expect(_main(b).get_by_role("heading", name="最近のトピック")).to_have_count(0)
    b.get_by_label("管理者へのひとこと（任意）").fill("野菜づくりを始めたいです。")
    b.get_by_role("button", name="参加を申請する").click()
    expect(_flash(b)).to_contain_text("参加を申請しました。管理者が承認すると参加できます。")
    expect(_main(b)).to_contain_text("参加を申請中です。管理者の返事をお待ちください。")
    expect(b.get_by_role("button", name="参加を申請する")).to_have_count(0)
    assert b.goto(f"/communities/{SLUG}/topics").status == 404  # still not a member

    # A is told, and approves B from the members page.
    a.goto("/notifications")
    expect(_main(a)).to_contain_text(f"{b_user.display_name}さんがコミュニティ「{NAME}」への参加を希望しています")
    a.goto(f"/communities/{SLUG}")
    a.get_by_role("link", name="参加者一覧").click()
    requests = a.get_by_role("region", name="参加申請")
    expect(requests).to_contain_text(b_user.display_name)
    expect(requests).to_contain_text("野菜づくりを始めたいです。")
    requests.get_by_role("button", name=re.compile(rf"^承認する\s*: {b_user.display_name}$")).click()
    expect(_flash(a)).to_contain_text("参加を承認しました。")
    expect(a.get_by_role("region", name="参加申請")).to_have_count(0)
    expect(a.get_by_role("table")).to_contain_text(b_user.display_name)
    expect(a.get_by_role("table").get_by_role("caption")).to_have_text("参加者 2人")

    # B is a member now: told so, and the board is open to them. B posts a topic.
    b.goto("/notifications")
    expect(_main(b)).to_contain_text(f"コミュニティ「{NAME}」への参加が承認されました")
    b.goto(f"/communities/{SLUG}")
    expect(_main(b)).to_contain_text("あなたはこのコミュニティの参加者です。")
    b.get_by_role("link", name="トピックを作る").click()
    b.get_by_label("タイトル").fill(TOPIC)
    b.get_by_label("本文").fill("トマトの支柱はいつ立てればいいですか。")
    b.get_by_role("button", name="投稿する").click()
    expect(_flash(b)).to_contain_text("投稿しました。")
    expect(b.get_by_role("heading", level=1)).to_have_text(TOPIC)
    topic_url = b.url

    # The visitor sees neither the topic nor its page.
    visitor.goto(f"/communities/{SLUG}")
    expect(_main(visitor)).not_to_contain_text(TOPIC)
    assert visitor.goto(topic_url).status == 404

    # A finds the topic on the community page and replies.
    a.goto(f"/communities/{SLUG}")
    a.get_by_role("region", name="最近のトピック").get_by_role("link", name=TOPIC).click()
    expect(a.get_by_role("heading", level=1)).to_have_text(TOPIC)
    a.get_by_label("返信", exact=True).fill("5月の連休のころが目安です。")
    a.get_by_role("button", name="返信を投稿する").click()
    expect(_flash(a)).to_contain_text("投稿しました。")
    expect(a.get_by_role("region", name="返信 1件")).to_contain_text("5月の連休のころが目安です。")

    # B is told of the reply and sees it marked as new.
    b.goto("/notifications")
    expect(_main(b)).to_contain_text(f"コミュニティ「{NAME}」のトピック「{TOPIC}」に返信がありました")
    b.goto(topic_url)
    replies = b.get_by_role("region", name="返信 1件")
    expect(replies).to_contain_text("5月の連休のころが目安です。")
    expect(replies).to_contain_text(a_user.display_name)
    expect(replies.locator(".badge-new")).to_have_text("新着")

    # A creates a meetup with two seats.
    day = (today_local() + timedelta(days=10)).isoformat()
    a.goto(f"/communities/{SLUG}")
    a.get_by_role("link", name="集まりを作る").click()
    a.get_by_label("集まりの名前").fill(MEETUP)
    a.get_by_label("日付").fill(day)
    a.get_by_label("開始時刻").fill("10:00")
    a.get_by_label("終了時刻").fill("12:00")
    a.get_by_label("場所", exact=True).fill("橋本ふれあい農園")
    a.get_by_label("定員").fill("2")
    a.get_by_role("button", name="保存する").click()
    expect(_flash(a)).to_contain_text("集まりを作りました。")
    expect(a.get_by_role("heading", level=1)).to_have_text(MEETUP)
    panel = a.get_by_role("region", name="コミュニティの集まり")
    expect(panel).to_contain_text("参加 0人 / 定員 2人")
    meetup_url = a.url

    # B finds it on the community page and answers "going".
    b.goto(f"/communities/{SLUG}")
    b.get_by_role("region", name="これからの集まり").get_by_role("link", name=MEETUP).click()
    expect(b).to_have_url(meetup_url)
    panel = b.get_by_role("region", name="コミュニティの集まり")
    expect(panel).to_contain_text("参加 0人 / 定員 2人")
    rsvp = panel.get_by_role("form", name="出欠を答える")
    expect(rsvp.get_by_role("button", name="参加する", exact=True)).to_have_attribute("aria-pressed", "false")
    rsvp.get_by_role("button", name="参加する", exact=True).click()
    expect(_flash(b)).to_contain_text("出欠を「参加する」にしました。")
    panel = b.get_by_role("region", name="コミュニティの集まり")
    expect(panel).to_contain_text("参加 1人 / 定員 2人")
    expect(panel).to_contain_text("あなたの出欠: 参加する")
    expect(panel.get_by_role("button", name="参加する", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(panel.get_by_role("region", name="参加（1人）")).to_contain_text(b_user.display_name)

    # A sees B among those coming; a visitor does not see the closed community's meetup anywhere.
    a.reload()
    expect(a.get_by_role("region", name="参加（1人）")).to_contain_text(b_user.display_name)
    assert visitor.goto(meetup_url).status == 404
    visitor.goto("/events")
    expect(_main(visitor)).not_to_contain_text(MEETUP)
