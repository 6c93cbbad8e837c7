"""Browser fixtures: the app served on a free local port, one Chromium per session, a context per test.

The site is the one the `app` fixture builds (a fresh database copy per test), served by werkzeug in a
background thread; Playwright drives Debian's Chromium (Playwright's own browser download does not work
here). Without /usr/bin/chromium the tests are skipped locally and fail when CI=true.
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps calling home, and this machine's closed network refuses it.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_TIMEOUT_MS = 10_000


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI=true requires the browser tests to run", pytrace=False)
    pytest.skip(reason)


@dataclass(frozen=True)
class LiveServer:
    app: object
    url: str

    def __call__(self, path: str = "/") -> str:
        return self.url + path


class _QuietRequestHandler(WSGIRequestHandler):
    """Logs only server errors, so a failing test's output shows what matters."""

    def log_request(self, code="-", size="-") -> None:
        if str(code).isdigit() and int(code) >= 500:
            super().log_request(code, size)


@contextlib.contextmanager
def serving(app):
    """Serves the app on http://127.0.0.1:<free port>, threaded, while the block runs."""
    # Port 0: the OS picks a free port.
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietRequestHandler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
    )
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def live_server(app):
    """The test app on http://127.0.0.1:<free port>, threaded, for the length of one test."""
    with serving(app) as server:
        yield server


@pytest.fixture(scope="module")
def module_app(template_database, tmp_path_factory):
    """An app with its own database copy shared by every test of one module, for pages that only read:
    the module builds its data once. Built the way tests/conftest.py's `app` fixture builds one."""
    from tests.conftest import built_app

    with built_app(template_database, tmp_path_factory.mktemp("module-instance")) as app:
        yield app


@pytest.fixture(scope="module")
def module_live_server(module_app):
    with serving(module_app) as server:
        yield server


def session_cookie(app, user) -> dict:
    """The session cookie of `user` signed in (through the session, as conftest's `login` does), for
    BrowserContext.add_cookies once a url is added."""
    from tests.conftest import open_test_session

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = open_test_session(app, user)
        session["_fresh"] = True
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None, "the test client holds no session cookie"
    return {"name": cookie.key, "value": cookie.value}


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run; each test gets its own context."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser, live_server):
    """A fresh browser profile (no cookies) pointed at the live server, asking for Japanese."""
    context = browser.new_context(base_url=live_server.url, locale="ja-JP")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def sign_in(app, login, context, live_server):
    """sign_in(user): the browser context gets the session cookie of a signed-in user.

    The login form itself is exercised in test_auth_flow.py; this reuses conftest's `login`.
    """

    def do(user) -> None:
        client = login(user, to_client=app.test_client())
        cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
        assert cookie is not None, "the test client holds no session cookie"
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return do


@pytest.fixture
def new_context(browser, live_server, app):
    """new_context(user=None) -> another browser profile on the live server (closed after the test), signed in
    as `user` when one is given: for stories with several people at once, each in their own browser."""
    made = []

    def make(user=None):
        context = browser.new_context(base_url=live_server.url, locale="ja-JP")
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        made.append(context)
        if user is not None:
            context.add_cookies([{**session_cookie(app, user), "url": live_server.url}])
        return context

    yield make
    for context in made:
        context.close()


class LocalTiles:
    """Map tiles served by the live server itself (a plain 256×256 PNG for any /test-tiles/z/x/y.png), so the
    maps render without the outside tile server; `requested` lists the tile paths the browser asked for."""

    PREFIX = "/test-tiles/"

    def __init__(self, app, url: str) -> None:
        import io

        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (256, 256), (214, 232, 214)).save(buffer, "PNG")
        self.png = buffer.getvalue()
        self.requested: list[str] = []
        self._inner = app.wsgi_app
        app.wsgi_app = self
        app.config["MAP_TILE_URL"] = f"{url}{self.PREFIX}{{z}}/{{x}}/{{y}}.png"

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(self.PREFIX):
            return self._inner(environ, start_response)
        self.requested.append(path)
        start_response("200 OK", [("Content-Type", "image/png"), ("Content-Length", str(len(self.png)))])
        return [self.png]


@pytest.fixture
def local_tiles(app, live_server) -> LocalTiles:
    return LocalTiles(app, live_server.url)
