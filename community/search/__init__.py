"""Full-text search for Japanese content, independent of the database models.

Callers hand in one plain dict per item and get ranked, filtered, highlighted results back::

    {
        "key": "event:12",              # unique in the index
        "kind": "event",                # event, shop, notice, community, board, topic, ...
        "id": 12,
        "title": "...", "body": "...",  # plain text
        "area": "1 3 17",               # the item's area id and all its ancestors (filtering by a
                                        # ward finds its districts' items); a str or an iterable
        "category": "kosodate",         # category slug(s)
        "audience": "public",           # who may see it: public, community:5, group:3, staff, user:7
        "starts_at": datetime | None, "ends_at": datetime | None,   # events
        "updated_at": datetime,         # for sort="date"
        "url": "/events/12",
    }

Aware datetimes are stored as UTC; naive ones are taken to be UTC already.

    index = get_index(path)                      # one per process and folder
    index.open_or_create()
    index.add(new_docs); index.update(changed_docs); index.remove(keys)
    index.rebuild(all_docs, progress=bar.update, procs=2)
    result = index.query("子育て 相談", audiences=["public", "user:7"], area="3", page=1)
    result.hits, result.total, result.facets["kind"], result.facets["area"]

``SearchUnavailable`` means the index is missing, locked for too long or damaged: show a
"search is temporarily unavailable" message, and retry writes later.
"""

from .engine import SearchIndex, get_index
from .results import Hit, SearchResult, SearchUnavailable

__all__ = ["Hit", "SearchIndex", "SearchResult", "SearchUnavailable", "get_index"]
