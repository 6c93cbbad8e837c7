"""Every GET page answers huge, negative, non-numeric, NUL, control and broken-UTF-8 query values with a normal
page or a 4xx, never a 500 — for a visitor and for an admin (who reaches every page)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

PARAMS = ("page", "area", "category", "when", "from", "to", "year", "month", "q", "kind", "sort", "seconds", "poll",
          "kinds", "closed", "group", "reason", "state", "actor", "action", "next", "suspended", "lang")
VALUES = ("9" * 30, "-1", "0", "abc", "1.5", "２", "²", "%00", "a%00b", "%01%1f", "%ED%A0%80", "%FF%FE", "%E3%81",
          quote("x" * 3000), "9999-99-99", "2026-02-30", "1e309", "[]")
SKIP = {"static", "main.media"}  # files, not pages


def _filled(rule, site: dict) -> str | None:
    """The rule's path with its arguments filled from the site (None when an argument has no example)."""
    path = rule.rule
    for name in rule.arguments:
        if name not in site:
            return None
        path = re.sub(r"<(?:[a-z]+:)?" + name + ">", str(site[name]), path)
    return path


@pytest.fixture
def site(app, admin, editor, make_item):
    from community.extensions import db

    event, shop, notice = (make_item(kind, editor.group) for kind in ("event", "shop", "notice"))
    with app.app_context():
        db.session.commit()
    return {"event_id": event.id, "shop_id": shop.id, "notice_id": notice.id, "slug": editor.group.slug,
            "user_id": admin.id, "kind": "event", "item_id": event.id, "name": "x"}


@pytest.mark.parametrize("who", ["visitor", "admin"])
def test_every_get_route_survives_bad_query_values(app, client, login, admin, site, who):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a bug answers 500 here, so that one run lists every one
    if who == "admin":
        login(admin)
    failures = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP:
            continue
        path = _filled(rule, site)
        if path is None:
            continue
        # Each bad value in every parameter at once (a view reads the ones it knows), and in `page` on its own.
        for value in VALUES:
            for query in ("&".join(f"{param}={value}" for param in PARAMS), f"page={value}"):
                response = client.get(f"{path}?{query}")
                response.get_data()  # a streamed answer (audit.csv) runs to its end inside its request
                response.close()
                if response.status_code >= 500:
                    failures.append(f"{response.status_code} {path}?{query[:60]}")
    assert not failures, "\n".join(failures[:50])
