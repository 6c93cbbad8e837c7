"""What the code does per interface language beyond the catalogues, for every language it knows (zh, and ko and vi
before their catalogues are in: a site offering them shows their dates, names and menu): dates in the language's
form, the site's name, area and category names readable in the language, hreflang tags and the language menu."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import built_app

ALL = ("ja", "en", "zh", "ko", "vi")


@pytest.fixture(scope="module")
def every_language_app(template_database, tmp_path_factory):
    with built_app(template_database, tmp_path_factory.mktemp("languages-instance"), LANGUAGES=ALL) as app:
        yield app


@pytest.mark.parametrize(("language", "long", "short"), [
    ("ja", "2026年4月2日(木)", "4月2日(木)"),
    ("en", "Thu 2 Apr 2026", "Thu 2 Apr"),
    ("zh", "2026年4月2日（周四）", "4月2日（周四）"),
    ("ko", "2026년 4월 2일 (목)", "4월 2일 (목)"),
    ("vi", "T5, 2/4/2026", "T5, 2/4"),
])
def test_dates_in_each_language(every_language_app, language, long, short):
    from community.templating import format_day

    with every_language_app.test_request_context(f"/?lang={language}"):
        assert format_day(date(2026, 4, 2)) == long
        assert format_day(date(2026, 4, 2), short=True) == short


@pytest.mark.parametrize(("language", "area", "kana_area", "category", "site"), [
    ("ja", "橋本", "星が丘", "子育て", "さがみはら地域ポータル"),
    ("en", "Hashimoto", "Hoshigaoka", "Child-rearing", "Sagamihara Community Portal"),
    ("zh", "橋本", "星丘", "育儿", "相模原地区门户网站"),
    ("ko", "Hashimoto", "Hoshigaoka", "육아", "사가미하라 지역 포털"),
    ("vi", "Hashimoto", "Hoshigaoka", "Nuôi dạy con", "Cổng thông tin khu vực Sagamihara"),
])
def test_names_in_each_language(every_language_app, language, area, kana_area, category, site):
    from community.areas.models import Area, Category
    from community.extensions import db
    from community.locale import local_name, site_name

    with every_language_app.test_request_context(f"/?lang={language}"):
        assert local_name(db.session.query(Area).filter_by(slug="hashimoto").one()) == area
        assert local_name(db.session.query(Area).filter_by(slug="hoshigaoka").one()) == kana_area
        assert local_name(db.session.query(Category).filter_by(slug="kosodate").one()) == category
        assert site_name() == site


def test_a_renamed_reference_name_falls_back_rather_than_showing_a_stale_translation(every_language_app):
    from community.areas.models import Category
    from community.extensions import db
    from community.locale import local_name

    with every_language_app.test_request_context("/?lang=zh"):
        category = db.session.query(Category).filter_by(slug="kosodate").one()
        category.name, category.name_en = "子育て・教育", "Children & education"
        assert local_name(category) == "Children & education"  # kana in it: the English name
        category.name = "育児"
        assert local_name(category) == "育児"  # kanji only: as it is
        db.session.rollback()


@pytest.mark.parametrize(("language", "tag"), [("ko", "ko"), ("vi", "vi"), ("zh", "zh-Hans")])
def test_pages_menu_and_alternates_in_every_language(every_language_app, language, tag):
    html = every_language_app.test_client().get(f"/areas?lang={language}").get_data(as_text=True)
    assert f'<html lang="{tag}"' in html
    for code, name_tag, name in [("ja", "ja", "日本語"), ("en", "en", "English"), ("zh", "zh-Hans", "中文（简体）"),
                                 ("ko", "ko", "한국어"), ("vi", "vi", "Tiếng Việt")]:
        assert f'href="/areas?lang={code}" hreflang="{name_tag}" lang="{name_tag}"' in html
        assert f">{name}</a>" in html
        assert f'<link rel="alternate" hreflang="{name_tag}" href="http://localhost/areas?lang={code}">' in html
    if language != "zh":
        assert "Hashimoto" in html and "橋本" not in html
