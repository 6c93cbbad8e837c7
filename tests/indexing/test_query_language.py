"""The search query language residents know from web search: "quoted phrase", -exclusion, OR / または; any
other input is words to look for and never an error."""

from __future__ import annotations

import pytest
from sqlalchemy import select


def _titles(client, q: str) -> set[str]:
    page = client.get("/search", query_string={"q": q}).get_data(as_text=True)
    return {title for title in TITLES if title in page}


TITLES = ("子育てサロンのお知らせ", "子育て相談会", "夏の花火大会", "盆踊り大会", "餅つき大会", "こそだて広場だより")


@pytest.fixture
def items(editor, make_item):
    for title in TITLES:
        make_item("notice", editor.group, title=title, body="相模原市で開きます。")


def test_a_quoted_phrase_matches_only_as_typed(client, items):
    assert _titles(client, "こそだて") >= {"子育てサロンのお知らせ", "子育て相談会", "こそだて広場だより"}  # readings
    assert _titles(client, '"こそだて"') == {"こそだて広場だより"}
    assert _titles(client, "＂こそだて＂") == {"こそだて広場だより"}  # full-width quotes too
    assert _titles(client, "“花火大会”") == {"夏の花火大会"}


def test_minus_excludes_a_word(client, items):
    assert _titles(client, "子育て -サロン") == {"子育て相談会"}
    assert _titles(client, "大会 -花火 -盆踊り") == {"餅つき大会"}
    assert _titles(client, '子育て -"相談会"') == {"子育てサロンのお知らせ"}


def test_or_and_matahari_make_either_word_enough(client, items):
    assert _titles(client, "花火 盆踊り") == set()
    assert _titles(client, "花火 OR 盆踊り") == {"夏の花火大会", "盆踊り大会"}
    assert _titles(client, "花火 または 盆踊り") == {"夏の花火大会", "盆踊り大会"}
    assert _titles(client, "花火 OR 盆踊り OR 餅つき -盆踊り") == {"夏の花火大会", "餅つき大会"}


@pytest.mark.parametrize("q, found", [
    ('"花火', {"夏の花火大会"}),  # an unbalanced quote is ignored
    ("-花火", {"夏の花火大会"}),  # exclusions alone: looked for instead
    ("OR 花火 OR", {"夏の花火大会"}),  # an OR with nothing on one side
    ("or", set()), ('""', set()), ("- -", set()), ("OR", set()), ('-""', set()), ('"" -', set()),
])
def test_odd_syntax_falls_back_to_words_and_never_errors(client, items, q, found):
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    assert _titles(client, q) == found


def test_the_search_page_explains_the_syntax(client):
    page = client.get("/search").get_data(as_text=True)
    assert "検索のしかた" in page and "-サロン" in page and "OR" in page


def test_terms_structure():
    from community.search.query import Term, terms

    groups, excluded = terms('子育て "夏 まつり" OR 花火 -サロン')
    assert groups == [[Term("子育て", False)], [Term("夏 まつり", True), Term("花火", False)]]
    assert excluded == [Term("サロン", True)]


def test_matches_as_typed_come_before_variants_and_readings_and_are_counted(client, items):
    page = client.get("/search", query_string={"q": "こそだて"}).get_data(as_text=True)
    assert page.index("こそだて広場だより") < page.index("子育てサロンのお知らせ")
    assert page.index("こそだて広場だより") < page.index("子育て相談会")
    assert "3 件見つかりました" in page and "うち 2 件は表記ゆれ・読みだけで見つかったもの" in page
    exact = client.get("/search", query_string={"q": "こそだて", "variants": "0"}).get_data(as_text=True)
    assert _titles(client, "こそだて") > {"こそだて広場だより"}
    assert "1 件見つかりました" in exact and "こそだて広場だより" in exact and "子育て相談会" not in exact
    assert "表記ゆれ・読みだけ" not in exact
    assert '<option value="0" selected>' in exact  # the switch shows its state


def test_items_are_found_by_their_kind_category_and_area_names(client, editor, make_item):
    make_item("event", editor.group, title="親子で遊ぼう", area="hashimoto", category="kosodate")
    make_item("notice", editor.group, title="道路工事のお知らせ", area="torin")
    assert "親子で遊ぼう" in _titles_of(client, "イベント")
    assert "親子で遊ぼう" in _titles_of(client, "緑区 子育て")  # 橋本 is in 緑区
    assert "親子で遊ぼう" not in _titles_of(client, "南区")
    assert "道路工事のお知らせ" in _titles_of(client, "南区 お知らせ")  # 東林 is in 南区
    assert "道路工事のお知らせ" not in _titles_of(client, "イベント")


def test_renaming_an_area_or_category_reindexes_the_items_that_carry_it(app, client, login, admin, editor, make_item):
    from community.areas.models import Area, Category
    from community.extensions import db

    make_item("event", editor.group, title="親子で遊ぼう", area="hashimoto", category="kosodate")
    make_item("notice", editor.group, title="道路工事のお知らせ", area="torin")
    with app.app_context():
        ward = db.session.scalars(select(Area).where(Area.slug == "midori")).one()
        category = db.session.scalars(select(Category).where(Category.slug == "kosodate")).one()
        ward_form = {"name": "翠区", "slug": "midori", "parent_id": str(ward.parent_id), "position": str(ward.position)}
        category_id = category.id
    login(admin)
    assert client.post(f"/admin/areas/{ward.id}", data=ward_form).status_code == 302
    renamed = {"name": "育児支援分野", "slug": "kosodate"}
    assert client.post(f"/admin/categories/{category_id}", data=renamed).status_code == 302
    assert "親子で遊ぼう" in _titles_of(client, "翠区")  # the district's ward, renamed
    assert "親子で遊ぼう" in _titles_of(client, "育児支援分野")
    assert "親子で遊ぼう" not in _titles_of(client, "緑区")
    assert "道路工事のお知らせ" not in _titles_of(client, "翠区")


def _titles_of(client, q: str) -> str:
    return client.get("/search", query_string={"q": q}).get_data(as_text=True)


def test_a_search_that_finds_nothing_suggests_what_would(client, items):
    page = client.get("/search", query_string={"q": "花火 盆踊り"}).get_data(as_text=True)
    assert "見つかりませんでした" in page and "こちらで探すと見つかります" in page
    assert 'q=%E7%9B%86%E8%B8%8A%E3%82%8A' in page and 'q=%E8%8A%B1%E7%81%AB' in page  # 盆踊り / 花火 alone
    exact = client.get("/search", query_string={"q": "こそだて 相談", "variants": "0"}).get_data(as_text=True)
    assert "表記ゆれも含めて" in exact  # the same words, with variants, find 子育て相談会
    nothing = client.get("/search", query_string={"q": "存在しない言葉"}).get_data(as_text=True)
    assert "こちらで探すと見つかります" not in nothing


def test_did_you_mean_offers_a_word_of_the_index_one_character_away(client, editor, make_item):
    from urllib.parse import quote

    make_item("notice", editor.group, title="ボランティア募集", body="公園の清掃を手伝ってください。")
    make_item("notice", editor.group, title="清掃ボランティアの報告", body="ありがとうございました。")
    page = client.get("/search", query_string={"q": "ボランティヤ"}).get_data(as_text=True)
    assert "見つかりませんでした" in page and "もしかして" in page
    assert f'q={quote("ボランティア")}' in page and "（約 2 件）" in page
    both = client.get("/search", query_string={"q": "ボランティヤ 募集"}).get_data(as_text=True)
    assert "もしかして" in both and f'q={quote("ボランティア")}+{quote("募集")}' in both
    assert "（約 1 件）" in both
    found = client.get("/search", query_string={"q": "ボランティア"}).get_data(as_text=True)
    assert "もしかして" not in found and "2 件見つかりました" in found
    far = client.get("/search", query_string={"q": "ボラボラ"}).get_data(as_text=True)
    assert "もしかして" not in far
    english = client.get("/search", query_string={"q": "ボランティヤ"}, headers={"Accept-Language": "en"})
    assert "Did you mean" in english.get_data(as_text=True)


def test_one_edit_apart():
    from community.search.engine import one_edit_apart

    assert one_edit_apart("ボランティヤ", "ボランティア")  # replaced
    assert one_edit_apart("ボランテア", "ボランティア")  # left out
    assert one_edit_apart("ボランティアア", "ボランティア")  # added
    assert one_edit_apart("ボランテイア", "ボランティア")  # replaced (イ for ィ)
    assert one_edit_apart("ボラテンィア", "ボランティア")  # neighbours swapped
    assert not one_edit_apart("ボランティア", "ボランティア")
    assert not one_edit_apart("ボラティ", "ボランティア")
    assert not one_edit_apart("ボテランィア", "ボランティア")


def test_a_short_item_about_one_kanji_ranks_above_a_long_one_mentioning_it_once(client, editor, make_item):
    long_body = "市民会館で秋の講演会を開きます。" * 12 + "会場には花を飾ります。" + "駐車場はありません。" * 8
    make_item("notice", editor.group, title="秋の講演会のお知らせ", body=long_body)
    make_item("notice", editor.group, title="公園の花だより", body="花壇の花が咲きました。")
    page = client.get("/search", query_string={"q": "花"}).get_data(as_text=True)
    assert "2 件見つかりました" in page
    assert page.index("公園の花だより") < page.index("秋の講演会のお知らせ")
