"""Fixtures for the search engine tests: a fresh index in a temporary folder and a document factory."""

import datetime as dt

import pytest

from community.search import SearchIndex

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def index(tmp_path):
    search_index = SearchIndex(tmp_path / "search", lock_timeout=0.3)
    search_index.open_or_create()
    yield search_index
    search_index.close()


@pytest.fixture
def make_doc():
    """Returns a callable building a search document; every field can be overridden."""
    counter = iter(range(1, 10_000))

    def make(title="", body="", **fields):
        number = next(counter)
        kind = fields.pop("kind", "notice")
        doc = {
            "key": f"{kind}:{number}",
            "kind": kind,
            "id": number,
            "title": title,
            "body": body,
            "area": "1",
            "category": "general",
            "audience": "public",
            "updated_at": NOW - dt.timedelta(days=number),
            "url": f"/{kind}s/{number}",
        }
        doc.update(fields)
        return doc

    return make


def keys(result):
    return [hit.key for hit in result.hits]
