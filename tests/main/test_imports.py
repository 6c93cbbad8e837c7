"""The arrows point one way: no import circle anywhere in the package, the import contracts in setup.cfg kept
(pages above services above models in every domain; the policy and the models import no service or page), and
nothing imports a page module but the application factory."""

from __future__ import annotations

import sys
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("community", cache_dir=None)


def import_circles(graph) -> list[list[str]]:
    """Every set of modules that import each other, directly or round about (Tarjan's strongly connected
    components of the module graph, function-level imports included)."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return circles


def test_no_module_imports_itself_round_about(graph):
    assert import_circles(graph) == []


def test_the_circle_finder_finds_a_circle():
    """The check above can fail: a small graph with a circle in it is reported."""
    made = grimp.ImportGraph()
    for name in ("a", "a.views", "a.services", "a.models"):
        made.add_module(name)
    made.add_import(importer="a.views", imported="a.services")
    made.add_import(importer="a.services", imported="a.models")
    made.add_import(importer="a.models", imported="a.views")
    assert import_circles(made) == [["a.models", "a.services", "a.views"]]


def test_the_import_contracts_are_kept(monkeypatch, capsys):
    import logging

    from importlinter.cli import lint_imports

    monkeypatch.chdir(REPO)
    # lint_imports configures logging with dictConfig, which disables every logger that exists by then (the site's
    # and its libraries', once an earlier test built an app): later tests of this process would see no log records.
    loggers = [logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)]
    enabled = [logger for logger in loggers if not logger.disabled]
    try:
        assert lint_imports(config_filename=str(REPO / "setup.cfg"), no_cache=True) == 0, capsys.readouterr().out
    finally:
        for logger in enabled:
            logger.disabled = False


def test_nothing_imports_a_page_module_but_the_application_factory(graph):
    pages = {m for m in graph.modules if m.rsplit(".", 1)[-1] == "views" or m.endswith("_views")}
    importers = {m: graph.find_modules_that_directly_import(m) - {"community"} for m in pages}
    assert {m: sorted(found) for m, found in importers.items() if found} == {}
