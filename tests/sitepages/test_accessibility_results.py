"""/accessibility publishes what the browser test recorded (community/sitepages/accessibility_results.json): the
record must cover every page the accessibility test checks, so a page added to PAGES but never run fails here."""

from __future__ import annotations

import re

from community.sitepages.accessibility import load_results
from tests.browser.test_accessibility import _VISITS


def test_the_recorded_results_cover_every_page_in_pages():
    results = load_results()
    recorded = {page.id: page for page in results.pages}
    missing = [visit.id for visit in _VISITS if visit.id not in recorded]
    assert missing == [], "run tests/browser/test_accessibility.py and commit accessibility_results.json"
    for page in results.pages:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", page.date)
        assert page.axe_version and page.rules > 0
    assert set(results.tags) >= {"wcag2a", "wcag2aa"}


def test_the_results_name_no_page_that_is_no_longer_checked():
    current = {visit.id for visit in _VISITS}
    assert [page.id for page in load_results().pages if page.id not in current] == []
