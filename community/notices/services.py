"""Notice state changes and queries."""

from __future__ import annotations

from community.content.listing import load_item
from community.content.services import save_item
from community.extensions import db
from community.notices.models import Notice
from community.text import render_markdown

NOTICE_FIELDS = ("title", "area_id", "category_id", "publish_from", "publish_until", "image", "image_alt",
                 "easy_title")


def save_notice(notice: Notice | None, group, data: dict, actor, publish: bool) -> Notice:
    notice = save_item(Notice, NOTICE_FIELDS, notice, group, data, actor, publish)
    if "easy_body" in data:
        set_easy_body(notice, data["easy_body"])
        db.session.flush()
    return notice


def set_easy_body(notice: Notice, markdown_source: str) -> None:
    """The やさしい日本語 body is Markdown like the body, cleaned on the way in."""
    notice.easy_body = markdown_source or ""
    notice.easy_body_html = render_markdown(notice.easy_body)


def load_notice(notice_id: int) -> Notice | None:
    return load_item(Notice, notice_id)
