"""Notice pages: /notices, /notices/<id> (?yasashii=1: its やさしい日本語 version) and their editing pages."""

from flask import Blueprint, request

from community.content.listing import listed_items
from community.content.pages import ItemPages
from community.notices.forms import NoticeForm
from community.notices.models import Notice
from community.notices.services import load_notice, save_notice

bp = Blueprint("notices", __name__)


def _detail_context(notice: Notice) -> dict:
    """The やさしい日本語 version is shown when the visitor asks for it and the notice has one."""
    return {"easy": notice.has_easy_version and request.args.get("yasashii") == "1"}


ItemPages(kind="notice", load=load_notice, form_class=NoticeForm, save=save_notice,
          listing=lambda filters: listed_items(Notice, filters, order=(Notice.published_at.desc(), Notice.id.desc())),
          detail_context=_detail_context,
          ).register(bp)
