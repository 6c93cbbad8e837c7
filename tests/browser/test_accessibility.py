"""WCAG 2.1 A/AA checks with axe-core on every page in PAGES, in a real browser.

Add new pages to PAGES: a plain path for a page a visitor sees as it loads, or a Visit for one that
needs a signed-in member or something done on the page first (see the Visit fields).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
GROUP_SLUG = "sagamihara-kosodate-net"
MAX_NODES_SHOWN = 20


@dataclass(frozen=True)
class Visit:
    path: str
    name: str = ""
    as_member: bool = False  # signed in as the member who owns the test group
    then: Callable[[Page], None] | None = None  # what the person does on the page before the check
    status: int = 200  # what the first GET must answer

    @property
    def id(self) -> str:
        return self.name or self.path


def submit_empty_login(page: Page) -> None:
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("[aria-invalid=true]")).to_have_count(2)


def switch_to_english(page: Page) -> None:
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def choose_text_size_xlarge(page: Page) -> None:
    page.get_by_role("button", name="特大").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-xlarge\b"))


PAGES: list[str | Visit] = [
    "/",
    "/areas",
    "/areas/minami",
    "/categories/kosodate",
    "/groups",
    "/login",
    "/register",
    "/password-reset",
    Visit(f"/groups/{GROUP_SLUG}", name="group page (owner)", as_member=True),
    Visit("/groups/new", as_member=True),
    Visit("/settings", as_member=True),
    Visit("/login", name="login with errors", then=submit_empty_login),
    Visit("/", name="home in English", then=switch_to_english),
    Visit("/", name="home at 特大", then=choose_text_size_xlarge),
]

_VISITS = [entry if isinstance(entry, Visit) else Visit(entry) for entry in PAGES]


def _axe_source() -> str:
    """axe.min.js as bundled by the axe-playwright-python package (a dependency of the test extra)."""
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def run_axe(page: Page) -> dict:
    # page.evaluate runs outside the page's CSP (script-src 'self'), which stays in force for the site.
    page.evaluate(_axe_source())
    return page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")


def wcag_violations(results: dict) -> list[dict]:
    return [v for v in results["violations"] if set(v["tags"]) & set(WCAG_TAGS)]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        impact = violation.get("impact")
        lines.append(f"{violation['id']} [{impact}]: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:MAX_NODES_SHOWN]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
        if len(violation["nodes"]) > MAX_NODES_SHOWN:
            lines.append(f"    … and {len(violation['nodes']) - MAX_NODES_SHOWN} more elements")
    return "\n".join(lines)


@pytest.fixture
def site(make_user, make_group):
    """What the pages show: a member who owns one verified group with a description."""
    owner = make_user("member", email="owner@example.jp", name="相模 花子")
    make_group(
        owner=owner,
        slug=GROUP_SLUG,
        name="さがみはら子育てネット",
        area="minami",
        description="南区の子育てサークルです。",
        description_html="<p>南区の<strong>子育てサークル</strong>です。</p>",
        contact="kosodate@example.jp",
        website="https://example.jp/kosodate",
    )
    return owner


@pytest.mark.parametrize("visit", _VISITS, ids=[visit.id for visit in _VISITS])
def test_page_has_no_wcag_violations(visit: Visit, page: Page, site, sign_in):
    if visit.as_member:
        sign_in(site)
    response = page.goto(visit.path)
    assert response is not None and response.status == visit.status, f"GET {visit.path}"
    if visit.as_member:
        expect(page.get_by_role("button", name="ログアウト")).to_be_visible()
    if visit.then:
        visit.then(page)
    results = run_axe(page)
    assert results["passes"], "axe checked nothing: is the page empty?"
    violations = wcag_violations(results)
    assert not violations, f"{visit.id} ({page.url}):\n{describe(violations)}"
