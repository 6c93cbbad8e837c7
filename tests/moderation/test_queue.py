"""The review queue: who may see it, what is in it, its order and filters, and its cost in queries."""

from datetime import timedelta

import pytest


def test_visitor_is_sent_to_login(client):
    assert client.get("/moderation").headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("url", ["/moderation", "/moderation/dashboard", "/moderation/groups",
                                 "/moderation/item/profile/1", "/moderation/features", "/moderation/collections",
                                 "/moderation/collections/new", "/moderation/users/1"])
def test_member_cannot_reach_supporter_pages(client, login, member, url):
    login(member)
    assert client.get(url).status_code == 403


def test_member_cannot_act(client, login, member, make_user, make_post, fetch):
    thread = make_post("board", make_user(), status="pending")
    login(member)
    for action in ("approve", "hide", "restore", "dismiss", "lock", "uphold"):
        assert client.post(f"/moderation/item/board/{thread.id}/{action}",
                           data={"expected": "pending", "reason": "x"}).status_code == 403
    assert fetch("board", thread.id).status == "pending"


def test_supporter_and_admin_see_the_queue(client, login, supporter, admin):
    for user in (supporter, admin):
        login(user)
        page = client.get("/moderation")
        assert page.status_code == 200
        assert "確認待ちの一覧" in page.get_data(as_text=True)


def test_pending_items_of_every_kind_oldest_first(app, client, login, supporter, make_user, make_group, make_item,
                                                  make_post, update_item):
    from community.db import utcnow

    author = make_user()
    unverified = make_group(owner=author, verified=False)
    event = make_item("event", unverified, title="確認待ちのイベント")
    community = make_post("community", author, name="確認待ちのコミュニティ", status="pending")
    open_community = make_post("community", author)
    topic = make_post("topic", author, community=open_community, title="確認待ちのトピック", status="pending")
    thread = make_post("board", author, title="確認待ちの伝言", status="pending")
    make_post("board", author, title="公開済みの伝言")
    now = utcnow()
    update_item("board", thread.id, created_at=now - timedelta(days=5))
    update_item("event", event.id, updated_at=now - timedelta(days=4))
    update_item("topic", topic.id, created_at=now - timedelta(days=3))
    update_item("community", community.id, updated_at=now - timedelta(days=2))
    login(supporter)
    page = client.get("/moderation").get_data(as_text=True)
    order = [page.index(title) for title in ("確認待ちの伝言", "確認待ちのイベント", "確認待ちのトピック",
                                             "確認待ちのコミュニティ")]
    assert order == sorted(order)
    assert "公開済みの伝言" not in page
    assert "未確認の団体" in page and "承認して公開する" in page
    assert "4件" in page


def test_reported_items_show_their_reports_and_history(client, login, supporter, editor, make_item, members,
                                                       report_as):
    event = make_item("event", editor.group, title="通報されたイベント")
    a, b = members(2)
    report_as(a, "event", event.id, "wrong", "日付が違います")
    report_as(b, "event", event.id, "spam")
    login(supporter)
    page = client.get("/moderation").get_data(as_text=True)
    assert "通報されたイベント" in page
    assert "通報: 未対応 2件 / 全 2件" in page
    assert "誤った情報" in page and "日付が違います" in page and a.display_name in page
    assert "通報を却下する" in page and "非表示にする" in page
    client.post(f"/moderation/item/event/{event.id}/dismiss", data={"expected": "published"})
    assert "通報されたイベント" not in client.get("/moderation").get_data(as_text=True)
    detail = client.get(f"/moderation/item/event/{event.id}").get_data(as_text=True)
    assert "通報を却下" in detail and "通報: 未対応 0件 / 全 2件" in detail


def test_filters_by_kind_area_and_reason(client, login, supporter, make_user, make_post, members, report_as):
    author = make_user()
    community = make_post("community", author, area="torin")
    topic = make_post("topic", author, community=community, title="東林のトピック", status="pending")
    make_post("board", author, title="橋本の伝言", status="pending", area="hashimoto")
    spam = make_post("board", author, title="宣伝の伝言", area="torin")
    wrong = make_post("board", author, title="誤りの伝言", area="hashimoto")
    reporter, = members(1)
    report_as(reporter, "board", spam.id, "spam")
    report_as(reporter, "board", wrong.id, "wrong")
    login(supporter)

    def titles(query):
        page = client.get("/moderation" + query).get_data(as_text=True)
        return {t for t in ("東林のトピック", "橋本の伝言", "宣伝の伝言", "誤りの伝言") if t in page}

    assert titles("") == {"東林のトピック", "橋本の伝言", "宣伝の伝言", "誤りの伝言"}
    assert titles("?kind=topic") == {"東林のトピック"}
    assert titles("?kind=board") == {"橋本の伝言", "宣伝の伝言", "誤りの伝言"}
    assert titles("?area=minami") == {"東林のトピック", "宣伝の伝言"}  # 東林 is in 南区; topics by community
    assert titles("?area=hashimoto") == {"橋本の伝言", "誤りの伝言"}
    assert titles("?reason=spam") == {"宣伝の伝言"}
    assert titles("?reason=wrong&area=hashimoto&kind=board") == {"誤りの伝言"}
    assert topic.id


def test_unknown_filters_are_explained_not_errors(client, login, supporter):
    login(supporter)
    page = client.get("/moderation?kind=spaceship&area=atlantis&reason=boredom&page=abc")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "指定された種類が見つかりません" in text
    assert "指定された地域が見つかりません" in text
    assert "指定された理由が見つかりません" in text


def test_closed_community_content_is_not_shown_to_supporters_outside_it(client, login, supporter, make_user,
                                                                       make_post, join):
    author = make_user()
    closed = make_post("community", author, is_closed=True)
    make_post("topic", author, community=closed, title="内緒のトピック", status="pending")
    login(supporter)
    page = client.get("/moderation").get_data(as_text=True)
    assert "非公開コミュニティの投稿" in page
    assert "内緒のトピック" not in page and "トピック本文" not in page
    assert "承認して公開する" in page  # it can still be decided on
    join(supporter, closed)
    assert "内緒のトピック" in client.get("/moderation").get_data(as_text=True)


def test_queue_pages_in_a_fixed_number_of_queries(client, login, supporter, make_user, make_group, make_item,
                                                  make_post, members, report_as, count_queries):
    author = make_user()
    group = make_group(owner=author, verified=False)
    reporter, = members(1)

    def add_one_of_each():
        make_item("event", group)
        community = make_post("community", author)
        topic = make_post("topic", author, community=community, status="pending")
        make_post("reply", author, topic=topic, status="pending")
        thread = make_post("board", author, status="pending")
        board_reply = make_post("board_reply", author, thread=thread)
        report_as(reporter, "board_reply", board_reply.id)

    add_one_of_each()
    login(supporter)
    with count_queries() as few:
        assert client.get("/moderation").status_code == 200
    for _ in range(4):
        add_one_of_each()
    login(supporter)
    with count_queries() as many:
        page = client.get("/moderation")
    assert page.status_code == 200
    assert page.get_data(as_text=True).count('class="card queue-entry"') == 20
    assert many.n == few.n


def test_queue_is_paginated(client, login, supporter, make_user, make_post):
    author = make_user()
    for n in range(25):
        make_post("board", author, title=f"伝言その{n:02d}", status="pending")
    login(supporter)
    first = client.get("/moderation").get_data(as_text=True)
    assert first.count('class="card queue-entry"') == 20
    assert 'rel="next"' in first
    second = client.get("/moderation?page=2").get_data(as_text=True)
    assert second.count('class="card queue-entry"') == 5


@pytest.mark.parametrize("url", ["/moderation/features", "/moderation/features/1/end", "/moderation/collections/new",
                                 "/moderation/collections/1", "/moderation/collections/1/items",
                                 "/moderation/collections/1/items/1/up", "/moderation/groups/1/verify",
                                 "/moderation/users/1/suspend", "/moderation/users/1/reinstate"])
def test_member_cannot_post_to_supporter_actions(client, login, member, url):
    login(member)
    assert client.post(url, data={"item_url": "/events/1", "title": "x", "slug": "x", "reason": "x"}).status_code == 403
