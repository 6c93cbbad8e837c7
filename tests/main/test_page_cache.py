"""Whole pages for visitors who are not signed in are kept until what they show changes (community/cache.py):
answered again without the page's queries, changed at once by a change made through any host, never shared
between languages, display choices or signed-in members, and every visitor's forms keep working."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from community.timeutil import now_utc
from tests.indexing.test_hosts import second_host


@pytest.fixture(autouse=True)
def _page_cache(app):
    app.config["PAGE_CACHE"] = True


PAGES = ("/", "/events", "/shops", "/notices", "/communities", "/board", "/areas/midori", "/groups")


@pytest.fixture
def content(editor, make_item):
    make_item("event", editor.group, title="公民館まつり", starts_at=now_utc() + timedelta(days=2))
    make_item("shop", editor.group, name="駅前のパン屋")
    make_item("notice", editor.group, title="図書館の休館日")


@pytest.mark.parametrize("url", PAGES)
def test_a_page_seen_again_costs_only_the_content_version(client, content, count_queries, url):
    first = client.get(url)
    assert first.status_code == 200
    with count_queries() as counted:
        second = client.get(url)
    assert second.status_code == 200
    assert _without_tokens(second.get_data(as_text=True)) == _without_tokens(first.get_data(as_text=True))
    assert counted.n <= 2, counted.statements


def test_a_change_shows_at_once_on_every_page_that_includes_it(client, content, editor, make_item):
    for url in ("/", "/notices"):
        assert "道路工事のお知らせ" not in client.get(url).get_data(as_text=True)
    make_item("notice", editor.group, title="道路工事のお知らせ")
    for url in ("/", "/notices"):
        assert "道路工事のお知らせ" in client.get(url).get_data(as_text=True), url


def test_languages_text_sizes_and_members_each_get_their_own_page(client, content, login, member):
    japanese = client.get("/events").get_data(as_text=True)
    assert '<html lang="ja"' in japanese
    client.post("/preferences/language", data={"lang": "en", "next": "/"})
    assert '<html lang="en"' in client.get("/events").get_data(as_text=True)
    client.post("/preferences/text-size", data={"size": "xlarge", "next": "/"})
    assert 'class="text-xlarge"' in client.get("/events").get_data(as_text=True)
    assert "ログアウト" not in client.get("/events?lang=ja").get_data(as_text=True)
    login(member)
    assert "ログアウト" in client.get("/events?lang=ja").get_data(as_text=True)


def test_every_visitor_gets_a_working_csrf_token_from_a_kept_page(app, content):
    first, second = app.test_client(), app.test_client()
    tokens = []
    for visitor in (first, second):
        page = visitor.get("/events").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        tokens.append(token)
        answer = visitor.post("/preferences/text-size", data={"csrf_token": token, "size": "large", "next": "/"})
        assert answer.status_code == 302  # a token from the kept page is this visitor's own
    assert tokens[0] != tokens[1]


def test_a_page_with_a_message_for_this_visitor_is_not_kept(client, content):
    client.post("/preferences/area", data={"area": "no-such-area"})  # leaves a message for the next page
    client.get("/")
    assert "見つかりません" not in client.get("/").get_data(as_text=True)


def test_a_change_through_another_host_shows_at_once(app, template_database, tmp_path, content, editor, make_item):
    with second_host(app, template_database, tmp_path, PAGE_CACHE=True) as host_b:
        reader = host_b.test_client()
        assert "道路工事のお知らせ" not in reader.get("/notices").get_data(as_text=True)
        make_item("notice", editor.group, title="道路工事のお知らせ")  # written through the first host
        assert "道路工事のお知らせ" in reader.get("/notices").get_data(as_text=True)


def _without_tokens(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", page)
