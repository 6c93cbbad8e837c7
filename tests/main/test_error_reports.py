"""Optional Sentry reports: with SENTRY_DSN an exception in a view is one event carrying the request id and no
personal data; without it Sentry is not started."""

from __future__ import annotations

import json
import logging

import pytest
import sentry_sdk
from flask_login import current_user
from sentry_sdk.transport import Transport

from tests.conftest import built_app

DSN = "https://public@sentry.example.invalid/1"


class CapturingTransport(Transport):
    """Keeps the events instead of sending them."""

    def __init__(self, options=None):
        super().__init__(options)
        self.events: list[dict] = []

    def capture_envelope(self, envelope):
        event = envelope.get_event()
        if event is not None:
            self.events.append(event)


@pytest.fixture
def sentry_events(monkeypatch):
    """The events the site sends, captured by a fake transport; Sentry is switched off again after the test."""
    transport = CapturingTransport()
    started = []
    real_init = sentry_sdk.init

    def init(*args, **options):
        started.append(options)
        return real_init(*args, transport=transport, **options)

    monkeypatch.setattr(sentry_sdk, "init", init)
    transport.started = started
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


def test_an_exception_in_a_view_is_one_event_without_personal_data(template_database, tmp_path, sentry_events):
    from community.accounts.services import register_user
    from community.extensions import db
    from tests.conftest import PASSWORD, open_test_session

    with built_app(template_database, tmp_path / "instance", SENTRY_DSN=DSN, SENTRY_ENVIRONMENT="staging") as app:
        with app.app_context():
            member = register_user("member@example.jp", "一般 会員", PASSWORD)
            db.session.commit()
            db.session.refresh(member)
            db.session.expunge(member)

        @app.route("/broken")
        def broken():
            email = current_user.email  # a local variable that names the user
            raise RuntimeError(f"no digest for {email}")

        app.config["PROPAGATE_EXCEPTIONS"] = False
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = open_test_session(app, member)
        response = client.get("/broken?q=秘密の検索語&token=abc", headers={"X-Request-ID": "req-sentry",
                                                                       "X-Forwarded-For": "203.0.113.9"},
                              environ_base={"REMOTE_ADDR": "127.0.0.1"})
        session_cookie = client.get_cookie("session").value
        assert sentry_sdk.get_client().is_active() and not sentry_sdk.get_client().should_send_default_pii()
    assert response.status_code == 500
    (event,) = sentry_events.events
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["tags"]["request_id"] == "req-sentry"
    assert event["release"] == "sagamihara-community@0.1.0" and event["environment"] == "staging"
    assert event["request"]["url"] == "http://localhost/broken" and event["request"]["method"] == "GET"
    assert "user" not in event and "sys.argv" not in event.get("extra", {})
    sent = json.dumps(event, ensure_ascii=False)
    for personal in (member.email, "秘密の検索語", "token=abc", "127.0.0.1", "203.0.113.9", session_cookie):
        assert personal not in sent
    assert "no digest for [email]" in sent
    assert '"vars"' not in sent  # no local variables


def test_an_error_logged_outside_a_request_is_an_event_without_the_address(template_database, tmp_path,
                                                                           sentry_events):
    with built_app(template_database, tmp_path / "instance", SENTRY_DSN=DSN):
        logging.getLogger("community.mail.delivery").error("mail %s to %s given up", 7, "someone@example.jp")
    (event,) = sentry_events.events
    assert "someone@example.jp" not in json.dumps(event) and "[email]" in json.dumps(event)


def test_without_a_dsn_sentry_is_not_started(app, client, sentry_events):
    assert app.config["SENTRY_DSN"] is None
    assert client.get("/areas").status_code == 200
    assert sentry_events.started == [] and not sentry_sdk.get_client().is_active()
