"""Feed subscriptions: an iCalendar feed and an イベント一覧 CSV fetched from a local server, conditional GET, size
limits and the refusal of private network addresses."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from community.timeutil import today_local
from tests.opendata.test_cli_import import own_events_csv

FIRST = today_local() + timedelta(days=30)


def _second_thursday(year: int, month: int) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(3 - day.weekday()) % 7 + 7)


START = _second_thursday(FIRST.year, FIRST.month)
SKIPPED = _second_thursday(START.year + (START.month // 12), START.month % 12 + 1)

CALENDAR = f"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Google Inc//Google Calendar 70.9054//EN
BEGIN:VEVENT
UID:abc123@google.com
DTSTART;TZID=Asia/Tokyo:{START:%Y%m%d}T100000
DTEND;TZID=Asia/Tokyo:{START:%Y%m%d}T120000
RRULE:FREQ=MONTHLY;BYDAY=2TH;COUNT=6
EXDATE;TZID=Asia/Tokyo:{SKIPPED:%Y%m%d}T100000
SUMMARY:子育てサロン
DESCRIPTION:毎月第2木曜のサロンです。
LOCATION:橋本公民館
URL:https://example.jp/salon
END:VEVENT
BEGIN:VEVENT
UID:xyz@google.com
DTSTART;VALUE=DATE:{FIRST:%Y%m%d}
DTEND;VALUE=DATE:{FIRST + timedelta(days=1):%Y%m%d}
SUMMARY:清掃活動
END:VEVENT
BEGIN:VEVENT
UID:bad@google.com
DTSTART;VALUE=DATE:{FIRST:%Y%m%d}
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n").encode()


class Handler(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        Handler.requests.append({"path": self.path, "if-none-match": self.headers.get("If-None-Match")})
        if self.path == "/calendar.ics":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
                return
            self._send(CALENDAR, "text/calendar", etag='"v1"')
        elif self.path == "/events.csv":
            self._send(own_events_csv(FIRST, "cp932"), "text/csv")
        elif self.path == "/big.ics":
            self._send(b"X" * 300_000, "text/calendar")
        elif self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "http://10.0.0.1/calendar.ics")
            self.end_headers()
        else:
            self.send_response(404)
            self.end_headers()

    def _send(self, body: bytes, kind: str, etag: str | None = None):
        self.send_response(200)
        self.send_header("Content-Type", kind)
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(app):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    app.config.update(FEEDS_ALLOW_LOOPBACK=True, FEEDS_MAX_BYTES=100_000)
    Handler.requests = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _subscribe(client, group, url: str, kind: str):
    return client.post(f"/groups/{group.slug}/feeds", data={"url": url, "kind": kind})


def _subscription_id(app, url: str) -> int:
    from community.extensions import db
    from community.opendata.models import FeedSubscription

    with app.app_context():
        return db.session.scalar(select(FeedSubscription.id).where(FeedSubscription.url == url))


def _events(app) -> dict:
    from community.events.models import Event
    from community.extensions import db

    with app.app_context():
        return {e.title: (e.rrule, list(e.exdates), e.source_key) for e in db.session.scalars(select(Event))}


def _occurrence_days(app, title: str) -> list[date]:
    from community.events.models import Event, EventOccurrence
    from community.extensions import db
    from community.timeutil import to_local

    with app.app_context():
        starts = db.session.scalars(select(EventOccurrence.starts_at).join(Event).where(Event.title == title)
                                    .order_by(EventOccurrence.starts_at))
        return [to_local(s).date() for s in starts]


def test_an_icalendar_feed_is_imported_once_and_a_304_changes_nothing(app, client, login, editor, server):
    login(editor)
    url = f"{server}/calendar.ics"
    assert _subscribe(client, editor.group, url, "ical").status_code == 302
    feed = _subscription_id(app, url)
    client.post(f"/feeds/{feed}/fetch")
    events = _events(app)
    assert set(events) == {"子育てサロン", "清掃活動"}
    rrule, exdates, key = events["子育てサロン"]
    assert rrule.startswith("FREQ=MONTHLY") and "BYDAY=2TH" in rrule and "COUNT=6" in rrule
    assert exdates == [SKIPPED.isoformat()] and key == f"ical:{editor.group.id}:abc123@google.com"
    days = _occurrence_days(app, "子育てサロン")
    assert len(days) == 5 and SKIPPED not in days and days[0] == START
    log = client.get(f"/feeds/{feed}").get_data(as_text=True)
    assert "新規 2 件" in log and "新規: 子育てサロン" in log and "SUMMARY（題名）が空です" in log

    client.post(f"/feeds/{feed}/fetch")  # the server answers 304 to the ETag it gave
    assert Handler.requests[-1]["if-none-match"] == '"v1"'
    assert "前回から変更はありません（304）" in client.get(f"/feeds/{feed}").get_data(as_text=True)
    assert set(_events(app)) == {"子育てサロン", "清掃活動"}
    page = client.get("/events").get_data(as_text=True)
    assert "子育てサロン" in page


def test_a_csv_feed_from_cron_imports_idempotently(app, client, login, editor, server, runner):
    login(editor)
    url = f"{server}/events.csv"
    _subscribe(client, editor.group, url, "csv")
    result = runner.invoke(args=["fetch-feeds"])
    assert result.exit_code == 0, result.output
    assert "新規 3 件" in result.output and "取り込めなかったもの 4 件" in result.output
    assert "1 件のフィードを取得しました" in result.output
    assert "0 件のフィードを取得しました" in runner.invoke(args=["fetch-feeds"]).output  # not due yet
    again = runner.invoke(args=["fetch-feeds", "--all"]).output
    assert "新規 0 件、変更 0 件、変更なし 3 件" in again
    assert len(_events(app)) == 3
    log = client.get(f"/feeds/{_subscription_id(app, url)}").get_data(as_text=True)
    assert "4行目: 開始日「2026-13-40」を日付として読めません" in log


def test_oversized_and_private_addresses_are_refused(app, client, login, editor, server):
    login(editor)
    big = f"{server}/big.ics"
    _subscribe(client, editor.group, big, "ical")
    client.post(f"/feeds/{_subscription_id(app, big)}/fetch")
    assert "ファイルが大きすぎます" in client.get(f"/feeds/{_subscription_id(app, big)}").get_data(as_text=True)
    assert _events(app) == {}

    redirect = f"{server}/redirect"  # a redirect into a private network is checked again
    _subscribe(client, editor.group, redirect, "ical")
    client.post(f"/feeds/{_subscription_id(app, redirect)}/fetch")
    page = client.get(f"/feeds/{_subscription_id(app, redirect)}").get_data(as_text=True)
    assert "内部のネットワーク（10.0.0.1）" in page

    app.config["FEEDS_ALLOW_LOOPBACK"] = False
    for url in (f"{server}/calendar.ics", "http://localhost/x.ics", "http://169.254.169.254/latest",
                "http://192.168.1.1/cal.ics", "http://[::1]/cal.ics", "file:///etc/passwd"):
        response = _subscribe(client, editor.group, url, "ical")
        assert response.status_code == 400, url
        assert ("内部のネットワーク" in response.get_data(as_text=True)
                or "http:// または https://" in response.get_data(as_text=True)
                or "有効なURL" in response.get_data(as_text=True)), url
    assert _subscription_id(app, "http://192.168.1.1/cal.ics") is None


def test_only_the_groups_editors_manage_its_feeds(app, client, login, editor, member, admin, server):
    assert re.search("ログイン", client.get(f"/groups/{editor.group.slug}/feeds", follow_redirects=True)
                     .get_data(as_text=True))
    login(member)
    assert client.get(f"/groups/{editor.group.slug}/feeds").status_code == 403
    assert _subscribe(client, editor.group, f"{server}/calendar.ics", "ical").status_code == 403
    login(admin)
    assert _subscribe(client, editor.group, f"{server}/calendar.ics", "ical").status_code == 302
    feed = _subscription_id(app, f"{server}/calendar.ics")
    login(member)
    assert client.get(f"/feeds/{feed}").status_code == 403
    assert client.post(f"/feeds/{feed}/fetch").status_code == 403
    login(editor)
    assert client.get(f"/feeds/{feed}").status_code == 200
