"""Shared state changes for published items: saving with history, publishing, withdrawing."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import inspect, select

from community.content.models import ContentVersion, Status
from community.db import utcnow
from community.extensions import db
from community.text import render_markdown

# Columns that say nothing about what the group wrote: left out of the history.
_SKIP = {"id", "created_at", "updated_at", "body_html"}


def snapshot(item) -> dict:
    """The item's own columns as JSON-ready values."""
    data = {}
    for column in inspect(item).mapper.column_attrs:
        key = column.key
        if key in _SKIP:
            continue
        value = getattr(item, key)
        if isinstance(value, datetime | date):
            value = value.isoformat()
        data[key] = value
    return data


def record_version(item, actor) -> None:
    """Keeps the state before this edit, with who made the edit and when."""
    db.session.add(ContentVersion(item_kind=item.KIND, item_id=item.id, data=snapshot(item),
                                  edited_by_id=getattr(actor, "id", None)))


def versions_of(item) -> list[ContentVersion]:
    from sqlalchemy.orm import joinedload

    return list(db.session.scalars(
        select(ContentVersion).options(joinedload(ContentVersion.edited_by))
        .where(ContentVersion.item_kind == item.KIND, ContentVersion.item_id == item.id)
        .order_by(ContentVersion.created_at.desc(), ContentVersion.id.desc())
    ))


def set_body(item, markdown_source: str) -> None:
    item.body = markdown_source or ""
    item.body_html = render_markdown(item.body)


def status_for_publishing(group) -> Status:
    """Verified groups go live at once; the others wait in the review queue."""
    return Status.PUBLISHED if group.verified else Status.PENDING


def publish(item, group) -> Status:
    item.status = status_for_publishing(group)
    if item.status == Status.PUBLISHED and item.published_at is None:
        item.published_at = utcnow()
    return item.status


def withdraw(item, actor) -> None:
    """The group takes the item back to a draft; it stays editable and can be published again."""
    record_version(item, actor)
    item.status = Status.DRAFT
