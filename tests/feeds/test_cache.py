"""Feeds and .ics are answered from the response cache while nothing changed (community/cache.py): a change made
through any host shows in the next answer, conditional requests get 304, and the cache never mixes languages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from community.timeutil import now_utc
from tests.indexing.test_hosts import second_host

FEEDS = ("/events.atom", "/shops.atom", "/notices.atom", "/events.ics")


@pytest.mark.parametrize("url", FEEDS)
def test_a_second_request_is_answered_from_the_cache(client, editor, make_item, count_queries, url):
    make_item("event", editor.group, title="公民館まつり", starts_at=now_utc() + timedelta(days=2))
    make_item("shop", editor.group, name="駅前のパン屋")
    make_item("notice", editor.group, title="図書館の休館日")
    first = client.get(url)
    with count_queries() as counted:
        second = client.get(url)
    assert second.status_code == 200 and second.data == first.data
    assert second.headers["Content-Type"] == first.headers["Content-Type"]
    assert counted.n <= 2, counted.statements  # the content version only, not the feed's queries


def test_a_change_shows_in_the_next_answer(client, editor, make_item):
    make_item("event", editor.group, title="公民館まつり", starts_at=now_utc() + timedelta(days=2))
    assert "公民館まつり" in client.get("/events.atom").get_data(as_text=True)
    make_item("event", editor.group, title="星空観察会", starts_at=now_utc() + timedelta(days=3))
    assert "星空観察会" in client.get("/events.atom").get_data(as_text=True)
    assert "星空観察会" in client.get("/events.ics").get_data(as_text=True)


def test_conditional_requests_get_304_until_something_changes(client, editor, make_item):
    make_item("notice", editor.group, title="図書館の休館日")
    first = client.get("/notices.atom")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get("/notices.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get("/notices.atom", headers={"If-Modified-Since": modified}).status_code == 304
    make_item("notice", editor.group, title="道路工事のお知らせ")
    changed = client.get("/notices.atom", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "道路工事のお知らせ" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != etag


def test_each_language_has_its_own_answer(client, editor, make_item):
    make_item("notice", editor.group, title="図書館の休館日")
    japanese = client.get("/notices.atom").get_data(as_text=True)
    client.post("/preferences/language", data={"lang": "en", "next": "/"})  # the same URL, another language
    english = client.get("/notices.atom").get_data(as_text=True)
    assert "<title>お知らせ" in japanese and "<title>Notices" in english


def test_a_change_through_another_host_shows_at_once(app, template_database, tmp_path, editor, make_item):
    make_item("notice", editor.group, title="図書館の休館日")
    with second_host(app, template_database, tmp_path) as host_b:
        reader_a, reader_b = app.test_client(), host_b.test_client()
        assert "図書館の休館日" in reader_b.get("/notices.atom").get_data(as_text=True)
        reader_a.get("/notices.atom")
        make_item("notice", editor.group, title="道路工事のお知らせ")  # written through host A
        assert "道路工事のお知らせ" in reader_b.get("/notices.atom").get_data(as_text=True)
