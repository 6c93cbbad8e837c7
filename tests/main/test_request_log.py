"""One log line per request on `community.requests`: its fields, the request id round trip, failures logged once with
their traceback and request id, and nothing that names a person (address, user, query string, secret tokens)."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
import sys

import pytest
from sqlalchemy.exc import OperationalError

from community.logs import JsonFormatter
from tests.conftest import built_app

FIELDS = {"time", "level", "logger", "request_id", "message", "method", "path", "endpoint", "status", "duration_ms",
          "size", "host"}
GENERATED_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def request_lines(caplog):
    """request_lines() -> the JSON lines the site wrote for the requests so far, as dicts."""
    caplog.set_level(logging.DEBUG, logger="community.requests")

    def lines() -> list[dict]:
        formatter = JsonFormatter()
        return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "community.requests"]

    return lines


def test_a_request_is_one_json_line_with_its_fields(client, request_lines):
    response = client.get("/events?category=kosodate")
    (line,) = request_lines()
    assert set(line) == FIELDS
    assert line["level"] == "INFO" and line["logger"] == "community.requests"
    assert line["method"] == "GET" and line["path"] == "/events" and line["endpoint"] == "events.index"
    assert line["status"] == 200 and line["size"] == len(response.data)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert line["host"] and line["time"].startswith("20")
    assert line["request_id"] == response.headers["X-Request-ID"]


def test_static_files_and_healthy_probes_are_debug_lines_a_missing_page_is_info(client, request_lines):
    client.get("/static/css/site.css").close()
    client.get("/healthz")
    client.get("/no-such-page")
    levels = {line["path"]: (line["level"], line["endpoint"]) for line in request_lines()}
    assert levels["/static/css/site.css"] == ("DEBUG", "static")
    assert levels["/healthz"] == ("DEBUG", "main.healthz")
    assert levels["/no-such-page"] == ("INFO", None)


def test_a_well_formed_request_id_from_the_proxy_is_kept(client, request_lines):
    response = client.get("/areas", headers={"X-Request-ID": "nginx-4f2a.9_B"})
    assert response.headers["X-Request-ID"] == "nginx-4f2a.9_B"
    assert request_lines()[0]["request_id"] == "nginx-4f2a.9_B"


@pytest.mark.parametrize("given", ["", "has spaces", "x" * 65, '"><script>', "日本語", "a/b"])
def test_a_missing_or_malformed_request_id_is_replaced_by_a_new_one(client, request_lines, given):
    response = client.get("/areas", headers={"X-Request-ID": given} if given else {})
    generated = response.headers["X-Request-ID"]
    assert GENERATED_ID.fullmatch(generated) and generated != given
    assert request_lines()[0]["request_id"] == generated
    assert client.get("/areas").headers["X-Request-ID"] != generated  # one per request


def test_a_failing_view_is_logged_once_with_its_traceback_and_the_request_id(app, client, caplog, request_lines):
    @app.route("/broken")
    def broken():
        raise RuntimeError("the bug")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/broken", headers={"X-Request-ID": "req-500"})
    assert response.status_code == 500 and response.headers["X-Request-ID"] == "req-500"
    assert "受付番号 req-500" in response.get_data(as_text=True)  # a visitor can quote it
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].name == "community.requests"
    (line,) = request_lines()
    assert line["level"] == "ERROR" and line["status"] == 500 and line["request_id"] == "req-500"
    assert "Traceback" in line["exception"] and "RuntimeError: the bug" in line["exception"]
    api = client.get("/broken", headers={"Accept": "application/json", "X-Request-ID": "req-json"})
    assert api.status_code == 500 and api.json["request_id"] == "req-json"


def test_a_database_error_answered_with_the_503_page_is_logged_with_its_traceback(app, client, caplog,
                                                                                   request_lines):
    @app.route("/busy")
    def busy():
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("database down"))

    response = client.get("/busy", headers={"X-Request-ID": "req-503"})
    assert response.status_code == 503
    (line,) = request_lines()
    assert line["level"] == "WARNING" and line["status"] == 503 and line["request_id"] == "req-503"
    assert "OperationalError: (builtins.ConnectionRefusedError) database down" in line["exception"]
    assert [record.name for record in caplog.records if record.levelno >= logging.WARNING] == ["community.requests"]


def test_the_line_names_no_person(app, client, login, member, request_lines):
    secret_query = "秘密の検索語"
    login(member)
    client.get(f"/search?q={secret_query}", environ_base={"REMOTE_ADDR": "127.0.0.1"})
    client.get("/me", headers={"X-Forwarded-For": "203.0.113.9"})
    lines = request_lines()
    assert [line["path"] for line in lines] == ["/search", "/me"]
    session_cookie = client.get_cookie("session").value
    for line in lines:
        assert set(line) == FIELDS  # no user, address, query or cookie field
        text = json.dumps(line, ensure_ascii=False)
        for personal in (member.email, secret_query, "127.0.0.1", "203.0.113.9", "q=", session_cookie):
            assert personal not in text
        assert member.id not in [value for key, value in line.items() if key not in ("status", "size", "duration_ms")]


def test_secret_tokens_in_paths_are_masked(app, client, member, request_lines):
    from community.extensions import db
    from community.me.services import regenerate_feed_token

    with app.app_context():
        token = regenerate_feed_token(db.session.get(type(member), member.id))
        db.session.commit()
    assert client.get(f"/me/feed/{member.id}/{token}.atom").status_code == 200
    client.get(f"/me/feed/{member.id}/{token}.ics")
    client.get(f"/me/feed/{member.id}/not-the-token")  # no route: masked all the same
    client.get("/password-reset/some.signed-token")
    paths = [line["path"] for line in request_lines()]
    assert paths == ["/me/feed/***/***.atom", "/me/feed/***/***.ics", "/me/feed/***/***", "/password-reset/***"]
    assert not any(token in json.dumps(line) for line in request_lines())


# --- where the lines go ------------------------------------------------------------------------------------------


@contextlib.contextmanager
def unconfigured_logging():
    """A process where nobody configured logging (as under gunicorn), until the block ends; yields its stderr.
    Put back within the test, before pytest removes its own capture from the root logger."""
    root, community = logging.getLogger(), logging.getLogger("community")
    saved = root.handlers, community.handlers, community.level, community.propagate, sys.stderr
    root.handlers, community.handlers = [], []
    sys.stderr = io.StringIO()
    try:
        yield sys.stderr
    finally:
        root.handlers, community.handlers, community.propagate, sys.stderr = saved[0], saved[1], saved[3], saved[4]
        community.setLevel(saved[2])


def test_the_factory_writes_json_lines_to_stderr_when_nobody_configured_logging(template_database, tmp_path):
    with unconfigured_logging() as stderr, built_app(template_database, tmp_path / "one"), \
            built_app(template_database, tmp_path / "two") as app:
        assert len(logging.getLogger("community").handlers) == 1  # the second app replaced the first one's
        app.test_client().get("/areas", headers={"X-Request-ID": "req-json-line"})
        logging.getLogger().addHandler(root_handler := logging.StreamHandler(sys.stderr))  # as Alembic's fileConfig
        app.logger.warning("inside no request")
        logging.getLogger().removeHandler(root_handler)
    lines = [json.loads(line) for line in stderr.getvalue().splitlines()]
    request = next(line for line in lines if line["logger"] == "community.requests")
    assert request["request_id"] == "req-json-line" and request["path"] == "/areas" and set(request) == FIELDS
    assert {"logger": "community", "request_id": "-", "message": "inside no request"}.items() <= lines[-1].items()


def test_text_lines_at_the_configured_level(template_database, tmp_path):
    with unconfigured_logging() as stderr, \
            built_app(template_database, tmp_path / "instance", LOG_FORMAT="text", LOG_LEVEL="warning") as app:
        app.test_client().get("/areas")
        app.logger.warning("a warning")
    assert stderr.getvalue().splitlines()[-1].endswith("WARNING community [-] a warning")
    assert "/areas" not in stderr.getvalue()  # INFO lines are below WARNING


def test_logging_configured_by_the_host_is_left_alone(template_database, tmp_path):
    """Under pytest (as under gunicorn --log-config) the root logger has handlers: the factory adds none."""
    with built_app(template_database, tmp_path / "instance", LOG_FORMAT="json"):
        assert logging.getLogger("community").handlers == []


def test_an_unknown_log_format_is_refused_at_start(template_database, tmp_path):
    with unconfigured_logging(), pytest.raises(ValueError, match="LOG_FORMAT"), \
            built_app(template_database, tmp_path / "instance", LOG_FORMAT="xml"):
        pass
