"""The interface language of the current request and what depends on it: the site's name, reference data names,
and how user content is marked when its language differs from the interface's."""

from __future__ import annotations

import re

from flask import current_app, has_app_context
from markupsafe import Markup, escape

# Hiragana, katakana, CJK punctuation, kanji, half- and full-width forms: text a reader of Japanese wrote.
JAPANESE_CHARACTERS = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def interface_language() -> str:
    """The language of the interface for this request ("ja" outside a request, as the site's default)."""
    from flask_babel import get_locale

    locale = get_locale() if has_app_context() else None
    return locale.language if locale else "ja"


def in_english() -> bool:
    return interface_language() == "en"


def member_language(user) -> str:
    """The language a member chose for the site (kept with the account), or the site's default: what is written
    to them when no page of theirs is open (the digest, mail to admins)."""
    languages = current_app.config["LANGUAGES"]
    chosen = getattr(user, "language", "")
    return chosen if chosen in languages else languages[0]


def site_name() -> str:
    """The site's name in the interface language: SITE_NAME_EN in English, SITE_NAME otherwise."""
    config = current_app.config
    return config.get("SITE_NAME_EN") or config["SITE_NAME"] if in_english() else config["SITE_NAME"]


def local_name(thing) -> str:
    """An area's or a category's name in the interface language: its English name in English where it has one."""
    english = getattr(thing, "name_en", "")
    return english if english and in_english() else thing.name


def is_japanese(text) -> bool:
    return bool(text) and JAPANESE_CHARACTERS.search(str(text)) is not None


def user_content_attrs(*texts) -> Markup:
    """The attributes that mark an element holding what people wrote, in an interface other than Japanese:
    `data-user-content`, and lang="ja" when the text is Japanese (so a screen reader reads it with a Japanese
    voice). The Japanese interface needs neither and stays as it is."""
    if interface_language() == "ja":
        return Markup("")
    if any(is_japanese(text) for text in texts):
        return Markup(' data-user-content lang="ja"')
    return Markup(" data-user-content")


def user_text(text) -> Markup:
    """`text` (escaped) in a span marked as user content (user_content_attrs); as it is in the Japanese interface."""
    if text is None or text == "":
        return Markup("")
    attributes = user_content_attrs(text)
    return Markup("<span{}>{}</span>").format(attributes, escape(text)) if attributes else escape(text)


def crumb_text(text) -> Markup:
    """A breadcrumb's label: interface words arrive translated, so Japanese in another interface is a title or a
    name people wrote, marked as user content."""
    if interface_language() != "ja" and is_japanese(text):
        return user_text(text)
    return escape(text)


def in_parens(text) -> Markup:
    """`text` in brackets as the interface language writes them: （…） in Japanese, " (…)" in English."""
    from flask_babel import gettext

    return escape(gettext("（%(text)s）")).replace("%(text)s", escape(text))
