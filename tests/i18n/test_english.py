"""The English interface is English: every page of the accessibility list, rendered with ?lang=en as the person
the list names, shows no Japanese character (kana, kanji, Japanese punctuation) outside user content.

User content (titles, bodies, names people wrote) is marked in the markup with `data-user-content` (and
lang="ja" when it is Japanese, for screen readers); the check leaves out the text of those elements and only
those. Visible text and the attributes a person reads or hears (title, alt, placeholder, aria-label, a button's
value, the page's meta description and og: tags) are checked.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.browser.site_data import build_site
from tests.browser.test_accessibility import _VISITS, Visit, submit_empty_form, submit_empty_login
from tests.conftest import built_app, open_test_session

# Hiragana, katakana, CJK punctuation (「」、。〜), kanji, half- and full-width forms.
JAPANESE = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
READ_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label", "aria-description", "aria-roledescription")
META_READ = ("description", "og:title", "og:description", "og:site_name", "twitter:title", "twitter:description")
HIDDEN = {"script", "style", "template", "textarea"}  # a textarea holds what the person typed: a value


class InterfaceText(HTMLParser):
    """Collects the interface's text of a page: what is shown or read out, minus the user content."""

    def __init__(self, foreign: re.Pattern = JAPANESE, language: str = "en") -> None:
        """`foreign`: the characters that must not appear in this interface; `language`: the page's language (an
        element in another language, lang="ja" for Japanese user text or a language menu entry, is left out)."""
        super().__init__(convert_charrefs=True)
        self.foreign, self.language = foreign, language
        self.stack: list[tuple[str, bool]] = []  # (tag, is this element user content or hidden)
        self.found: list[str] = []
        self.quoted: list[str] = []  # what the page's title and meta tags say, checked once the page is read
        self.user_texts: set[str] = set()  # each piece of text the page shows as user content

    @property
    def skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        skip = "data-user-content" in attributes or tag in HIDDEN or self._other_language(attributes)
        if not skip and not self.skipping:
            self._attributes(tag, attributes)
        if tag not in VOID:
            self.stack.append((tag, skip))

    def _other_language(self, attributes: dict) -> bool:
        lang = (attributes.get("lang") or "").lower()
        return bool(lang) and lang.split("-")[0] != self.language

    def handle_startendtag(self, tag, attrs):
        if not self.skipping and "data-user-content" not in dict(attrs) and not self._other_language(dict(attrs)):
            self._attributes(tag, dict(attrs))

    def _attributes(self, tag: str, attributes: dict) -> None:
        texts = [attributes.get(name) for name in READ_ATTRIBUTES]
        if tag == "input" and attributes.get("type") in ("submit", "button", "reset"):
            texts.append(attributes.get("value"))
        self.found += [f"{tag}@: {text}" for text in texts if text and self.foreign.search(text)]
        if tag == "meta" and (attributes.get("name") or attributes.get("property")) in META_READ:
            self.quoted.append(attributes.get("content") or "")

    def handle_endtag(self, tag):
        # Close up to the matching element (browsers forgive missing end tags, so does this).
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        tag = self.stack[-1][0] if self.stack else "-"
        if tag == "title":
            self.quoted.append(data)
        elif self.skipping:
            self.user_texts.add(" ".join(data.split()))
        elif self.foreign.search(data):
            self.found.append(f"<{tag}>: {' '.join(data.split())}")

    def close(self):
        """A page's title and its meta tags may quote what the page shows as user content (an event's title, the
        start of its text): that much is left out of them, the rest is checked."""
        super().close()
        pieces = sorted((text for text in self.user_texts if text), key=len, reverse=True)
        for quote in self.quoted:
            rest = " ".join(quote.split())
            for piece in pieces:
                rest = rest.replace(piece, "")
            if self.foreign.search(rest):
                self.found.append(f"title/meta: {' '.join(quote.split())}")


def japanese_outside_user_content(html: str, foreign: re.Pattern = JAPANESE, language: str = "en") -> list[str]:
    parser = InterfaceText(foreign, language)
    parser.feed(html)
    parser.close()
    return parser.found


def test_the_check_finds_interface_japanese_and_leaves_user_content():
    page = ('<html lang="en"><head><title>遊ぼう | Portal</title><meta property="og:site_name" content="相模原">'
            '<meta name="description" content="親子で 遊ぼう"></head>'
            '<body><h1 data-user-content lang="ja">親子で<b>遊ぼう</b></h1><p>Date: 5月</p><p lang="ja">日本語</p>'
            '<img alt="地図"><input type="submit" value="送信"><br><p>ok</p><script>"日本"</script></body></html>')
    assert japanese_outside_user_content(page) == [
        "<p>: Date: 5月", "img@: 地図", "input@: 送信", "title/meta: 相模原"]


@pytest.fixture(scope="module")
def site_app(template_database, tmp_path_factory, password_hash):
    with built_app(template_database, tmp_path_factory.mktemp("english-instance")) as app:
        site = build_site(app, password_hash)
        yield app, site


def english_url(path: str) -> str:
    path, hash_, fragment = path.partition("#")  # the language goes in the query, before any #fragment
    return f"{path}{'&' if '?' in path else '?'}lang=en{hash_}{fragment}"


# What a visit's person does in the browser, as a request: sending the page's form empty shows its messages.
SENDS_EMPTY_FORM = (submit_empty_form, submit_empty_login)


@pytest.mark.parametrize("visit", _VISITS, ids=[visit.id for visit in _VISITS])
def test_page_in_english_has_no_japanese_outside_user_content(visit: Visit, site_app):
    app, site = site_app
    client = app.test_client()
    if visit.as_:
        with client.session_transaction() as session:
            session["_user_id"] = open_test_session(app, site.users[visit.as_])
            session["_fresh"] = True
    path = english_url(visit.path.format(**site.ids))
    response = client.get(path)
    assert response.status_code == visit.status, f"GET {path}"
    if visit.then in SENDS_EMPTY_FORM:
        response = client.post(path, data={})
        assert response.status_code in (200, 400, 422), f"POST {path}"
    html = response.get_data(as_text=True)
    assert '<html lang="en"' in html
    leaks = japanese_outside_user_content(html)
    assert not leaks, f"{visit.id} ({path}) shows Japanese in the English interface:\n" + "\n".join(leaks)


def test_counts_and_brackets_follow_english(site_app):
    """Counts of people take the English plural, and brackets are English ones with a space before them."""
    app, site = site_app
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = open_test_session(app, site.users["member"])
        session["_fresh"] = True
    path = "/communities/hashimoto-oyako/meetups/{meetup}/attendees".format(**site.ids)
    html = client.get(english_url(path)).get_data(as_text=True)
    assert "Going (1 person)" in html and "Maybe (1 person)" in html and "Waiting list (0 people)" in html
    japanese = client.get(f"{path}?lang=ja").get_data(as_text=True)
    assert "（1人）" in japanese
