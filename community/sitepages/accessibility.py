"""The accessibility test results /accessibility publishes: what tests/browser/test_accessibility.py recorded when
it last ran axe-core on each page of its PAGES list (accessibility_results.json, committed with the code)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

RESULTS_PATH = Path(__file__).with_name("accessibility_results.json")


@dataclass(frozen=True)
class PageResult:
    id: str  # the test's name for the visit: "/events/{event} (owner)"
    path: str
    as_: str | None  # who looked: None for a visitor, else the role
    date: str  # YYYY-MM-DD
    axe_version: str
    rules: int  # how many axe rules applied to the page
    violations: list[str]  # the rule ids that failed

    @property
    def passed(self) -> bool:
        return not self.violations


@dataclass(frozen=True)
class Results:
    tags: list[str]
    pages: list[PageResult]

    @property
    def first_date(self) -> str:
        return min((page.date for page in self.pages), default="")

    @property
    def last_date(self) -> str:
        return max((page.date for page in self.pages), default="")

    @property
    def axe_versions(self) -> list[str]:
        return sorted({page.axe_version for page in self.pages})

    @property
    def passed(self) -> int:
        return sum(page.passed for page in self.pages)


def load_results() -> Results:
    """The recorded results; an empty set when the file is missing or unreadable (the page then says so)."""
    try:
        data = json.loads(RESULTS_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Results([], [])
    pages = [PageResult(entry["id"], entry["path"], entry.get("as"), entry["date"], entry["axe_version"],
                        int(entry["rules"]), list(entry.get("violations", []))) for entry in data.get("pages", [])]
    pages.sort(key=lambda page: (page.as_ or "", page.path, page.id))
    return Results(list(data.get("tags", [])), pages)
