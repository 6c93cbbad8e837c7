"""A community's board: its topics, a topic with its replies, posting, editing, deleting, pins and locks."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community import policy
from community.communities import boards, bp
from community.communities.forms import ReplyForm, TopicForm
from community.communities.pages import community_content_or_404, joined_at, posted_message
from community.communities.services import CommunityError
from community.extensions import db
from community.pages import act, form_page, permitted
from community.pagination import requested_page
from community.posting import PostRefused

REFUSALS = {PostRefused: "body"}  # a post the limits refused says why under its text


@bp.route("/communities/<slug>/topics")
def topics(slug: str):
    community = community_content_or_404(slug)
    page = boards.topics_page(community, current_user, requested_page())
    unread = boards.unread_topic_ids(current_user, page.items, joined_at(community))
    return render_template("communities/topics.html", community=community, page=page, unread=unread)


@bp.route("/communities/<slug>/topics/new", methods=["GET", "POST"])
@login_required
def new_topic(slug: str):
    community = permitted(community_content_or_404(slug), policy.can_post_in_community)
    form = TopicForm()
    return form_page(form, lambda: boards.create_topic(community, form.data, current_user),
                     "communities/topic_form.html", community=community, topic=None, refusals=REFUSALS,
                     saved=posted_message, then=_topic_url)


def _topic(slug: str, topic_id: int):
    """The community and its topic, if this user may see it (404 otherwise)."""
    community = community_content_or_404(slug)
    topic = boards.load_topic(community, topic_id)
    if topic is None or not policy.can_view_topic(current_user, topic):
        abort(404)
    return community, topic


def _topic_url(topic) -> str:
    return url_for("communities.topic", slug=topic.community.slug, topic_id=topic.id)


@bp.route("/communities/<slug>/topics/<int:topic_id>")
def topic(slug: str, topic_id: int):
    community, shown = _topic(slug, topic_id)
    return _render_topic(community, shown, ReplyForm())


def _render_topic(community, topic, form, status: int = 200):
    page = boards.replies_page(topic, current_user, requested_page())
    member = policy.is_community_member(current_user, community)
    seen = None
    if member:
        seen = boards.read_at(current_user, topic) or joined_at(community)
        newest = max([topic.created_at, *(reply.created_at for reply in page.items)])
        boards.mark_read(current_user, topic, newest)
    first_new = next((r.id for r in page.items if seen is not None and r.created_at > seen
                      and r.author_id != current_user.id), None)
    html = render_template("communities/topic.html", community=community, topic=topic, page=page, form=form,
                           seen=seen, first_new=first_new)
    if member and status == 200:
        db.session.commit()  # after rendering: a commit expires what the page still reads
    return html, status


@bp.route("/communities/<slug>/topics/<int:topic_id>/replies", methods=["POST"])
@login_required
def reply(slug: str, topic_id: int):
    community, topic = _topic(slug, topic_id)
    permitted(topic, policy.can_reply)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            new_reply = boards.create_reply(topic, form.body.data, current_user)
        except PostRefused as error:
            form.body.errors.append(str(error))
        except CommunityError as error:
            form.body.errors.append(str(error))
            return _render_topic(community, topic, form, 403)
        else:
            db.session.commit()
            flash(posted_message(new_reply), "success")
            return redirect(_reply_target(new_reply))
    return _render_topic(community, topic, form, 400)


@bp.route("/communities/<slug>/topics/<int:topic_id>/edit", methods=["GET", "POST"])
@login_required
def edit_topic(slug: str, topic_id: int):
    community, topic = _topic(slug, topic_id)
    permitted(topic, policy.can_edit_post)
    form = TopicForm(obj=topic)
    return form_page(form, lambda: boards.update_topic(topic, form.data, current_user), "communities/topic_form.html",
                     community=community, topic=topic, refusals=REFUSALS, saved=_("トピックを編集しました。"),
                     then=_topic_url(topic))


@bp.route("/communities/<slug>/topics/<int:topic_id>/delete", methods=["POST"])
@login_required
def delete_topic(slug: str, topic_id: int):
    community, topic = _topic(slug, topic_id)
    permitted(topic, policy.can_delete_post, community)
    return act(lambda: boards.delete_topic(topic, current_user), url_for("communities.topics", slug=community.slug),
               _("トピックを削除しました。"))


@bp.route("/communities/<slug>/topics/<int:topic_id>/<any(pin, unpin, lock, unlock):action>", methods=["POST"])
@login_required
def topic_flag(slug: str, topic_id: int, action: str):
    community, topic = _topic(slug, topic_id)
    permitted(community, policy.can_moderate_community)
    messages = {"pin": _("トピックを固定しました。"), "unpin": _("固定を外しました。"),
                "lock": _("トピックをロックしました。返信はできなくなります。"), "unlock": _("ロックを外しました。")}
    return act(lambda: boards.set_flag(topic, action, current_user), _topic_url(topic), messages[action])


def _reply_in_sight(community, reply_id: int):
    """A reply in a topic this user may see, itself visible to them or deleted (its placeholder stays)."""
    found = boards.load_reply(community, reply_id)
    if found is None or not policy.can_view_post(current_user, found) or not policy.can_view_topic(current_user,
                                                                                                   found.topic):
        abort(404)
    return found


def _reply(slug: str, reply_id: int):
    """The community and its reply, if this user may see it and it is not deleted (404 otherwise)."""
    community = community_content_or_404(slug)
    found = _reply_in_sight(community, reply_id)
    if found.deleted_at is not None:
        abort(404)
    return community, found


def _reply_target(reply) -> str:
    """The topic page that shows this reply to the current user, anchored at it."""
    page = boards.reply_page(reply, current_user)
    return url_for("communities.topic", slug=reply.topic.community.slug, topic_id=reply.topic_id,
                   page=page if page > 1 else None, _anchor=f"reply-{reply.id}")


@bp.route("/communities/<slug>/replies/<int:reply_id>")
def reply_link(slug: str, reply_id: int):
    """A reply's permanent link (notifications, search, moderation, profiles): the page of its topic that shows
    it. A deleted reply still leads to its place (it stays there as a placeholder)."""
    return redirect(_reply_target(_reply_in_sight(community_content_or_404(slug), reply_id)))


@bp.route("/communities/<slug>/replies/<int:reply_id>/edit", methods=["GET", "POST"])
@login_required
def edit_reply(slug: str, reply_id: int):
    community, found = _reply(slug, reply_id)
    permitted(found, policy.can_edit_post)
    form = ReplyForm(obj=found)
    return form_page(form, lambda: boards.update_reply(found, form.body.data, current_user),
                     "communities/reply_form.html", community=community, reply=found, refusals=REFUSALS,
                     saved=_("返信を編集しました。"), then=boards.reply_link(found))


@bp.route("/communities/<slug>/replies/<int:reply_id>/delete", methods=["POST"])
@login_required
def delete_reply(slug: str, reply_id: int):
    community, found = _reply(slug, reply_id)
    permitted(found, policy.can_delete_post, community)
    return act(lambda: boards.delete_reply(found, current_user), _topic_url(found.topic), _("返信を削除しました。"))
