"""The local dictionary (shipped names, the areas' own よみがな, admins' entries) and admins' changes to it."""

from __future__ import annotations

import functools

from flask import g
from flask_babel import gettext as _
from sqlalchemy import select

from community.areas.models import Area
from community.extensions import db
from community.furigana.models import LocalReading
from community.furigana.names import SHIPPED_READINGS
from community.furigana.readings import KANJI, LocalDictionary, is_reading, to_hiragana
from community.moderation.audit import record


class ReadingError(ValueError):
    """Why an entry was refused (nothing was written); `field` names the form field the message belongs to."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def area_readings() -> dict[str, str]:
    """Each area's name (and its name without 市/区: 相模原) read as its よみがな says."""
    readings: dict[str, str] = {}
    for name, kana in db.session.execute(select(Area.name, Area.name_kana).where(Area.name_kana != "")):
        kana = to_hiragana(kana.strip())
        if is_reading(kana):
            readings[name] = kana
            if name[-1:] in "市区" and kana[-1:] in "しく" and len(name) > 2:
                readings.setdefault(name[:-1], kana[:-1])
    return readings


ENTRIES_PER_PAGE = 100


def admin_entries(page: int):
    """One page of the admins' entries, by how they are written."""
    return db.paginate(select(LocalReading).order_by(LocalReading.surface, LocalReading.id), page=page,
                       per_page=ENTRIES_PER_PAGE, error_out=False)


@functools.lru_cache(maxsize=8)
def _dictionary(entries: tuple[tuple[str, str], ...]) -> LocalDictionary:
    return LocalDictionary(dict(entries))


def dictionary() -> LocalDictionary:
    """The dictionary for this request (two small queries, once per request): the shipped names, then the areas'
    よみがな, then the admins' entries, each winning over the one before."""
    if "local_dictionary" not in g:
        entries = {**SHIPPED_READINGS, **area_readings(),
                   **{surface: reading for surface, reading in db.session.execute(
                      select(LocalReading.surface, LocalReading.reading))}}
        g.local_dictionary = _dictionary(tuple(sorted(entries.items())))
    return g.local_dictionary


def save_reading(actor, surface: str, reading: str) -> LocalReading:
    """Adds a local name or gives a listed one a new reading (recorded in the audit log)."""
    surface, reading = surface.strip(), to_hiragana(reading.strip())
    if not KANJI.search(surface):
        raise ReadingError(_("漢字を含む語を入力してください。"), "surface")
    if not is_reading(reading):
        raise ReadingError(_("読みはひらがなで入力してください。"), "reading")
    entry = db.session.scalar(select(LocalReading).where(LocalReading.surface == surface))
    if entry is None:
        entry = LocalReading(surface=surface, reading=reading)
        db.session.add(entry)
    entry.reading = reading
    db.session.flush()
    record(actor, "local_reading_save", kind="local_reading", item_id=entry.id, surface=surface, reading=reading)
    return entry


def remove_reading(actor, entry: LocalReading) -> None:
    record(actor, "local_reading_remove", kind="local_reading", item_id=entry.id, surface=entry.surface,
           reading=entry.reading)
    db.session.delete(entry)
    db.session.flush()
