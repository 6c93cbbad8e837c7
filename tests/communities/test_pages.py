"""XSS in community, topic, reply and meetup text; SQL statements per page bounded whatever the data;
the profile page and its privacy settings."""

from __future__ import annotations

from datetime import timedelta

import pytest

PAYLOADS = [
    "<script>alert('xss')</script>",
    "\"><img src=x onerror=alert('xss')>",
    "<a href=\"javascript:alert('xss')\">click</a>",
    "[click](javascript:alert('xss'))",
    "<iframe src=\"javascript:alert('xss')\"></iframe>",
]


def _assert_clean(html: str):
    lowered = html.lower()
    assert "<script>alert" not in lowered
    assert "<img src=x" not in lowered and "<svg" not in lowered
    assert 'href="javascript:' not in lowered
    assert "<iframe" not in lowered


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_escaped_or_cleaned_everywhere(client, app, login, make_user, payload):
    from sqlalchemy import select

    from community.communities.models import Community, Reply, Topic
    from community.extensions import db

    author = make_user(name=f"名前{payload}")
    login(author)
    with app.app_context():
        from community.areas.services import area_by_slug

        area_id = area_by_slug("hashimoto").id
    response = client.post("/communities/new", data={"name": f"会{payload}", "slug": "xss-club", "area_id": area_id,
                                                     "description": f"紹介{payload}"})
    assert response.status_code == 302
    client.post("/communities/xss-club/topics/new", data={"title": f"題{payload}", "body": f"本文{payload}"})
    with app.app_context():
        topic_id = db.session.scalar(select(Topic.id))
    client.post(f"/communities/xss-club/topics/{topic_id}/replies", data={"body": f"返信{payload}"})
    from community.timeutil import now_utc, to_local

    day = to_local(now_utc() + timedelta(days=3)).date().isoformat()
    client.post("/communities/xss-club/meetups/new", data={
        "title": f"集い{payload}", "start_date": day, "start_time": "10:00", "venue_name": f"場所{payload}",
        "address": f"住所{payload}", "area_id": area_id, "body": f"内容{payload}"})
    with app.app_context():
        community = db.session.scalar(select(Community))
        assert "<script" not in community.description_html and "javascript:" not in community.description_html
        reply = db.session.scalar(select(Reply))
        assert "<script" not in reply.body_html and "javascript:" not in reply.body_html
        from community.events.models import Event

        meetup_id = db.session.scalar(select(Event.id))
    urls = ["/communities", "/communities/xss-club", "/communities/xss-club/topics",
            f"/communities/xss-club/topics/{topic_id}", f"/communities/xss-club/topics/{topic_id}/edit",
            "/communities/xss-club/members", "/communities/xss-club/meetups", f"/events/{meetup_id}",
            f"/communities/xss-club/meetups/{meetup_id}", f"/communities/xss-club/meetups/{meetup_id}/attendees",
            "/events", f"/users/{author.id}"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_clean(response.get_data(as_text=True))
    feed = client.get("/events.atom").get_data(as_text=True)
    assert "<script>" not in feed and "<img src=x" not in feed


# --- SQL statements per page -------------------------------------------------------------------------------


def _count(client, count_queries, url) -> int:
    with count_queries() as counted:
        response = client.get(url)
    assert response.status_code == 200, url
    return counted.n


def test_directory_queries_do_not_grow_with_communities(client, app, count_queries, make_user, make_community):
    from community.areas.models import Area, Category
    from community.communities.models import Community
    from community.extensions import db

    owner = make_user()
    make_community(admin=owner, category="kosodate")
    few = _count(client, count_queries, "/communities")
    with app.app_context():
        areas = db.session.query(Area.id).limit(6).all()
        categories = db.session.query(Category.id).all()
        db.session.add_all([Community(slug=f"bulk-{n}", name=f"会{n}", area_id=areas[n % 6][0],
                                      category_id=categories[n % len(categories)][0] if n % 3 else None)
                            for n in range(25)])
        db.session.commit()
    assert _count(client, count_queries, "/communities") == few
    assert _count(client, count_queries, "/communities?area=midori&sort=new") <= few + 1


def test_community_page_queries_do_not_grow_with_content(client, login, count_queries, make_user, make_users,
                                                         make_community, make_topic, make_replies, make_topics,
                                                         make_meetup):
    admin, member = make_user(), make_user()
    community = make_community(admin=admin, members=[member])
    topic = make_topic(community, member)
    make_meetup(community, admin)
    login(member)
    url = f"/communities/{community.slug}"
    topics_url = f"/communities/{community.slug}/topics"
    meetups_url = f"/communities/{community.slug}/meetups"
    few, topics_few = _count(client, count_queries, url), _count(client, count_queries, topics_url)
    meetups_few = _count(client, count_queries, meetups_url)
    authors = make_users(6)
    make_topics(community, authors, 25)
    make_replies(topic, authors, 12)
    for n in range(6):
        make_meetup(community, admin, days=n + 1)
    assert _count(client, count_queries, url) == few
    assert _count(client, count_queries, topics_url) == topics_few
    assert _count(client, count_queries, meetups_url) == meetups_few


def test_topic_page_queries_do_not_grow_with_replies(client, login, count_queries, make_user, make_users,
                                                     make_community, make_topic, make_reply, make_replies):
    admin, member = make_user(), make_user()
    community = make_community(admin=admin, members=[member])
    topic = make_topic(community, admin, ago=timedelta(hours=5))
    make_reply(topic, admin, ago=timedelta(hours=4))
    login(member)
    url = f"/communities/{community.slug}/topics/{topic.id}"
    first_visit = _count(client, count_queries, url)  # creates the read marker
    again = _count(client, count_queries, url)
    make_replies(topic, make_users(8) + [admin], 45)
    assert _count(client, count_queries, url) <= first_visit  # moves the marker forward
    assert _count(client, count_queries, url) == again
    assert _count(client, count_queries, url + "?page=2") <= first_visit
    assert _count(client, count_queries, url + "?page=2") == again


def test_member_list_and_meetup_pages_queries_are_bounded(client, app, login, count_queries, make_user, make_users,
                                                          make_community, make_meetup):
    from community.communities.meetups import answer
    from community.events.models import Event
    from community.extensions import db

    admin = make_user()
    members = [make_user() for _ in range(3)]
    community = make_community(admin=admin, members=members)
    meetup = make_meetup(community, admin, capacity=2)
    login(admin)
    urls = [f"/communities/{community.slug}/members", f"/communities/{community.slug}/meetups/{meetup.id}",
            f"/events/{meetup.id}", f"/communities/{community.slug}/meetups/{meetup.id}/attendees", "/events"]
    few = {url: _count(client, count_queries, url) for url in urls}
    more = make_users(20)
    with app.app_context():
        from community.communities.models import CommunityMembership

        for user in more:
            db.session.add(CommunityMembership(community_id=community.id, user_id=user.id))
        db.session.commit()
    with app.test_request_context():
        row = db.session.get(Event, meetup.id)
        for user in members + more:
            answer(row, user, ("going", "maybe")[user.id % 2])
        db.session.commit()
    for n in range(4):
        make_meetup(community, admin, days=n + 1)
    assert {url: _count(client, count_queries, url) for url in urls} == few


def test_profile_queries_do_not_grow_with_posts(client, count_queries, make_user, make_community, make_topic,
                                                make_topics, make_replies):
    member = make_user(show_communities=True)
    community = make_community(admin=make_user(), members=[member])
    topic = make_topic(community, member)
    url = f"/users/{member.id}"
    few = _count(client, count_queries, url)
    for _ in range(4):
        make_topics(make_community(admin=member), [member], 5)
    make_replies(topic, [member], 15)
    page = client.get(url).get_data(as_text=True)
    assert "返信: " in page and "話題00" in page
    assert _count(client, count_queries, url) == few


# --- the profile and its settings ----------------------------------------------------------------------------------


def test_settings_choose_what_the_profile_shows(client, app, login, make_user, make_community):
    member = make_user(name="設定 さん")
    make_community(admin=make_user(), members=[member], name="見せたい会")
    with app.app_context():
        from community.areas.services import area_by_slug

        tana = area_by_slug("tana").id
    login(member)
    page = client.get("/settings").get_data(as_text=True)
    assert "プロフィールに参加しているコミュニティを表示する" in page and "プロフィールに地域を表示する" in page
    response = client.post("/settings", data={"profile-display_name": "設定 さん", "profile-bio": "よろしく",
                                              "profile-area_id": str(tana), "profile-show_area": "y",
                                              "profile-show_communities": "y", "profile-submit": "1"})
    assert response.status_code == 302
    public = app.test_client().get(f"/users/{member.id}").get_data(as_text=True)
    assert "田名" in public and "見せたい会" in public and "よろしく" in public
    client.post("/settings", data={"profile-display_name": "設定 さん", "profile-bio": "よろしく",
                                   "profile-area_id": str(tana), "profile-submit": "1"})
    public = app.test_client().get(f"/users/{member.id}").get_data(as_text=True)
    assert "田名" not in public and "見せたい会" not in public
    bad = client.post("/settings", data={"profile-display_name": "設定 さん", "profile-area_id": "999999",
                                         "profile-submit": "1"})
    assert bad.status_code == 400
    assert client.post("/settings", data={"profile-display_name": "x", "profile-submit": "1"},
                       csrf=False).status_code == 400


def test_profile_hidden_by_moderation_shows_no_bio_or_posts(client, login, supporter, make_user, make_community,
                                                           make_topic):
    member = make_user(name="隠される 会員", bio="隠される自己紹介")
    community = make_community(admin=make_user(), members=[member])
    make_topic(community, member, title="隠される投稿")
    page = client.get(f"/users/{member.id}").get_data(as_text=True)
    assert "隠される自己紹介" in page and "隠される投稿" in page
    login(supporter)
    hide = client.post(f"/moderation/item/profile/{member.id}/hide",
                       data={"expected": "published", "reason": "不適切な自己紹介"})
    assert hide.status_code == 302
    client.post("/logout")
    response = client.get(f"/users/{member.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "隠される 会員" in page
    assert "隠される自己紹介" not in page and "隠される投稿" not in page


def test_profile_lists_only_published_undeleted_open_posts(client, make_user, make_community, make_topic,
                                                           make_reply):
    from community.timeutil import now_utc

    member = make_user()
    community = make_community(admin=make_user(), members=[member], name="公開の会")
    shown = make_topic(community, member, title="見える投稿")
    make_topic(community, member, title="確認待ちの投稿", status="pending")
    make_topic(community, member, title="削除した投稿", deleted_at=now_utc())
    make_reply(shown, member, body="見える返信です")
    page = client.get(f"/users/{member.id}").get_data(as_text=True)
    assert "見える投稿" in page and "返信: 見える投稿" in page
    assert "確認待ちの投稿" not in page and "削除した投稿" not in page


def test_unknown_or_suspended_profile_is_not_found(client, make_user):
    assert client.get("/users/999999").status_code == 404
    assert client.get(f"/users/{make_user(is_suspended=True).id}").status_code == 404
