"""やさしい日本語 versions of notices and urgent notices: the form, the page's switch, signage, search, the API,
and the writing hints (JSON and without JavaScript)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from community.easyjapanese.kanji import FIRST_GRADE, SECOND_GRADE

EASY_TITLE = "ごみを 出す 日が かわります"
EASY_BODY = "6月から、ごみは 水曜日に 出して ください。"


def _article(page: str) -> str:
    """The item's article: the page head's description is the notice's own summary whichever version is read."""
    return page[page.index("<article"):page.index("</article>")]


def _notice_form(area_id, **fields) -> dict:
    return {"title": "資源回収日の変更", "area_id": area_id, "category_id": "", "body": "今月は第3土曜です。",
            "publish_from": "", "publish_until": "", "image_alt": "", "easy_title": "", "easy_body": "",
            "action": "publish", **fields}


def test_the_kanji_lists_are_the_first_two_school_years():
    assert len(FIRST_GRADE) == len(set(FIRST_GRADE)) == 80
    assert len(SECOND_GRADE) == len(set(SECOND_GRADE)) == 160
    assert not set(FIRST_GRADE) & set(SECOND_GRADE)
    assert {"一", "学", "森"} <= set(FIRST_GRADE) and {"曜", "話", "親"} <= set(SECOND_GRADE)


def test_the_form_saves_the_easy_version_and_shows_it_again(client, login, editor, area_id):
    login(editor)
    response = client.post(f"/notices/new?group={editor.group.slug}",
                           data=_notice_form(area_id("hashimoto"), easy_title=EASY_TITLE, easy_body=EASY_BODY))
    assert response.status_code == 302
    notice_url = response.headers["Location"]
    edit = client.get(notice_url + "/edit").get_data(as_text=True)
    assert "やさしい日本語の版（任意）" in edit
    assert f'value="{EASY_TITLE}"' in edit and EASY_BODY in edit
    page = _article(client.get(notice_url + "?yasashii=1").get_data(as_text=True))
    assert EASY_BODY in page and "今月は第3土曜です。" not in page


def test_an_easy_body_without_a_title_is_refused_and_nothing_is_saved(client, login, editor, area_id):
    from community.extensions import db
    from community.notices.models import Notice

    login(editor)
    response = client.post(f"/notices/new?group={editor.group.slug}",
                           data=_notice_form(area_id("hashimoto"), easy_body=EASY_BODY))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "やさしい日本語の本文があるときは、タイトルも入力してください。" in page
    assert EASY_BODY in page  # the editor's input is kept
    with client.application.app_context():
        assert db.session.query(Notice).count() == 0


def test_the_check_button_shows_hints_and_saves_nothing(client, login, editor, area_id):
    from community.extensions import db
    from community.notices.models import Notice

    login(editor)
    response = client.post(f"/notices/new?group={editor.group.slug}", data=_notice_form(
        area_id("hashimoto"), easy_title="避難のお知らせ", easy_body=EASY_BODY, action="check"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'data-hint-kind="kanji"' in page and "「避難」" in page
    with client.application.app_context():
        assert db.session.query(Notice).count() == 0
    good = client.post(f"/notices/new?group={editor.group.slug}", data=_notice_form(
        area_id("hashimoto"), easy_title=EASY_TITLE, easy_body=EASY_BODY, action="check"))
    assert "data-hint-kind" not in good.get_data(as_text=True)
    assert "ヒントはありません。" in good.get_data(as_text=True)


def test_saving_with_hints_says_so_and_still_saves(client, login, editor, area_id):
    login(editor)
    response = client.post(f"/notices/new?group={editor.group.slug}", follow_redirects=True, data=_notice_form(
        area_id("hashimoto"), easy_title="ボランティア募集", easy_body=EASY_BODY))
    page = response.get_data(as_text=True)
    assert "公開しました。" in page
    assert "書き方のヒントが2件あります" in page  # 募集 (kanji) and ボランティア (loan word)


def test_the_notice_page_switches_between_the_two_versions(client, editor, make_item):
    notice = make_item("notice", editor.group, title="資源回収日の変更", body="今月は第3土曜です。",
                       easy_title=EASY_TITLE, easy_body=EASY_BODY)
    plain = _article(client.get(f"/notices/{notice.id}").get_data(as_text=True))
    assert "今月は第3土曜です。" in plain and EASY_BODY not in plain
    assert f'href="/notices/{notice.id}?yasashii=1"' in plain and "やさしい日本語で読む" in plain

    easy = _article(client.get(f"/notices/{notice.id}?yasashii=1").get_data(as_text=True))
    assert EASY_BODY in easy and "今月は第3土曜です。" not in easy
    assert f"<h1>{EASY_TITLE}</h1>" in easy
    assert 'lang="ja" data-version="easy"' in easy
    assert f'href="/notices/{notice.id}"' in easy and "ふつうの日本語で読む" in easy


def test_a_notice_without_an_easy_version_has_no_switch(client, editor, make_item):
    notice = make_item("notice", editor.group, title="ふつうのお知らせ", body="本文です。")
    for url in (f"/notices/{notice.id}", f"/notices/{notice.id}?yasashii=1"):
        page = client.get(url).get_data(as_text=True)
        assert "やさしい日本語で読む" not in page and "本文です。" in page


def test_the_easy_version_is_escaped_and_cleaned(client, editor, make_item):
    notice = make_item("notice", editor.group, easy_title="<b>たいせつ</b>",
                       easy_body="<script>alert(1)</script>**はい**")
    page = client.get(f"/notices/{notice.id}?yasashii=1").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<strong>はい</strong>" in page
    assert "<b>たいせつ</b>" not in page


def test_search_finds_words_only_in_the_easy_version(client, editor, make_item):
    make_item("notice", editor.group, title="資源回収日の変更", body="今月は第3土曜です。",
              easy_title=EASY_TITLE, easy_body="もえるごみは すいようびに だして ください。")
    page = client.get("/search?q=すいようび").get_data(as_text=True)
    assert "資源回収日の変更" in page


def test_the_api_returns_the_easy_version(client, editor, make_item):
    make_item("notice", editor.group, title="あり", easy_title=EASY_TITLE, easy_body=EASY_BODY)
    make_item("notice", editor.group, title="なし")
    items = {item["title"]: item for item in client.get("/api/v1/notices").get_json()["items"]}
    assert items["あり"]["easy_japanese"] == {"title": EASY_TITLE, "body_html": f"<p>{EASY_BODY}</p>"}
    assert items["なし"]["easy_japanese"] is None


# --- urgent notices -----------------------------------------------------------------------------


def _urgent_form(**fields) -> dict:
    from community.timeutil import now_utc, to_local

    until = to_local(now_utc() + timedelta(days=1))
    return {"title": "大雨による避難指示", "body": "川に近づかないでください。", "area_id": "",
            "until_date": until.date().isoformat(), "until_time": "18:00", "easy_title": "", "easy_body": "",
            **fields}


def test_an_urgent_notice_carries_its_easy_version_to_signage(client, login, admin):
    login(admin)
    response = client.post("/admin/urgent", data=_urgent_form(
        easy_title="大雨（おおあめ）です", easy_body="川（かわ）に 行かないで ください。"))
    assert response.status_code == 302
    client.post("/logout")
    urgent = client.get("/signage.json").get_json()["urgent"]
    assert urgent[0]["title"] == "大雨による避難指示"
    assert urgent[0]["easy"] == {"title": "大雨（おおあめ）です", "body": "川（かわ）に 行かないで ください。"}
    screen = client.get("/signage").get_data(as_text=True)
    assert 'data-version="plain"' in screen and 'data-version="easy" lang="ja"' in screen
    assert "川（かわ）に 行かないで ください。" in screen


def test_an_urgent_notice_without_an_easy_version_has_none(client, make_urgent):
    make_urgent("停電のお知らせ")
    assert client.get("/signage.json").get_json()["urgent"][0]["easy"] is None
    assert 'data-version="easy"' not in client.get("/signage").get_data(as_text=True)


def test_the_urgent_form_checks_the_easy_version_without_raising(client, login, admin):
    from community.extensions import db
    from community.signage.models import UrgentNotice

    login(admin)
    response = client.post("/admin/urgent", data=_urgent_form(easy_title="避難してください", action="check"))
    assert response.status_code == 200
    assert 'data-hint-kind="kanji"' in response.get_data(as_text=True)
    with client.application.app_context():
        assert db.session.query(UrgentNotice).count() == 0


# --- the hints endpoint -------------------------------------------------------------------------


def _hints(client, title="", body=""):
    response = client.post("/easy-japanese/hints", data={"title": title, "body": body})
    assert response.status_code == 200
    return response.get_json()["hints"]


@pytest.mark.parametrize(("text", "kind", "about"), [
    ("あしたは 朝から 雨が ふるので、かさを もって 学校に 行って ください。", "long_sentence", None),
    ("避難所に 行きます。", "kanji", "避難所"),
    ("行かないことはない。", "double_negative", "ないことはない"),
    ("行けなくもない。", "double_negative", "なくもない"),
    ("ボランティアを さがして います。", "loan_word", "ボランティア"),
])
def test_each_kind_of_hint(client, login, member, text, kind, about):
    login(member)
    hints = _hints(client, body=text)
    assert [h["kind"] for h in hints] == [kind]
    if about:
        assert hints[0]["text"] == about
    assert hints[0]["message"]


def test_the_kanji_hint_suggests_the_reading_and_furigana_silences_it(client, login, member):
    login(member)
    (hint,) = _hints(client, body="避難します。")
    assert "避難（ひなん）" in hint["message"]
    assert _hints(client, body="避難（ひなん）します。") == []
    assert _hints(client, body="避難(ひなん)します。") == []


def test_a_good_sentence_gets_no_hints(client, login, member):
    login(member)
    assert _hints(client, EASY_TITLE, "あした 学校で 会いましょう。") == []


def test_the_hints_answer_in_english_too(client, login, member):
    login(member)
    client.get("/?lang=en")
    (hint,) = _hints(client, body="ボランティアです。")
    assert "loan word" in hint["message"]


def test_the_hints_endpoint_needs_a_member_and_a_token(client, login, member):
    assert client.post("/easy-japanese/hints", data={"body": "x"}).status_code == 302  # to /login
    login(member)
    assert client.post("/easy-japanese/hints", data={"body": "x"}, csrf=False).status_code == 400
    assert client.post("/easy-japanese/hints", data={"body": "あ" * 20001}).status_code == 400
