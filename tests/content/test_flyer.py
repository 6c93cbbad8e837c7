"""An event's printable A4 flyer (/events/<id>/flyer): what it shows, bounded for one page, with the QR code of
the event's page; the same who-sees-what as the event's page."""

from __future__ import annotations

import re
from datetime import timedelta

import segno

from community.timeutil import now_utc
from tests.me.conftest import make_meetup  # noqa: F401 - shared fixture


def _modules(svg: str) -> str:
    return re.search(r'<path[^>]*stroke="#000"[^>]*d="([^"]+)"', svg).group(1)


def test_event_page_links_to_its_flyer(client, editor, make_item):
    event = make_item("event", editor.group)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f'<a href="/events/{event.id}/flyer">チラシを印刷</a>' in page


def test_flyer_shows_what_a_noticeboard_needs(client, editor, make_item):
    event = make_item("event", editor.group, title="橋本七夕まつり", venue_name="杜のホールはしもと",
                      address="相模原市緑区橋本3-28-1", organizer="橋本まちづくり協議会", contact="042-000-0000",
                      fee="無料", category="sports-culture", starts_at=now_utc() + timedelta(days=3),
                      body="駅前で七夕飾りを楽しみましょう。" * 40)
    response = client.get(f"/events/{event.id}/flyer")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    flyer = page.split('<article class="flyer"', 1)[1].split("</article>", 1)[0]
    for text in ("橋本七夕まつり", "杜のホールはしもと", "相模原市緑区橋本3-28-1", "橋本まちづくり協議会",
                 "042-000-0000", "無料", "詳しくはこちら", f"localhost/events/{event.id}"):
        assert text in flyer, text
    assert re.search(r"地域: 相模原市 › 緑区 › 橋本<", flyer)  # where, in words: no map image on paper
    assert "<time datetime=" in flyer
    excerpt = re.search(r'<p class="flyer-excerpt">([^<]*)</p>', flyer).group(1)
    assert excerpt.startswith("駅前で七夕飾りを楽しみましょう。") and excerpt.endswith("…") and len(excerpt) <= 241
    # The code holds exactly the event page's absolute address, drawn large on paper.
    svg = re.search(r"<svg [^>]*>.*?</svg>", flyer, re.S).group(0)
    assert 'role="img"' in svg and f'aria-label="QRコード: http://localhost/events/{event.id}"' in svg
    assert _modules(svg) == _modules(segno.make(f"http://localhost/events/{event.id}", error="m",
                                                boost_error=False).svg_inline())
    assert "css/flyer.css" in page and '<meta name="robots" content="noindex">' in page
    trail = page.split('class="breadcrumbs', 1)[1].split("</nav>", 1)[0]
    assert f'href="/events/{event.id}"' in trail and "チラシ" in trail
    style = client.get("/static/css/flyer.css")
    assert "@page { size: A4;" in style.get_data(as_text=True)
    style.close()


def test_flyer_of_a_repeating_event_lists_a_few_dates(client, editor, make_item):
    event = make_item("event", editor.group, rrule="FREQ=WEEKLY;COUNT=10", starts_at=now_utc() + timedelta(days=1))
    page = client.get(f"/events/{event.id}/flyer").get_data(as_text=True)
    dates = page.split('<ul class="flyer-dates">', 1)[1].split("</ul>", 1)[0]
    assert dates.count("<li>") == 3 and "ほかに7回あります。" in page


def test_long_titles_are_set_smaller(client, editor, make_item):
    short = make_item("event", editor.group, title="朝市")
    long = make_item("event", editor.group, title="あ" * 150)
    assert "flyer-title-normal" in client.get(f"/events/{short.id}/flyer").get_data(as_text=True)
    assert "flyer-title-longer" in client.get(f"/events/{long.id}/flyer").get_data(as_text=True)


def test_flyer_follows_the_event_pages_policy(client, login, member, editor, make_item, make_community,
                                              make_meetup):  # noqa: F811
    draft = make_item("event", editor.group, publish=False)
    assert client.get(f"/events/{draft.id}/flyer").status_code == 404
    login(editor)
    assert client.get(f"/events/{draft.id}/flyer").status_code == 200  # its group's editors see their draft
    assert client.get("/events/999999/flyer").status_code == 404

    closed = make_community(closed=True, members=[member])
    meetup = make_meetup(closed)
    login(editor)  # an outsider to the closed community
    assert client.get(f"/events/{meetup.id}").status_code == 404
    assert client.get(f"/events/{meetup.id}/flyer").status_code == 404
    login(member)
    page = client.get(f"/events/{meetup.id}/flyer")
    assert page.status_code == 200
    trail = page.get_data(as_text=True).split('class="breadcrumbs', 1)[1].split("</nav>", 1)[0]
    assert f'href="/communities/{closed.slug}"' in trail
    client.post("/logout")
    assert client.get(f"/events/{meetup.id}/flyer").status_code == 404
