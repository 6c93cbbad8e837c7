"""Markdown to safe HTML: one renderer, one bleach allow-list, used on the way in."""

from __future__ import annotations

import bleach
import markdown
from bleach.linkifier import Linker

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


_cleaner = bleach.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS,
                          strip=True, strip_comments=True)
_linker = Linker(callbacks=[_link_attributes], skip_tags={"pre", "code"})


def render_markdown(source: str) -> str:
    """Markdown source → cleaned HTML, safe to mark |safe in templates."""
    if not source:
        return ""
    html = markdown.markdown(source, extensions=["tables", "sane_lists", "nl2br"], output_format="html")
    return _linker.linkify(_cleaner.clean(html))


def plain_text(source: str) -> str:
    """Text with every tag removed, for titles, snippets and the search index."""
    return bleach.clean(source or "", tags=set(), strip=True)
