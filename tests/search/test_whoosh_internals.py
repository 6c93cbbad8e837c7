"""The one module that uses Whoosh's internals (whoosh_internals.py) names what it relies on; these tests fail when
the installed Whoosh differs in any of it, and when an index file would name a class of ours by where it lives."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from community.search import SearchIndex, whoosh_internals

PACKAGE = Path(whoosh_internals.__file__).parent


def test_the_installed_whoosh_is_the_version_the_adapter_was_checked_against():
    assert whoosh_internals.installed_version() == whoosh_internals.CHECKED_VERSION


@pytest.mark.parametrize(("module", "name", "attributes"), whoosh_internals.RELIED_ON,
                         ids=[f"{m}.{n}" for m, n, _ in whoosh_internals.RELIED_ON])
def test_every_internal_name_the_adapter_uses_is_there(module, name, attributes):
    found = getattr(importlib.import_module(module), name)
    for attribute in attributes:
        assert hasattr(found, attribute), f"{module}.{name}.{attribute}"


def test_the_objects_whoosh_makes_have_the_attributes_the_adapter_reads(tmp_path, make_doc):
    index = SearchIndex(tmp_path / "ix")
    index.rebuild([make_doc("図書館だより", "本の紹介")])
    index.add([make_doc("公民館だより", "講座の案内")])
    with index._searchers.searching() as searcher:
        leaf, _ = searcher.reader().leaf_readers()[0]
        objects = {"codec": whoosh_internals.ArrayCodec(), "segment reader": leaf, "terms reader": leaf._terms,
                   "fixed column reader": whoosh_internals.lengths_column(leaf, "title"),
                   "bytes column reader": leaf.column_reader("kind", translate=False)}
        for kind, names in whoosh_internals.RELIED_ON_INSTANCES.items():
            if kind in objects:
                missing = [name for name in names if not hasattr(objects[kind], name)]
                assert not missing, f"{kind}: {missing}"
    writer = whoosh_internals.BulkFieldWriter.__mro__[1]  # W3FieldWriter: its term index is made in __init__
    assert "_tindex" in writer.__init__.__code__.co_names
    index.close()


def test_no_module_outside_the_adapter_imports_a_private_whoosh_name():
    private = re.compile(r"from whoosh[.\w]* import [^\n]*\b_[a-zA-Z]|whoosh\.[.\w]*\._[a-z]")
    offenders = [path.name for path in PACKAGE.glob("*.py")
                 if path.name != "whoosh_internals.py" and private.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_an_index_names_no_class_of_ours_by_where_it_lives(tmp_path, make_doc):
    """Whoosh pickles the schema and each segment's codec into the table of contents: ours are stored under the
    names of stored.py, so the modules may move without making built indexes unreadable."""
    index = SearchIndex(tmp_path / "ix")
    index.rebuild([make_doc("図書館だより", "本の紹介")])
    index.add([make_doc("公民館だより", "講座の案内")])  # an incremental segment too
    tocs = [path for path in (tmp_path / "ix").iterdir() if path.suffix == ".toc"]
    assert tocs
    for toc in tocs:
        modules = set(re.findall(rb"community\.search\.\w+", toc.read_bytes()))
        assert modules == {b"community.search.stored"}, modules
    index.close()


def test_a_programming_error_is_not_hidden_as_index_trouble(tmp_path, make_doc, monkeypatch):
    from community.search import vector

    index = SearchIndex(tmp_path / "ix")
    index.rebuild([make_doc("図書館だより", "本の紹介")])
    assert index.query("図書館", ["public"]).total == 1

    def broken(*args, **kwargs):
        raise TypeError("a bug, not a damaged file")

    monkeypatch.setattr(vector, "rank", broken)
    with pytest.raises(TypeError, match="a bug"):
        index.query("公民館", ["public"])  # not a query answered before (its ranking would come from a cache)
    monkeypatch.undo()
    assert index.query("図書館", ["public"]).total == 1
    index.close()

