"""Furigana: the ふりがな switch (a form, a cookie, `?ruby=`), readings over the kanji of interface and user content,
the local dictionary (shipped, the areas' よみがな, admins' entries), and nothing inside attributes, scripts, form
controls or code."""

from __future__ import annotations

import re

import pytest

RUBY = re.compile(r'<ruby>([^<]*)<rt aria-hidden="true">([^<]*)</rt></ruby>')


def spoken(fragment: str) -> str:
    """How a fragment with furigana is read: each ruby by its reading, tags dropped."""
    return re.sub(r"<[^>]+>", "", RUBY.sub(r"\2", fragment))


def written(fragment: str) -> str:
    """The fragment's text as written (the readings dropped)."""
    return re.sub(r"<[^>]+>", "", re.sub(r"<rt[^>]*>[^<]*</rt>", "", fragment))


def link_text(page: str, href: str) -> str:
    match = re.search(rf'<a href="{re.escape(href)}">(.*?)</a>', page, re.S)
    assert match, href
    return match.group(1)


def all_areas(app):
    from sqlalchemy import select

    from community.areas.models import Area
    from community.extensions import db

    with app.app_context():
        return [(a.slug, a.name, a.name_kana) for a in db.session.scalars(select(Area).order_by(Area.id))]


# --- the switch -----------------------------------------------------------------------------------------------------


def test_off_by_default(client):
    page = client.get("/areas").get_data(as_text=True)
    assert "<ruby>" not in page
    assert re.search(r'name="ruby" value="1" class="chip" aria-pressed="false">ふりがな<', page)


def test_switch_is_a_form_that_is_remembered(client):
    response = client.post("/preferences/furigana", data={"ruby": "1", "next": "/areas"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/areas")
    assert "ruby=1" in response.headers["Set-Cookie"]
    page = client.get("/areas").get_data(as_text=True)
    assert ('<ruby>地域<rt aria-hidden="true">ちいき</rt></ruby>から'
            '<ruby>探<rt aria-hidden="true">さが</rt></ruby>す') in page
    assert re.search(r'name="ruby" value="0" class="chip" aria-pressed="true">ふりがな<', page)
    client.post("/preferences/furigana", data={"ruby": "0", "next": "/areas"})
    assert "<ruby>" not in client.get("/areas").get_data(as_text=True)


def test_switch_needs_csrf(client):
    response = client.post("/preferences/furigana", data={"ruby": "1"}, csrf=False)
    assert response.status_code == 400
    assert "<ruby>" not in client.get("/areas").get_data(as_text=True)


def test_ruby_in_the_url_shows_and_is_remembered(client):
    response = client.get("/events?ruby=1")
    assert "<ruby>" in response.get_data(as_text=True)
    assert "ruby=1" in response.headers["Set-Cookie"]
    assert "<ruby>" in client.get("/notices").get_data(as_text=True)
    response = client.get("/notices?ruby=0")
    assert "<ruby>" not in response.get_data(as_text=True)
    assert "<ruby>" not in client.get("/events").get_data(as_text=True)


def test_only_in_the_japanese_interface(client):
    page = client.get("/areas?ruby=1&lang=en").get_data(as_text=True)
    assert "<ruby>" not in page and 'name="ruby"' not in page


def test_not_for_other_responses(client):
    response = client.get("/healthz?ruby=1")
    assert response.mimetype == "application/json" and b"<ruby>" not in response.data


# --- area names -----------------------------------------------------------------------------------------------------


def test_every_area_reads_right_on_the_areas_page(client, app):
    areas = all_areas(app)
    assert len(areas) >= 26
    page = client.get("/areas?ruby=1").get_data(as_text=True)
    for slug, name, kana in areas:
        text = link_text(page, f"/areas/{slug}")
        assert written(text) == name
        assert spoken(text) == kana, name


def test_shipped_names_read_right_without_the_areas_kana(client, app):
    """The shipped dictionary alone reads every area right (Sudachi says うわみず for 上溝, こやま for 小山)."""
    from sqlalchemy import update

    from community.areas.models import Area
    from community.extensions import db

    areas = all_areas(app)
    with app.app_context():
        db.session.execute(update(Area).values(name_kana=""))
        db.session.commit()
    page = client.get("/areas?ruby=1").get_data(as_text=True)
    for slug, name, kana in areas:
        assert spoken(link_text(page, f"/areas/{slug}")) == kana, name


def test_every_area_reads_right_on_the_home_page(client, app):
    for slug, name, kana in all_areas(app):
        client.set_cookie("home_area", slug)
        page = client.get("/?ruby=1").get_data(as_text=True)
        heading = re.search(r'<h2 id="my-area-heading">(.*?)</h2>', page, re.S).group(1)
        assert written(heading).startswith(name + "の"), name
        assert spoken(heading).startswith(kana + "の"), (name, spoken(heading))


# --- where readings go and where they never go ---------------------------------------------------------------------


def test_user_content_gets_readings_but_not_attributes_or_form_controls(client, app, make_item, editor):
    notice = make_item("notice", editor.group, title="淵野辺で清掃活動", body="麻溝の公園に集まります。\n\n`設定値`")
    page = client.get(f"/notices/{notice.id}?ruby=1").get_data(as_text=True)
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
    assert written(h1) == "淵野辺で清掃活動"
    assert spoken(h1).startswith("ふちのべで")
    assert '<ruby>麻溝<rt aria-hidden="true">あさみぞ</rt></ruby>' in page
    assert "<code>設定値</code>" in page  # code is left as written
    assert "<title>淵野辺で清掃活動" in page  # the title element holds text only
    for attribute in re.findall(r'\s[a-z-]+="[^"]*"', page):
        assert "<ruby>" not in attribute and "&lt;ruby" not in attribute
    for block in re.findall(r"<(script|style|textarea|option)\b[^>]*>(.*?)</\1>", page, re.S):
        assert "<ruby>" not in block[1], block


def test_textarea_and_select_keep_their_text(client, login, member):
    login(member)
    page = client.get("/board/new?ruby=1").get_data(as_text=True)
    assert "<ruby>" in page
    for name, inner in re.findall(r"<(textarea|select)\b[^>]*>(.*?)</\1>", page, re.S):
        assert "<ruby>" not in inner, name
    assert re.search(r'placeholder="[^"]*"', page) is None or "<ruby>" not in "".join(
        re.findall(r'placeholder="([^"]*)"', page))


def test_markup_engine_leaves_marked_parts_alone(app):
    from community.furigana.markup import add_furigana
    from community.furigana.readings import LocalDictionary

    html = ('<p title="漢字">漢字</p><script>var s = "漢字";</script><p lang="en">漢字<span lang="ja">漢字</span></p>'
            '<div translate="no">漢字<b lang="ja">漢字</b></div><code>漢字</code><!-- 漢字 --><input value="漢字">'
            '<style>/* 漢字 */</style><textarea>漢字</textarea><ruby>漢字<rt>かんじ</rt></ruby>')
    with app.app_context():
        out = add_furigana(html, LocalDictionary({}))
    ruby = '<ruby>漢字<rt aria-hidden="true">かんじ</rt></ruby>'
    assert out == html.replace("<p title=\"漢字\">漢字", f'<p title="漢字">{ruby}', 1).replace(
        '<span lang="ja">漢字', f'<span lang="ja">{ruby}', 1)


# --- the local dictionary ---------------------------------------------------------------------------------------------


def test_admin_reading_wins_over_sudachi(client, app, login, admin, make_item, editor):
    from community.furigana.readings import LocalDictionary, segments

    with app.app_context():
        assert segments("相模の国", LocalDictionary({}))[0] == ("相模", "さがみ")  # what Sudachi says
    notice = make_item("notice", editor.group, title="相模の国の歴史")
    login(admin)
    response = client.post("/admin/furigana", data={"surface": "相模", "reading": "さがむ"})
    assert response.status_code == 302
    page = client.get(f"/notices/{notice.id}?ruby=1").get_data(as_text=True)
    assert '<ruby>相模<rt aria-hidden="true">さがむ</rt></ruby>の<ruby>国' in page
    # the same word again: a new reading, not a second row
    client.post("/admin/furigana", data={"surface": "相模", "reading": "さがみ"})
    page = client.get(f"/notices/{notice.id}?ruby=1").get_data(as_text=True)
    assert '<ruby>相模<rt aria-hidden="true">さがみ</rt></ruby>の<ruby>国' in page
    admin_page = client.get("/admin/furigana").get_data(as_text=True)
    # the admins' entry, and the shipped one (Japanese words in every interface: marked lang="ja")
    assert admin_page.count('<td translate="no">相模</td>') == 1
    assert admin_page.count('<td translate="no" lang="ja">相模</td>') == 1


def test_admin_entry_overrides_the_shipped_one_and_can_be_removed(client, app, login, admin, audit_entries):
    from sqlalchemy import select

    from community.extensions import db
    from community.furigana.models import LocalReading

    login(admin)
    client.post("/admin/furigana", data={"surface": "橋本", "reading": "はしもっと"})
    page = client.get("/areas?ruby=1").get_data(as_text=True)
    assert spoken(link_text(page, "/areas/hashimoto")) == "はしもっと"
    with app.app_context():
        entry_id = db.session.scalar(select(LocalReading.id))
    assert client.post(f"/admin/furigana/{entry_id}/remove").status_code == 302
    page = client.get("/areas?ruby=1").get_data(as_text=True)
    assert spoken(link_text(page, "/areas/hashimoto")) == "はしもと"
    assert [e[0] for e in audit_entries()][-2:] == ["local_reading_save", "local_reading_remove"]


@pytest.mark.parametrize("surface, reading, field_error", [
    ("", "さがみ", "語を入力してください。"),
    ("さがみ", "さがみ", "漢字を含む語を入力してください。"),
    ("相模", "sagami", "読みはひらがなで入力してください。"),
    ("相模", "", "読みを入力してください。"),
])
def test_bad_entries_are_refused(client, app, login, admin, surface, reading, field_error):
    from sqlalchemy import func, select

    from community.extensions import db
    from community.furigana.models import LocalReading

    login(admin)
    response = client.post("/admin/furigana", data={"surface": surface, "reading": reading})
    assert response.status_code == 400
    assert field_error in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(LocalReading.id))) == 0


def test_katakana_reading_is_kept_in_hiragana(client, app, login, admin):
    from sqlalchemy import select

    from community.extensions import db
    from community.furigana.models import LocalReading

    login(admin)
    client.post("/admin/furigana", data={"surface": "番田", "reading": "バンダ"})
    with app.app_context():
        assert db.session.scalar(select(LocalReading.reading)) == "ばんだ"


@pytest.mark.parametrize("who", [None, "member", "editor", "supporter"])
def test_only_admins_edit_the_dictionary(client, login, make_user, who):
    if who:
        login(make_user(role=who) if who != "editor" else make_user())
    assert client.get("/admin/furigana").status_code in (302, 403)
    assert client.post("/admin/furigana", data={"surface": "相模", "reading": "さがむ"}).status_code in (302, 403)
    if who:
        assert client.get("/admin/furigana").status_code == 403


def test_statements_per_page(client, count_queries):
    """Furigana adds two small statements to a page (the admins' entries and the areas' よみがな), whatever the
    page shows."""
    client.get("/areas")
    with count_queries() as off:
        client.get("/areas")
    with count_queries() as on:
        client.get("/areas?ruby=1")
    assert on.n == off.n + 2
