"""Area and category names in the interface language: the English name in English, the name otherwise."""

from __future__ import annotations


def test_area_and_category_names_follow_the_interface_language(client):
    japanese = client.get("/areas/hashimoto?lang=ja").get_data(as_text=True)
    assert "<h1>橋本</h1>" in japanese
    english = client.get("/areas/hashimoto?lang=en").get_data(as_text=True)
    assert "<h1>Hashimoto</h1>" in english
    assert "Midori Ward" in english and "緑区" not in english
    assert "<h1>Child-rearing</h1>" in client.get("/categories/kosodate?lang=en").get_data(as_text=True)


def test_filters_offer_whole_ward_in_english(client):
    english = client.get("/events?lang=en").get_data(as_text=True)
    assert "Midori Ward (whole ward)" in english and "（" not in english.split("<main", 1)[1]
    assert "緑区（全域）" in client.get("/events?lang=ja").get_data(as_text=True)


def test_every_default_area_and_category_has_an_english_name(app):
    from sqlalchemy import select

    from community.areas.models import Area, Category
    from community.extensions import db

    with app.app_context():
        names = db.session.execute(select(Area.name, Area.name_en)).all()
        names += db.session.execute(select(Category.name, Category.name_en)).all()
    assert names and all(english for _name, english in names)


def test_site_name_in_english(client):
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "Sagamihara Community Portal" in english and "さがみはら地域ポータル" not in english
    assert "さがみはら地域ポータル" in client.get("/?lang=ja").get_data(as_text=True)


def test_event_times_in_english_form(app):
    from datetime import datetime

    from community.templating import event_span
    from community.timeutil import TOKYO

    starts = datetime(2026, 12, 5, 10, 0, tzinfo=TOKYO)
    ends = datetime(2026, 12, 5, 12, 0, tzinfo=TOKYO)
    with app.test_request_context("/?lang=en"):
        assert event_span(starts, ends, False) == "Sat 5 Dec 2026 10:00–12:00"
    with app.test_request_context("/?lang=ja"):
        assert event_span(starts, ends, False) == "2026年12月5日(土) 10:00〜12:00"
