"""Every GET page of the site is in the accessibility test's list (tests/browser/test_accessibility.py).

This runs without a browser (so also in the PostgreSQL run): a new page that nobody added to PAGES fails here,
and a page counts as checked only by a visit that renders it (status 200), not by a refusal.
"""

from __future__ import annotations

import re

from werkzeug.exceptions import NotFound

from tests.browser.test_accessibility import _VISITS, NOT_PAGES


def test_every_page_kind_is_checked(app):
    checked = set()
    adapter = app.url_map.bind("localhost")
    for visit in _VISITS:
        path = visit.path.split("?")[0]
        path = re.sub(r"\{[a-z_]+\}", "1", path)
        try:
            endpoint, _ = adapter.match(path, method="GET")
        except NotFound:  # the not-found page's path matches no route
            assert visit.status == 404, f"{visit.path} matches no route"
        else:
            if visit.status == 200:
                checked.add(endpoint)
    pages = {rule.endpoint for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and rule.endpoint not in NOT_PAGES}
    assert pages - checked == set()
