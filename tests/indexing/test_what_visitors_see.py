"""Nothing is lost between the page and the index: every kind of item is found by the text a visitor sees —
entities decoded, tags removed, angle brackets that are not tags kept, emoji, full- and half-width forms."""

from __future__ import annotations

import pytest

BODY = ("‹IT関連商品の動向>について。〈地域の声〉を聞く会。AT&amp;T と & の話。a < b > c の比較。"
        "絵文字😀の催し。ｶﾀｶﾅと全角ＡＢＣ。<b>太字の見出し</b>。")
# What the visitor reads in the page, typed as a query; each must find the item.
SEEN = ["IT関連商品の動向", "〈地域の声〉", "地域の声", "AT&T", "&", "a < b", "😀", "カタカナ", "ｶﾀｶﾅ", "ABC",
        "太字の見出し"]
# Markup is not text: it is not found.
NOT_SEEN = ["<b>", "amp"]


@pytest.fixture
def every_kind(app, editor, admin, make_item, make_community, make_topic):
    from community.areas.services import area_by_slug
    from community.board.models import BoardThread
    from community.text import render_markdown
    from tests.factories import stored

    make_item("event", editor.group, title="見える文字の催し", body=BODY)
    make_item("shop", editor.group, name="見える文字の店", body=BODY)
    make_item("notice", editor.group, title="見える文字のお知らせ", body=BODY)
    community = make_community(admin=admin, name="見える文字の会", description=BODY)
    make_topic(community, admin, title="見える文字の話題", body=BODY)
    with app.app_context():
        stored(BoardThread(kind="chat", area_id=area_by_slug("hashimoto").id, author_id=admin.id,
                           title="見える文字の投稿", body=BODY, body_html=render_markdown(BODY)))
    return {"event": "見える文字の催し", "shop": "見える文字の店", "notice": "見える文字のお知らせ",
            "community": "見える文字の会", "topic": "見える文字の話題", "board": "見える文字の投稿"}


def test_every_kind_is_found_by_what_the_visitor_sees(client, every_kind):
    for kind, title in every_kind.items():
        for q in SEEN:
            page = client.get("/search", query_string={"q": f'"{q}"' if " " in q else q, "kind": kind})
            assert title in page.get_data(as_text=True), (kind, q)
        for q in NOT_SEEN:
            page = client.get("/search", query_string={"q": q, "kind": kind})
            assert title not in page.get_data(as_text=True), (kind, q)
