"""A hidden item disappears from every read path (pages, feeds, iCalendar, JSON) and comes back on restore."""

import json

import pytest


def _text(response) -> str:
    """The body as text; JSON decoded so that Japanese is compared as written, not as \\u escapes."""
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False)
    return response.get_data(as_text=True)


def _hide(client, login, supporter, kind, item_id, reason="確認のため非表示にします"):
    login(supporter)
    response = client.post(f"/moderation/item/{kind}/{item_id}/hide", data={"expected": "published", "reason": reason})
    assert response.status_code == 302
    client.post("/logout")


def _restore(client, login, supporter, kind, item_id):
    login(supporter)
    assert client.post(f"/moderation/item/{kind}/{item_id}/restore", data={"expected": "hidden"}).status_code == 302
    client.post("/logout")


READ_PATHS = {
    "event": ["/events", "/events.atom", "/events.ics", "/api/v1/events", "/", "/areas/hashimoto"],
    "shop": ["/shops", "/shops.atom", "/api/v1/shops", "/", "/areas/hashimoto"],
    "notice": ["/notices", "/notices.atom", "/api/v1/notices", "/", "/areas/hashimoto"],
}


@pytest.mark.parametrize("kind", ["event", "shop", "notice"])
def test_hidden_item_vanishes_everywhere_and_comes_back(client, login, supporter, editor, make_item, kind):
    title = {"event": "夏の盆踊り大会", "shop": "相模大野ベーカリー", "notice": "断水のお知らせ"}[kind]
    field = "name" if kind == "shop" else "title"
    item = make_item(kind, editor.group, **{field: title})
    detail = f"/{kind}s/{item.id}"
    paths = READ_PATHS[kind] + [f"/groups/{editor.group.slug}"]
    if kind == "event":
        from community.timeutil import to_local

        month = to_local(item.starts_at)
        paths.append(f"/calendar?year={month.year}&month={month.month}")

    for path in paths:
        assert title in _text(client.get(path)), path
    assert client.get(detail).status_code == 200

    _hide(client, login, supporter, kind, item.id)
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert title not in _text(response), path
    assert client.get(detail).status_code == 404
    if kind == "event":
        assert client.get(f"/events/{item.id}.ics").status_code == 404
    login(supporter)  # staff still find it, to review it
    assert client.get(detail).status_code == 200
    client.post("/logout")

    _restore(client, login, supporter, kind, item.id)
    for path in paths:
        assert title in _text(client.get(path)), path
    assert client.get(detail).status_code == 200


def test_auto_hidden_event_leaves_feeds_and_api(app, client, editor, make_item, members, report_as):
    from community.events.models import Event
    from community.extensions import db

    event = make_item("event", editor.group, title="通報の多いイベント")
    for path in READ_PATHS["event"]:
        assert "通報の多いイベント" in _text(client.get(path)), path
    reporters = members(3)
    for reporter in reporters[:2]:
        report_as(reporter, "event", event.id)
    client.post("/logout")
    assert "通報の多いイベント" in _text(client.get("/events"))  # two reports are not enough
    report_as(reporters[2], "event", event.id)
    client.post("/logout")
    with app.app_context():
        assert db.session.get(Event, event.id).status == "hidden"
    for path in READ_PATHS["event"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "通報の多いイベント" not in _text(response), path
    assert client.get(f"/events/{event.id}").status_code == 404


def test_hidden_event_author_still_sees_it_with_the_reason(client, login, supporter, editor, make_item):
    event = make_item("event", editor.group)
    _hide(client, login, supporter, "event", event.id, reason="日付の誤りを確認しています")
    login(editor)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "非表示になっています" in page
    assert "日付の誤りを確認しています" in page
    assert f"/moderation/review-request/event/{event.id}" in page


def test_hidden_board_thread_leaves_the_board(client, login, supporter, make_user, make_post):
    thread = make_post("board", make_user(), title="落とし物を探しています")
    assert "落とし物を探しています" in client.get("/board").get_data(as_text=True)
    _hide(client, login, supporter, "board", thread.id)
    assert "落とし物を探しています" not in client.get("/board").get_data(as_text=True)
    assert client.get(f"/board/{thread.id}").status_code == 404
    _restore(client, login, supporter, "board", thread.id)
    assert client.get(f"/board/{thread.id}").status_code == 200


def test_hidden_item_leaves_search_results_and_comes_back(client, login, supporter, editor, make_item):
    """Moderation changes go through the session, so the search index hears of them like any edit."""
    event = make_item("event", editor.group, title="相模湖の花火大会")
    assert "相模湖の花火大会" in client.get("/search?q=花火").get_data(as_text=True)
    _hide(client, login, supporter, "event", event.id)
    assert "相模湖の花火大会" not in client.get("/search?q=花火").get_data(as_text=True)
    _restore(client, login, supporter, "event", event.id)
    assert "相模湖の花火大会" in client.get("/search?q=花火").get_data(as_text=True)
