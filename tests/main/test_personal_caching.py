"""Pages rendered for a signed-in member, and the sign-in pages, are sent with Cache-Control: private, no-store;
public pages, feeds and files for visitors, and responses that choose their own caching, are left as they are."""

from __future__ import annotations

PERSONAL = "private, no-store"


def test_every_page_rendered_for_a_member_is_private_and_not_stored(client, login, member, editor, make_item):
    event = make_item("event", editor.group)
    login(member)
    for url in ("/me", "/me/following", "/me/bookmarks", "/me/posts", "/me/settings", "/settings", "/notifications",
                "/", "/events", f"/events/{event.id}", "/search?q=本文", "/communities/new", "/no-such-page"):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert response.headers.get("Cache-Control") == PERSONAL, url
    # a redirect after a form, too: it is an answer to this member
    assert client.post("/me/feed-token").headers.get("Cache-Control") == PERSONAL


def test_sign_in_pages_are_private_for_visitors_too(client):
    for url in ("/login", "/register", "/password-reset", "/password-reset/not-a-token"):
        response = client.get(url)
        assert response.headers.get("Cache-Control") == PERSONAL, (url, response.status_code)
    assert client.post("/login", data={"email": "nobody@example.jp", "password": "x"}).headers.get(
        "Cache-Control") == PERSONAL


def test_public_pages_feeds_and_files_keep_their_own_caching(client, login, member, editor, make_item):
    event = make_item("event", editor.group)
    for url in ("/", "/events", f"/events/{event.id}", "/events.atom", "/shops.atom", "/notices.atom", "/events.ics",
                "/api/v1/events", "/static/css/site.css"):
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert "no-store" not in response.headers.get("Cache-Control", ""), url  # a visitor's copy may be shared
    login(member)
    with client.get("/static/css/site.css") as static:
        assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")
    assert client.get("/signage.json").headers["Cache-Control"] == "no-store"  # signage's own choice stays
