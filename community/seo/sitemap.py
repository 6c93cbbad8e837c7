"""The sitemap's addresses: the listing pages, then every public item of each kind, decided by the policy.

Each kind is read as plain (key, last modified) rows, one query per kind and one to count them all, so building a
sitemap runs the same few statements whatever the size of the site. Above MAX_URLS_PER_FILE addresses the
sitemap becomes an index of numbered files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from flask import url_for
from sqlalchemy import func, null, select, true

from community import policy
from community.extensions import db
from community.sitepages.models import PAGE_SLUGS

MAX_URLS_PER_FILE = 50_000  # the sitemaps.org limit for one file
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"

# The pages that list things, first in every sitemap (no date of their own).
LISTING_ENDPOINTS = ("main.home", "events.index", "events.month", "shops.index", "notices.index",
                     "communities.index", "board.index", "areas.index", "groups.index", "moderation.collections")
# Then the site pages (about, terms, privacy, accessibility, help) and the contact form: (endpoint, arguments).
SITE_PAGES = (*(("sitepages.show", {"slug": slug}) for slug in PAGE_SLUGS), ("sitepages.contact_form", {}))
FIXED_PAGES: tuple[tuple[str, dict], ...] = tuple((endpoint, {}) for endpoint in LISTING_ENDPOINTS) + SITE_PAGES


@dataclass(frozen=True)
class Parent:
    """A URL argument filled from a row the page's row belongs to (a topic's community's slug), joined in."""

    relation: str   # the relationship of the page's model
    key: str        # its column that fills the argument
    argument: str


@dataclass(frozen=True)
class Source:
    """One kind of page: which rows (the policy's public clause), the URL argument they fill and their date."""

    endpoint: str
    argument: str
    model_path: str
    key: str        # the column that fills the URL argument
    modified: str | None  # the column that says when the page last changed
    where: Callable[[], object]
    parent: Parent | None = None

    @property
    def model(self):
        from importlib import import_module

        module, _, name = self.model_path.partition(":")
        return getattr(import_module(module), name)

    def query(self):
        """Rows of (key, last modified or None[, the parent's key])."""
        model = self.model
        modified = getattr(model, self.modified) if self.modified else null()
        query = select(getattr(model, self.key), modified)
        if self.parent is not None:
            relation = getattr(model, self.parent.relation)
            query = query.add_columns(getattr(relation.mapper.class_, self.parent.key)).join(relation)
        return query.where(self.where()).order_by(model.id)

    def url_arguments(self, row) -> dict:
        arguments = {self.argument: row[0]}
        if self.parent is not None:
            arguments[self.parent.argument] = row[2]
        return arguments

    def count(self):
        return select(func.count()).select_from(self.model).where(self.where()).scalar_subquery()


SOURCES = (
    Source("events.detail", "event_id", "community.events.models:Event", "id", "updated_at",
           lambda: policy.public("event")),
    Source("shops.detail", "shop_id", "community.shops.models:Shop", "id", "updated_at",
           lambda: policy.public("shop")),
    Source("notices.detail", "notice_id", "community.notices.models:Notice", "id", "updated_at",
           lambda: policy.public("notice")),
    Source("communities.detail", "slug", "community.communities.models:Community", "slug", "updated_at",
           lambda: policy.public("community")),
    Source("board.thread", "thread_id", "community.board.models:BoardThread", "id", "last_post_at",
           lambda: policy.public("board")),
    # Topics of open communities only: a closed community's topics are for its members.
    Source("communities.topic", "topic_id", "community.communities.models:Topic", "id", "last_post_at",
           lambda: policy.public("topic"), parent=Parent("community", "slug", "slug")),
    Source("moderation.collection", "slug", "community.moderation.models:Collection", "slug", "updated_at",
           lambda: policy.public_collections_clause()),
    Source("groups.detail", "slug", "community.groups.models:Group", "slug", "updated_at",
           lambda: policy.public("group")),
    # The area and category pages have no hidden state: every one has a public page.
    Source("areas.detail", "slug", "community.areas.models:Area", "slug", None, lambda: true()),
    Source("areas.category", "slug", "community.areas.models:Category", "slug", None, lambda: true()),
)


@dataclass(frozen=True)
class Entry:
    loc: str
    lastmod: datetime | None = None


def counts() -> list[int]:
    """How many addresses each source has, in one statement."""
    return list(db.session.execute(select(*(source.count() for source in SOURCES))).one())


def total_urls(per_source: list[int]) -> int:
    return len(FIXED_PAGES) + sum(per_source)


def file_count(total: int) -> int:
    """How many numbered files an index needs (1 means no index: /sitemap.xml holds everything)."""
    return max(1, -(-total // MAX_URLS_PER_FILE))


def entries(first: int, size: int, per_source: list[int]) -> Iterator[Entry]:
    """`size` addresses from position `first` of the whole sequence: at most one query per source it spans."""
    position, end = 0, first + size
    for endpoint, arguments in FIXED_PAGES:
        if first <= position < end:
            yield Entry(url_for(endpoint, **arguments, _external=True))
        position += 1
    for source, count in zip(SOURCES, per_source, strict=True):
        start, stop = max(first - position, 0), min(end - position, count)
        if start < stop:
            rows = db.session.execute(source.query().offset(start).limit(stop - start)).all()
            for row in rows:
                yield Entry(url_for(source.endpoint, **source.url_arguments(row), _external=True), row[1])
        position += count
        if position >= end:
            break


def _w3c(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def urlset(items: Iterator[Entry]) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NAMESPACE}">\n'
    for entry in items:
        lastmod = f"<lastmod>{_w3c(entry.lastmod)}</lastmod>" if entry.lastmod else ""
        yield f"<url><loc>{escape(entry.loc)}</loc>{lastmod}</url>\n"
    yield "</urlset>\n"


def sitemap_index(files: int) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{NAMESPACE}">\n'
    for number in range(1, files + 1):
        yield f"<sitemap><loc>{escape(url_for('seo.sitemap_file', number=number, _external=True))}</loc></sitemap>\n"
    yield "</sitemapindex>\n"
