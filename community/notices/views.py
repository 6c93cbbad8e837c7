"""Notice pages: /notices, /notices/<id> and the shared editing pages."""

from flask import Blueprint, render_template, request

from community.content.editing import ItemEditing
from community.content.filters import parse_filters
from community.content.listing import listed_items
from community.content.pages import render_listing, viewable_or_404
from community.notices.forms import NoticeForm
from community.notices.models import Notice
from community.notices.services import load_notice, save_notice

bp = Blueprint("notices", __name__)

ItemEditing(form_class=NoticeForm, save=save_notice, load=load_notice, url_prefix="/notices", id_arg="notice_id",
            template="notices/form.html").register(bp)


@bp.route("/notices")
def index():
    filters = parse_filters(request.args)
    page = listed_items(Notice, filters, order=(Notice.published_at.desc(), Notice.id.desc()))
    return render_listing("notices/index.html", page, filters)


@bp.route("/notices/<int:notice_id>")
def detail(notice_id: int):
    return render_template("notices/detail.html", notice=viewable_or_404(load_notice(notice_id)))
