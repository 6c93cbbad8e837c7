"""Markdown to safe HTML: one renderer, one bleach allow-list, used on the way in."""

from __future__ import annotations

import html
import threading
from functools import partial

import bleach
import markdown
from bleach.linkifier import LinkifyFilter

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i", "li", "ol",
    "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul", "del",
})
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "abbr": ["title"], "th": ["scope"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})


def _link_attributes(attrs, new=False):
    href_key = (None, "href")
    if href_key in attrs:
        attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


# Cleans, then turns bare URLs into links, in one parse of the HTML (the linkifier runs after sanitising).
_cleaner = bleach.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS,
                          strip=True, strip_comments=True,
                          filters=[partial(LinkifyFilter, callbacks=[_link_attributes], skip_tags={"pre", "code"})])


_local = threading.local()


def _markdown() -> markdown.Markdown:
    """One converter per thread: building one (extensions, parser) costs more than converting a body."""
    converter = getattr(_local, "markdown", None)
    if converter is None:
        converter = _local.markdown = markdown.Markdown(extensions=["tables", "sane_lists", "nl2br"],
                                                        output_format="html")
    return converter


def render_markdown(source: str) -> str:
    """Markdown source → cleaned HTML, safe to mark |safe in templates."""
    if not source:
        return ""
    return _cleaner.clean(_markdown().reset().convert(source))


def plain_text(source: str) -> str:
    """Text with every tag removed, for titles, snippets, feeds and the search index.

    The result is text, not HTML: "親子 & 地域" stays as written (templates escape it once on the way
    out). Entities that decode to a tag ("&lt;script&gt;") are stripped in the next round.
    """
    text = source or ""
    if "<" not in text and "&" not in text:
        return text  # nothing to strip or decode: most text, and the cheap path
    for _ in range(8):
        cleaned = html.unescape(bleach.clean(text, tags=set(), strip=True))
        if cleaned == text:
            return text
        text = cleaned
    return bleach.clean(text, tags=set(), strip=True)  # pathological nesting: leave it escaped
