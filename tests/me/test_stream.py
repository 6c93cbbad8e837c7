"""/me: the personal stream, upcoming events, bookmarks and own posts; visibility; bounded SQL."""

from __future__ import annotations

import re
from datetime import timedelta

from community.timeutil import now_utc


def _stream_ids(page: str) -> list[str]:
    stream = page.split('id="stream"', 1)[1].split("</ul>", 1)[0] if 'id="stream"' in page else ""
    return re.findall(r'data-entry="([a-z_]+-\d+)"', stream)


def test_stream_shows_what_is_followed_newest_first(client, login, member, make_group, make_item, add_follows,
                                                    area_id, category_id, set_published):
    followed_group, other_group = make_group(area="tana"), make_group(area="tana")
    in_ward = make_item("event", other_group, area="hashimoto")         # district below the followed ward
    in_category = make_item("notice", other_group, area="tana", category="kosodate")
    of_group = make_item("shop", followed_group, area="tana")
    elsewhere = make_item("notice", other_group, area="tana")
    draft = make_item("notice", followed_group, area="tana", publish=False)
    now = now_utc()
    set_published(in_ward, now - timedelta(hours=3))
    set_published(in_category, now - timedelta(hours=1))
    set_published(of_group, now - timedelta(hours=2))
    add_follows(member, "area", [area_id("midori")])
    add_follows(member, "category", [category_id("kosodate")])
    add_follows(member, "group", [followed_group.id])
    login(member)
    page = client.get("/me").get_data(as_text=True)
    assert _stream_ids(page) == [f"notice-{in_category.id}", f"shop-{of_group.id}", f"event-{in_ward.id}"]
    assert elsewhere.title not in page and draft.title not in page


def test_stream_is_paginated(client, login, member, make_group, make_item, add_follows):
    group = make_group()
    for _ in range(21):
        make_item("notice", group)
    add_follows(member, "group", [group.id])
    login(member)
    first = _stream_ids(client.get("/me").get_data(as_text=True))
    second_page = client.get("/me?page=2").get_data(as_text=True)
    second = _stream_ids(second_page)
    assert len(first) == 20 and len(second) == 1
    assert not set(first) & set(second)
    assert "2 / 2 ページ" in second_page
    assert client.get("/me?page=abc").status_code == 200


def test_empty_my_page_explains_how_to_follow(client, login, member):
    login(member)
    page = client.get("/me").get_data(as_text=True)
    assert "まだ何もフォローしていません" in page
    assert page.count("<h1") == 1


def test_followed_community_shows_meetups_and_topics(client, login, member, make_user, make_community, make_topic,
                                                     make_meetup, add_follows):
    owner = make_user()
    community = make_community(admin=owner)
    topic = make_topic(community, owner)
    meetup = make_meetup(community)
    pending = make_topic(community, owner, status="pending")
    add_follows(member, "community", [community.id])
    login(member)
    ids = _stream_ids(client.get("/me").get_data(as_text=True))
    assert f"topic-{topic.id}" in ids and f"event-{meetup.id}" in ids
    assert f"topic-{pending.id}" not in ids


def test_closed_community_items_show_only_while_a_member(client, app, login, member, make_user, make_community,
                                                         make_topic, make_meetup, add_follows):
    from sqlalchemy import delete

    from community.communities.models import CommunityMembership
    from community.extensions import db

    owner = make_user()
    community = make_community(admin=owner, members=[member], closed=True)
    topic = make_topic(community, owner, title="会員だけの話題")
    meetup = make_meetup(community)
    add_follows(member, "community", [community.id])
    login(member)
    ids = _stream_ids(client.get("/me").get_data(as_text=True))
    assert f"topic-{topic.id}" in ids and f"event-{meetup.id}" in ids
    with app.app_context():
        db.session.execute(delete(CommunityMembership).where(CommunityMembership.user_id == member.id))
        db.session.commit()
    page = client.get("/me").get_data(as_text=True)
    assert _stream_ids(page) == []
    assert "会員だけの話題" not in page


def test_upcoming_lists_answered_and_bookmarked_events(client, app, login, member, make_user, editor, make_item,
                                                       make_community, make_meetup):
    from community.communities.models import Rsvp
    from community.extensions import db
    from community.me.models import Bookmark

    owner = make_user()
    community = make_community(admin=owner, members=[member])
    going = make_meetup(community, starts_at=now_utc() + timedelta(days=2))
    declined = make_meetup(community, starts_at=now_utc() + timedelta(days=3))
    over = make_meetup(community, starts_at=now_utc() - timedelta(days=3))
    kept = make_item("event", editor.group, starts_at=now_utc() + timedelta(days=5))
    other = make_item("event", editor.group, starts_at=now_utc() + timedelta(days=1))
    with app.app_context():
        db.session.add_all([Rsvp(event_id=going.id, user_id=member.id, answer="going"),
                            Rsvp(event_id=declined.id, user_id=member.id, answer="not_going"),
                            Rsvp(event_id=over.id, user_id=member.id, answer="going"),
                            Bookmark(user_id=member.id, item_kind="event", item_id=kept.id)])
        db.session.commit()
    login(member)
    page = client.get("/me").get_data(as_text=True)
    upcoming = page.split('id="upcoming"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'data-entry="event-(\d+)"', upcoming) == [str(going.id), str(kept.id)]
    assert "参加予定" in upcoming
    assert other.title not in upcoming


def test_own_posts_show_their_moderation_status(client, app, login, member, make_user, make_community, make_topic):
    from community.communities.models import Topic
    from community.extensions import db

    community = make_community(members=[member])
    live = make_topic(community, member, title="公開された話題")
    waiting = make_topic(community, member, status="pending", title="確認待ちの話題")
    hidden = make_topic(community, member, status="hidden", title="隠された話題")
    someone_else = make_topic(community, make_user(), title="他人の話題")
    with app.app_context():
        db.session.get(Topic, hidden.id).hidden_reason = "個人情報が含まれていたため"
        db.session.commit()
    login(member)
    page = client.get("/me/posts").get_data(as_text=True)
    assert f'data-entry="topic-{live.id}" data-status="published"' in page
    assert f'data-entry="topic-{waiting.id}" data-status="pending"' in page
    assert f'data-entry="topic-{hidden.id}" data-status="hidden"' in page
    assert "個人情報が含まれていたため" in page
    assert "他人の話題" not in page
    assert "確認待ちの話題" in client.get("/me").get_data(as_text=True)
    assert someone_else.title not in page


def test_my_page_sql_statements_do_not_grow_with_follows(client, app, login, member, make_user, make_group,
                                                         make_item, make_community, make_topic, make_meetup,
                                                         add_follows, area_id, category_id, count_queries):
    """One follow of each kind, then dozens: the same number of statements (one query per content type)."""
    from community.communities.models import Rsvp
    from community.extensions import db
    from community.me.models import Bookmark

    owner = make_user()
    groups = [make_group(area="tana") for _ in range(6)]
    communities = [make_community(admin=owner, members=[member]) for _ in range(4)]
    for group in groups:
        make_item("event", group, area="tana")
        make_item("notice", group, area="tana")
        make_item("shop", group, area="tana")
    for community in communities:
        make_topic(community, owner)
        meetup = make_meetup(community)
        make_topic(community, member)
        with app.app_context():
            db.session.add(Rsvp(event_id=meetup.id, user_id=member.id, answer="going"))
            db.session.add(Bookmark(user_id=member.id, item_kind="event", item_id=meetup.id))
            db.session.commit()

    add_follows(member, "group", [groups[0].id])
    add_follows(member, "community", [communities[0].id])
    add_follows(member, "area", [area_id("tana")])
    add_follows(member, "category", [category_id("kosodate")])
    login(member)
    client.get("/me")
    with count_queries() as few:
        assert client.get("/me").status_code == 200

    add_follows(member, "group", [g.id for g in groups[1:]])
    add_follows(member, "community", [c.id for c in communities[1:]])
    add_follows(member, "area", [area_id(slug) for slug in ("midori", "chuo", "minami", "kamimizo")])
    add_follows(member, "category", [category_id(slug) for slug in ("events", "safety", "learning")])
    with count_queries() as many:
        page = client.get("/me").get_data(as_text=True)
    assert len(_stream_ids(page)) == 20
    assert few.n == many.n, "\n".join(many.statements)
    with count_queries() as feed:
        client.get("/me/bookmarks")
    with count_queries() as posts:
        client.get("/me/posts")
    assert feed.n < 15 and posts.n < 15


def test_upcoming_lists_a_far_event_behind_a_daily_one(client, app, login, member, editor, make_item):
    """A bookmarked daily event (80 dates) must not push a bookmarked one-off event 70 days away off my page."""
    from community.extensions import db
    from community.me.models import Bookmark

    start = now_utc() + timedelta(hours=1)
    daily = make_item("event", editor.group, starts_at=start, ends_at=start + timedelta(hours=1),
                      rrule="FREQ=DAILY;COUNT=80")
    far = make_item("event", editor.group, starts_at=now_utc() + timedelta(days=70))
    with app.app_context():
        db.session.add_all([Bookmark(user_id=member.id, item_kind="event", item_id=e.id) for e in (daily, far)])
        db.session.commit()
    login(member)
    page = client.get("/me").get_data(as_text=True)
    upcoming = page.split('id="upcoming"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'data-entry="event-(\d+)"', upcoming) == [str(daily.id), str(far.id)]


def test_upcoming_leaves_out_a_bookmarked_event_the_member_declined(client, app, login, member, editor, make_item):
    from community.communities.models import Rsvp
    from community.extensions import db
    from community.me.models import Bookmark

    declined = make_item("event", editor.group, starts_at=now_utc() + timedelta(days=1))
    kept = make_item("event", editor.group, starts_at=now_utc() + timedelta(days=2))
    with app.app_context():
        db.session.add_all([Bookmark(user_id=member.id, item_kind="event", item_id=e.id) for e in (declined, kept)])
        db.session.add(Rsvp(event_id=declined.id, user_id=member.id, answer="not_going"))
        db.session.commit()
    login(member)
    page = client.get("/me").get_data(as_text=True)
    upcoming = page.split('id="upcoming"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'data-entry="event-(\d+)"', upcoming) == [str(kept.id)]
