"""/robots.txt, /sitemap.xml and its index, /favicon.ico: what a crawler is told and shown."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locations(client, path: str = "/sitemap.xml") -> tuple[str, list[str]]:
    """The root element's local name and every <loc> of a sitemap file, which must parse in the sitemaps.org
    namespace."""
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)  # noqa: S314 - our own output, parsed to be checked
    tag = root.tag.removeprefix("{" + NS["sm"] + "}")
    assert tag != root.tag, "not in the sitemaps.org namespace"
    return tag, [loc.text or "" for loc in root.iterfind(".//sm:loc", NS)]


def test_robots_keeps_crawlers_out_of_personal_and_staff_pages_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    for path in ("/me", "/settings", "/notifications", "/moderation", "/admin", "/login", "/register", "/search"):
        assert f"Disallow: {path}" in lines
    assert not any(line in ("Disallow: /events", "Disallow: /shops", "Disallow: /") for line in lines)
    assert "Sitemap: http://localhost/sitemap.xml" in lines


def test_sitemap_lists_public_pages_only(client, app, editor, make_group, make_item, make_user, make_community):
    group = make_group(slug="public-group", owner=editor)
    public = make_item("event", group)
    shop = make_item("shop", group)
    notice = make_item("notice", group)
    draft = make_item("event", group, publish=False)
    hidden = make_item("shop", group)
    pending_group = make_group(verified=False)
    pending = make_item("notice", pending_group)
    from community.content.models import Status
    from community.events.models import Event
    from community.extensions import db
    from community.shops.models import Shop

    with app.app_context():
        db.session.get(Shop, hidden.id).status = Status.HIDDEN
        db.session.commit()
        assert db.session.get(type(pending), pending.id).status == Status.PENDING

    owner = make_user()
    open_one = make_community(admin=owner, slug="open-circle")
    closed = make_community(admin=owner, closed=True, slug="closed-circle")
    open_meetup, closed_meetup = (_meetup(app, community, owner) for community in (open_one, closed))

    tag, urls = locations(client)
    assert tag == "urlset"
    base = "http://localhost"
    for path in ("/", "/events", "/shops", "/notices", "/communities", "/groups", "/areas", "/areas/hashimoto",
                 f"/events/{public.id}", f"/shops/{shop.id}", f"/notices/{notice.id}", "/groups/public-group",
                 "/communities/open-circle", f"/events/{open_meetup}"):
        assert base + path in urls, path
    for path in (f"/events/{draft.id}", f"/shops/{hidden.id}", f"/notices/{pending.id}",
                 "/communities/closed-circle", f"/events/{closed_meetup}"):
        assert base + path not in urls, path
    assert all(url.startswith(base + "/") for url in urls)
    assert len(urls) == len(set(urls))

    root = ET.fromstring(client.get("/sitemap.xml").data)  # noqa: S314 - our own output
    entry = next(url for url in root.iterfind("sm:url", NS) if url.findtext("sm:loc", namespaces=NS)
                 == f"{base}/events/{public.id}")
    with app.app_context():
        updated = db.session.get(Event, public.id).updated_at
    assert entry.findtext("sm:lastmod", namespaces=NS) == updated.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def test_sitemap_lists_published_features_open_topics_and_listed_groups_only(
        client, app, make_user, make_community, make_topic, make_group):
    from community.extensions import db
    from community.moderation.models import Collection

    with app.app_context():
        db.session.add_all([Collection(slug="summer-kids", title="夏の子育て特集", is_published=True),
                            Collection(slug="draft-feature", title="作りかけの特集", is_published=False)])
        db.session.commit()
    owner = make_user()
    open_one = make_community(admin=owner, slug="open-circle")
    closed = make_community(admin=owner, closed=True, slug="closed-circle")
    open_topic = make_topic(open_one, owner, title="公開の話題")
    closed_topic = make_topic(closed, owner, title="会員だけの話題")
    removed_topic = make_topic(open_one, owner, title="消した話題")
    with app.app_context():
        from community.communities.models import Topic
        from community.timeutil import now_utc

        db.session.get(Topic, removed_topic.id).deleted_at = now_utc()
        db.session.commit()
    make_group(slug="verified-group")
    make_group(slug="unverified-group", verified=False)

    urls = locations(client)[1]
    base = "http://localhost"
    for path in ("/features/summer-kids", f"/communities/open-circle/topics/{open_topic.id}", "/groups/verified-group"):
        assert base + path in urls, path
    for path in ("/features/draft-feature", f"/communities/closed-circle/topics/{closed_topic.id}",
                 f"/communities/open-circle/topics/{removed_topic.id}", "/groups/unverified-group"):
        assert base + path not in urls, path
    assert client.get(f"/communities/open-circle/topics/{open_topic.id}").status_code == 200
    assert client.get("/features/summer-kids").status_code == 200


def _meetup(app, community, author) -> int:
    from datetime import timedelta

    from community.communities.meetups import create_meetup
    from community.communities.models import Community
    from community.extensions import db
    from community.timeutil import now_utc

    starts = now_utc() + timedelta(days=3)
    with app.test_request_context():
        row = db.session.get(Community, community.id)
        meetup = create_meetup(row, {"title": "集まり", "starts_at": starts, "ends_at": starts + timedelta(hours=2),
                                     "venue_name": "", "address": "", "area_id": row.area_id, "capacity": None,
                                     "body": "本文"}, author)
        db.session.commit()
        return meetup.id


def test_above_the_limit_the_sitemap_is_an_index_of_valid_files_that_list_everything_once(
        client, editor, make_group, make_item, monkeypatch):
    from community.seo import sitemap

    group = make_group(owner=editor)
    for _ in range(4):
        make_item("event", group)
    make_item("event", group, publish=False)
    everything = locations(client)[1]  # under the real limit: one file
    monkeypatch.setattr(sitemap, "MAX_URLS_PER_FILE", 7)
    assert len(everything) > 2 * 7
    tag, files = locations(client)
    assert tag == "sitemapindex"
    assert files == [f"http://localhost/sitemap-{n}.xml" for n in range(1, len(files) + 1)]
    listed = []
    for url in files:
        tag, urls = locations(client, url.removeprefix("http://localhost"))
        assert tag == "urlset" and 0 < len(urls) <= sitemap.MAX_URLS_PER_FILE
        listed += urls
    assert listed == everything
    assert client.get(f"/sitemap-{len(files) + 1}.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404


@pytest.mark.parametrize("path", ["/sitemap.xml", "/sitemap-2.xml"])
def test_sitemap_runs_a_bounded_number_of_statements_whatever_the_number_of_items(
        client, editor, make_group, make_item, count_queries, monkeypatch, path):
    from community.seo import sitemap

    # /sitemap.xml: one file holding every address, before and after; /sitemap-2.xml: one of many files.
    monkeypatch.setattr(sitemap, "MAX_URLS_PER_FILE", 100_000 if path == "/sitemap.xml" else 7)
    group = make_group(owner=editor)
    for _ in range(3):
        for kind in ("event", "shop", "notice"):
            make_item(kind, group)

    def grow():
        other = make_group(owner=editor)
        for _ in range(6):
            for kind in ("event", "shop", "notice"):
                make_item(kind, other)

    client.get(path)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    grow()
    with count_queries() as many:
        assert client.get(path).status_code == 200
    if path == "/sitemap.xml":
        assert few.n == many.n, "\n".join(many.statements)
    # A numbered file reads the kinds its slice spans: never more than one count and one query per kind.
    assert max(few.n, many.n) <= 1 + len(sitemap.SOURCES)


def test_favicon_is_served_at_the_root_and_the_icons_are_linked(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client.get("/").get_data(as_text=True)
    assert 'rel="icon" href="/favicon.ico"' in page
    assert 'href="/static/img/icon.svg" type="image/svg+xml"' in page
    assert 'rel="apple-touch-icon" href="/static/img/apple-touch-icon.png"' in page
    for path in ("/static/img/icon.svg", "/static/img/apple-touch-icon.png"):
        with client.get(path) as response:
            assert response.status_code == 200
