"""Digest mail: once a day or once a week, what is new in what a member follows.

Each digest is queued at most once per member and period: the DigestDelivery row (unique on member and period)
and the queued message are written in one transaction, so a second run, or two runs at once, queue nothing
more. The mail queue then delivers it, retrying while the mail server refuses; every attempt carries the same
Message-ID, so a copy sent twice (a sender died between the server's acceptance and recording it) is
recognisably one message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.extensions import db
from community.items import link_of, title_of
from community.locale import member_language, site_name
from community.mail import send_mail
from community.me.models import DigestDelivery
from community.me.services import unsubscribe_token
from community.me.stream import personal_stream
from community.text import plain_text
from community.timeutil import to_local

SPANS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
DIGEST_SIZE = 30


@dataclass
class DigestRun:
    sent: list[int] = field(default_factory=list)      # queued: the mail queue delivers and retries it
    empty: list[int] = field(default_factory=list)     # nothing new: no mail
    skipped: list[int] = field(default_factory=list)   # already queued this period (by this or another run)


def period_key(frequency: str, now: datetime) -> str:
    """'daily:2026-11-24' or 'weekly:2026-W48', in Japan time."""
    day = to_local(now).date()
    if frequency == "weekly":
        year, week, _weekday = day.isocalendar()
        return f"weekly:{year}-W{week:02d}"
    return f"daily:{day.isoformat()}"


def due_member_ids() -> list[int]:
    return list(db.session.scalars(select(User.id).where(
        User.digest_frequency.in_(tuple(SPANS)), User.is_suspended.is_(False)).order_by(User.id)))


def send_due_digests(now: datetime, progress=None) -> DigestRun:
    """Sends every digest that is due at `now`. Commits as it goes (a CLI-level operation)."""
    run = DigestRun()
    ids = due_member_ids()
    for user_id in progress(ids) if progress else ids:
        outcome = send_digest(user_id, now)
        getattr(run, outcome).append(user_id)
        db.session.expunge_all()  # keep memory flat over tens of thousands of members
    return run


def _since(user: User, now: datetime) -> datetime:
    """Since the member's last digest of this frequency, and never further back than one span."""
    frequency = user.digest_frequency
    last = db.session.scalar(select(func.max(DigestDelivery.sent_at)).where(
        DigestDelivery.user_id == user.id, DigestDelivery.period.like(f"{frequency}:%"),
        DigestDelivery.sent_at.isnot(None), DigestDelivery.sent_at < now))
    floor = now - SPANS[frequency]
    return max(last, floor) if last is not None else floor


def send_digest(user_id: int, now: datetime) -> str:
    """'sent' (queued), 'empty' or 'skipped' for one member; commits."""
    user = db.session.get(User, user_id)
    if user is None or user.digest_frequency not in SPANS or user.is_suspended:
        return "skipped"
    period = period_key(user.digest_frequency, now)
    already = db.session.scalar(select(DigestDelivery.id).where(
        DigestDelivery.user_id == user.id, DigestDelivery.period == period))
    if already is not None:
        return "skipped"
    entries = personal_stream(user, page=1, per_page=DIGEST_SIZE, since=_since(user, now))
    if not entries.items:
        return "empty"
    db.session.add(DigestDelivery(user_id=user.id, period=period, created_at=now, sent_at=now))
    with force_locale(member_language(user)):  # written in the language the member reads the site in
        message = digest_message(user, entries, now)
    send_mail(**message)
    try:
        db.session.commit()
    except IntegrityError:  # another run queued this member's digest between our look and our commit
        db.session.rollback()
        return "skipped"
    return "sent"


KIND_LABELS = {"event": _l("イベント"), "notice": _l("お知らせ"), "shop": _l("お店・施設"), "topic": _l("トピック")}


def describe(entry) -> dict:
    """One line of the digest as plain strings (both parts escape or not as their format needs)."""
    from community.templating import event_span, format_day

    item, kind = entry.item, entry.kind
    if kind == "event":
        parts = [event_span(item.starts_at, item.ends_at, item.all_day), item.area.label if item.area else ""]
    elif kind == "notice":
        parts = [format_day(item.published_at) if item.published_at else "", item.group.name]
    elif kind == "shop":
        parts = [item.area.label if item.area else "", item.group.name]
    else:
        parts = [item.community.name]
    root = request.host_url.rstrip("/")
    return {"kind": str(KIND_LABELS.get(kind, "")), "title": plain_text(title_of(item)),
            "meta": " · ".join(p for p in parts if p), "url": root + link_of(item)}


def digest_message(user: User, entries, now: datetime) -> dict:
    """The arguments for send_mail: subject, a text part, an HTML part and the unsubscribe headers."""
    unsubscribe = url_for("me.unsubscribe", token=unsubscribe_token(user), _external=True)
    context = {
        "user": user, "entries": [describe(e) for e in entries.items],
        "more": max(0, entries.total - len(entries.items)),
        "frequency": user.digest_frequency, "now": now, "unsubscribe_url": unsubscribe,
        "me_url": url_for("me.index", _external=True), "settings_url": url_for("me.settings", _external=True),
    }
    label = _("今日の新着") if user.digest_frequency == "daily" else _("今週の新着")
    period = period_key(user.digest_frequency, now).replace(":", ".")  # a colon may not stand in a Message-ID
    return {
        "to": user.email,
        "subject": _("【%(site)s】%(label)s（%(count)d件）", site=site_name(), label=label,
                     count=entries.total),
        "text": render_template("me/email/digest.txt.html", **context),
        "html": render_template("me/email/digest.html", **context),
        "headers": {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # The same for every attempt at one member's digest of one period: if a run dies after the mail
            # server took the message but before sent_at was written, the retry's copy is recognisably the
            # same message, and mail providers that remove duplicates by Message-ID show it once.
            "Message-ID": f"<digest.{user.id}.{period}@{request.host.split(':')[0]}>",
        },
    }
