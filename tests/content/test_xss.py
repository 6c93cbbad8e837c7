"""Classic XSS payloads through every text field: nothing executable survives in pages, feeds or JSON.

Each payload goes in through the real editing forms (and, once, through the open-data import), then
every surface that shows the item is scanned: listing and detail pages, home, area, group and calendar
pages, the Atom feeds, the iCalendar feeds and the JSON API.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import feedparser
import icalendar
import pytest
from PIL import Image

PAYLOADS = [
    "<script>alert('xss')</script>",
    "\"><img src=x onerror=alert('xss')>",
    "'><svg/onload=alert('xss')>",
    "<iframe src=\"javascript:alert('xss')\"></iframe>",
    "<a href=\"javascript:alert('xss')\">click</a>",
    "<a href=\"jav&#x09;ascript:alert('xss')\">tab</a><body onload=alert('xss')>",
    "&lt;script&gt;alert('xss')&lt;/script&gt;",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss')>",
    "<div style=\"background:url(javascript:alert('xss'))\" onmouseover=\"alert('xss')\">hover</div>",
]
# Markdown-only ways of writing a link or an image: only the body is Markdown.
MARKDOWN_PAYLOADS = [
    "[click](javascript:alert('xss'))",
    "![img](javascript:alert('xss'))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgneHNzJyk8L3NjcmlwdD4=)",
    "<https://example.jp/\"onmouseover=\"alert('xss')>",
]

DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "style", "base", "frame", "frameset",
                  "applet", "body", "video", "audio", "meta", "link", "mglyph", "template", "noscript"}
FORM_TAGS = {"form", "input", "button", "select", "textarea", "option", "optgroup", "label", "fieldset", "legend"}
SITE_META_NAMES = (None, "viewport", "description", "robots", "twitter:card", "twitter:title", "twitter:description",
                   "twitter:image")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset"}
SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:", "/", "#", "?")
TAG_OPENER = re.compile(r"<\s*/?\s*[a-zA-Z!?]")


@pytest.fixture(autouse=True)
def _no_search_indexing(app):
    """Search has its own tests; here commits need not wait for the index (as with SEARCH_INLINE_DRAIN off)."""
    app.extensions.pop("search_indexer", None)


class _Scanner(HTMLParser):
    """Collects what a browser would execute or load from markup. ``page`` allows the site's own chrome."""

    def __init__(self, page: bool):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in DANGEROUS_TAGS and not self._site_chrome(tag, values):
            self.problems.append(f"<{tag} {values}>")
        if not self.page and tag in FORM_TAGS:
            self.problems.append(f"<{tag}> in user content")
        if tag == "img" and not (values.get("src") or "").startswith(("/media/", "/static/", "http://localhost/media/")):
            self.problems.append(f"<img src={values.get('src')!r}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}>")
            if name in URL_ATTRIBUTES and value is not None:
                squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
                if not squeezed.startswith(SAFE_SCHEMES) and ":" in squeezed.split("/", 1)[0]:
                    self.problems.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag

    def _site_chrome(self, tag: str, values: dict) -> bool:
        if not self.page:
            return False
        if tag == "script":
            # Our own scripts, and the head's schema.org data block (not executed; no src, nothing else).
            return ((values.get("src") or "").startswith("/static/")
                    or values == {"type": "application/ld+json"})
        if tag == "link":
            return values.get("rel") in ("stylesheet", "alternate", "icon", "apple-touch-icon", "canonical")
        if tag == "meta":
            if set(values) <= {"property", "content"}:  # OpenGraph
                return (values.get("property") or "").startswith("og:")
            return set(values) <= {"charset", "name", "content"} and values.get("name") in SITE_META_NAMES
        return tag == "body" and not values  # the layout's own <body>


def html_problems(markup: str, page: bool = False) -> list[str]:
    scanner = _Scanner(page)
    scanner.feed(markup)
    scanner.close()
    return scanner.problems


def text_problems(value: str) -> list[str]:
    """A plain-text value (a title, a venue, a JSON string) carries no markup at all."""
    return [value] if TAG_OPENER.search(value or "") else []


def url_problems(value: str | None) -> list[str]:
    if not value:
        return []
    return [] if value.lower().startswith(("http://", "https://")) else [value]


def json_problems(data, path: str = "$") -> list[str]:
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            found += json_problems(value, f"{path}.{key}") if not isinstance(value, str) else [
                f"{path}.{key}: {p}" for p in (html_problems(value) if key.endswith("_html") else
                                               url_problems(value) if key in ("url", "website", "image", "next",
                                                                              "prev") else text_problems(value))]
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += json_problems(value, f"{path}[{index}]")
    elif isinstance(data, str):
        found += [f"{path}: {p}" for p in text_problems(data)]
    return found


ATOM = "{http://www.w3.org/2005/Atom}"


def atom_problems(body: bytes) -> list[str]:
    parsed = feedparser.parse(body)
    found = [f"feedparser bozo: {parsed.get('bozo_exception')}"] if parsed.bozo else []
    root = ET.fromstring(body)  # noqa: S314 - our own output, parsed to be checked
    for entry in root.iter(f"{ATOM}entry"):
        for element in entry:
            name, text = element.tag.removeprefix(ATOM), element.text or ""
            if element.get("type") in ("html", "xhtml"):
                found += [f"{name}: {p}" for p in html_problems(text)]
            elif name == "link":
                found += [f"link: {p}" for p in url_problems(element.get("href"))]
            else:
                found += [f"{name}: {p}" for p in text_problems(text)]
                found += [f"{name}/{child.tag}" for child in element if name not in ("author",)]
    return found


def ics_problems(body: bytes) -> list[str]:
    found = []
    calendar = icalendar.Calendar.from_ical(body)
    for component in calendar.walk("VEVENT"):
        for name in ("SUMMARY", "LOCATION", "DESCRIPTION"):
            found += [f"{name}: {p}" for p in text_problems(str(component.get(name, "")))]
        found += [f"URL: {p}" for p in url_problems(str(component.get("URL", "")))]
    return found


# --- putting payloads in through the forms ------------------------------------------------------------


def _png(alt_colour=(200, 30, 30)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), alt_colour).save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def _ids(app):
    from community.areas.services import area_by_slug, category_by_slug

    with app.app_context():
        return str(area_by_slug("hashimoto").id), str(category_by_slug("events").id)


def item_posts(form: dict, field, url) -> dict:
    """{kind: (path, data)}: a complete new event, shop and notice form, every text field filled by field(marker)
    and every web address by url(marker). ``form`` is as for publish_with_payload."""
    day, group = form["day"], form["group"]
    common = {"csrf_token": form["token"], "area_id": form["area_id"], "category_id": form["category_id"],
              "action": "publish"}
    return {
        "event": (f"/events/new?group={group}", {
            **common, "title": field("題名E"), "start_date": day.isoformat(), "start_time": "10:00", "end_date": "",
            "end_time": "12:00", "venue_name": field("会場E"), "address": field("住所E"), "fee": field("参加費E"),
            "capacity": "20", "how_to_apply": field("申込E"), "contact": field("連絡E"), "url": url("urlE"),
            "body": field("本文E"), "image_alt": field("代替E"), "image": (_png(), "e.png"),
            "repeat": "", "repeat_until": ""}),
        "shop": (f"/shops/new?group={group}", {
            **common, "name": field("店名S"), "name_kana": field("かなS"), "kind": "shop", "address": field("住所S"),
            "latitude": "", "longitude": "", "opening_hours": field("営業S"), "holidays": field("休みS"),
            "phone": "042-000-0000", "website": url("webS"), "barrier_free": field("段差S"), "tags": ["子連れOK"],
            "last_confirmed": "", "body": field("本文S"), "image_alt": field("代替S"), "image": (_png(), "s.png")}),
        "notice": (f"/notices/new?group={group}", {
            **common, "title": field("題名N"), "body": field("本文N"), "publish_from": "", "publish_until": "",
            "image_alt": field("代替N"), "image": (_png(), "n.png")}),
    }


def publish_with_payload(client, form: dict, payload: str) -> dict:
    """One event, one shop and one notice with the payload (after a visible marker) in every text field.

    ``form`` holds what every post shares: the CSRF token, the group, area and category ids and the day.
    """
    posts = item_posts(form, lambda marker: f"{marker}{payload}", lambda marker: f"https://example.jp/{marker}?q={payload}")
    posts["event"][1]["body"] += "\n\n" + payload
    responses = {kind: client.post(path, data=data) for kind, (path, data) in posts.items()}
    for kind, response in responses.items():
        assert response.status_code == 302, (kind, response.get_data(as_text=True)[-3000:])
    ids = {kind: int(response.headers["Location"].rsplit("/", 1)[1]) for kind, response in responses.items()}
    return {**ids, "day": form["day"]}


def all_problems(client, published: list[dict], group_slug: str, seen: dict) -> dict:
    """Every surface that shows the items, scanned: {surface: [problem, ...]} for those with problems.
    The HTML of each page is left in ``seen``."""
    day = published[0]["day"]
    pages = ["/events", "/shops", "/notices", "/", "/areas/midori", "/categories/events", f"/groups/{group_slug}",
             f"/calendar?year={day.year}&month={day.month}"]
    for ids in published:
        pages += [f"/events/{ids['event']}", f"/shops/{ids['shop']}", f"/notices/{ids['notice']}"]
    # how many of each kind: entries may share an item (a list of one event with each of two meetups, one shop)
    count = {kind: len({ids[kind] for ids in published}) for kind in ("event", "shop", "notice")}
    problems = {}
    for url in dict.fromkeys(pages):
        response = client.get(url)
        assert response.status_code == 200, url
        seen[url] = response.get_data(as_text=True)
        problems[url] = html_problems(seen[url], page=True)
    for kind in ("event", "shop", "notice"):
        url = f"/{kind}s.atom"
        response = client.get(url)
        assert response.status_code == 200 and response.data.count(b"<entry>") == count[kind], url
        problems[url] = atom_problems(response.data)
    ics = ["/events.ics"] + [f"/events/{ids['event']}.ics" for ids in published]
    for url in ics:
        response = client.get(url)
        assert response.status_code == 200 and b"BEGIN:VEVENT" in response.data, url
        problems[url] = ics_problems(response.data)
    for kind in ("event", "shop", "notice"):
        url = f"/api/v1/{kind}s?per_page=100"
        data = client.get(url).get_json()
        assert data["total"] == count[kind], url
        problems[url] = json_problems(data)
    return {surface: found for surface, found in problems.items() if found}


def test_no_payload_survives_anywhere(client, app, login, editor):
    """Each payload in every field of its own event, shop and notice; then every surface is scanned."""
    from community.timeutil import today_local

    area_id, category_id = _ids(app)
    login(editor)
    form = {"token": client.csrf_token(), "group": editor.group.slug, "area_id": area_id,
            "category_id": category_id, "day": today_local() + timedelta(days=1)}
    published = [publish_with_payload(client, form, payload) for payload in PAYLOADS + MARKDOWN_PAYLOADS]
    client.post("/logout")
    seen = {}
    assert all_problems(client, published, editor.group.slug, seen) == {}

    # The markers prove each field is rendered at all, so the scans looked at every one of them.
    ids = published[1]
    event = seen[f"/events/{ids['event']}"]
    for marker in ("題名E", "会場E", "住所E", "参加費E", "申込E", "連絡E", "urlE", "本文E", 'alt="代替E'):
        assert marker in event, marker
    shop = seen[f"/shops/{ids['shop']}"]
    for marker in ("店名S", "住所S", "営業S", "休みS", "webS", "段差S", "本文S", 'alt="代替S'):
        assert marker in shop, marker
    notice = seen[f"/notices/{ids['notice']}"]
    for marker in ("題名N", "本文N", 'alt="代替N'):
        assert marker in notice, marker
    # Plain-text fields are stripped of tags on the way in (STYLE.md 11); what is left is escaped on the way out.
    assert "会場E&#34;&gt;" in event


def test_control_characters_never_reach_a_stored_row_or_a_feed(client, app, login, editor):
    """NUL and the other control characters typed into every field are dropped where the request is read: the
    item is saved (on PostgreSQL too, which cannot store a NUL) and every page, feed and the API stay whole."""
    from community.extensions import db
    from community.models import Event, Notice, Shop
    from community.timeutil import today_local

    area_id, category_id = _ids(app)
    login(editor)
    form = {"token": client.csrf_token(), "group": editor.group.slug, "area_id": area_id,
            "category_id": category_id, "day": today_local() + timedelta(days=1)}
    published = [publish_with_payload(client, form, "\x00a\x01b\x0bc\x1fd\x7fe\tf")]
    client.post("/logout")
    assert all_problems(client, published, editor.group.slug, {}) == {}
    with app.app_context():
        event, shop, notice = (db.session.get(Event, published[0]["event"]), db.session.get(Shop, published[0]["shop"]),
                               db.session.get(Notice, published[0]["notice"]))
        assert (event.title, event.venue_name, shop.name, notice.title) == (
            "題名Eabcde\tf", "会場Eabcde\tf", "店名Sabcde\tf", "題名Nabcde\tf")


def test_body_links_get_rel_nofollow_ugc_noopener_and_allowed_markup_stays(client, editor, make_item):
    body = ("**太字** と [市のサイト](https://www.city.sagamihara.kanagawa.jp/) と https://example.jp/plain\n\n"
            "- 一つ目\n- 二つ目\n\n<a href=\"https://example.jp/x\" rel=\"opener\" target=\"_blank\">生のリンク</a>")
    notice = make_item("notice", editor.group, body=body)
    data = client.get("/api/v1/notices").get_json()["items"][0]["body_html"]
    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    for html in (data, page):
        assert "<strong>太字</strong>" in html
        assert "<li>一つ目</li>" in html
    anchors = re.findall(r"<a [^>]*>", data)
    assert len(anchors) == 3
    for anchor in anchors:
        assert 'rel="nofollow ugc noopener"' in anchor, anchor
        assert "target=" not in anchor


def test_titles_are_plain_text_shown_as_written(client, editor, make_item):
    """Tags are stripped from titles; 「親子 & 地域」 shows as written, not as 「&amp;amp;」, in every output."""
    bold = make_item("event", editor.group, title="<b>太字の</b>題名 <i>です</i>")
    page = client.get(f"/events/{bold.id}").get_data(as_text=True)
    assert "<h1>太字の題名 です</h1>" in page
    event = make_item("event", editor.group, title="親子 & 地域 1 < 2", starts_at=bold.starts_at + timedelta(days=30),
                      ends_at=bold.ends_at + timedelta(days=30))
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "<h1>親子 &amp; 地域 1 &lt; 2</h1>" in page
    assert [i["title"] for i in client.get("/api/v1/events").get_json()["items"]] == ["太字の題名 です",
                                                                                       "親子 & 地域 1 < 2"]
    assert feedparser.parse(client.get("/events.atom").data).entries[1].title == "親子 & 地域 1 < 2"
    summaries = [str(v["SUMMARY"]) for v in icalendar.Calendar.from_ical(client.get("/events.ics").data).walk("VEVENT")]
    assert summaries == ["太字の題名 です", "親子 & 地域 1 < 2"]


def test_phone_and_website_payloads_are_refused(client, app, login, editor):
    area_id, _ = _ids(app)
    login(editor)
    token = client.csrf_token()
    shop = {"csrf_token": token, "name": "ウェブの店", "kind": "shop", "area_id": area_id, "category_id": "",
            "address": "橋本", "action": "publish"}
    response = client.post(f"/shops/new?group={editor.group.slug}",
                           data={**shop, "phone": "<script>alert('xss')</script>"})
    assert response.status_code == 400
    assert "電話番号は数字とハイフンで入力してください。" in response.get_data(as_text=True)
    for website in ("javascript://example.jp/%0aalert('xss')", "javascript:alert('xss')",
                    "data:text/html,<script>alert('xss')</script>", "JaVaScRiPt://x.jp/%0aalert(1)"):
        response = client.post(f"/shops/new?group={editor.group.slug}", data={**shop, "website": website})
        assert response.status_code == 400, website
        assert "http:// または https:// で始まるURLを入力してください。" in response.get_data(as_text=True)
    client.post("/logout")
    assert client.get("/api/v1/shops").get_json()["total"] == 0  # nothing was saved


def test_stored_urls_that_are_not_web_links_never_become_links(client, editor, make_item):
    """Whatever path stored them (an older row, a script, an import), javascript: and data: stay text."""
    event = make_item("event", editor.group, url="javascript:alert('xss')")
    shop = make_item("shop", editor.group, website=" JavaScript:alert('xss')")
    for url in (f"/events/{event.id}", f"/shops/{shop.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "alert(&#39;xss&#39;)" in page, url  # shown, as text
        assert html_problems(page, page=True) == [], url
    assert json_problems(client.get("/api/v1/shops").get_json()) == []


def test_imported_open_data_is_cleaned_too(client, runner, make_group, tmp_path):
    """A city's CSV is user input as well: tags in its text columns are stripped, links in 説明 cleaned."""
    from community.opendata.layouts import EVENT_COLUMNS_LEGACY
    from community.timeutil import today_local

    group = make_group()
    day = today_local() + timedelta(days=2)
    row = {column: "" for column in EVENT_COLUMNS_LEGACY}
    row.update({"都道府県コード又は市区町村コード": "141500", "NO": "1",
                "イベント名": "<script>alert('xss')</script>取込",
                "開始日": day.isoformat(), "開始時間": "10:00", "終了時間": "11:00",
                "説明": "<img src=x onerror=alert('xss')>説明 [x](javascript:alert('xss'))",
                "場所名称": "<svg/onload=alert('xss')>会場", "住所": "相模原市緑区橋本1-1",
                "料金(詳細)": "<b onmouseover=alert('xss')>無料</b>", "参加申込方法": "<iframe src=x></iframe>電話",
                "URL": "javascript:alert('xss')"})
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EVENT_COLUMNS_LEGACY)
    writer.writerow([row[c] for c in EVENT_COLUMNS_LEGACY])
    path = tmp_path / "xss.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    result = runner.invoke(args=["import-events", str(path), "--group", group.slug])
    assert result.exit_code == 0, result.output
    data = client.get("/api/v1/events").get_json()
    assert data["total"] == 1
    assert "取込" in data["items"][0]["title"]
    assert json_problems(data) == []
    event_id = data["items"][0]["id"]
    page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert html_problems(page, page=True) == []
    # Stripped on the way in, as the forms do, not only escaped on the way out.
    assert "<h1>alert(&#39;xss&#39;)取込</h1>" in page
    for stored in ("&lt;svg", "&lt;b onmouseover", "&lt;iframe"):
        assert stored not in page, stored
    assert ics_problems(client.get("/events.ics").data) == []
    assert atom_problems(client.get("/events.atom").data) == []


def test_scanner_catches_what_it_should():
    """The checks above can fail: each classic payload, left raw, is reported."""
    for payload in PAYLOADS[:6] + PAYLOADS[7:]:
        assert html_problems(payload), payload
    assert html_problems('<a href="https://example.jp">ok</a><img src="/media/x.png" alt="">') == []
    assert text_problems("<script>x</script>") and not text_problems("1 < 2 & 3")
    assert json_problems({"title": "<b>x</b>", "body_html": "<p>ok</p>"}) == ["$.title: <b>x</b>"]
    assert json.dumps(json_problems({"website": "javascript:alert(1)"}))
