"""Signage content (public events and notices as slides) and urgent notices (raise, withdraw, which are active)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from community import policy
from community.areas.models import Area, Category
from community.areas.services import area_and_descendants_clause, area_by_slug
from community.args import whole_number
from community.extensions import db
from community.moderation.audit import record
from community.qrcodes import public_url, short_url
from community.signage.models import UrgentNotice
from community.text import plain_text
from community.timeutil import now_utc

SIGNAGE_KINDS = ("events", "notices")
# How the kinds follow each other: alternating (one event, one notice, …), or all of one kind first.
SIGNAGE_ORDERS = ("mixed", "events-first", "notices-first")
DEFAULT_SECONDS = 15
SECONDS_RANGE = (3, 300)
DEFAULT_POLL = 30
POLL_RANGE = (5, 600)
EVENT_DAYS = 14
MAX_EVENTS = 12
MAX_NOTICES = 8
AUDIT_KIND = "urgent_notice"


@dataclass
class SignageOptions:
    area: Area | None = None
    categories: list[Category] = field(default_factory=list)
    kinds: tuple[str, ...] = SIGNAGE_KINDS
    order: str = SIGNAGE_ORDERS[0]
    seconds: int = DEFAULT_SECONDS
    poll: int = DEFAULT_POLL
    lang: str = ""  # the screen's language; empty: the site's first (Japanese), never the kiosk browser's
    errors: list[str] = field(default_factory=list)

    def args(self) -> dict:
        """The options as a query string, for the JSON URL the screen polls."""
        values = {"area": self.area.slug if self.area else None,
                  "category": ",".join(c.slug for c in self.categories) or None,
                  "kinds": ",".join(self.kinds) if self.kinds != SIGNAGE_KINDS else None,
                  "order": self.order if self.order != SIGNAGE_ORDERS[0] else None,
                  "seconds": self.seconds if self.seconds != DEFAULT_SECONDS else None,
                  "poll": self.poll if self.poll != DEFAULT_POLL else None, "lang": self.lang or None}
        return {key: value for key, value in values.items() if value}


def _bounded_int(value: str | None, default: int, bounds: tuple[int, int]) -> int | None:
    if value in (None, ""):
        return default
    return whole_number(value, *bounds)


def _slugs(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def parse_signage_args(args) -> SignageOptions:
    """area=slug, category=slug1,slug2, kinds=events,notices, order=mixed|events-first|notices-first,
    seconds=15 (per slide), poll=30 (seconds between fetches of new content), lang=en (the language is chosen from
    it by templating.select_locale)."""
    from flask import current_app

    options = SignageOptions()
    languages = current_app.config["LANGUAGES"]
    if args.get("lang"):
        if args["lang"] in languages:
            options.lang = "" if args["lang"] == languages[0] else args["lang"]
        else:
            options.errors.append(_("表示の言語（lang）は %(languages)s から選んでください。",
                                    languages=", ".join(languages)))
    if args.get("area"):
        options.area = area_by_slug(args["area"].strip())
        if options.area is None:
            options.errors.append(_("指定された地域（area）が見つかりません。"))
    wanted = _slugs(args.get("category"))
    if wanted:
        found = {c.slug: c for c in db.session.scalars(select(Category).where(Category.slug.in_(wanted)))}
        options.categories = [found[slug] for slug in wanted if slug in found]
        if len(options.categories) != len(set(wanted)):
            options.errors.append(_("指定された分野（category）が見つかりません。"))
    kinds = _slugs(args.get("kinds"))
    if kinds:
        if not set(kinds) <= set(SIGNAGE_KINDS):
            options.errors.append(_("表示する種類（kinds）は events と notices から選んでください。"))
        else:
            options.kinds = tuple(k for k in SIGNAGE_KINDS if k in kinds)
    order = (args.get("order") or "").strip()
    if order:
        if order in SIGNAGE_ORDERS:
            options.order = order
        else:
            options.errors.append(_("並び順（order）は %(orders)s から選んでください。",
                                    orders=", ".join(SIGNAGE_ORDERS)))
    for name, default, (low, high), message in (
        ("seconds", DEFAULT_SECONDS, SECONDS_RANGE,
         _l("1枚あたりの秒数（seconds）は%(low)d〜%(high)dの数で指定してください。")),
        ("poll", DEFAULT_POLL, POLL_RANGE, _l("更新の間隔（poll）は%(low)d〜%(high)dの数で指定してください。")),
    ):
        value = _bounded_int(args.get(name), default, (low, high))
        if value is None:
            options.errors.append(message % {"low": low, "high": high})
        else:
            setattr(options, name, value)
    return options


def _place_and_topic(query, model, options: SignageOptions):
    if options.area is not None:
        query = query.where(area_and_descendants_clause(model.area_id, options.area))
    if options.categories:
        query = query.where(model.category_id.in_([c.id for c in options.categories]))
    return query


def _link(kind: str, item_id: int, path: str) -> dict:
    """What a slide needs to send people to the item's page: its address in full (url) and shortened for reading
    (url_label), the QR code's image (qr) and the words beside it (qr_label, qr_alt)."""
    from flask import url_for

    url = public_url(path)
    return {"url": url, "url_label": short_url(url), "qr": url_for("signage.qr", kind=kind, item_id=item_id),
            "qr_label": _("詳しくはこちら"), "qr_alt": _("QRコード: %(url)s", url=url)}


def _event_slides(options: SignageOptions, now: datetime) -> list[dict]:
    from community.events.display import event_when, repeat_words
    from community.events.models import Event, EventOccurrence
    from community.events.services import first_occurrences

    query = (
        select(EventOccurrence).join(EventOccurrence.event)
        .options(contains_eager(EventOccurrence.event).joinedload(Event.area),
                 contains_eager(EventOccurrence.event).joinedload(Event.category))
        .where(policy.public_clause(Event), Event.cancelled_at.is_(None), EventOccurrence.ends_at > now,
               EventOccurrence.starts_at < now + timedelta(days=EVENT_DAYS))
    )
    # A repeating event shows its next date only, and does not push other events off the screen.
    slides = []
    query = first_occurrences(_place_and_topic(query, Event, options), MAX_EVENTS, now=now)
    for occurrence in db.session.scalars(query):
        event = occurrence.event
        place = " · ".join(p for p in (event.venue_name, event.area.label if event.area else "") if p)
        slides.append({"id": f"event-{event.id}", "kind": "event", "kind_label": _("イベント"),
                       "title": plain_text(event.title),
                       "lines": [line for line in (event_when(event, occurrence.starts_at, occurrence.ends_at, now),
                                                   repeat_words(event), plain_text(place)) if line],
                       **_link("event", event.id, event.link)})
    return slides


def _notice_slides(options: SignageOptions) -> list[dict]:
    from community.notices.models import Notice

    query = (select(Notice).options(joinedload(Notice.area), joinedload(Notice.group))
             .where(policy.public_clause(Notice))
             .order_by(Notice.published_at.desc(), Notice.id.desc()).limit(MAX_NOTICES))
    from community.templating import format_day

    slides = []
    for notice in db.session.scalars(_place_and_topic(query, Notice, options)):
        meta = " · ".join(p for p in (format_day(notice.published_at) if notice.published_at else "",
                                      notice.group.name if notice.group else "",
                                      notice.area.label if notice.area else "") if p)
        excerpt = plain_text(notice.body or "")
        excerpt = excerpt[:120] + ("…" if len(excerpt) > 120 else "")
        slides.append({"id": f"notice-{notice.id}", "kind": "notice", "kind_label": _("お知らせ"),
                       "title": plain_text(notice.title),
                       "lines": [line for line in (plain_text(meta), excerpt) if line],
                       **_link("notice", notice.id, notice.link)})
    return slides


def signage_slides(options: SignageOptions, now: datetime | None = None) -> list[dict]:
    """Public upcoming events and current notices, interleaved so the screen alternates between them, or one
    kind after the other (order=events-first, notices-first)."""
    now = now or now_utc()
    events = _event_slides(options, now) if "events" in options.kinds else []
    notices = _notice_slides(options) if "notices" in options.kinds else []
    if options.order == "events-first":
        return events + notices
    if options.order == "notices-first":
        return notices + events
    slides = []
    for index in range(max(len(events), len(notices))):
        slides += [pair[index] for pair in (events, notices) if index < len(pair)]
    return slides


# --- urgent notices -------------------------------------------------------------------------------


def active_urgent_notices(area: Area | None = None, area_slug: str | None = None,
                          now: datetime | None = None) -> list[UrgentNotice]:
    """Whole-city notices, plus those for the area (given or by slug) or any area above it; one query."""
    now = now or now_utc()
    where_area = [UrgentNotice.area_id.is_(None)]
    if area is not None:
        where_area.append(UrgentNotice.area_id.in_(area.ancestor_ids))  # the path includes the area itself
    elif area_slug:
        place, above = aliased(Area), aliased(Area)
        where_area.append(UrgentNotice.area_id.in_(
            select(above.id).join(place, place.path.like(above.path + "%")).where(place.slug == area_slug)))
    return list(db.session.scalars(
        select(UrgentNotice).options(joinedload(UrgentNotice.area))
        .where(or_(*where_area), UrgentNotice.withdrawn_at.is_(None), UrgentNotice.starts_at <= now,
               UrgentNotice.ends_at > now)
        .order_by(UrgentNotice.created_at.desc(), UrgentNotice.id.desc())
    ))


def urgent_payload(notice: UrgentNotice) -> dict:
    from community.templating import format_day, format_time

    until = f"{format_day(notice.ends_at)} {format_time(notice.ends_at)}"
    easy = {"title": notice.easy_title, "body": notice.easy_body} if notice.easy_title else None
    return {"id": notice.id, "title": notice.title, "body": notice.body, "easy": easy,
            "area": notice.area.label if notice.area else _("市内全域"),
            "until": _("%(when)s まで", when=until)}


def raise_urgent_notice(data: dict, actor) -> UrgentNotice:
    """data: title, body, area_id (None for the whole city), ends_at (aware UTC); easy_title and easy_body, the
    やさしい日本語 version (optional)."""
    area_id = data.get("area_id")
    area = db.session.get(Area, area_id) if area_id else None
    if area is not None and area.parent_id is None:
        area = None  # the city itself is the whole city
    notice = UrgentNotice(title=plain_text(data["title"]).strip(), body=(data.get("body") or "").strip(),
                          easy_title=plain_text(data.get("easy_title") or "").strip(),
                          easy_body=plain_text(data.get("easy_body") or "").strip(),
                          area_id=area.id if area else None, starts_at=now_utc(), ends_at=data["ends_at"],
                          created_by_id=getattr(actor, "id", None))
    db.session.add(notice)
    db.session.flush()
    record(actor, "urgent_raise", kind=AUDIT_KIND, item_id=notice.id, title=notice.title,
           area=area.slug if area else None, until=notice.ends_at.isoformat())
    return notice


def withdraw_urgent_notice(notice: UrgentNotice, actor, reason: str = "") -> bool:
    """Ends the notice at once; False when it had already ended or been withdrawn."""
    now = now_utc()
    if notice.withdrawn_at is not None or notice.ends_at <= now:
        return False
    notice.withdrawn_at = now
    record(actor, "urgent_withdraw", reason, kind=AUDIT_KIND, item_id=notice.id, title=notice.title)
    return True


def urgent_notices_page(page: int, per_page: int = 20):
    return db.paginate(select(UrgentNotice).options(joinedload(UrgentNotice.area))
                       .order_by(UrgentNotice.created_at.desc(), UrgentNotice.id.desc()),
                       page=page, per_page=per_page, error_out=False)
