"""The interface language of the current request and what depends on it: the site's name, reference data names,
and how user content is marked when its language differs from the interface's."""

from __future__ import annotations

import re

from flask import current_app, has_app_context
from markupsafe import Markup, escape

# Hiragana, katakana, CJK punctuation, kanji, half- and full-width forms: text a reader of Japanese wrote.
JAPANESE_CHARACTERS = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


# Every interface language the code knows (config LANGUAGES picks the ones the site offers, in menu order): its name
# in itself (the language menu), its BCP 47 tag (<html lang>, hreflang, lang= on the menu's links) and its OpenGraph
# locale. The key is the catalogue's directory under community/translations and the value of `?lang=`; Chinese is
# "zh" (Babel's "zh" is Simplified Chinese, zh_Hans; gettext would also find a zh_Hans directory from "zh_Hans"),
# shown to browsers and search engines as zh-Hans.
LANGUAGES = {
    "ja": {"name": "日本語", "tag": "ja", "og": "ja_JP"},
    "en": {"name": "English", "tag": "en", "og": "en_US"},
    "zh": {"name": "中文（简体）", "tag": "zh-Hans", "og": "zh_CN"},
    "ko": {"name": "한국어", "tag": "ko", "og": "ko_KR"},
    "vi": {"name": "Tiếng Việt", "tag": "vi", "og": "vi_VN"},
}

# Kana (and the katakana middle dot 「・」): in the Chinese interface they are Japanese, while kanji are shared.
KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")


def language_tag(code: str) -> str:
    """The BCP 47 tag of an interface language ("zh" → "zh-Hans")."""
    return LANGUAGES.get(code, {}).get("tag", code)


def language_name(code: str) -> str:
    """An interface language's name in itself, as the language menu lists it."""
    return LANGUAGES.get(code, {}).get("name", code)


def og_locale(code: str) -> str:
    return LANGUAGES.get(code, {}).get("og", "ja_JP")


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
    """The site's name in the interface language: SITE_NAME in Japanese, SITE_NAME_EN in English, SITE_NAME_ZH
    (_KO, _VI: SITE_NAME_ plus the language in capitals) in another language, else the English one."""
    config = current_app.config
    language = interface_language()
    if language == "ja":
        return config["SITE_NAME"]
    return config.get(f"SITE_NAME_{language.upper()}") or config.get("SITE_NAME_EN") or config["SITE_NAME"]


# Names of the shipped reference data (community/areas/services.py) in the other interface languages, by kind and
# slug, each with the Japanese name it translates: it is used only while the stored name is still that one, so a
# name an admin changes is never replaced by a stale translation (the fallback below shows instead).
REFERENCE_NAMES = {
    "zh": {
        ("category", "kosodate"): ("子育て", "育儿"),
        ("category", "food-shops"): ("飲食・お店", "餐饮与商店"),
        ("category", "events"): ("イベント", "活动"),
        ("category", "safety"): ("防犯・防災", "治安与防灾"),
        ("category", "welfare-health"): ("福祉・健康", "福利与健康"),
        ("category", "sports-culture"): ("スポーツ・文化", "体育与文化"),
        ("category", "learning"): ("学び", "学习"),
        ("category", "environment"): ("環境", "环境"),
        ("area", "hoshigaoka"): ("星が丘", "星丘"),
        ("area", "hikarigaoka"): ("光が丘", "光丘"),
    },
    "ko": {
        ("category", "kosodate"): ("子育て", "육아"),
        ("category", "food-shops"): ("飲食・お店", "음식점·가게"),
        ("category", "events"): ("イベント", "이벤트"),
        ("category", "safety"): ("防犯・防災", "방범·방재"),
        ("category", "welfare-health"): ("福祉・健康", "복지·건강"),
        ("category", "sports-culture"): ("スポーツ・文化", "스포츠·문화"),
        ("category", "learning"): ("学び", "배움"),
        ("category", "environment"): ("環境", "환경"),
    },
    "vi": {
        ("category", "kosodate"): ("子育て", "Nuôi dạy con"),
        ("category", "food-shops"): ("飲食・お店", "Ăn uống & cửa hàng"),
        ("category", "events"): ("イベント", "Sự kiện"),
        ("category", "safety"): ("防犯・防災", "An ninh & phòng chống thiên tai"),
        ("category", "welfare-health"): ("福祉・健康", "Phúc lợi & sức khỏe"),
        ("category", "sports-culture"): ("スポーツ・文化", "Thể thao & văn hóa"),
        ("category", "learning"): ("学び", "Học tập"),
        ("category", "environment"): ("環境", "Môi trường"),
    },
}


def local_name(thing) -> str:
    """An area's or a category's name in the interface language.

    Japanese: its name. English: its English name where it has one. Chinese, Korean, Vietnamese: the shipped
    translation of a reference name (REFERENCE_NAMES) while the stored name is unchanged; else, in Chinese, the
    Japanese name when it is written in kanji only (the Sagamihara place names are: a Chinese reader reads them),
    and otherwise (kana in it, or Korean and Vietnamese, which do not read kanji) the English name; the Japanese
    name when there is no English one."""
    language = interface_language()
    if language == "ja":
        return thing.name
    english = getattr(thing, "name_en", "") or ""
    if language == "en":
        return english or thing.name
    kind = "area" if hasattr(thing, "name_kana") else "category"
    shipped = REFERENCE_NAMES.get(language, {}).get((kind, getattr(thing, "slug", "")))
    if shipped and shipped[0] == thing.name:
        return shipped[1]
    if language == "zh" and not KANA.search(thing.name or ""):
        return thing.name
    return english or thing.name


def is_japanese(text) -> bool:
    return bool(text) and JAPANESE_CHARACTERS.search(str(text)) is not None


def foreign_to_interface(text) -> bool:
    """Whether `text` is Japanese that the interface did not write: any Japanese character outside the Japanese
    interface, but in Chinese (written in Han characters too) only kana and Japanese punctuation tell."""
    language = interface_language()
    if language == "ja" or not text:
        return False
    if language == "zh":
        return KANA.search(str(text)) is not None
    return is_japanese(text)


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
    if foreign_to_interface(text):
        return user_text(text)
    return escape(text)


def in_parens(text) -> Markup:
    """`text` in brackets as the interface language writes them: （…） in Japanese, " (…)" in English."""
    from flask_babel import gettext

    return escape(gettext("（%(text)s）")).replace("%(text)s", escape(text))
