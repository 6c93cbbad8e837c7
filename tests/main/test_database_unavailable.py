"""A database that is locked, busy or unreachable gets a polite 503 with Retry-After in the visitor's language,
never the generic 500, and nothing half-written; /healthz names the part."""

from __future__ import annotations

import socket
import sqlite3

import pytest
from sqlalchemy import func, select

from community import create_app

FORM = {"email": "new@example.jp", "display_name": "相模 太郎", "password": "a-good-password",
        "password_confirm": "a-good-password", "agree": "y"}


@pytest.fixture
def sqlite_app(tmp_path):
    """A site on SQLite whatever database the other tests use: the writer lock is SQLite's own behaviour."""
    from tests.conftest import CSRFClient

    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "test", "SQLITE_BUSY_TIMEOUT": 0.2,
                      "RATELIMIT_STORAGE_URI": "memory://", "SEARCH_SYNC": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'community.sqlite'}"})
    app.test_client_class = CSRFClient
    with app.app_context():
        from community.commands import prepare_instance
        from community.extensions import db

        prepare_instance()
        db.session.remove()
    yield app
    with app.app_context():
        from community.extensions import db

        db.engine.dispose()


def _users(app) -> int:
    from community.accounts.models import User
    from community.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_a_write_while_another_process_holds_the_lock_is_a_503_and_writes_nothing(sqlite_app, tmp_path):
    client = sqlite_app.test_client()
    token = client.csrf_token()
    other_process = sqlite3.connect(tmp_path / "community.sqlite", isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")  # holds the writer lock, as a long import in another process would
    try:
        response = client.post("/register", data=dict(FORM, csrf_token=token), csrf=False)
        assert response.status_code == 503
        # At least our 10 seconds (the register form's rate limit may name its own, later, reset).
        assert int(response.headers["Retry-After"]) >= 10
        page = response.get_data(as_text=True)
        assert "ただいま混み合っています" in page and "入力した内容は保存されていません" in page
        assert '<html lang="ja"' in page
        assert client.get("/events").status_code == 200  # reading goes on meanwhile (WAL)
        client.set_cookie("lang", "en")
        english = client.post("/register", data=dict(FORM, csrf_token=token), csrf=False)
        assert english.status_code == 503 and '<html lang="en"' in english.get_data(as_text=True)
        assert "ただいま" not in english.get_data(as_text=True)
    finally:
        other_process.execute("ROLLBACK")
        other_process.close()
    assert _users(sqlite_app) == 0  # nothing half-written
    client.set_cookie("lang", "ja")
    assert client.post("/register", data=FORM).status_code == 302  # and it works once the lock is gone
    assert _users(sqlite_app) == 1


def test_a_query_mistake_is_still_a_500_not_a_503(sqlite_app, monkeypatch):
    """Only 'not now' errors become 503: SQLite reports a missing table as OperationalError too, and that is a bug."""
    from sqlalchemy import text

    from community.extensions import db

    @sqlite_app.route("/broken-query")
    def broken_query():
        db.session.execute(text("SELECT * FROM no_such_table"))
        return "unreachable"

    sqlite_app.config["PROPAGATE_EXCEPTIONS"] = False
    response = sqlite_app.test_client().get("/broken-query")
    assert response.status_code == 500


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_database_is_a_503_on_pages_the_api_and_healthz(tmp_path):
    url = f"postgresql://nobody@127.0.0.1:{_closed_port()}/community"
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "test",
                      "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_STORAGE_URI": "memory://"})
    client = app.test_client()
    page = client.get("/events")
    assert page.status_code == 503 and page.headers["Retry-After"] == "10"
    assert "ただいま混み合っています" in page.get_data(as_text=True)
    api = client.get("/api/v1/events")
    assert api.status_code == 503 and api.is_json and api.json["error"] == "ただいま混み合っています"
    health = client.get("/healthz")
    assert health.status_code == 503 and "database" in health.json["failing"]
    assert "does not answer" in health.json["parts"]["database"]["detail"]
