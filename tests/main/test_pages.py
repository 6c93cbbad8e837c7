"""The base layout, home, area and category pages, preferences, health check and headers."""

import pytest


def test_home_is_japanese_with_landmarks_and_skip_link(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="ja"' in page
    assert 'href="#main"' in page and 'id="main"' in page
    assert "<header" in page and "<nav" in page and "<footer" in page
    assert "緑区" in page and "子育て" in page


def test_language_switch_to_english_and_back(client):
    response = client.post("/preferences/language", data={"lang": "en", "next": "/areas"})
    assert response.headers["Location"] == "/areas"
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en"' in page
    assert "Skip to main content" in page
    client.post("/preferences/language", data={"lang": "ja", "next": "/"})
    assert '<html lang="ja"' in client.get("/").get_data(as_text=True)


def test_browser_preferring_english_gets_english(client):
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en"' in page


def test_lang_in_the_url_chooses_the_language_and_is_remembered(client):
    """A link shared as /events?lang=en opens in English, whatever the browser says, and the next pages stay so."""
    page = client.get("/events?lang=en", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert '<html lang="en"' in page
    assert '<html lang="en"' in client.get("/areas", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert '<html lang="ja"' in client.get("/areas?lang=ja").get_data(as_text=True)
    assert '<html lang="ja"' in client.get("/").get_data(as_text=True)
    ignored = client.get("/?lang=xx", headers={"Accept-Language": "en"})  # not a language of the site
    assert ignored.status_code == 200 and '<html lang="ja"' in ignored.get_data(as_text=True)


def test_every_page_names_its_language_versions(client):
    page = client.get("/events?page=1&area=midori&lang=en").get_data(as_text=True)
    assert '<link rel="canonical" href="http://localhost/events?lang=en">' in page
    assert '<link rel="alternate" hreflang="ja" href="http://localhost/events?lang=ja">' in page
    assert '<link rel="alternate" hreflang="en" href="http://localhost/events?lang=en">' in page
    assert '<link rel="alternate" hreflang="x-default" href="http://localhost/events">' in page
    japanese = client.get("/events?lang=ja").get_data(as_text=True)
    assert '<link rel="canonical" href="http://localhost/events">' in japanese
    assert 'hreflang="en" href="http://localhost/events?lang=en"' in japanese


def test_text_size_control_works_without_javascript(client):
    client.post("/preferences/text-size", data={"size": "xlarge", "next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert 'class="text-xlarge"' in page
    assert 'value="xlarge" class="chip" aria-pressed="true"' in page


def test_preferences_refuse_external_next(client):
    response = client.post("/preferences/language", data={"lang": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_area_page_shows_its_districts_and_trail(client):
    page = client.get("/areas/minami").get_data(as_text=True)
    assert "<h1>南区</h1>" in page
    assert "相模台" in page and "東林" in page
    assert "相模原市" in page  # breadcrumb
    district = client.get("/areas/hashimoto").get_data(as_text=True)
    assert "緑区" in district


def test_category_page(client):
    page = client.get("/categories/kosodate").get_data(as_text=True)
    assert "<h1>子育て</h1>" in page


@pytest.mark.parametrize("url", ["/areas/nowhere", "/categories/nothing", "/groups/none", "/users/999999"])
def test_unknown_things_are_404_in_japanese(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "ページが見つかりません" in response.get_data(as_text=True)


def test_security_headers(client):
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


def test_no_asset_is_loaded_from_outside_the_site(client):
    page = client.get("/").get_data(as_text=True)
    for attribute in ('src="http', "src=\"//", 'href="//'):
        assert attribute not in page
    assert 'rel="stylesheet" href="/static/' in page


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok" and response.json["failing"] == []
    assert response.json["checks"]["database"] is True
    assert response.json["parts"]["search"] == {"ok": True, "pending_changes": 0, "oldest_pending_seconds": 0.0,
                                                "complete": True}
    assert response.json["parts"]["rate_limits"]["ok"] is True


def test_healthz_reports_a_broken_database(app, client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from community.extensions import db

    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("database down"))

    with app.app_context():
        monkeypatch.setattr(db.session, "execute", broken)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["database"] is False
    assert response.json["failing"] == ["database"] and response.json["status"] == "error"
    assert "does not answer" in response.json["parts"]["database"]["detail"]


def test_home_page_sql_statements_are_bounded(client, count_queries, make_group, make_item):
    group = make_group()
    for kind in ("event", "shop", "notice"):
        make_item(kind, group)
    client.get("/")
    with count_queries() as few:
        client.get("/")
    for _ in range(10):
        other = make_group()
        for kind in ("event", "shop", "notice"):
            make_item(kind, other, area="torin")
    with count_queries() as many:
        client.get("/")
    assert many.n == few.n
    assert many.n <= 12  # the home page's sections: tests/main/test_home.py counts them with every kind of data
