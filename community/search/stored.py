"""The names index files refer to. Whoosh pickles the schema and each segment's codec into an index's table of
contents; this site's classes among them (the codec, the tokenizers, the positions format) pickle themselves as a
call to restore() here with a name from this table, so the search package's modules may move and be renamed
without making an index built earlier unreadable. Keep this module where it is, and every name in the table."""

from __future__ import annotations

from importlib import import_module

CLASSES = {
    "ArrayCodec": "community.search.whoosh_internals:ArrayCodec",
    "ArrayPositions": "community.search.schema:ArrayPositions",
    "BigramTokenizer": "community.search.analysis:BigramTokenizer",
    "MorphTokenizer": "community.search.analysis:MorphTokenizer",
    "ReadingTokenizer": "community.search.analysis:ReadingTokenizer",
}


def restore(name: str):
    """An empty instance of the class stored under `name` (pickle then sets its state)."""
    module, _, attribute = CLASSES[name].partition(":")
    cls = getattr(import_module(module), attribute)
    return cls.__new__(cls)


def reduce_by_name(obj):
    """What a class's __reduce__ returns to be pickled under its stored name."""
    return restore, (type(obj).__name__,), obj.__dict__.copy()
