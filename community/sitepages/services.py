"""The site pages: the version in force (or the shipped Markdown default), saving a new version, its history,
and the terms consent members give at registration and again after a material change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from importlib import resources
from string import Template

from flask import current_app, g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from community.db import utcnow
from community.extensions import db
from community.mail.delivery import KEEP_SENT
from community.moderation.audit import record
from community.sitepages.models import PAGE_SLUGS, SitePageVersion
from community.text import render_markdown

TITLES = {
    "about": _l("このサイトについて"),
    "terms": _l("利用規約"),
    "privacy": _l("個人情報の取扱い"),
    "accessibility": _l("アクセシビリティ方針"),
    "help": _l("使い方"),
}
SLUGS = PAGE_SLUGS

CONTACT_KEEP_DAYS = 365  # handled contact messages are deleted this long after they were handled


class SitePageError(ValueError):
    """Why a page could not be saved; nothing was written."""


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    body: str  # Markdown
    html: str  # sanitised
    version: int  # 0: the shipped default
    updated_at: datetime | None = None
    material: bool = False


def figures() -> dict[str, str]:
    """The numbers the shipped privacy text quotes, read from the configuration and the code that enforces them."""
    config = current_app.config

    def days(value) -> int:
        seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
        return round(seconds / 86400)

    return {
        "site_name": config["SITE_NAME"],
        "remember_days": str(days(config["REMEMBER_COOKIE_DURATION"])),
        "reset_hours": str(round(float(config["PASSWORD_RESET_MAX_AGE"]) / 3600)),
        "mail_keep_days": str(KEEP_SENT.days),
        "contact_keep_days": str(CONTACT_KEEP_DAYS),
        "text_size_days": "365",
    }


@lru_cache(maxsize=16)
def _default_source(slug: str) -> str:
    return resources.files("community.sitepages").joinpath("defaults", f"{slug}.md").read_text(encoding="utf-8")


def default_body(slug: str) -> str:
    """The shipped Markdown, with the site's real figures filled in."""
    return Template(_default_source(slug)).safe_substitute(figures())


@lru_cache(maxsize=64)
def _rendered(source: str) -> str:
    return render_markdown(source)


def current_page(slug: str) -> Page:
    """The newest saved version of the page, or the shipped default while none was saved (one query)."""
    saved = db.session.scalar(select(SitePageVersion).where(SitePageVersion.slug == slug)
                              .order_by(SitePageVersion.version.desc()).limit(1))
    if saved is not None:
        return page_of(saved)
    body = default_body(slug)
    return Page(slug, str(TITLES[slug]), body, _rendered(body), 0)


def page_of(saved: SitePageVersion) -> Page:
    return Page(saved.slug, saved.title, saved.body, saved.body_html, saved.version, saved.created_at, saved.material)


def save_version(actor, slug: str, title: str, body: str, note: str = "", material: bool = False) -> SitePageVersion:
    """A new version of the page (the earlier ones stay), sanitised on the way in and recorded in the audit log."""
    latest = db.session.scalar(select(func.max(SitePageVersion.version)).where(SitePageVersion.slug == slug)) or 0
    version = SitePageVersion(slug=slug, version=latest + 1, title=title.strip(), body=body,
                              body_html=render_markdown(body), note=(note or "").strip(),
                              material=bool(material) and slug == "terms", author_id=actor.id)
    db.session.add(version)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise SitePageError(_("ほかの管理者が同じページを同時に保存しました。"
                              "内容を確かめてから、もう一度保存してください。")) from error
    record(actor, "sitepage_update", kind="sitepage", item_id=version.id, slug=slug, version=version.version,
           material=version.material)
    if slug == "terms":
        forget_terms_versions()
    return version


def history_page(slug: str, page: int, per_page: int = 20):
    query = (select(SitePageVersion).options(joinedload(SitePageVersion.author))
             .where(SitePageVersion.slug == slug).order_by(SitePageVersion.version.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def saved_version(slug: str, number: int) -> SitePageVersion | None:
    return db.session.scalar(select(SitePageVersion).options(joinedload(SitePageVersion.author))
                             .where(SitePageVersion.slug == slug, SitePageVersion.version == number))


def latest_versions() -> dict[str, SitePageVersion]:
    """The newest saved version of every page that has one (one query), for the admin list."""
    newest = (select(SitePageVersion.slug, func.max(SitePageVersion.version).label("version"))
              .group_by(SitePageVersion.slug).subquery())
    rows = db.session.scalars(select(SitePageVersion).options(joinedload(SitePageVersion.author)).join(
        newest, (newest.c.slug == SitePageVersion.slug) & (newest.c.version == SitePageVersion.version))).all()
    return {row.slug: row for row in rows}


# --- terms consent -------------------------------------------------------------------------------


def _terms_versions() -> tuple[int, int]:
    """(the terms version in force, the newest version marked as a material change), 0 when none: one small query
    on the (slug, version) index, once per request (every signed-in request asks), so that a change saved on any
    host asks members at once."""
    if "terms_versions" not in g:
        material = select(func.max(SitePageVersion.version)).where(
            SitePageVersion.slug == "terms", SitePageVersion.material.is_(True)).scalar_subquery()
        latest, required = db.session.execute(select(func.max(SitePageVersion.version), material)
                                              .where(SitePageVersion.slug == "terms")).one()
        g.terms_versions = (latest or 0, required or 0)
    return g.terms_versions


def forget_terms_versions() -> None:
    g.pop("terms_versions", None)


def needs_terms_consent(user) -> bool:
    """A signed-in member who has not agreed to the newest material change of the terms (an account from before
    consent was recorded counts as having agreed to the shipped text, version 0)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (user.terms_version or 0) < _terms_versions()[1]


def record_terms_consent(user) -> None:
    """The member agreed to the terms in force now."""
    user.terms_version = _terms_versions()[0]
    user.terms_accepted_at = utcnow()
