"""A closed community's content (topics, replies, meetups, members) is for its members only: every page,
feed, iCalendar file, JSON endpoint and search is asked, as a visitor and as signed-in non-members, and none
of it appears. An open community's meetups, by contrast, are in the portal's event listings and feeds."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

SECRET_TOPIC = "秘密トピックXQ"
SECRET_REPLY = "秘密返信XQ"
SECRET_MEETUP = "秘密集まりXQ"
SECRET_MEMBER = "秘密会員XQ"
OPEN_TOPIC = "公開トピックOP"
OPEN_MEETUP = "公開集まりOP"
SECRETS = (SECRET_TOPIC, SECRET_REPLY, SECRET_MEETUP, SECRET_MEMBER)


@pytest.fixture
def world(app, make_user, make_community, make_topic, make_reply, make_meetup):
    """One member in an open and a closed community, with posts and a meetup in each."""

    class World:
        insider = make_user(name=SECRET_MEMBER, show_communities=True)
        admin = make_user(name="管理する人")
        outsider = make_user(name="外の人")
        requester = make_user(name="申請中の人")
        supporter = make_user("supporter", name="サポーター")
        site_admin = make_user("admin", name="市の職員")

    World.open = make_community(admin=World.admin, members=[World.insider], name="公開の会OP")
    World.closed = make_community(admin=World.admin, members=[World.insider], requested=[World.requester],
                                  closed=True, name="承認制の会CL", description="説明は公開されます")
    World.secret_topic = make_topic(World.closed, World.insider, title=SECRET_TOPIC)
    World.secret_reply = make_reply(World.secret_topic, World.insider, body=SECRET_REPLY)
    World.secret_meetup = make_meetup(World.closed, World.admin, title=SECRET_MEETUP, days=2)
    World.open_topic = make_topic(World.open, World.insider, title=OPEN_TOPIC)
    World.open_meetup = make_meetup(World.open, World.admin, title=OPEN_MEETUP, days=2)
    with app.test_request_context():
        from community.communities.meetups import answer
        from community.events.models import Event
        from community.extensions import db

        answer(db.session.get(Event, World.secret_meetup.id), World.insider, "going")
        db.session.commit()
    return World


def _public_urls(world) -> list[str]:
    from community.timeutil import now_utc, to_local

    day = to_local(now_utc() + timedelta(days=2))
    return [
        "/", "/communities", "/communities?sort=new", f"/communities/{world.closed.slug}", "/events",
        "/events?when=month", f"/events?from={day.date().isoformat()}&to={day.date().isoformat()}",
        f"/calendar?year={day.year}&month={day.month}", "/events.atom", "/events.ics", "/api/v1/events",
        "/api/v1/events?per_page=100", "/events.csv", f"/users/{world.insider.id}", "/areas/hashimoto",
        "/areas/midori",
    ]


# Each query matches a secret without containing it whole (the results page repeats the query).
SEARCHES = ("/search?q=秘密", "/search?q=秘密トピック", "/search?q=集まりXQ", "/search?q=返信XQ", "/search?q=XQ",
            "/search?q=秘密&kind=topic", "/search?q=秘密&kind=event", "/search?q=秘密&kind=reply")


def _content_urls(world) -> list[str]:
    slug = world.closed.slug
    return [
        f"/communities/{slug}/topics", f"/communities/{slug}/topics/{world.secret_topic.id}",
        f"/communities/{slug}/meetups", f"/communities/{slug}/meetups?past=1",
        f"/communities/{slug}/meetups/{world.secret_meetup.id}/attendees", f"/communities/{slug}/members",
        f"/events/{world.secret_meetup.id}", f"/events/{world.secret_meetup.id}.ics",
        f"/communities/{slug}/meetups/{world.secret_meetup.id}",
        f"/communities/{slug}/topics/{world.secret_topic.id}/edit",
        f"/communities/{slug}/replies/{world.secret_reply.id}/edit", f"/communities/{slug}/topics/new",
        f"/communities/{slug}/meetups/new", f"/communities/{slug}/meetups/{world.secret_meetup.id}/edit",
    ]


def _text(response) -> str:
    body = response.get_data(as_text=True)
    if response.mimetype == "application/json":
        body = json.dumps(response.get_json(), ensure_ascii=False)
    return body


def _drain_search(app):
    if "search.results" in app.view_functions:
        from community.search.indexing import drain

        drain(app, wait=True)


def _viewers(app, login, world):
    anonymous = app.test_client()
    yield "visitor", anonymous
    for name in ("outsider", "requester", "supporter", "site_admin"):
        yield name, login(getattr(world, name), app.test_client())


def test_closed_community_content_is_never_found_in_search_by_non_members(app, login, world):
    if "search.results" not in app.view_functions:
        pytest.skip("no search yet")
    _drain_search(app)
    for who, client in _viewers(app, login, world):
        for url in SEARCHES:
            response = client.get(url)
            assert response.status_code == 200, (who, url, response.status_code)
            text = _text(response)
            for secret in SECRETS:
                assert secret not in text, (who, url, secret)


def test_closed_community_content_never_reaches_non_members(app, login, world):
    for who, client in _viewers(app, login, world):
        for url in _public_urls(world):
            response = client.get(url)
            assert response.status_code == 200, (who, url, response.status_code)
            text = _text(response)
            if url == f"/users/{world.insider.id}":
                # their name is theirs to show; the closed community they belong to is not
                assert "承認制の会CL" not in text, who
                text = text.replace(SECRET_MEMBER, "")
            for secret in SECRETS:
                assert secret not in text, (who, url, secret)
        for url in _content_urls(world):
            response = client.get(url)
            assert response.status_code in (302, 403, 404), (who, url, response.status_code)
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/login"), (who, url)
            text = _text(response)
            for secret in SECRETS:
                assert secret not in text, (who, url, secret)


def test_closed_community_profile_is_public_but_not_its_content(app, login, world):
    page = app.test_client().get(f"/communities/{world.closed.slug}").get_data(as_text=True)
    assert "承認制の会CL" in page and "説明は公開されます" in page and "参加者 2人" in page
    assert "参加者だけが見られます" in page
    outsider = login(world.outsider, app.test_client())
    assert "参加を申請する" in outsider.get(f"/communities/{world.closed.slug}").get_data(as_text=True)


def test_members_do_see_it_all(app, login, world):
    """The positive control: the same pages show the secrets to a member, so the test above can fail."""
    _drain_search(app)
    client = login(world.insider, app.test_client())
    slug = world.closed.slug
    assert SECRET_TOPIC in client.get(f"/communities/{slug}").get_data(as_text=True)
    assert SECRET_MEETUP in client.get(f"/communities/{slug}").get_data(as_text=True)
    page = client.get(f"/communities/{slug}/topics/{world.secret_topic.id}").get_data(as_text=True)
    assert SECRET_TOPIC in page and SECRET_REPLY in page
    assert SECRET_MEMBER in client.get(f"/communities/{slug}/members").get_data(as_text=True)
    meetup_page = client.get(f"/communities/{slug}/meetups/{world.secret_meetup.id}").get_data(as_text=True)
    assert SECRET_MEETUP in meetup_page and SECRET_MEMBER in meetup_page  # the attendee list
    assert 'name="answer" value="going"' in meetup_page
    assert SECRET_MEMBER in client.get(f"/communities/{slug}/meetups/{world.secret_meetup.id}/attendees"
                                       ).get_data(as_text=True)
    # still never in the public listings and feeds, not even for a member: those are public documents
    for url in ("/events", "/events.atom", "/events.ics", "/api/v1/events"):
        assert SECRET_MEETUP not in _text(client.get(url)), url


def test_open_community_meetups_are_in_listings_and_feeds_marked_as_such(app, world):
    import icalendar

    client = app.test_client()
    listing = client.get("/events").get_data(as_text=True)
    assert OPEN_MEETUP in listing and "コミュニティの集まり" in listing and "公開の会OP" in listing
    atom = client.get("/events.atom").get_data(as_text=True)
    assert OPEN_MEETUP in atom and "公開の会OP（コミュニティの集まり）" in atom
    calendar = icalendar.Calendar.from_ical(client.get("/events.ics").get_data())
    assert OPEN_MEETUP in [str(e["summary"]) for e in calendar.walk("VEVENT")]
    items = client.get("/api/v1/events").get_json()["items"]
    [meetup] = [i for i in items if i["title"] == OPEN_MEETUP]
    assert meetup["group"] is None
    assert meetup["community"] == {"slug": world.open.slug, "name": "公開の会OP"}
    assert OPEN_MEETUP in client.get(f"/events/{world.open_meetup.id}.ics").get_data(as_text=True)
    # The open-data export is of groups' events: a meetup is never published as one (issue 14).
    assert OPEN_MEETUP not in client.get("/events.csv").get_data(as_text=True)
    day = world.open_meetup.starts_at
    from community.timeutil import to_local

    local = to_local(day)
    assert OPEN_MEETUP in client.get(f"/calendar?year={local.year}&month={local.month}").get_data(as_text=True)
    detail = client.get(f"/events/{world.open_meetup.id}").get_data(as_text=True)
    assert "コミュニティの集まり" in detail and f'href="/communities/{world.open.slug}"' in detail


def test_meetups_leave_the_public_listings_when_the_community_closes(app, world):
    from community.communities.models import Community
    from community.extensions import db

    client = app.test_client()
    assert OPEN_MEETUP in client.get("/events").get_data(as_text=True)
    with app.app_context():
        db.session.get(Community, world.open.id).is_closed = True
        db.session.commit()
    for url in ("/events", "/events.atom", "/events.ics", "/api/v1/events", f"/users/{world.insider.id}"):
        text = _text(client.get(url))
        assert OPEN_MEETUP not in text and OPEN_TOPIC not in text, url
    assert client.get(f"/events/{world.open_meetup.id}").status_code == 404


def test_profile_shows_open_communities_only_and_only_when_allowed(app, login, world, make_user):
    client = app.test_client()
    page = client.get(f"/users/{world.insider.id}").get_data(as_text=True)
    assert "参加しているコミュニティ" in page
    assert "公開の会OP" in page and "承認制の会CL" not in page
    assert OPEN_TOPIC in page and SECRET_TOPIC not in page
    with app.app_context():
        from community.accounts.models import User
        from community.extensions import db

        db.session.get(User, world.insider.id).show_communities = False
        db.session.commit()
    page = client.get(f"/users/{world.insider.id}").get_data(as_text=True)
    assert "参加しているコミュニティ" not in page
    assert OPEN_TOPIC in page  # public posts stay listed
    own = login(world.insider, app.test_client()).get(f"/users/{world.insider.id}").get_data(as_text=True)
    assert "公開の会OP" in own and "あなたにだけ表示されています" in own and "承認制の会CL" not in own


def test_members_find_it_in_search(app, login, world):
    """The positive control for the search part: what non-members never find, members do."""
    if "search.results" not in app.view_functions:
        pytest.skip("no search yet")
    _drain_search(app)
    client = login(world.insider, app.test_client())
    assert SECRET_TOPIC in client.get("/search?q=秘密トピック").get_data(as_text=True)
    assert SECRET_MEETUP in client.get("/search?q=集まりXQ").get_data(as_text=True)
