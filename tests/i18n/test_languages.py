"""Every interface language besides Japanese and English (config LANGUAGES: zh now; ko and vi once their catalogues
are in) is that language: every page of the accessibility list, rendered with ?lang=CODE as the person the list
names, shows no character of the wrong script outside user content. The page check is the English test's
(InterfaceText), with the characters adapted per language:

- Chinese (zh) is written in Han characters, which Japanese shares: kana (hiragana, katakana, the katakana middle
  dot) outside user content are the leak. Area names in kanji are the areas' Japanese names, readable as they are.
- Korean (ko) and Vietnamese (vi) read neither kana nor Han: any Japanese character is a leak, so areas and
  categories show their English (romanised) names there (community/locale.py local_name).
"""

from __future__ import annotations

import re

import pytest

from community.config import DefaultConfig
from community.locale import KANA
from tests.browser.test_accessibility import _VISITS, Visit
from tests.conftest import open_test_session
from tests.i18n.test_english import JAPANESE, SENDS_EMPTY_FORM, japanese_outside_user_content
from tests.i18n.test_english import site_app as site_app  # noqa: F401 -- the same site, built once per module

OTHER_LANGUAGES = tuple(code for code in DefaultConfig.LANGUAGES if code not in ("ja", "en"))
FOREIGN = {"zh": KANA}  # any other language: every Japanese character


def foreign_characters(language: str) -> re.Pattern:
    return FOREIGN.get(language, JAPANESE)


def url_in(path: str, language: str) -> str:
    path, hash_, fragment = path.partition("#")  # the language goes in the query, before any #fragment
    return f"{path}{'&' if '?' in path else '?'}lang={language}{hash_}{fragment}"


def test_the_check_is_adapted_to_each_language():
    page = ('<html lang="{}"><body><h1>活动</h1><p>相模原</p><p>イベント</p><p lang="ja">日本語</p>'
            '<a lang="zh-Hans">中文（简体）</a><a lang="ko">한국어</a>'
            '<p data-user-content lang="ja">夏まつり</p></body></html>')
    assert japanese_outside_user_content(page.format("zh-Hans"), foreign_characters("zh"), "zh") == ["<p>: イベント"]
    assert japanese_outside_user_content(page.format("ko"), foreign_characters("ko"), "ko") == [
        "<h1>: 活动", "<p>: 相模原", "<p>: イベント"]


def test_the_language_menu_names_each_language_in_itself(site_app):  # noqa: F811
    app, _site = site_app
    html = app.test_client().get("/events?lang=zh&page=1").get_data(as_text=True)
    assert '<html lang="zh-Hans"' in html
    menu = html[html.index('class="language-menu"'):]
    menu = menu[:menu.index("</nav>")]
    assert 'href="/events?page=1&amp;lang=ja" hreflang="ja" lang="ja">日本語</a>' in menu
    assert 'href="/events?page=1&amp;lang=en" hreflang="en" lang="en">English</a>' in menu
    assert 'hreflang="zh-Hans" lang="zh-Hans" aria-current="true">中文（简体）</a>' in menu
    assert menu.count('aria-current="true"') == 1


def test_every_page_has_hreflang_alternates_for_every_language(site_app):  # noqa: F811
    app, _site = site_app
    html = app.test_client().get("/events?lang=zh").get_data(as_text=True)
    alternates = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', html)
    tags = {"ja": "ja", "en": "en", "zh": "zh-Hans", "ko": "ko", "vi": "vi"}
    expected = [(tags[code], f"http://localhost/events?lang={code}") for code in DefaultConfig.LANGUAGES]
    assert alternates == [*expected, ("x-default", "http://localhost/events")]
    assert '<meta property="og:locale" content="zh_CN">' in html


def test_a_chosen_language_is_remembered(site_app):  # noqa: F811
    app, _site = site_app
    client = app.test_client()
    client.get("/events?lang=zh")
    assert '<html lang="zh-Hans"' in client.get("/events").get_data(as_text=True)
    assert '<html lang="ja"' in client.get("/events?lang=ja").get_data(as_text=True)
    assert '<html lang="ja"' in client.get("/events").get_data(as_text=True)


def test_dates_and_names_in_chinese(site_app):  # noqa: F811
    app, _site = site_app
    html = app.test_client().get("/areas?lang=zh").get_data(as_text=True)
    assert "星丘" in html and "星が丘" not in html  # a shipped Chinese name for a kana place name
    assert "橋本" in html  # kanji-only names stay as they are
    assert "育儿" in html or "育儿" in app.test_client().get("/events?lang=zh").get_data(as_text=True)


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
@pytest.mark.parametrize("visit", _VISITS, ids=[visit.id for visit in _VISITS])
def test_page_in_each_language_has_no_foreign_script_outside_user_content(visit: Visit, language: str,
                                                                           site_app):  # noqa: F811
    app, site = site_app
    client = app.test_client()
    if visit.as_:
        with client.session_transaction() as session:
            session["_user_id"] = open_test_session(app, site.users[visit.as_])
            session["_fresh"] = True
    path = url_in(visit.path.format(**site.ids), language)
    response = client.get(path)
    assert response.status_code == visit.status, f"GET {path}"
    if visit.then in SENDS_EMPTY_FORM:
        response = client.post(path, data={})
        assert response.status_code in (200, 400, 422), f"POST {path}"
    html = response.get_data(as_text=True)
    tag = {"zh": "zh-Hans"}.get(language, language)
    assert f'<html lang="{tag}"' in html
    leaks = japanese_outside_user_content(html, foreign_characters(language), language)
    assert not leaks, f"{visit.id} ({path}) shows foreign characters in the {language} interface:\n" + "\n".join(leaks)
