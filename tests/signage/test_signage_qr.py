"""Signage slides carry a QR code of their item's page (page and JSON), served as a cached SVG; the screen's
rotation order; the admin page builds a screen's address from a GET form."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import segno

from community.timeutil import now_utc


def _path_data(svg: str) -> str:
    """The dark modules of a segno SVG (the stroked path): equal iff the two codes hold the same data."""
    return re.search(r'<path[^>]*stroke="#000"[^>]*d="([^"]+)"', svg).group(1)


def _expected_modules(url: str) -> str:
    return _path_data(segno.make(url, error="m", boost_error=False).svg_inline(border=4))


def _soon():
    return now_utc() + timedelta(days=1)


def test_every_slide_shows_the_qr_code_of_its_page(client, editor, make_item):
    event = make_item("event", editor.group, title="公民館まつり", starts_at=_soon())
    notice = make_item("notice", editor.group, title="図書館の休館日")
    page = client.get("/signage").get_data(as_text=True)
    slides = re.findall(r'<article class="slide[^"]*" data-slide-id="([a-z]+)-(\d+)".*?</article>', page, re.S)
    assert slides == [("event", str(event.id)), ("notice", str(notice.id))]
    for kind, item_id in slides:
        block = page.split(f'data-slide-id="{kind}-{item_id}"', 1)[1].split("</article>", 1)[0]
        assert f'src="/signage/qr/{kind}/{item_id}.svg"' in block
        assert f'alt="QRコード: http://localhost/{kind}s/{item_id}"' in block
        assert "詳しくはこちら" in block and f"localhost/{kind}s/{item_id}</span>" in block

        svg = client.get(f"/signage/qr/{kind}/{item_id}.svg")
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
        text = svg.get_data(as_text=True)
        # The code holds exactly the item's absolute address (segno made it from that string) …
        assert _path_data(text) == _expected_modules(f"http://localhost/{kind}s/{item_id}")
        assert _path_data(text) != _expected_modules(f"http://localhost/{kind}s/{int(item_id) + 1}")
        # … black on a white square that includes the quiet zone, scalable (no fixed size).
        size = int(re.search(r'viewBox="0 0 (\d+) \d+"', text).group(1))
        assert f'<path fill="#fff" d="M0 0h{size}v{size}h-{size}z"/>' in text
        assert "width=" not in text.split(">", 2)[1]


def test_the_json_the_screen_polls_has_the_qr_too(client, editor, make_item, app):
    event = make_item("event", editor.group, starts_at=_soon())
    app.config["SITE_URL"] = "https://portal.example.jp/"
    slide = client.get("/signage.json").json["slides"][0]
    assert slide["url"] == f"https://portal.example.jp/events/{event.id}"  # the public address, not the kiosk's
    assert slide["url_label"] == f"portal.example.jp/events/{event.id}"
    assert slide["qr"] == f"/signage/qr/event/{event.id}.svg" and slide["qr_label"] == "詳しくはこちら"
    svg = client.get(slide["qr"]).get_data(as_text=True)
    assert _path_data(svg) == _expected_modules(f"https://portal.example.jp/events/{event.id}")


def test_qr_images_are_cached_and_only_for_public_items(client, editor, make_item, make_community, make_meetup):
    event = make_item("event", editor.group, starts_at=_soon())
    response = client.get(f"/signage/qr/event/{event.id}.svg")
    assert response.headers["Cache-Control"] == "public, max-age=604800"
    again = client.get(f"/signage/qr/event/{event.id}.svg", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    draft = make_item("notice", editor.group, publish=False)
    hidden = make_meetup(make_community(closed=True))
    assert client.get(f"/signage/qr/notice/{draft.id}.svg").status_code == 404
    assert client.get(f"/signage/qr/event/{hidden.id}.svg").status_code == 404
    assert client.get("/signage/qr/event/999999.svg").status_code == 404
    assert client.get(f"/signage/qr/shop/{event.id}.svg").status_code == 404


def test_rotation_order_is_set_in_the_url(client, editor, make_item):
    events = [make_item("event", editor.group, starts_at=_soon() + timedelta(hours=i)) for i in range(2)]
    notices = [make_item("notice", editor.group) for _ in range(2)]
    e, n = [f"event-{x.id}" for x in events], [f"notice-{x.id}" for x in reversed(notices)]  # the newest first

    def ids(query):
        return [s["id"] for s in client.get(f"/signage.json?{query}").json["slides"]]

    assert ids("kinds=notices") == n
    assert ids("") == [e[0], n[0], e[1], n[1]] == ids("order=mixed")
    assert ids("order=events-first") == e + n
    assert ids("order=notices-first") == n + e
    refused = client.get("/signage?order=random")
    assert refused.status_code == 400 and "並び順（order）" in refused.get_data(as_text=True)
    assert "order=notices-first" in client.get("/signage?order=notices-first").get_data(as_text=True)


def _builder(client, **fields):
    return client.get("/admin/urgent", query_string={f"screen-{k}": v for k, v in fields.items()})


def test_admin_page_documents_the_screen_settings_and_builds_its_address(client, login, admin):
    login(admin)
    page = client.get("/admin/urgent").get_data(as_text=True)
    assert 'method="get"' in page and "サイネージ画面のURLを作る" in page
    for name in ("area", "category", "kinds", "order", "seconds", "poll", "lang"):
        assert f"<code>{name}</code>" in page and f'name="screen-{name}"' in page
    assert 'id="screen-url"' not in page  # nothing built yet

    response = _builder(client, area="hashimoto", category=["kosodate", "safety"], kinds="events",
                        order="events-first", seconds="20", poll="60", lang="en")
    assert response.status_code == 200
    built = re.search(r'id="screen-url" type="text" value="([^"]+)"', response.get_data(as_text=True)).group(1)
    address = urlsplit(built.replace("&amp;", "&"))
    assert (address.scheme, address.netloc, address.path) == ("http", "localhost", "/signage")
    assert parse_qs(address.query) == {"area": ["hashimoto"], "category": ["kosodate,safety"], "kinds": ["events"],
                                       "order": ["events-first"], "seconds": ["20"], "poll": ["60"], "lang": ["en"]}
    screen = client.get(f"{address.path}?{address.query}")
    assert screen.status_code == 200 and '<html lang="en"' in screen.get_data(as_text=True)

    defaults = _builder(client, area="", kinds="events,notices", order="mixed", seconds="15", poll="30", lang="")
    assert 'value="http://localhost/signage"' in defaults.get_data(as_text=True)


def test_builder_refuses_bad_settings_with_clear_messages(client, login, admin):
    login(admin)
    page = _builder(client, area="nowhere", kinds="events", order="mixed", seconds="1", poll="abc",
                    lang="xx").get_data(as_text=True)
    assert 'id="screen-url"' not in page
    errors = re.findall(r'class="error" id="screen-([a-z]+)-error">([^<]*)<', page)
    assert dict(errors) == {"area": "選択肢が正しくありません。", "seconds": "3〜300の数で指定してください。",
                            "poll": "無効な整数です。 5〜600の数で指定してください。",
                            "lang": "選択肢が正しくありません。"}
    assert page.count('aria-invalid="true"') == 4


def test_only_admins_build_screen_addresses(client, login, member):
    login(member)
    assert _builder(client, seconds="15").status_code == 403
