"""Whoosh sort and grouping facets that read per-document columns: "upcoming first" and area counts."""

from __future__ import annotations

import datetime as dt

from whoosh import sorting
from whoosh.util.times import datetime_to_long


class UpcomingFirstFacet(sorting.FacetType):
    """Sort key 0 for events that have not ended by ``now`` and for items without dates, 1 for
    past events; combined with ``ScoreFacet`` it ranks upcoming events above past ones.

    The ``until`` column is read per hit, which is cheaper than a ``QueryFacet`` that would
    materialise the set of all past events on every query. Documents without ``until`` hold the
    column's default (the largest value), so they sort with the upcoming ones.
    """

    def __init__(self, now: dt.datetime, fieldname: str = "until"):
        self.now = datetime_to_long(now)
        self.fieldname = fieldname

    def categorizer(self, global_searcher):
        return self._Categorizer(self.now, self.fieldname)

    class _Categorizer(sorting.Categorizer):
        def __init__(self, now: int, fieldname: str):
            self.now = now
            self.fieldname = fieldname
            self.column = None

        def set_searcher(self, segment_searcher, docoffset):
            reader = segment_searcher.reader()
            self.column = reader.column_reader(self.fieldname, translate=False) if reader.has_column(
                self.fieldname
            ) else None

        def key_for(self, matcher, segment_docnum):
            if self.column is None:
                return 0
            return 1 if self.column[segment_docnum] < self.now else 0


class SplitColumnFacet(sorting.FacetType):
    """Groups documents by each space-separated value of a sortable KEYWORD column (a document in a
    district counts for the district, its ward and the city).

    Whoosh's own overlapping field facet would rebuild a document-to-terms table from every posting
    of the field on every query; the column gives the values of just the matching documents.
    """

    allow_overlap = True

    def __init__(self, fieldname: str):
        self.fieldname = fieldname
        self.maptype = None

    def categorizer(self, global_searcher):
        return self._Categorizer(self.fieldname)

    class _Categorizer(sorting.Categorizer):
        allow_overlap = True

        def __init__(self, fieldname: str):
            self.fieldname = fieldname
            self.column = None

        def set_searcher(self, segment_searcher, docoffset):
            reader = segment_searcher.reader()
            self.column = reader.column_reader(self.fieldname, translate=False) if reader.has_column(
                self.fieldname
            ) else None

        def _values(self, segment_docnum):
            if self.column is None:
                return []
            raw = self.column[segment_docnum]
            return raw.decode("utf-8").split() if raw else []

        def keys_for(self, matcher, segment_docnum):
            return self._values(segment_docnum)

        def key_for(self, matcher, segment_docnum):
            values = self._values(segment_docnum)
            return values[0] if values else None
