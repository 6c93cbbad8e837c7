"""Curation: おすすめ on the home page or an area page with an end date, and 特集 collections."""

from datetime import timedelta

import pytest


def _featured(app, area_slug=None):
    from community.areas.services import area_by_slug
    from community.items import title_of
    from community.moderation.curation import featured_for

    with app.test_request_context():
        area = area_by_slug(area_slug) if area_slug else None
        return [title_of(item) for _, item in featured_for(area)]


def test_supporter_features_an_item_by_its_url(app, client, login, supporter, editor, make_item, audit_entries):
    event = make_item("event", editor.group, title="相模川の花火")
    login(supporter)
    assert client.get("/moderation/features").status_code == 200
    response = client.post("/moderation/features", data={"item_url": f"http://localhost/events/{event.id}",
                                                         "place": "", "note": "夏の定番"})
    assert response.status_code == 302
    assert _featured(app) == ["相模川の花火"]
    assert _featured(app, "hashimoto") == []
    assert audit_entries("feature")[0][:4] == ("feature", supporter.id, "event", event.id)
    page = client.get("/moderation/features").get_data(as_text=True)
    assert "相模川の花火" in page and "夏の定番" in page


def test_feature_on_an_area_page_until_an_end_date(app, client, login, supporter, editor, make_item):
    from community.areas.services import area_by_slug
    from community.timeutil import today_local

    shop = make_item("shop", editor.group, name="橋本の定食屋")
    with app.app_context():
        hashimoto = area_by_slug("hashimoto").id
    login(supporter)
    client.post("/moderation/features", data={"item_url": f"/shops/{shop.id}", "place": str(hashimoto),
                                              "ends_on": (today_local() + timedelta(days=3)).isoformat()})
    assert _featured(app, "hashimoto") == ["橋本の定食屋"]
    assert _featured(app) == []
    from community.db import utcnow
    from community.moderation.curation import featured_for

    with app.test_request_context():
        assert featured_for(area_by_slug("hashimoto"), now=utcnow() + timedelta(days=5)) == []


def test_feature_form_refusals(app, client, login, supporter, make_user, make_group, make_item, make_post):
    from community.timeutil import today_local

    pending = make_item("event", make_group(owner=make_user(), verified=False))
    closed = make_post("community", make_user(), is_closed=True)
    login(supporter)
    cases = [
        ({"item_url": "/nowhere/1"}, "このURLの情報が見つかりません"),
        ({"item_url": "https://example.com/events/1"}, "このURLの情報が見つかりません"),
        ({"item_url": f"/events/{pending.id}"}, "公開されていない情報はおすすめに載せられません"),
        ({"item_url": f"/moderation/item/community/{closed.id}"}, "公開されていない情報はおすすめに載せられません"),
        ({"item_url": f"/events/{pending.id}", "ends_on": (today_local() - timedelta(days=1)).isoformat()},
         "終了日は今日以降の日付にしてください"),
        ({"item_url": ""}, "URLを入力してください"),
    ]
    for data, message in cases:
        response = client.post("/moderation/features", data={"place": "", **data})
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), data
    assert _featured(app) == []


def test_the_same_item_once_per_place_and_ending_a_feature(app, client, login, supporter, editor, make_item):
    from sqlalchemy import select

    from community.extensions import db
    from community.moderation.models import Feature

    notice = make_item("notice", editor.group, title="防災訓練のお知らせ")
    login(supporter)
    client.post("/moderation/features", data={"item_url": f"/notices/{notice.id}", "place": ""})
    again = client.post("/moderation/features", data={"item_url": f"/notices/{notice.id}", "place": ""})
    assert "すでにこの場所のおすすめに載っています" in again.get_data(as_text=True)
    with app.app_context():
        feature_id = db.session.scalar(select(Feature.id))
    client.post(f"/moderation/features/{feature_id}/end")
    assert _featured(app) == []
    twice = client.post(f"/moderation/features/{feature_id}/end", follow_redirects=True)
    assert "すでに終了しています" in twice.get_data(as_text=True)
    assert client.post(f"/moderation/features/{feature_id}/end", csrf=False).status_code == 400


def test_featured_items_only_ever_public_ones(app, client, login, supporter, editor, make_item, make_user,
                                              make_post, join):
    from community.extensions import db
    from community.moderation.models import Feature

    event = make_item("event", editor.group, title="公開中のイベント")
    hidden = make_item("event", editor.group, title="あとで非表示")
    owner = make_user()
    closed = make_post("community", owner, is_closed=True, name="秘密の会")
    secret = make_post("topic", owner, community=closed, title="秘密のトピック")
    open_community = make_post("community", owner, name="開かれた会")
    public_topic = make_post("topic", owner, community=open_community, title="みんなのトピック")
    with app.app_context():
        for kind, item in (("event", event), ("event", hidden), ("community", closed), ("topic", secret),
                           ("topic", public_topic), ("community", open_community), ("profile", owner)):
            db.session.add(Feature(item_kind=kind, item_id=item.id))
        db.session.commit()
    login(supporter)
    client.post(f"/moderation/item/event/{hidden.id}/hide", data={"expected": "published", "reason": "誤り"})
    shown = _featured(app)
    assert set(shown) == {"公開中のイベント", "みんなのトピック", "開かれた会", owner.display_name}
    client.post(f"/moderation/item/event/{hidden.id}/restore", data={"expected": "hidden"})
    assert "あとで非表示" in _featured(app)


def test_featured_for_asks_a_fixed_number_of_queries(app, editor, make_item, make_user, make_post, count_queries):
    from community.extensions import db
    from community.items import link_of, title_of
    from community.moderation.curation import featured_for
    from community.moderation.models import Feature

    def add():
        author = make_user()
        community = make_post("community", author)
        topic = make_post("topic", author, community=community)
        items = [("event", make_item("event", editor.group)), ("topic", topic),
                 ("board", make_post("board", author))]
        with app.app_context():
            for kind, item in items:
                db.session.add(Feature(item_kind=kind, item_id=item.id))
            db.session.commit()

    def run():
        with app.test_request_context(), count_queries() as counted:
            for _, item in featured_for(None):
                seen = (title_of(item), getattr(item, "group", None), getattr(item, "area", None),
                        item.community.name if item.KIND == "topic" else None)
                assert seen[0]
            return counted.n

    add()
    few = run()
    for _ in range(3):
        add()
    assert run() == few
    assert link_of


# --- 特集 --------------------------------------------------------------------------------------


@pytest.fixture
def collection(client, login, supporter, editor, make_item):
    first = make_item("event", editor.group, title="親子で参加できる工作教室")
    second = make_item("shop", editor.group, name="授乳室のあるカフェ")
    login(supporter)
    response = client.post("/moderation/collections/new", data={
        "title": "子育て応援特集", "slug": "kosodate", "intro": "**小さなお子さん**と出かけよう", "is_published": "y"})
    assert response.status_code == 302
    edit = response.headers["Location"]
    for url in (f"/events/{first.id}", f"/shops/{second.id}"):
        assert client.post(edit + "/items", data={"item_url": url, "comment": "おすすめ"}).status_code == 302
    return {"edit": edit, "first": first, "second": second}


def test_collection_is_published_in_order_with_its_introduction(client, login, supporter, collection,
                                                                 audit_entries):
    client.post("/logout")
    page = client.get("/features/kosodate").get_data(as_text=True)
    assert "子育て応援特集" in page and "<strong>小さなお子さん</strong>" in page
    assert page.index("親子で参加できる工作教室") < page.index("授乳室のあるカフェ")
    assert "子育て応援特集" in client.get("/features").get_data(as_text=True)
    assert [a[0] for a in audit_entries()] == ["collection_create", "collection_add_item", "collection_add_item"]


def test_curator_reorders_and_removes(app, client, login, supporter, collection):
    from sqlalchemy import select

    from community.extensions import db
    from community.moderation.models import CollectionItem

    with app.app_context():
        first_entry, second_entry = db.session.scalars(select(CollectionItem.id).order_by(CollectionItem.position))
    login(supporter)
    client.post(f"{collection['edit']}/items/{second_entry}/up")
    page = client.get("/features/kosodate").get_data(as_text=True)
    assert page.index("授乳室のあるカフェ") < page.index("親子で参加できる工作教室")
    client.post(f"{collection['edit']}/items/{first_entry}/remove")
    assert "親子で参加できる工作教室" not in client.get("/features/kosodate").get_data(as_text=True)
    assert client.post(f"{collection['edit']}/items/999/up").status_code == 404
    assert client.post(f"{collection['edit']}/items/{second_entry}/sideways").status_code == 404


def test_collection_refusals(client, login, supporter, collection, make_user, make_group, make_item):
    pending = make_item("event", make_group(owner=make_user(), verified=False))
    login(supporter)
    for url, message in ((f"/events/{collection['first'].id}", "すでにこの特集に入っています"),
                         (f"/events/{pending.id}", "公開されていない情報は特集に入れられません"),
                         ("/nowhere", "このURLの情報が見つかりません")):
        response = client.post(collection["edit"] + "/items", data={"item_url": url})
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    taken = client.post("/moderation/collections/new", data={"title": "別の特集", "slug": "kosodate"})
    assert taken.status_code == 400 and "すでに使われています" in taken.get_data(as_text=True)
    bad = client.post("/moderation/collections/new", data={"title": "", "slug": "日本語"})
    assert bad.status_code == 400
    assert "タイトルを入力してください" in bad.get_data(as_text=True)


def test_hidden_items_leave_the_collection_and_unpublished_collections_are_private(client, login, supporter,
                                                                                   member, collection):
    login(supporter)
    client.post(f"/moderation/item/event/{collection['first'].id}/hide",
                data={"expected": "published", "reason": "中止になりました"})
    preview = client.get("/features/kosodate").get_data(as_text=True)
    assert "親子で参加できる工作教室" in preview and "非公開のため" in preview  # the curator sees why
    client.post(collection["edit"], data={"title": "子育て応援特集", "slug": "kosodate", "intro": ""})
    login(member)
    assert client.get("/features/kosodate").status_code == 404
    assert "子育て応援特集" not in client.get("/features").get_data(as_text=True)
    assert client.get("/moderation/collections").status_code == 403
    assert client.post(collection["edit"], data={"title": "乗っ取り", "slug": "kosodate"}).status_code == 403
    client.post("/logout")
    assert client.get("/features/kosodate").status_code == 404
    login(supporter)
    client.post(collection["edit"], data={"title": "子育て応援特集", "slug": "kosodate", "is_published": "y"})
    client.post("/logout")
    page = client.get("/features/kosodate").get_data(as_text=True)
    assert "親子で参加できる工作教室" not in page and "授乳室のあるカフェ" in page


def test_published_collections_for_the_home_page(app, client, login, supporter, collection):
    from community.moderation.curation import published_collections

    login(supporter)
    client.post("/moderation/collections/new", data={"title": "下書きの特集", "slug": "draft-one"})
    with app.app_context():
        assert [c.title for c in published_collections(5)] == ["子育て応援特集"]


def test_featured_items_and_collections_show_on_the_home_page(app, client, login, supporter, editor, make_item,
                                                               collection):
    event = make_item("event", editor.group, title="みんなの夏祭り")
    assert "いまおすすめしている情報はありません。" in client.get("/").get_data(as_text=True)  # nothing featured yet
    login(supporter)
    client.post("/moderation/features", data={"item_url": f"/events/{event.id}", "place": "", "note": "家族で"})
    html = client.get("/").get_data(as_text=True)
    assert f'<a href="/events/{event.id}">みんなの夏祭り</a>' in html and "いまおすすめしている情報" not in html
    assert '<a href="/features/kosodate">子育て応援特集</a>' in html


def test_a_second_click_racing_the_first_is_a_message_not_an_error(client, login, supporter, collection,
                                                                   monkeypatch):
    """Both requests passed the 'is this slug free?' check before either saved: the database decides."""
    from community.moderation import curation

    monkeypatch.setattr(curation, "collection_by_slug", lambda slug: None)
    login(supporter)
    response = client.post("/moderation/collections/new", data={"title": "二度押し", "slug": "kosodate"})
    assert response.status_code == 400
    assert "すでに使われています" in response.get_data(as_text=True)


def test_a_post_whose_community_closes_is_named_by_its_kind_on_the_curation_pages(app, client, login, supporter,
                                                                                   make_user, make_post):
    from community.communities.models import Community
    from community.extensions import db

    owner = make_user()
    community = make_post("community", owner)
    topic = make_post("topic", owner, community=community, title="秘密の相談タイトル")
    login(supporter)
    response = client.post("/moderation/collections/new",
                           data={"title": "夏の特集", "slug": "summer", "intro": "", "is_published": "y"})
    assert response.status_code == 302
    collection_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    item_url = f"/moderation/item/topic/{topic.id}"
    assert client.post(f"/moderation/collections/{collection_id}/items", data={"item_url": item_url}).status_code == 302
    assert client.post("/moderation/features", data={"item_url": item_url, "place": ""}).status_code == 302
    with app.app_context():  # later the community becomes closed; the supporter is not a member
        db.session.get(Community, community.id).is_closed = True
        db.session.commit()
    for url in ("/features/summer", f"/moderation/collections/{collection_id}", "/moderation/features"):
        page = client.get(url).get_data(as_text=True)
        assert "秘密の相談タイトル" not in page, url
        assert "トピック" in page, url
