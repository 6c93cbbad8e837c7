"""Feeds a group subscribes to: an イベント一覧 CSV or an iCalendar feed (a Google or Nextcloud calendar's .ics),
fetched on a schedule (`community fetch-feeds`) or on demand, imported with the same idempotent import as a file.

Fetching is careful with what it is given: http(s) only, every address the host resolves to must be public (no
private, loopback, link-local or reserved network; FEEDS_ALLOW_LOOPBACK lets tests use 127.0.0.1), the connection
goes to the address that was checked, redirects are checked again, and the answer is cut off at FEEDS_MAX_BYTES
and FEEDS_TIMEOUT seconds. ETag and Last-Modified are sent back: a 304 changes nothing.
"""

from __future__ import annotations

import hashlib
import http.client
import ipaddress
import logging
import socket
import ssl
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urljoin, urlsplit

from flask import current_app
from sqlalchemy import select

from community.db import utcnow
from community.extensions import db
from community.opendata.models import FeedLog, FeedSubscription

MAX_REDIRECTS = 3
USER_AGENT = "sagamihara-community-feeds/1.0"


class FeedError(Exception):
    """The feed could not be fetched or read; the message is for the group editor, in Japanese."""


# --- fetching ------------------------------------------------------------------------------------------------


def check_url(url: str) -> tuple[str, str, int, list[str]]:
    """(scheme, host, port, addresses) of a URL that may be fetched; FeedError naming the reason otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FeedError("http:// または https:// で始まるURLを指定してください。")
    if parts.username or parts.password:
        raise FeedError("利用者名やパスワードを含むURLは登録できません。")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise FeedError("URLのポート番号が正しくありません。") from error
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FeedError(f"ホスト「{parts.hostname}」が見つかりません。") from error
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        if not _public(address):
            raise FeedError(f"ホスト「{parts.hostname}」は内部のネットワーク（{address}）を指すため取得できません。")
    return parts.scheme, parts.hostname, port, addresses


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback and current_app.config.get("FEEDS_ALLOW_LOOPBACK"):
        return True
    return not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
                or ip.is_unspecified or not ip.is_global)


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address that was checked, not to whatever the name resolves to a moment later."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass
class Fetched:
    status: int
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""


def fetch(url: str, etag: str = "", last_modified: str = "") -> Fetched:
    """GET with the validators; 200 with the body or 304 without; FeedError for anything else."""
    config = current_app.config
    limit, timeout = config.get("FEEDS_MAX_BYTES", 5_000_000), config.get("FEEDS_TIMEOUT", 10)
    deadline = time.monotonic() + timeout * 3
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port, addresses = check_url(url)
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection_class = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
        connection = connection_class(host, port, addresses[0], timeout)
        headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, text/csv, */*"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            connection.request("GET", target, headers=headers)
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                url = urljoin(url, response.getheader("Location"))
                continue
            if response.status == 304:
                return Fetched(304, etag=etag, last_modified=last_modified)
            if response.status != 200:
                raise FeedError(f"サーバーが {response.status} を返しました。")
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > limit:
                raise FeedError(f"ファイルが大きすぎます（上限 {limit:,} バイト）。")
            chunks, size = [], 0
            while chunk := response.read(65536):
                size += len(chunk)
                if size > limit:
                    raise FeedError(f"ファイルが大きすぎます（上限 {limit:,} バイト）。")
                if time.monotonic() > deadline:
                    raise FeedError("取得に時間がかかりすぎたため中断しました。")
                chunks.append(chunk)
            return Fetched(200, b"".join(chunks), response.getheader("ETag") or "",
                           response.getheader("Last-Modified") or "")
        except TimeoutError as error:
            raise FeedError("時間内に応答がありませんでした。") from error
        except (OSError, http.client.HTTPException) as error:
            raise FeedError(f"取得できませんでした（{type(error).__name__}）。") from error
        finally:
            connection.close()
    raise FeedError("転送（リダイレクト）が多すぎます。")


# --- iCalendar -----------------------------------------------------------------------------------------------


@dataclass
class CalendarEvent:
    uid: str
    title: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    rrule: str = ""
    exdates: list[str] = field(default_factory=list)
    description: str = ""
    location: str = ""
    url: str = ""


def read_calendar(data: bytes) -> tuple[list[CalendarEvent], list[str]]:
    """The VEVENTs of an iCalendar document, and a reason for each one left out."""
    from icalendar import Calendar

    from community.timeutil import TOKYO

    try:
        calendar = Calendar.from_ical(data)
    except ValueError as error:
        raise FeedError("iCalendar（.ics）として読めません。") from error
    events, refused = [], []
    for number, component in enumerate(calendar.walk("VEVENT"), start=1):
        uid = str(component.get("UID") or "").strip()
        title = str(component.get("SUMMARY") or "").strip()
        where = f"{number}件目（{title or uid or '題名なし'}）"
        if component.get("RECURRENCE-ID") is not None:
            refused.append(f"{where}: 繰り返しの一回だけの変更は取り込みません")
            continue
        if not title:
            refused.append(f"{where}: SUMMARY（題名）が空です")
            continue
        if not uid:
            refused.append(f"{where}: UID がありません")
            continue
        try:
            start = component.decoded("DTSTART")
        except (KeyError, ValueError):
            refused.append(f"{where}: DTSTART（開始）を読めません")
            continue
        all_day = not isinstance(start, datetime)
        try:
            if component.get("DTEND") is not None:
                end = component.decoded("DTEND")
            elif component.get("DURATION") is not None:
                end = start + component.decoded("DURATION")
            else:
                end = start + (timedelta(days=1) if all_day else timedelta(hours=0))
        except (KeyError, ValueError):
            refused.append(f"{where}: DTEND（終了）を読めません")
            continue
        starts_at, ends_at = _moment(start, TOKYO), _moment(end, TOKYO)
        if ends_at < starts_at:
            refused.append(f"{where}: 終了が開始より前です")
            continue
        rrule = ""
        if component.get("RRULE") is not None:
            rrule = _rrule(component.get("RRULE").to_ical().decode(), all_day)
            if not rrule:
                refused.append(f"{where}: 繰り返しの規則（RRULE）に対応していません")
                continue
        events.append(CalendarEvent(
            uid=uid, title=title, starts_at=starts_at, ends_at=ends_at, all_day=all_day, rrule=rrule,
            exdates=_exdates(component, TOKYO), description=str(component.get("DESCRIPTION") or "").strip(),
            location=str(component.get("LOCATION") or "").strip(), url=str(component.get("URL") or "").strip()))
    return events, refused


def _moment(value, zone) -> datetime:
    """A DTSTART/DTEND as an aware UTC moment; a floating time is Tokyo's, a date is the start of that local day."""
    from community.timeutil import local_to_utc

    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(UTC)
    return local_to_utc(value)


def _rrule(rule: str, all_day: bool) -> str:
    """The rule as the site stores it: DAILY, WEEKLY or MONTHLY; UNTIL in UTC (dateutil wants it so for an aware
    start); "" for what the site cannot show (YEARLY, BYSETPOS, …)."""
    from community.events.recurrence import rule_parts
    from community.timeutil import local_to_utc

    parts = rule_parts(rule)
    if parts.get("FREQ") not in ("DAILY", "WEEKLY", "MONTHLY") or set(parts) - {
            "FREQ", "INTERVAL", "UNTIL", "COUNT", "BYDAY", "WKST"}:
        return ""
    until = parts.get("UNTIL")
    if until and not until.endswith("Z"):
        try:
            day = date(int(until[:4]), int(until[4:6]), int(until[6:8]))
        except ValueError:
            return ""
        parts["UNTIL"] = (local_to_utc(day + timedelta(days=1)) - timedelta(seconds=1)).strftime("%Y%m%dT%H%M%SZ")
    parts.pop("WKST", None)
    text = ";".join(f"{key}={value}" for key, value in parts.items())
    return text if len(text) <= 200 else ""


def _exdates(component, zone) -> list[str]:
    found = component.get("EXDATE")
    if found is None:
        return []
    days = []
    for entry in found if isinstance(found, list) else [found]:
        for value in entry.dts:
            moment = value.dt
            if isinstance(moment, datetime):
                moment = (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(zone).date()
            days.append(moment.isoformat())
    return sorted(set(days))


def calendar_key(group, uid: str) -> str:
    """A calendar event's source key: the iCal UID, within the group that subscribed (the same calendar added by
    two groups stays two groups' events)."""
    key = f"ical:{group.id}:{uid}"
    if len(key) > 120:
        key = f"ical:{group.id}:h{hashlib.sha256(uid.encode()).hexdigest()[:40]}"
    return key


# --- importing -----------------------------------------------------------------------------------------------


@dataclass
class FeedResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    refused: int = 0
    details: list[str] = field(default_factory=list)


_OUTCOME_WORDS = {"new": "新規", "changed": "変更"}


def import_csv(group, data: bytes) -> FeedResult:
    from community.opendata import jobs, services
    from community.opendata.errors import OpenDataError
    from community.opendata.reader import read_events

    try:
        result = read_events(data)
    except OpenDataError as error:
        raise FeedError(str(error)) from error
    rows = jobs.preview_rows(jobs.KINDS["events"], group, result)
    areas = services.AreaMatcher(jobs.area_fallback(group))
    outcome = FeedResult(refused=len(result.errors))
    for start in range(0, len(result.records), jobs.BATCH):
        summary = services.import_events(result.records[start:start + jobs.BATCH], group, areas)
        outcome.created += summary.created
        outcome.changed += summary.changed
        outcome.unchanged += summary.unchanged
    outcome.details = _details(rows)
    return outcome


def _details(rows: list[list]) -> list[str]:
    lines = [f"{_OUTCOME_WORDS[r[0]]}: {r[2]}" for r in rows if r[0] in _OUTCOME_WORDS]
    lines += [f"{r[1]}行目: {r[3]}" for r in rows if r[0] == "refused"]
    return lines[:500]


def import_calendar(group, data: bytes) -> FeedResult:
    from community.events.models import Event
    from community.opendata import jobs, services

    events, refused = read_calendar(data)
    fallback = jobs.area_fallback(group)
    categories = services.CategoryMatcher()

    def data_of(event: CalendarEvent) -> dict:
        category = categories.match(event.title, event.description)
        body = "\n\n".join(p for p in (event.description, event.url) if p)
        return services._as_plain_text({
            "title": event.title, "body": body, "starts_at": event.starts_at, "ends_at": event.ends_at,
            "all_day": event.all_day, "rrule": event.rrule, "exdates": event.exdates,
            "venue_name": event.location, "url": event.url[:500], "area_id": fallback.id,
            "category_id": category.id if category else None,
        })

    keyed = [(calendar_key(group, event.uid), event) for event in events]
    fields = ("title", "starts_at", "ends_at", "all_day", "rrule", "exdates", "venue_name", "url", "area_id",
              "category_id")
    found = jobs.outcomes(Event, fields, keyed, data_of)
    summary = services.ImportSummary()
    touched = services._upsert(Event, fields, group, keyed, data_of, summary)
    services._replace_occurrences(touched)
    outcome = FeedResult(summary.created, summary.changed, summary.unchanged, len(refused))
    outcome.details = [f"{_OUTCOME_WORDS[o]}: {e.title}" for o, (_k, e) in zip(found, keyed, strict=True)
                       if o in _OUTCOME_WORDS] + refused
    return outcome


def fetch_feed(subscription: FeedSubscription) -> FeedLog:
    """Fetches and imports one feed, logs what happened and schedules the next fetch; the caller commits."""
    now = utcnow()
    group_id, url, kind = subscription.group_id, subscription.url, subscription.kind
    log = FeedLog(subscription_id=subscription.id, fetched_at=now, outcome="failed")
    try:
        fetched = fetch(url, subscription.etag, subscription.last_modified)
        log.http_status = fetched.status
        if fetched.status == 304:
            log.outcome, log.message = "not-modified", "前回から変更はありません（304）"
        else:
            from community.groups.models import Group

            group = db.session.get(Group, group_id)
            result = import_calendar(group, fetched.body) if kind == FeedSubscription.ICAL else \
                import_csv(group, fetched.body)
            subscription = db.session.get(FeedSubscription, log.subscription_id)
            subscription.etag, subscription.last_modified = fetched.etag[:300], fetched.last_modified[:100]
            log.outcome = "imported"
            log.created, log.changed, log.unchanged, log.refused = (result.created, result.changed,
                                                                    result.unchanged, result.refused)
            log.details = result.details
            log.message = (f"新規 {result.created} 件、変更 {result.changed} 件、変更なし {result.unchanged} 件、"
                           f"取り込めなかったもの {result.refused} 件")
    except FeedError as error:
        db.session.rollback()
        log.message = str(error)[:500]
    except Exception as error:  # a bug in the import must not stop the other feeds; the log says it failed
        db.session.rollback()
        logging.getLogger(__name__).exception("feed %s failed", log.subscription_id)
        log.message = f"取り込み中にエラーが起きました（{type(error).__name__}）。"
    subscription = db.session.get(FeedSubscription, log.subscription_id)
    subscription.last_fetched_at = now
    subscription.next_fetch_at = now + timedelta(hours=max(1, subscription.interval_hours))
    db.session.add(log)
    return log


def due_feeds() -> list[int]:
    return list(db.session.scalars(select(FeedSubscription.id).where(FeedSubscription.next_fetch_at <= utcnow())
                                   .order_by(FeedSubscription.next_fetch_at)))


def fetch_due() -> list[FeedLog]:
    """Every feed whose time has come, each committed on its own."""
    logs = []
    for subscription_id in due_feeds():
        subscription = db.session.get(FeedSubscription, subscription_id)
        logs.append(fetch_feed(subscription))
        db.session.commit()
    return logs
