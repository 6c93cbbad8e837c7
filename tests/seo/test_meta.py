"""Every page's canonical address, OpenGraph and Twitter card tags, and the schema.org data of item pages."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

IMAGE = "AbCdEfGhIjKlMnOpQrStUv.jpg"


class Head(HTMLParser):
    """The meta tags, canonical link and JSON-LD blocks of a page."""

    def __init__(self, page: str):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.canonical: list[str] = []
        self.json_ld: list[dict] = []
        self._in_ld = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "meta" and (found.get("property") or found.get("name")):
            self.meta[found.get("property") or found["name"]] = found.get("content") or ""
        elif tag == "link" and found.get("rel") == "canonical":
            self.canonical.append(found["href"] or "")
        elif tag == "script" and found.get("type") == "application/ld+json":
            self._in_ld = True

    def handle_endtag(self, tag):
        self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld.append(json.loads(data))

    def of_type(self, kind: str) -> dict:
        return next(data for data in self.json_ld if data["@type"] == kind)


def head(client, path: str) -> Head:
    response = client.get(path)
    assert response.status_code == 200, path
    return Head(response.get_data(as_text=True))


def test_home_page_has_site_tags_and_a_canonical_address_without_query_noise(client):
    tags = head(client, "/?utm_source=mail&fbclid=x")
    assert tags.canonical == ["http://localhost/"]
    assert tags.meta["og:url"] == "http://localhost/"
    assert tags.meta["og:site_name"] == tags.meta["og:title"] == "さがみはら地域ポータル"
    assert tags.meta["og:type"] == "website" and tags.meta["og:locale"] == "ja_JP"
    assert tags.meta["og:image"] == "http://localhost/static/img/apple-touch-icon.png"
    assert tags.meta["twitter:card"] == "summary"
    assert "robots" not in tags.meta


def test_a_listing_keeps_its_page_number_only(client):
    assert head(client, "/events?page=2&area=hashimoto&ref=x").canonical == ["http://localhost/events?page=2"]
    assert head(client, "/shops?page=1").canonical == ["http://localhost/shops"]


def test_event_page_with_an_image_fills_its_own_tags_and_schema_org_event(client, editor, make_group, make_item):
    group = make_group(owner=editor, name="橋本まちづくり会")
    starts = datetime(2031, 5, 3, 1, 0, tzinfo=UTC)  # 10:00 in Japan
    event = make_item("event", group, title="春の <まつり> & 市", body="**楽しい**催しです。\n\n" + "あ" * 300,
                      starts_at=starts, ends_at=starts.replace(hour=3), image=IMAGE, image_alt="会場の写真",
                      venue_name="橋本公民館", address="相模原市緑区橋本1-1", latitude=35.595, longitude=139.345,
                      fee="大人500円", fee_amount=500)
    tags = head(client, f"/events/{event.id}?utm_campaign=x")
    url = f"http://localhost/events/{event.id}"
    assert tags.canonical == [url] and tags.meta["og:url"] == url
    assert tags.meta["og:title"] == "春の <まつり> & 市"
    assert tags.meta["og:type"] == "article"
    assert tags.meta["og:description"].startswith("楽しい催しです。")
    assert len(tags.meta["og:description"]) <= 200
    assert tags.meta["og:image"] == f"http://localhost/media/{IMAGE}"
    assert tags.meta["twitter:card"] == "summary_large_image"

    data = tags.of_type("Event")
    assert data["@context"] == "https://schema.org"
    assert data["name"] == "春の <まつり> & 市" and data["url"] == url
    assert data["startDate"] == "2031-05-03T10:00:00+09:00" and data["endDate"] == "2031-05-03T12:00:00+09:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["location"]["name"] == "橋本公民館"
    assert data["location"]["address"]["streetAddress"] == "相模原市緑区橋本1-1"
    assert data["location"]["geo"] == {"@type": "GeoCoordinates", "latitude": 35.595, "longitude": 139.345}
    assert data["offers"]["price"] == 500 and data["offers"]["priceCurrency"] == "JPY"
    assert data["organizer"]["name"] == "橋本まちづくり会"
    assert data["image"] == f"http://localhost/media/{IMAGE}"
    trail = tags.of_type("BreadcrumbList")["itemListElement"]
    assert [step["item"] for step in trail] == ["http://localhost/", "http://localhost/events", url]


def test_json_ld_cannot_close_its_script_element(client, editor, make_group, make_item):
    group = make_group(owner=editor)
    title = "1 < 2 && 3 > 2 <!-- --> </b"
    event = make_item("event", group, title=title)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert blocks and all("<" not in block and ">" not in block and "&" not in block for block in blocks)
    assert json.loads(blocks[0])["name"] == event.title and "<" in event.title and "&" in event.title


def test_a_cancelled_event_says_so(app, client, editor, make_group, make_item):
    from community.events.models import Event
    from community.extensions import db

    event = make_item("event", make_group(owner=editor))
    with app.app_context():
        db.session.get(Event, event.id).cancelled_at = datetime.now(UTC)
        db.session.commit()
    data = head(client, f"/events/{event.id}").of_type("Event")
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert "offers" not in data and "location" not in data


def test_shop_and_facility_pages_are_local_business_and_civic_structure(app, client, editor, make_group,
                                                                        make_item):
    from community.extensions import db
    from community.shops.models import Shop

    group = make_group(owner=editor)
    shop = make_item("shop", group, name="橋本パン工房", phone="042-000-0000",
                     opening_hours="9:00〜18:00", latitude=35.6, longitude=139.3)
    hall = make_item("shop", group, name="橋本公民館")
    with app.app_context():
        db.session.get(Shop, shop.id).kind = "shop"
        db.session.get(Shop, hall.id).kind = "facility"
        db.session.commit()
    tags = head(client, f"/shops/{shop.id}")
    data = tags.of_type("LocalBusiness")
    assert data["name"] == "橋本パン工房" and data["telephone"] == "042-000-0000"
    assert data["openingHours"] == "9:00〜18:00"
    assert data["address"]["streetAddress"] == "相模原市緑区橋本1-1-1"
    assert data["geo"]["latitude"] == 35.6
    assert tags.meta["og:image"] == "http://localhost/static/img/apple-touch-icon.png"
    assert tags.meta["twitter:card"] == "summary"
    assert head(client, f"/shops/{hall.id}").of_type("CivicStructure")["name"] == "橋本公民館"


def test_a_draft_says_nothing_of_itself_in_its_tags(client, login, editor, make_group, make_item):
    group = make_group(owner=editor)
    draft = make_item("event", group, publish=False, title="ひみつの下書き", body="まだ内緒の本文",
                      image=IMAGE)
    login(editor)
    page = client.get(f"/events/{draft.id}").get_data(as_text=True)
    tags = Head(page)
    assert tags.meta["robots"] == "noindex"
    assert tags.json_ld == []
    for value in (*tags.meta.values(), *tags.canonical):
        assert "ひみつ" not in value and "内緒" not in value and IMAGE not in value
    assert "ひみつの下書き" in page  # the editor still sees their page


def test_group_and_community_pages_fill_their_own_tags(client, editor, make_group, make_user, make_community):
    make_group(owner=editor, slug="hashimoto-npo", name="橋本NPO", description="地域の**見守り**をしています。",
               description_html="<p>地域の<strong>見守り</strong>をしています。</p>")
    tags = head(client, "/groups/hashimoto-npo")
    assert tags.meta["og:title"] == "橋本NPO"
    assert tags.meta["og:description"] == "地域の見守りをしています。"
    assert tags.canonical == ["http://localhost/groups/hashimoto-npo"]
    trail = tags.of_type("BreadcrumbList")["itemListElement"]
    assert [step["name"] for step in trail] == ["ホーム", "団体", "橋本NPO"]

    owner = make_user()
    make_community(admin=owner, slug="open-one", name="写真の会", description="写真を撮りに行きます。")
    make_community(admin=owner, slug="closed-one", name="秘密の会", description="内緒", closed=True)
    tags = head(client, "/communities/open-one")
    assert tags.meta["og:title"] == "写真の会" and tags.meta["og:description"] == "写真を撮りに行きます。"
    closed = head(client, "/communities/closed-one")
    assert closed.meta["robots"] == "noindex" and "秘密" not in closed.meta["og:title"]
