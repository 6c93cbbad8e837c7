"""Shared state changes for published items: saving with history, publishing, withdrawing."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select

from community.content.models import ContentVersion, Status
from community.db import utcnow
from community.extensions import db
from community.text import render_markdown

# How the history page names each column; a column not named here is not shown.
FIELD_LABELS = {
    "title": _l("タイトル"), "name": _l("名称"), "name_kana": _l("名称（よみがな）"), "body": _l("本文"),
    "status": _l("状態"), "starts_at": _l("開始"), "ends_at": _l("終了"), "all_day": _l("終日"),
    "rrule": _l("繰り返し"), "exdates": _l("休みの日"), "venue_name": _l("会場"), "address": _l("住所"),
    "latitude": _l("緯度"), "longitude": _l("経度"), "fee": _l("参加費"),
    "capacity": _l("定員"), "how_to_apply": _l("申込方法"), "contact": _l("問い合わせ先"), "url": _l("関連URL"),
    "opening_hours": _l("営業時間・開館時間"), "holidays": _l("定休日・休館日"), "phone": _l("電話番号"),
    "website": _l("ウェブサイト"), "barrier_free": _l("バリアフリー情報"), "tags": _l("特徴"),
    "last_confirmed": _l("情報の最終確認日"), "publish_from": _l("掲載開始日"), "publish_until": _l("掲載終了日"),
    "image_alt": _l("画像の説明（代替テキスト）"),
    "easy_title": _l("やさしい日本語のタイトル"), "easy_body": _l("やさしい日本語の本文"),
}

# Columns that say nothing about what the group wrote: left out of the history.
_SKIP = {"id", "created_at", "updated_at", "body_html", "easy_body_html"}


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


def publish_item(item, group) -> Status:
    item.status = status_for_publishing(group)
    if item.status == Status.PUBLISHED and item.published_at is None:
        item.published_at = utcnow()
    return item.status


def withdraw(item, actor) -> None:
    """The group takes the item back to a draft; it stays editable and can be published again."""
    record_version(item, actor)
    item.status = Status.DRAFT


def save_item(model, fields: tuple[str, ...], item, group, data: dict, actor, publish: bool):
    """Creates or edits an item of a simple type, keeping the previous version."""
    if item is None:
        item = model(group_id=group.id, author_id=getattr(actor, "id", None))
        db.session.add(item)
    else:
        record_version(item, actor)
    for key in fields:
        if key in data:
            setattr(item, key, _plain(data[key]))
    set_body(item, data.get("body", item.body))
    if publish:
        publish_item(item, group)
    elif item.status != "published":
        item.status = "draft"
    db.session.flush()
    return item


def _plain(value):
    """Every text field but the Markdown body is plain text: tags are stripped on the way in (STYLE 11)."""
    from community.text import plain_text

    if isinstance(value, str):
        return plain_text(value).strip()
    if isinstance(value, list):
        return [plain_text(v).strip() if isinstance(v, str) else v for v in value]
    return value

