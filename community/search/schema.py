"""The Whoosh schema of the search index and the conversion of a plain item dict into its fields."""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from whoosh import fields, formats

from . import stored
from .analysis import ANALYSIS_VERSION, BigramTokenizer, MorphTokenizer, ReadingTokenizer

# Boosts tuned with BM25F's B and K1 (vector.py) on the Hamamatsu events (bench/bm25_tune.py, figures in the
# README): a whole-word match in the morphological field must outweigh a bigram match inside a longer word
# (京都 vs 東京都), and a title match outweighs a body match.
TITLE_BOOST = 2.0
MORPH_BOOST = 3.0
READING_BOOST = 1.0


# Positions are stored as native unsigned 32-bit integers in this byte order (see ArrayPositions).
POSITION_TYPECODE = "I"
POSITION_BYTES = array(POSITION_TYPECODE).itemsize


class ArrayPositions(formats.Positions):
    """Token positions of a posting as a flat array of unsigned 32-bit integers.

    Whoosh's ``Positions`` pickles a list of deltas per posting, which can only be decoded one posting
    at a time in Python. A flat array lets the query engine (``vector.py``) decode every posting of a
    term at once with NumPy, which is what makes phrase checks over tens of thousands of documents
    fast. The frequency is the array's length, so no header is needed.
    """

    __reduce__ = stored.reduce_by_name  # pickled into tables of contents by a name that never moves

    def encode(self, poslist):
        return array(POSITION_TYPECODE, poslist).tobytes()

    def decode_positions(self, valuestring):
        return array(POSITION_TYPECODE, valuestring).tolist()

    def decode_frequency(self, valuestring):
        return len(valuestring) // POSITION_BYTES

    def decode_weight(self, valuestring):
        return self.decode_frequency(valuestring) * self.field_boost


def _text(analyzer, *, stored: bool = False, boost: float = 1.0) -> fields.TEXT:
    field = fields.TEXT(analyzer=analyzer, stored=stored, phrase=True, field_boost=boost)
    field.format = ArrayPositions(field_boost=boost)
    return field


def build_schema() -> fields.Schema:
    bigram = BigramTokenizer()
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),
        kind=fields.ID(stored=True, sortable=True),
        id=fields.STORED(),
        title=_text(bigram, stored=True, boost=TITLE_BOOST),
        body=_text(bigram, stored=True),
        morph=_text(MorphTokenizer(), boost=MORPH_BOOST),
        reading=_text(ReadingTokenizer(), boost=READING_BOOST),
        # Space-separated ids; sortable keeps the raw value in a column so the area facet can read
        # it per hit instead of walking every posting of the field on every query.
        area=fields.KEYWORD(sortable=True),
        category=fields.KEYWORD(),
        audience=fields.KEYWORD(),
        starts_at=fields.DATETIME(stored=True),
        ends_at=fields.DATETIME(stored=True),
        # End of an event (ends_at, else starts_at): date filters and "upcoming first" read it.
        until=fields.DATETIME(sortable=True),
        updated_at=fields.DATETIME(stored=True, sortable=True),
        url=fields.STORED(),
    )


def _layout(schema: fields.Schema) -> dict[str, tuple]:
    # Whoosh's Schema equality compares column objects by identity, so compare what matters here.
    return {
        name: (
            type(field).__name__,
            type(field.format).__name__,
            getattr(field, "analyzer", None),
            getattr(field.format, "field_boost", None),
        )
        for name, field in schema.items()
    }


def is_current(schema: fields.Schema) -> bool:
    """Whether an index with this schema was built by the current fields and analysers."""
    return _layout(schema) == _layout(build_schema())


# The analysis version an index folder was built with. Whoosh is handed the current schema when it opens an
# index (unpickling the stored one would cost every searcher), so this marker is what tells an index of an older
# layout: it must be rebuilt (`community reindex`), never queried with terms it does not hold. The leading dot
# keeps Whoosh's clean-up of old files away from it.
LAYOUT_FILE = ".layout"


def write_layout(folder: str | Path) -> None:
    """Mark ``folder``'s index as built with the current analysis (by whatever creates an index)."""
    (Path(folder) / LAYOUT_FILE).write_text(str(ANALYSIS_VERSION), encoding="utf-8")


def layout_is_current(folder: str | Path) -> bool:
    """Whether ``folder``'s index was built with the current analysis (one without the marker predates it)."""
    try:
        return (Path(folder) / LAYOUT_FILE).read_text(encoding="utf-8").strip() == str(ANALYSIS_VERSION)
    except OSError:
        return False


def to_naive_utc(value: dt.datetime | dt.date | None) -> dt.datetime | None:
    """Whoosh stores naive datetimes; aware ones are converted to UTC, dates become midnight."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    return dt.datetime.combine(value, dt.time())


def _tokens(value: str | Iterable[Any] | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(value.split())
    return " ".join(str(v) for v in value)


def document_fields(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Turn an item dict (see the package docstring) into keyword arguments for ``add_document``."""
    for required in ("key", "kind", "id"):
        if doc.get(required) in (None, ""):
            raise ValueError(f"search document is missing {required!r}: {doc.get('key')!r}")
    audience = _tokens(doc.get("audience"))
    if not audience:
        # A document nobody may see would silently vanish from search; say so loudly instead.
        raise ValueError(f"search document {doc['key']!r} has no audience")
    title = str(doc.get("title") or "")
    body = str(doc.get("body") or "")
    text = f"{title}\n{body}"
    out: dict[str, Any] = {
        "key": str(doc["key"]),
        "kind": str(doc["kind"]),
        "id": int(doc["id"]),
        "title": title,
        "body": body,
        "morph": text,
        "reading": text,
        "audience": audience,
        "url": doc.get("url") or "",
    }
    for name in ("area", "category"):
        value = _tokens(doc.get(name))
        if value:
            out[name] = value
    starts_at = to_naive_utc(doc.get("starts_at"))
    ends_at = to_naive_utc(doc.get("ends_at"))
    updated_at = to_naive_utc(doc.get("updated_at"))
    if starts_at is not None:
        out["starts_at"] = starts_at
    if ends_at is not None:
        out["ends_at"] = ends_at
    if ends_at or starts_at:
        out["until"] = ends_at or starts_at
    if updated_at is not None:
        out["updated_at"] = updated_at
    return out
