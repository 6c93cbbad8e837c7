"""Notice state changes and queries."""

from __future__ import annotations

from community.content.listing import load_item
from community.content.services import save_item
from community.notices.models import Notice

NOTICE_FIELDS = ("title", "area_id", "category_id", "publish_from", "publish_until", "image", "image_alt")


def save_notice(notice: Notice | None, group, data: dict, actor, publish: bool) -> Notice:
    return save_item(Notice, NOTICE_FIELDS, notice, group, data, actor, publish)


def load_notice(notice_id: int) -> Notice | None:
    return load_item(Notice, notice_id)
