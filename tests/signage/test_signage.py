"""/signage and /signage.json: public slides by area, category and kind; no personal data; no inline code."""

from __future__ import annotations

import re
from datetime import timedelta

from community.timeutil import now_utc


def _soon():
    return now_utc() + timedelta(days=1)


def _slide_ids(page: str) -> list[str]:
    return re.findall(r'data-slide-id="([a-z]+-\d+)"', page)


def test_signage_shows_upcoming_events_and_current_notices(client, editor, make_item):
    event = make_item("event", editor.group, title="公民館まつり", starts_at=now_utc() + timedelta(days=2))
    notice = make_item("notice", editor.group, title="図書館の休館日")
    far = make_item("event", editor.group, starts_at=now_utc() + timedelta(days=60))
    past = make_item("event", editor.group, starts_at=now_utc() - timedelta(days=2))
    draft = make_item("notice", editor.group, publish=False)
    expired = make_item("notice", editor.group, publish_until=now_utc() - timedelta(hours=1))
    response = client.get("/signage")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _slide_ids(page) == [f"event-{event.id}", f"notice-{notice.id}"]
    assert "公民館まつり" in page and "図書館の休館日" in page
    assert not {far.title, past.title, draft.title, expired.title} & set(re.findall(r'slide-title">([^<]+)<', page))
    assert '<noscript><meta http-equiv="refresh" content="300"></noscript>' in page
    assert 'data-seconds="15"' in page and 'data-current="true"' in page
    assert response.headers["Cache-Control"] == "no-store"


def test_signage_has_no_personal_data_login_or_inline_code(client, login, member, editor, make_item):
    make_item("event", editor.group, starts_at=_soon())
    login(member)  # even when the browser happens to be signed in
    response = client.get("/signage")
    page = response.get_data(as_text=True)
    assert member.display_name not in page and member.email not in page
    assert "ログイン" not in page and "ログアウト" not in page and "csrf_token" not in page
    assert "style=" not in page
    assert re.findall(r"<script(?![^>]*\bsrc=)", page) == []
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert page.count("<h1") == 1


def test_area_category_and_kind_filters(client, make_group, make_item):
    group = make_group(area="hashimoto")
    in_district = make_item("event", group, area="hashimoto", category="kosodate", starts_at=_soon())
    in_other_ward = make_item("event", group, area="ono-minami", category="kosodate", starts_at=_soon())
    other_category = make_item("event", group, area="hashimoto", category="sports-culture", starts_at=_soon())
    safety = make_item("notice", group, area="hashimoto", category="safety")

    ward = _slide_ids(client.get("/signage?area=midori").get_data(as_text=True))
    assert f"event-{in_district.id}" in ward and f"event-{in_other_ward.id}" not in ward

    kosodate = _slide_ids(client.get("/signage?category=kosodate").get_data(as_text=True))
    assert set(kosodate) == {f"event-{in_district.id}", f"event-{in_other_ward.id}"}

    two = _slide_ids(client.get("/signage?area=hashimoto&category=kosodate,safety").get_data(as_text=True))
    assert set(two) == {f"event-{in_district.id}", f"notice-{safety.id}"}
    assert f"event-{other_category.id}" not in two

    notices_only = _slide_ids(client.get("/signage?kinds=notices").get_data(as_text=True))
    assert notices_only == [f"notice-{safety.id}"]

    page = client.get("/signage?seconds=20&area=hashimoto").get_data(as_text=True)
    assert 'data-seconds="20"' in page
    assert 'data-feed-url="/signage.json?area=hashimoto&amp;seconds=20"' in page
    assert "橋本" in page


def test_bad_parameters_get_a_clear_400(client):
    for query, message in (("area=atlantis", "地域（area）"), ("category=kosodate,unknown", "分野（category）"),
                           ("kinds=shops", "kinds"), ("seconds=1", "seconds"), ("seconds=abc", "seconds"),
                           ("poll=0", "poll")):
        response = client.get(f"/signage?{query}")
        assert response.status_code == 400, query
        assert message in response.get_data(as_text=True)
        data = client.get(f"/signage.json?{query}")
        assert data.status_code == 400 and data.json["messages"]


def test_closed_community_meetups_never_reach_signage(client, make_community, make_meetup):
    closed = make_community(closed=True)
    open_one = make_community()
    hidden_meetup = make_meetup(closed)
    shown_meetup = make_meetup(open_one)
    ids = _slide_ids(client.get("/signage").get_data(as_text=True))
    assert f"event-{shown_meetup.id}" in ids and f"event-{hidden_meetup.id}" not in ids
    json_ids = [slide["id"] for slide in client.get("/signage.json").json["slides"]]
    assert f"event-{hidden_meetup.id}" not in json_ids


def test_json_has_slides_and_urgent_notices(client, editor, make_item, make_urgent):
    event = make_item("event", editor.group, title="朝市", starts_at=_soon())
    make_urgent("断水のお知らせ", body="橋本地区で断水しています。")
    data = client.get("/signage.json").json
    assert data["seconds"] == 15
    assert data["slides"][0] == {"id": f"event-{event.id}", "kind": "event", "kind_label": "イベント",
                                 "title": "朝市", "lines": data["slides"][0]["lines"],
                                 "url": f"http://localhost/events/{event.id}",
                                 "url_label": f"localhost/events/{event.id}",
                                 "qr": f"/signage/qr/event/{event.id}.svg", "qr_label": "詳しくはこちら",
                                 "qr_alt": f"QRコード: http://localhost/events/{event.id}"}
    assert data["slides"][0]["lines"]
    assert [(u["title"], u["body"], u["area"]) for u in data["urgent"]] == [
        ("断水のお知らせ", "橋本地区で断水しています。", "市内全域")]


def test_empty_signage_says_so(client):
    page = client.get("/signage").get_data(as_text=True)
    assert "現在お知らせする情報はありません。" in page
    assert 'data-slide-count="0"' in page


def test_repeating_event_is_one_slide(client, editor, make_item):
    make_item("event", editor.group, rrule="FREQ=DAILY;COUNT=5", starts_at=now_utc() + timedelta(hours=1))
    assert len(_slide_ids(client.get("/signage").get_data(as_text=True))) == 1


def test_signage_sql_statements_do_not_grow(client, make_group, make_item, make_urgent, count_queries):
    group = make_group()
    make_item("event", group, starts_at=_soon())
    make_item("notice", group)
    make_urgent()
    client.get("/signage")
    with count_queries() as few_page:
        client.get("/signage?area=midori&category=kosodate,safety")
    with count_queries() as few_json:
        client.get("/signage.json?area=midori")
    for _ in range(8):
        make_item("event", group, category="kosodate", starts_at=_soon())
        make_item("notice", group, category="safety")
    make_urgent("二つ目", area="hashimoto")
    with count_queries() as many_page:
        client.get("/signage?area=midori&category=kosodate,safety")
    with count_queries() as many_json:
        client.get("/signage.json?area=midori")
    assert few_page.n == many_page.n
    assert few_json.n == many_json.n


def test_signage_files_exist_and_js_reads_only_data_attributes(client):
    script = client.get("/static/js/signage.js")
    assert script.status_code == 200
    text = script.get_data(as_text=True)
    assert "innerHTML" not in text  # slides are built with textContent only
    for hook in ("data-current-slide", "data-slide-count", "data-urgent-count", "data-state", "data-poll-count"):
        assert hook in text
    script.close()
    style = client.get("/static/css/signage.css")
    assert style.status_code == 200
    style.close()


def test_daily_events_do_not_push_other_events_off_the_screen(client, editor, make_item):
    """Each event is one slide at its next date; a few events with a date every day leave room for the others."""
    start = now_utc() + timedelta(hours=1)
    daily = [make_item("event", editor.group, starts_at=start + timedelta(minutes=i), rrule="FREQ=DAILY;COUNT=30",
                       ends_at=start + timedelta(minutes=i, hours=1)) for i in range(5)]
    later = make_item("event", editor.group, starts_at=now_utc() + timedelta(days=12))  # behind 60 daily dates
    ids = _slide_ids(client.get("/signage?kinds=events").get_data(as_text=True))
    assert ids == [f"event-{e.id}" for e in daily] + [f"event-{later.id}"]


def test_a_screen_takes_its_language_from_its_url_never_from_the_browser(client, editor, make_item):
    make_item("event", editor.group, title="公民館まつり", starts_at=now_utc() + timedelta(days=2))
    client.post("/preferences/language", data={"lang": "en", "next": "/"})  # the kiosk browser's own choice
    english_browser = {"Accept-Language": "en-US,en;q=0.9"}
    page = client.get("/signage", headers=english_browser).get_data(as_text=True)
    assert '<html lang="ja"' in page
    english = client.get("/signage?lang=en&seconds=20", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert '<html lang="en"' in english
    assert "/signage.json?seconds=20&amp;lang=en" in english  # the screen's polls keep its language
    assert client.get("/signage.json?lang=en").status_code == 200
    refused = client.get("/signage?lang=xx")
    assert refused.status_code == 400 and "表示の言語（lang）" in refused.get_data(as_text=True)
    assert client.get("/signage.json?lang=xx").json["error"] == "bad_request"
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)  # the screen changed no remembered choice
