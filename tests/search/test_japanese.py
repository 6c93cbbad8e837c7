"""Japanese analysis seen through the public API: index a few documents, query them."""

import pytest

from .conftest import keys


def test_any_substring_of_two_or_more_characters_is_found(index, make_doc):
    index.add([make_doc("浜松市楽器博物館の休館について", "設備改修工事のため休館します。")])
    for query in ("器博", "楽器博物館", "休館について", "工事のため休", "松市"):
        assert index.query(query, ["public"]).total == 1, query
    # The same characters out of order are not a phrase of the text.
    assert index.query("博物楽器", ["public"]).total == 0
    assert index.query("休館工事", ["public"]).total == 0


def test_kyoto_ranks_above_tokyo_to(index, make_doc):
    tokyo = make_doc("東京都の美術館めぐり", "東京都内の美術館を歩きます。")
    kyoto = make_doc("古都の寺めぐり", "京都の寺を歩きます。")
    index.add([tokyo, kyoto])
    result = index.query("京都", ["public"])
    # 東京都 contains the characters 京都, so both match; the whole word 京都 ranks first.
    assert keys(result) == [kyoto["key"], tokyo["key"]]


@pytest.mark.parametrize("query", ["子ども", "子供", "こども"])
def test_spelling_variants_of_kodomo_find_each_other(index, make_doc, query):
    docs = [make_doc("子どもの広場", ""), make_doc("子供の広場", ""), make_doc("こどもの広場", "")]
    index.add(docs)
    assert sorted(keys(index.query(query, ["public"]))) == sorted(d["key"] for d in docs)


def test_kawaii_in_kana_and_kanji(index, make_doc):
    kana, kanji = make_doc("かわいい雑貨の店", ""), make_doc("可愛い雑貨の店", "")
    index.add([kana, kanji])
    assert sorted(keys(index.query("可愛い", ["public"]))) == sorted([kana["key"], kanji["key"]])
    assert sorted(keys(index.query("かわいい", ["public"]))) == sorted([kana["key"], kanji["key"]])


@pytest.mark.parametrize(
    ("query", "title"),
    [("さがみはら", "相模原市のお知らせ"), ("こそだて", "子育てサロンのご案内"), ("はしもと", "橋本駅前の清掃")],
)
def test_hiragana_reading_finds_kanji(index, make_doc, query, title):
    wanted = make_doc(title, "")
    index.add([wanted, make_doc("図書館の休館日", "")])
    assert keys(index.query(query, ["public"])) == [wanted["key"]]


def test_width_and_case_do_not_matter(index, make_doc):
    half = make_doc("ｺﾝｻｰﾄのお知らせ", "ＮＰＯ法人が主催")
    full = make_doc("コンサート", "npo forum")
    index.add([half, full])
    both = sorted([half["key"], full["key"]])
    for query in ("コンサート", "ｺﾝｻｰﾄ", "ＮＰＯ", "npo", "NPO"):
        assert sorted(keys(index.query(query, ["public"]))) == both, query


def test_one_character_query_uses_a_prefix(index, make_doc):
    docs = [
        make_doc("猫カフェ", ""),  # at the start of a word
        make_doc("黒い猫", ""),  # as the very last character
        make_doc("猫", ""),  # alone
        make_doc("迷い 猫 を探しています", ""),  # between spaces
    ]
    index.add([*docs, make_doc("犬の散歩", "")])
    assert sorted(keys(index.query("猫", ["public"]))) == sorted(d["key"] for d in docs)
    assert index.query("駅", ["public"]).total == 0


@pytest.mark.parametrize(
    "query",
    ['"', "*", ":", "(", ")", "AND", "OR", "NOT", "title:猫", "(猫", '"猫', "猫*", "猫 OR", "NOT 猫", "\\", "?", "~2"],
)
def test_query_syntax_is_plain_text_and_never_raises(index, make_doc, query):
    index.add([make_doc("猫の譲渡会", "")])
    index.query(query, ["public"])  # must not raise


def test_syntax_characters_are_searched_literally(index, make_doc):
    literal = make_doc("セール: 50% OFF", '"AND" と (OR) の説明 c++')
    index.add([literal, make_doc("セールのお知らせ", "")])
    for query in ("セール:", '"and"', "(or)", "c++", "and", "50%"):
        assert keys(index.query(query, ["public"])) == [literal["key"]], query


def test_space_separated_words_are_all_required(index, make_doc):
    both = make_doc("京都の寺", "紅葉の季節")
    index.add([both, make_doc("京都の駅", ""), make_doc("紅葉狩り", "")])
    assert keys(index.query("京都 紅葉", ["public"])) == [both["key"]]
    assert keys(index.query("京都\u3000紅葉", ["public"])) == [both["key"]]  # full-width space
    assert index.query("京都 海", ["public"]).total == 0


@pytest.mark.parametrize("query", ["", "   ", "\u3000", None])
def test_empty_query_gives_no_results(index, make_doc, query):
    index.add([make_doc("京都", "")])
    result = index.query(query, ["public"])
    assert (result.total, result.hits) == (0, [])


def test_snippet_marks_matches_and_escapes_everything_else(index, make_doc):
    doc = make_doc("注意", "<script>alert(1)</script> 子猫の里親募集 & <b>譲渡会</b>")
    index.add([doc])
    snippet = index.query("子猫", ["public"]).hits[0].snippet_html
    assert "<mark>子猫</mark>" in snippet
    assert "&lt;script&gt;" in snippet and "&amp;" in snippet
    assert "<script" not in snippet and "<b>" not in snippet


def test_snippet_marks_the_stored_text_behind_normalisation(index, make_doc):
    doc = make_doc("案内", "ﾃﾞｨｽﾞﾆｰ映画の上映会とＮＰＯ説明")
    index.add([doc])
    snippet = index.query("ディズニー npo", ["public"]).hits[0].snippet_html
    assert "<mark>ﾃﾞｨｽﾞﾆｰ</mark>" in snippet and "<mark>ＮＰＯ</mark>" in snippet


def test_snippet_marks_reading_and_variant_matches(index, make_doc):
    index.add([make_doc("案内", "子育て相談と子供の広場")])
    assert "<mark>子育て</mark>" in index.query("こそだて", ["public"]).hits[0].snippet_html
    assert "<mark>子供</mark>" in index.query("子ども", ["public"]).hits[0].snippet_html


def test_long_body_snippet_is_a_short_fragment(index, make_doc):
    body = "前置きの文章です。" * 200 + "ここに目的の語句があります。" + "後書きの文章です。" * 200
    index.add([make_doc("長文", body)])
    snippet = index.query("目的の語句", ["public"]).hits[0].snippet_html
    assert "<mark>目的の語句</mark>" in snippet
    assert len(snippet) < 400


def test_snippet_never_repeats_a_character_that_normalisation_expands(index, make_doc):
    # ㍿ is 株式会社 after NFKC: two query words can end inside the same stored character.
    index.add([make_doc("社名", "弊社は㍿です")])
    assert index.query("は株 社で", ["public"]).hits[0].snippet_html == "弊社<mark>は㍿で</mark>す"


@pytest.mark.parametrize("gap, joined", [(150, True), (300, False)])
def test_snippet_fragments_are_cut_with_an_ellipsis_only_where_text_is_left_out(index, make_doc, gap, joined):
    body = "あ" * 100 + "子育て" + "い" * gap + "子育て" + "う" * 4000
    index.add([make_doc("二つの語", body)])
    snippet = index.query("子育て", ["public"]).hits[0].snippet_html
    assert snippet.count("<mark>子育て</mark>") == 2
    assert snippet.startswith("…あ") and snippet.endswith("う…")  # the body goes on past what is scanned
    assert ("… …" not in snippet) is joined  # touching windows read as one
    assert len(snippet) < 450


def test_very_long_text_is_analysed_in_pieces(index, make_doc):
    # Sudachi refuses more than 49,149 bytes at once; words past that point must still be indexed.
    body = "地域の行事をお知らせします。\n" * 1200 + "最後に子育て相談の案内です。"  # 54,000 bytes
    index.add([make_doc("長いお知らせ", body)])
    assert index.query("こそだて", ["public"]).total == 1
    assert index.query("子育て相談", ["public"]).total == 1


def test_phrases_of_repeated_characters(index, make_doc):
    three, broken = make_doc("わははは大笑い", ""), make_doc("はは はは", "")
    index.add([three, broken])
    assert keys(index.query("ははは", ["public"])) == [three["key"]]
    assert sorted(keys(index.query("はは", ["public"]))) == sorted([three["key"], broken["key"]])


def test_reading_matches_whole_words_only(index, make_doc):
    """図書館時間 reads トショ|カン|ジカン: かんじ would join the end of 館 to the start of 時間, so only 漢字 matches;
    a reading may still span several whole words (はままつし: 浜松 + 市)."""
    kanji = make_doc("漢字の教室", "")
    joined = make_doc("図書館時間のお知らせ", "")
    city = make_doc("浜松市の花", "")
    index.add([kanji, joined, city])
    assert keys(index.query("かんじ", ["public"])) == [kanji["key"]]
    assert keys(index.query("しょかん", ["public"])) == []  # the middle of 図書館's reading
    assert keys(index.query("はままつし", ["public"])) == [city["key"]]
    assert keys(index.query("はままつ", ["public"])) == [city["key"]]
    assert keys(index.query("としょかん", ["public"])) == [joined["key"]]


def test_snippet_marks_only_whole_word_readings(index, make_doc):
    doc = make_doc("お知らせ", "図書館時間と漢字")
    index.add([doc])
    [hit] = index.query("かんじ", ["public"]).hits
    assert hit.snippet_html == "図書館時間と<mark>漢字</mark>"


def test_one_kanji_scores_by_bm25_so_short_items_about_it_rank_first(index, make_doc):
    """A one-character query is a prefix over bigrams; their occurrences are scored together with length
    normalisation (a constant score ranked these two by document order, the long one first)."""
    long = make_doc("秋の講演会", "市民会館で講演会を開きます。" * 15 + "会場には花を飾ります。")
    short = make_doc("花だより", "花壇の花が咲きました。")
    index.add([long, short])
    result = index.query("花", ["public"])
    assert keys(result) == [short["key"], long["key"]]
    assert result.hits[0].score > result.hits[1].score
