"""What a page says about itself to search engines and link previews: its canonical address, OpenGraph and
Twitter card values, and schema.org data. base.html renders a PageMeta through _macros/social.html; an item's page
passes item_meta(item), any other page page_meta(title, …)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask import current_app, request, url_for
from flask_babel import get_locale
from markupsafe import Markup, escape

from community import policy
from community.args import whole_number
from community.items import kind_of
from community.locale import language_tag, og_locale, site_name
from community.text import plain_text

DESCRIPTION_LENGTH = 200


@dataclass
class PageMeta:
    title: str
    url: str
    description: str = ""
    image: str = ""             # absolute; empty: the site icon
    type: str = "website"
    structured: list[dict] = field(default_factory=list)
    indexable: bool = True
    small_image: bool = False   # an icon rather than a picture: the small card

    @property
    def image_url(self) -> str:
        return self.image or site_icon_url()

    @property
    def card(self) -> str:
        return "summary_large_image" if self.image and not self.small_image else "summary"

    @property
    def locale(self) -> str:
        return og_locale(str(get_locale()))

    @property
    def alternates(self) -> list[tuple[str, str]]:
        """(hreflang, address) of this page in every language of the site, and x-default: the address without
        a language, which answers in the visitor's own."""
        return language_versions()


def site_icon_url() -> str:
    return url_for("static", filename="img/apple-touch-icon.png", _external=True)


def media_url(name: str | None) -> str:
    return url_for("main.media", name=name, _external=True) if name else ""


def _page_address() -> tuple[str, dict] | None:
    """This page's endpoint and arguments without query noise: its path, and on a listing its page number
    (beyond the first); None for what has no address of its own (an error, a POST)."""
    if request.endpoint is None or request.url_rule is None or "GET" not in (request.url_rule.methods or ()):
        return None
    args = dict(request.view_args or {})
    page = whole_number(request.args.get("page"), 2)
    if page:
        args["page"] = page
    return request.endpoint, args


def canonical_url() -> str:
    """This page's address in the language it is shown in (`?lang=` but for the site's first language)."""
    address = _page_address()
    if address is None:
        return request.base_url
    endpoint, args = address
    locale, languages = str(get_locale()), current_app.config["LANGUAGES"]
    if locale != languages[0]:
        args["lang"] = locale
    return url_for(endpoint, **args, _external=True)


def language_versions() -> list[tuple[str, str]]:
    address = _page_address()
    if address is None:
        return []
    endpoint, args = address
    return [*((language_tag(code), url_for(endpoint, **args, lang=code, _external=True))
              for code in current_app.config["LANGUAGES"]),
            ("x-default", url_for(endpoint, **args, _external=True))]


def summary(text: str | None) -> str:
    """The first words of a body (its cleaned HTML) as one line of plain text, for og:description."""
    words = " ".join(plain_text(text or "").split())
    return words if len(words) <= DESCRIPTION_LENGTH else words[: DESCRIPTION_LENGTH - 1] + "…"


def page_meta(title: str = "", description: str = "", trail=None) -> PageMeta:
    """Any page: its title (the site's name when it has none; a block's rendered HTML is read back as text), an
    optional description and the BreadcrumbList of its trail (the (label, url) list base.html shows)."""
    from community.seo.structured import breadcrumbs

    url = canonical_url()
    meta = PageMeta(title=escape(title).striptags() or site_name(), url=url,
                    description=summary(description))
    if trail:
        meta.structured.append(breadcrumbs(trail, url))
    return meta


def item_meta(item, dates=None, trail=None, easy=False) -> PageMeta:
    """An event's, shop's, notice's or community's page. What nobody but its editors may see (a draft, an item
    waiting for review, a hidden one, a closed community) says nothing of itself and asks not to be indexed."""
    from community.seo import structured

    if not policy.is_public_any_item(item):
        return PageMeta(title=site_name(), url=canonical_url(), indexable=False)
    kind = kind_of(item)
    if kind == "community":
        image, text = (f"thumb-{item.icon}" if item.icon else None), item.description_html
    else:
        image, text = item.image, item.body_html
    title = item.heading
    if easy:  # a notice's やさしい日本語 version: the page shows that text, so it describes itself with it
        title, text = item.easy_title or title, item.easy_body_html or text
    url = structured.detail_url(item)
    meta = PageMeta(title=title, url=url, description=summary(text), image=media_url(image),
                    type="article" if kind in ("event", "notice") else "website", small_image=kind == "community")
    meta.structured = structured.for_item(item, meta, dates, trail)
    return meta


def json_ld(data: dict) -> Markup:
    """JSON for a <script type="application/ld+json"> block: nothing in it can close the element or open a
    comment (<, > and & are written as \\u escapes, which JSON reads back as the same characters)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return Markup(text)  # noqa: S704  # nosec B704 - escaped above for the script element
