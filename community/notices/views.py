"""Notice pages: /notices, /notices/<id> and their editing pages."""

from flask import Blueprint

from community.content.listing import listed_items
from community.content.pages import ItemPages
from community.notices.forms import NoticeForm
from community.notices.models import Notice
from community.notices.services import load_notice, save_notice

bp = Blueprint("notices", __name__)

ItemPages(kind="notice", load=load_notice, form_class=NoticeForm, save=save_notice,
          listing=lambda filters: listed_items(Notice, filters, order=(Notice.published_at.desc(), Notice.id.desc())),
          ).register(bp)
