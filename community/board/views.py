"""board pages: /board (the regional message board 地域伝言板), its threads, replies and their actions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community import policy
from community.areas.services import area_tree
from community.board import services
from community.board.forms import KIND_LABELS, ReplyForm, ThreadEditForm, ThreadForm
from community.board.models import BoardThread
from community.extensions import db
from community.pages import act, form_page, permitted
from community.pagination import requested_page
from community.posting import PostRefused

bp = Blueprint("board", __name__)

REFUSALS = {services.BoardError: "title", PostRefused: "body"}  # which field says why a post was refused


@bp.app_context_processor
def board_labels():
    """Kind names and the closed test for every board template (and for other domains' lists)."""
    return {"board_kind_labels": KIND_LABELS, "board_is_closed": services.is_closed}


def _visible_thread(thread_id: int) -> BoardThread:
    """404 for a thread that is deleted or that this user may not know about."""
    thread = services.load_thread(thread_id)
    if thread is None or not policy.can_view_board_thread(current_user, thread):
        abort(404)
    return thread


def _visible_reply(reply_id: int):
    """A reply in a thread this user may see, visible to them itself or deleted (its placeholder stays)."""
    reply = services.load_reply(reply_id)
    if (reply is None or not policy.can_view_board_thread(current_user, reply.thread)
            or not policy.can_view_post(current_user, reply)):
        abort(404)
    return reply


def _thread_page(thread: BoardThread, form: ReplyForm, status: int = 200):
    page = services.thread_replies(current_user, thread, requested_page())
    return render_template("board/thread.html", thread=thread, replies=page, form=form,
                           refusal=services.reply_refusal(thread)), status


@bp.route("/board")
def index():
    filters = services.parse_filters(request.args)
    page = services.listed_threads(current_user, filters)
    return render_template("board/index.html", page=page, filters=filters, areas=area_tree())


@bp.route("/board/new", methods=["GET", "POST"])
@login_required
def new():
    policy.require(policy.can_post_on_board(current_user))
    form = ThreadForm()
    if request.method == "GET" and request.args.get("kind") in KIND_LABELS:
        form.kind.data = request.args["kind"]
    return form_page(form, lambda: services.create_thread(current_user, form.to_data()), "board/form.html",
                     thread=None, refusals=REFUSALS, then=lambda thread: url_for("board.thread", thread_id=thread.id),
                     saved=lambda thread: _("伝言板に投稿しました。") if thread.status == "published"
                     else _("投稿を受け付けました。地域情報サポーターの確認後に公開されます。"))


@bp.route("/board/<int:thread_id>")
def thread(thread_id: int):
    return _thread_page(_visible_thread(thread_id), ReplyForm())


@bp.route("/board/<int:thread_id>/reply", methods=["POST"])
@login_required
def reply_to(thread_id: int):
    thread = permitted(_visible_thread(thread_id), policy.can_reply)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            reply = services.add_reply(thread, current_user, form.body.data)
        except (services.BoardError, PostRefused) as error:
            form.body.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("返信しました。") if reply.status == "published"
                  else _("返信を受け付けました。地域情報サポーターの確認後に公開されます。"), "success")
            return redirect(url_for("board.reply", reply_id=reply.id))
    return _thread_page(thread, form, 400)


@bp.route("/board/<int:thread_id>/edit", methods=["GET", "POST"])
@login_required
def edit(thread_id: int):
    thread = permitted(_visible_thread(thread_id), policy.can_edit_post)
    form = ThreadEditForm(obj=thread)
    return form_page(form, lambda: services.update_thread(thread, form.to_data(), current_user), "board/form.html",
                     thread=thread, refusals=REFUSALS, saved=_("投稿を編集しました。"),
                     then=url_for("board.thread", thread_id=thread.id))


@bp.route("/board/<int:thread_id>/close", methods=["POST"])
@login_required
def close(thread_id: int):
    thread = permitted(_visible_thread(thread_id), policy.can_close_board_thread)
    return act(lambda: services.close_thread(thread), url_for("board.thread", thread_id=thread.id),
               _("投稿を終了しました。これ以上返信はつきません。"), refusals=(services.BoardError,))


@bp.route("/board/<int:thread_id>/delete", methods=["POST"])
@login_required
def delete(thread_id: int):
    thread = permitted(_visible_thread(thread_id), policy.can_delete_post)
    return act(lambda: services.delete_thread(thread, current_user), url_for("board.index"), _("投稿を削除しました。"))


@bp.route("/board/replies/<int:reply_id>")
def reply(reply_id: int):
    """A reply's permanent link: the page of its thread that shows it."""
    reply = _visible_reply(reply_id)
    page = services.reply_page(current_user, reply)
    target = url_for("board.thread", thread_id=reply.thread_id, page=page if page > 1 else None)
    return redirect(f"{target}#reply-{reply.id}")


@bp.route("/board/replies/<int:reply_id>/edit", methods=["GET", "POST"])
@login_required
def edit_reply(reply_id: int):
    reply = permitted(_visible_reply(reply_id), policy.can_edit_post)
    form = ReplyForm(obj=reply)
    return form_page(form, lambda: services.update_reply(reply, form.body.data, current_user), "board/reply_form.html",
                     reply=reply, refusals={PostRefused: "body"}, saved=_("返信を編集しました。"),
                     then=url_for("board.reply", reply_id=reply.id))


@bp.route("/board/replies/<int:reply_id>/delete", methods=["POST"])
@login_required
def delete_reply(reply_id: int):
    reply = permitted(_visible_reply(reply_id), policy.can_delete_post)
    return act(lambda: services.delete_reply(reply, current_user), url_for("board.reply", reply_id=reply.id),
               _("返信を削除しました。"))
