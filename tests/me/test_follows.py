"""Following areas, categories, groups and communities; bookmarking items; the buttons on other pages."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select


def _follows(app, user):
    from community.extensions import db
    from community.me.models import Follow

    with app.app_context():
        return {tuple(row) for row in db.session.execute(select(Follow.target_kind, Follow.target_id)
                                                       .where(Follow.user_id == user.id))}


def _bookmarks(app, user):
    from community.extensions import db
    from community.me.models import Bookmark

    with app.app_context():
        return {tuple(row) for row in db.session.execute(select(Bookmark.item_kind, Bookmark.item_id)
                                                       .where(Bookmark.user_id == user.id))}


def test_member_follows_and_unfollows_each_kind(client, app, login, member, make_group, make_community, area_id,
                                                category_id):
    group = make_group()
    community = make_community()
    login(member)
    targets = {"area": area_id("midori"), "category": category_id("kosodate"), "group": group.id,
               "community": community.id}
    for kind, target in targets.items():
        response = client.post(f"/me/follow/{kind}/{target}", data={"next": "/areas"})
        assert response.status_code == 302
        assert response.headers["Location"] == "/areas"
    assert _follows(app, member) == set(targets.items())
    # following twice keeps one row
    client.post(f"/me/follow/area/{targets['area']}")
    assert len(_follows(app, member)) == 4
    for kind, target in targets.items():
        assert client.post(f"/me/unfollow/{kind}/{target}").status_code == 302
    assert _follows(app, member) == set()


def test_follow_refusals(client, app, login, member, make_community, area_id):
    hidden = make_community(status="hidden")
    login(member)
    assert client.post("/me/follow/planet/1").status_code == 404
    assert client.post("/me/follow/area/999999").status_code == 404
    assert client.post(f"/me/follow/community/{hidden.id}").status_code == 404  # a hidden community is not there
    assert client.post(f"/me/follow/area/{area_id('tana')}", csrf=False).status_code == 400
    assert client.post("/me/unfollow/planet/1").status_code == 404
    assert _follows(app, member) == set()


def test_next_is_never_an_open_redirect(client, login, member, area_id):
    login(member)
    response = client.post(f"/me/follow/area/{area_id('tana')}", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/me"


def test_visitor_is_sent_to_login(client, area_id):
    response = client.post(f"/me/follow/area/{area_id('tana')}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    for path in ("/me", "/me/following", "/me/bookmarks", "/me/posts", "/me/settings"):
        assert client.get(path).headers["Location"].startswith("/login?next=")


def test_following_state_answers_many_ids_in_one_query(app, member, add_follows, count_queries):
    from community.me.services import following_state

    add_follows(member, "group", [3, 5, 8])
    with app.test_request_context():
        with count_queries() as counted:
            state = following_state(member, "group", list(range(1, 200)))
        assert state == {3, 5, 8}
        assert counted.n == 1
        with count_queries() as counted:
            assert following_state(member, "group", []) == set()
        assert counted.n == 0


def test_bookmark_and_remove(client, app, login, member, editor, make_item):
    event = make_item("event", editor.group)
    shop = make_item("shop", editor.group)
    notice = make_item("notice", editor.group)
    login(member)
    for kind, item in (("event", event), ("shop", shop), ("notice", notice)):
        assert client.post(f"/me/bookmark/{kind}/{item.id}").status_code == 302
    assert _bookmarks(app, member) == {("event", event.id), ("shop", shop.id), ("notice", notice.id)}
    page = client.get("/me/bookmarks").get_data(as_text=True)
    assert event.title in page and shop.name in page and notice.title in page
    assert client.post(f"/me/unbookmark/shop/{shop.id}").status_code == 302
    assert ("shop", shop.id) not in _bookmarks(app, member)


def test_bookmark_refusals(client, app, login, member, make_user, editor, make_item, make_community, make_topic):
    draft = make_item("event", editor.group, publish=False)
    outsider_topic = make_topic(make_community(closed=True, admin=make_user()), make_user())
    login(member)
    assert client.post(f"/me/bookmark/event/{draft.id}").status_code == 404        # not visible to them
    assert client.post(f"/me/bookmark/topic/{outsider_topic.id}").status_code == 404  # closed community
    assert client.post("/me/bookmark/event/999999").status_code == 404
    assert client.post("/me/bookmark/profile/1").status_code == 404
    assert client.post("/me/unbookmark/profile/1").status_code == 404
    assert _bookmarks(app, member) == set()


def test_bookmark_of_a_topic_in_a_community_the_member_belongs_to(client, app, login, member, make_community,
                                                                  make_topic):
    community = make_community(closed=True, members=[member])
    topic = make_topic(community, member)
    login(member)
    assert client.post(f"/me/bookmark/topic/{topic.id}").status_code == 302
    assert _bookmarks(app, member) == {("topic", topic.id)}


def test_a_bookmark_that_can_no_longer_be_seen_keeps_only_its_remove_button(client, app, login, member, editor,
                                                                           make_item):
    from community.events.models import Event
    from community.extensions import db

    event = make_item("event", editor.group, title="消えるイベント")
    login(member)
    client.post(f"/me/bookmark/event/{event.id}")
    with app.app_context():
        db.session.get(Event, event.id).status = "hidden"
        db.session.commit()
    page = client.get("/me/bookmarks").get_data(as_text=True)
    assert "消えるイベント" not in page
    assert "見られなくなった項目" in page
    assert f'action="/me/unbookmark/event/{event.id}"' in page


@pytest.mark.parametrize("page_kind", ["event", "shop", "notice"])
def test_item_pages_show_the_bookmark_button(client, login, member, editor, make_item, page_kind):
    item = make_item(page_kind, editor.group)
    path = f"/{page_kind}s/{item.id}"
    visitor_page = client.get(path).get_data(as_text=True)
    assert "ログインして保存する" in visitor_page
    login(member)
    page = client.get(path).get_data(as_text=True)
    assert f'action="/me/bookmark/{page_kind}/{item.id}"' in page
    client.post(f"/me/bookmark/{page_kind}/{item.id}", data={"next": path})
    page = client.get(path).get_data(as_text=True)
    assert f'action="/me/unbookmark/{page_kind}/{item.id}"' in page
    assert "保存済み" in page


def test_area_category_and_group_pages_show_the_follow_button(client, login, member, make_group, area_id,
                                                              category_id):
    group = make_group()
    login(member)
    pages = {"/areas/midori": ("area", area_id("midori")),
             "/categories/kosodate": ("category", category_id("kosodate")),
             f"/groups/{group.slug}": ("group", group.id)}
    for path, (kind, target) in pages.items():
        assert f'action="/me/follow/{kind}/{target}"' in client.get(path).get_data(as_text=True)
        client.post(f"/me/follow/{kind}/{target}")
        page = client.get(path).get_data(as_text=True)
        assert f'action="/me/unfollow/{kind}/{target}"' in page
        assert "フォロー中" in page


def test_following_page_lists_follows_with_their_names(client, login, member, make_group, make_community,
                                                       add_follows, area_id):
    group = make_group(name="橋本の自治会")
    community = make_community()
    add_follows(member, "area", [area_id("midori")])
    add_follows(member, "group", [group.id])
    add_follows(member, "community", [community.id])
    login(member)
    page = client.get("/me/following").get_data(as_text=True)
    assert "緑区" in page and "橋本の自治会" in page and community.name in page
    assert page.count('action="/me/unfollow/') == 3


def test_following_page_query_count_does_not_grow(client, login, member, make_group, add_follows, same_query_count):
    groups = [make_group() for _ in range(12)]
    login(member)
    add_follows(member, "group", [groups[0].id])
    same_query_count(client, "/me/following", lambda: add_follows(member, "group", [g.id for g in groups[1:]]))


def test_follow_rows_are_unique(app, member, add_follows):
    from community.extensions import db
    from community.me.models import Follow

    add_follows(member, "area", [1])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Follow)) == 1


def test_following_page_hides_a_community_the_member_may_no_longer_see(client, app, login, member, make_community,
                                                                       add_follows):
    """Moderation hid a followed community: /me/following no longer names or links it, but still lets the
    member stop following it; a hidden community the member belongs to stays listed."""
    hidden = make_community(status="hidden")
    mine = make_community(status="hidden", members=[member])
    shown = make_community()
    add_follows(member, "community", [hidden.id, mine.id, shown.id])
    login(member)
    page = client.get("/me/following").get_data(as_text=True)
    assert hidden.name not in page and f"/communities/{hidden.slug}" not in page
    assert mine.name in page and shown.name in page
    assert f'data-follow="community-{hidden.id}"' in page and "見られなくなった項目です" in page
    assert f'action="/me/unfollow/community/{hidden.id}"' in page
    assert page.count('action="/me/unfollow/') == 3
    client.post(f"/me/unfollow/community/{hidden.id}")
    assert ("community", hidden.id) not in _follows(app, member)


def test_following_page_query_count_does_not_grow_with_hidden_communities(client, login, member, make_community,
                                                                          add_follows, same_query_count):
    communities = [make_community(status="hidden" if i % 2 else "published") for i in range(8)]
    login(member)
    add_follows(member, "community", [communities[0].id, communities[1].id])
    same_query_count(client, "/me/following",
                     lambda: add_follows(member, "community", [c.id for c in communities[2:]]))
