"""What an event's printable A4 flyer shows: everything bounded so the sheet stays one page, with a QR code of
the event's page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import func, select

from community.areas.services import ancestors
from community.events.models import Event, EventOccurrence
from community.events.services import upcoming_dates
from community.extensions import db
from community.qrcodes import public_url, qr_svg, short_url
from community.text import plain_text

FLYER_DATES = 3        # dates listed; a repeating event says how many more there are
EXCERPT_LENGTH = 240   # characters of the body
FIELD_LENGTH = 60      # characters of the time note, venue, address, fee, audience, organiser and contact each


@dataclass
class Flyer:
    dates: list[EventOccurrence]
    more_dates: int
    locator: str       # where, in words: 相模原市 › 緑区 › 橋本 (a map image cannot be printed from here)
    excerpt: str
    organiser: str
    url: str
    url_label: str
    qr: Markup
    title_size: str    # "normal", "long" or "longer": a long title is set smaller so the sheet stays one page
    field_length: int = FIELD_LENGTH


def shorten(text: str | None, length: int) -> str:
    """The first `length` characters of plain text, cut at the last sentence end inside them when there is one."""
    words = " ".join(plain_text(text or "").split())
    if len(words) <= length:
        return words
    cut = words[:length]
    stop = max(cut.rfind("。"), cut.rfind(". "), cut.rfind("！"), cut.rfind("？"))
    return (cut[: stop + 1] if stop >= length // 2 else cut.rstrip()) + "…"


def _count_dates(event: Event, now: datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(EventOccurrence).where(
        EventOccurrence.event_id == event.id, EventOccurrence.ends_at > now)) or 0


def event_flyer(event: Event, now: datetime) -> Flyer:
    dates = upcoming_dates(event, now, limit=FLYER_DATES + 1)
    places = [*ancestors(event.area), event.area] if event.area else []
    organiser = event.organizer or (event.group.name if event.group else "") or (
        event.community.name if event.community else "")
    url = public_url(event.link)
    title_length = len(event.title)
    return Flyer(
        dates=dates[:FLYER_DATES],
        more_dates=_count_dates(event, now) - FLYER_DATES if len(dates) > FLYER_DATES else 0,
        locator=" › ".join(area.label for area in places),
        excerpt=shorten(event.body_html or event.body, EXCERPT_LENGTH),
        organiser=shorten(organiser, FIELD_LENGTH),
        url=url, url_label=short_url(url),
        qr=qr_svg(url, _("QRコード: %(url)s", url=url)),
        title_size="normal" if title_length <= 40 else "long" if title_length <= 90 else "longer",
    )
