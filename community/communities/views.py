"""Community pages: the directory, a community's profile, membership, its board and its meetups."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community import policy
from community.areas.services import area_by_slug, area_tree, category_by_slug, ordered_categories
from community.communities import boards, meetups
from community.communities.forms import (
    RSVP_LABELS,
    CommunityForm,
    JoinRequestForm,
    MeetupForm,
    ReplyForm,
    RsvpForm,
    TopicForm,
)
from community.communities.models import CommunityRole, MembershipState
from community.communities.services import (
    SORTS,
    CommunityError,
    answer_request,
    community_by_slug,
    create_community,
    join,
    join_requests,
    leave,
    listed_communities,
    members_page,
    membership_in,
    membership_of,
    remove_member,
    set_role,
    update_community,
)
from community.content.models import Status
from community.extensions import db, login_manager
from community.images import ImageError, save_image
from community.pagination import requested_page
from community.posting import PostRefused

bp = Blueprint("communities", __name__)

MEMBER_ACTIONS = {"make-admin": CommunityRole.ADMIN, "make-moderator": CommunityRole.MODERATOR,
                  "make-member": CommunityRole.MEMBER}


# --- helpers ----------------------------------------------------------------------------------


def _community(slug: str):
    """The community when this user may know it exists (a hidden one is not there for the public)."""
    community = community_by_slug(slug)
    if community is None or not policy.can_view_community(current_user, community):
        abort(404)
    return community


def _community_content(slug: str):
    """The community when this user may see its topics and meetups; otherwise they are not there."""
    community = _community(slug)
    if not policy.can_view_community_content(current_user, community):
        abort(404)
    return community


def _require_signed_in():
    if not policy.is_signed_in(current_user):
        abort(login_manager.unauthorized())


def _joined_at(community):
    membership = membership_of(current_user, community)
    return membership.created_at if membership and membership.state == MembershipState.ACTIVE else None


def _posted_message(item) -> str:
    if item.status == Status.PENDING:
        return _("投稿しました。はじめての投稿のため、地域情報サポーターの確認後に公開されます。")
    return _("投稿しました。")


# --- the directory and a community's profile ---------------------------------------------------


@bp.route("/communities")
def index():
    errors = []
    area = area_by_slug(request.args.get("area"))
    if request.args.get("area") and area is None:
        errors.append(_("指定された地域が見つかりません。すべての地域を表示しています。"))
    category = category_by_slug(request.args.get("category"))
    if request.args.get("category") and category is None:
        errors.append(_("指定された分野が見つかりません。すべての分野を表示しています。"))
    sort = request.args.get("sort", "active")
    sort = sort if sort in SORTS else "active"
    page = listed_communities(area, category, sort, requested_page())
    return render_template("communities/index.html", page=page, area=area, category=category, sort=sort,
                           errors=errors, areas=area_tree(), categories=ordered_categories())


@bp.route("/communities/new", methods=["GET", "POST"])
@login_required
def new():
    policy.require(policy.can_create_community(current_user))
    form = CommunityForm()
    if form.validate_on_submit():
        try:
            icon = save_image(form.icon.data.stream) if form.icon.data else None
            community = create_community(form.to_data(), current_user, icon)
        except ImageError as error:
            form.icon.errors.append(str(error))
        except CommunityError as error:
            form.slug.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("コミュニティを作りました。あなたが管理者です。"), "success")
            return redirect(url_for("communities.detail", slug=community.slug))
    return render_template("communities/form.html", form=form, community=None), 400 if form.errors else 200


@bp.route("/communities/<slug>")
def detail(slug: str):
    community = _community(slug)
    return _render_detail(community, JoinRequestForm())


def _render_detail(community, join_form, status: int = 200):
    membership = membership_of(current_user, community)
    topics, unread, upcoming = [], set(), []
    if policy.can_view_community_content(current_user, community):
        topics = boards.latest_topics(community, current_user)
        joined = membership.created_at if membership and membership.state == MembershipState.ACTIVE else None
        unread = boards.unread_topic_ids(current_user, topics, joined)
        upcoming = meetups.upcoming_meetups(community)
    return render_template("communities/detail.html", community=community, membership=membership, topics=topics,
                           unread=unread, meetups=upcoming, join_form=join_form), status


@bp.route("/communities/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    community = _community(slug)
    policy.require(policy.can_manage_community(current_user, community))
    form = CommunityForm(obj=community)
    if form.validate_on_submit():
        try:
            icon = save_image(form.icon.data.stream) if form.icon.data else None
            update_community(community, form.to_data(), icon)
        except ImageError as error:
            form.icon.errors.append(str(error))
        except CommunityError as error:
            form.slug.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("コミュニティの情報を保存しました。"), "success")
            return redirect(url_for("communities.detail", slug=community.slug))
    return render_template("communities/form.html", form=form, community=community), 400 if form.errors else 200


# --- membership -------------------------------------------------------------------------------


@bp.route("/communities/<slug>/join", methods=["POST"])
@login_required
def join_community(slug: str):
    community = _community(slug)
    policy.require(policy.can_join_community(current_user, community)
                   or policy.is_community_member(current_user, community))
    form = JoinRequestForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _render_detail(community, form, 400)
    try:
        join(community, current_user, form.message.data or "")
    except CommunityError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        if community.is_closed:
            flash(_("参加を申請しました。管理者が承認すると参加できます。"), "success")
        else:
            flash(_("コミュニティに参加しました。"), "success")
    return redirect(url_for("communities.detail", slug=community.slug))


@bp.route("/communities/<slug>/leave", methods=["POST"])
@login_required
def leave_community(slug: str):
    community = _community(slug)
    try:
        leave(community, current_user)
    except CommunityError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("コミュニティから退会しました。"), "success")
    return redirect(url_for("communities.detail", slug=community.slug))


@bp.route("/communities/<slug>/members")
def members(slug: str):
    community = _community(slug)
    _require_signed_in()
    policy.require(policy.can_view_community_members(current_user, community))
    manages = policy.can_manage_community_members(current_user, community)
    page = members_page(community, requested_page())
    return render_template("communities/members.html", community=community, page=page,
                           requests=join_requests(community) if manages else [], manages=manages)


@bp.route("/communities/<slug>/requests/<int:membership_id>/<any(approve, decline):action>", methods=["POST"])
@login_required
def answer_join_request(slug: str, membership_id: int, action: str):
    community = _community(slug)
    policy.require(policy.can_manage_community_members(current_user, community))
    membership = membership_in(community, membership_id) or abort(404)
    try:
        answer_request(community, membership, action == "approve", current_user)
    except CommunityError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("参加を承認しました。") if action == "approve" else _("参加申請をお断りしました。"), "success")
    return redirect(url_for("communities.members", slug=community.slug))


@bp.route("/communities/<slug>/members/<int:membership_id>/"
          "<any('remove', 'make-admin', 'make-moderator', 'make-member'):action>", methods=["POST"])
@login_required
def member_action(slug: str, membership_id: int, action: str):
    community = _community(slug)
    policy.require(policy.can_manage_community_members(current_user, community))
    membership = membership_in(community, membership_id) or abort(404)
    try:
        if action == "remove":
            remove_member(community, membership, current_user)
            message = _("参加者を外しました。")
        else:
            set_role(community, membership, MEMBER_ACTIONS[action], current_user)
            message = _("役割を変更しました。")
    except CommunityError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(message, "success")
    if policy.can_manage_community_members(current_user, community):
        return redirect(url_for("communities.members", slug=community.slug))
    return redirect(url_for("communities.detail", slug=community.slug))


# --- the board --------------------------------------------------------------------------------


@bp.route("/communities/<slug>/topics")
def topics(slug: str):
    community = _community_content(slug)
    page = boards.topics_page(community, current_user, requested_page())
    unread = boards.unread_topic_ids(current_user, page.items, _joined_at(community))
    return render_template("communities/topics.html", community=community, page=page, unread=unread)


@bp.route("/communities/<slug>/topics/new", methods=["GET", "POST"])
@login_required
def new_topic(slug: str):
    community = _community_content(slug)
    policy.require(policy.can_post_in_community(current_user, community))
    form = TopicForm()
    if form.validate_on_submit():
        try:
            topic = boards.create_topic(community, form.data, current_user)
        except PostRefused as error:
            form.body.errors.append(str(error))
        else:
            db.session.commit()
            flash(_posted_message(topic), "success")
            return redirect(url_for("communities.topic", slug=community.slug, topic_id=topic.id))
    return render_template("communities/topic_form.html", form=form, community=community, topic=None), (
        400 if form.errors else 200)


def _topic(community, topic_id: int):
    topic = boards.load_topic(community, topic_id)
    if topic is None or not policy.can_view_post(current_user, topic):
        abort(404)
    return topic


@bp.route("/communities/<slug>/topics/<int:topic_id>")
def topic(slug: str, topic_id: int):
    community = _community_content(slug)
    return _render_topic(community, _topic(community, topic_id), ReplyForm())


def _render_topic(community, topic, form, status: int = 200):
    page = boards.replies_page(topic, current_user, requested_page())
    member = policy.is_community_member(current_user, community)
    seen = None
    if member:
        seen = boards.read_at(current_user, topic) or _joined_at(community)
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
    community = _community_content(slug)
    topic = _topic(community, topic_id)
    policy.require(policy.can_reply(current_user, topic))
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
            flash(_posted_message(new_reply), "success")
            return redirect(_reply_target(new_reply))
    return _render_topic(community, topic, form, 400)


@bp.route("/communities/<slug>/topics/<int:topic_id>/edit", methods=["GET", "POST"])
@login_required
def edit_topic(slug: str, topic_id: int):
    community = _community_content(slug)
    topic = _topic(community, topic_id)
    policy.require(policy.can_edit_post(current_user, topic))
    form = TopicForm(obj=topic)
    if form.validate_on_submit():
        try:
            boards.update_topic(topic, form.data, current_user)
        except PostRefused as error:
            form.body.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("トピックを編集しました。"), "success")
            return redirect(url_for("communities.topic", slug=community.slug, topic_id=topic.id))
    return render_template("communities/topic_form.html", form=form, community=community, topic=topic), (
        400 if form.errors else 200)


@bp.route("/communities/<slug>/topics/<int:topic_id>/delete", methods=["POST"])
@login_required
def delete_topic(slug: str, topic_id: int):
    community = _community_content(slug)
    topic = _topic(community, topic_id)
    policy.require(policy.can_delete_post(current_user, topic, community))
    boards.delete_topic(topic, current_user)
    db.session.commit()
    flash(_("トピックを削除しました。"), "success")
    return redirect(url_for("communities.topics", slug=community.slug))


@bp.route("/communities/<slug>/topics/<int:topic_id>/<any(pin, unpin, lock, unlock):action>", methods=["POST"])
@login_required
def topic_flag(slug: str, topic_id: int, action: str):
    community = _community_content(slug)
    topic = _topic(community, topic_id)
    policy.require(policy.can_moderate_community(current_user, community))
    boards.set_flag(topic, action, current_user)
    db.session.commit()
    messages = {"pin": _("トピックを固定しました。"), "unpin": _("固定を外しました。"),
                "lock": _("トピックをロックしました。返信はできなくなります。"), "unlock": _("ロックを外しました。")}
    flash(messages[action], "success")
    return redirect(url_for("communities.topic", slug=community.slug, topic_id=topic.id))


def _reply(community, reply_id: int):
    found = boards.load_reply(community, reply_id)
    if found is None or found.deleted_at is not None or not policy.can_view_post(current_user, found) \
            or not policy.can_view_post(current_user, found.topic):
        abort(404)
    return found


def _reply_target(reply) -> str:
    """The topic page that shows this reply to the current user, anchored at it."""
    page = boards.reply_page(reply, current_user)
    return url_for("communities.topic", slug=reply.topic.community.slug, topic_id=reply.topic_id,
                   page=page if page > 1 else None, _anchor=f"reply-{reply.id}")


@bp.route("/communities/<slug>/replies/<int:reply_id>")
def reply_link(slug: str, reply_id: int):
    """A reply's permanent link (notifications, search, moderation, profiles): the page of its topic that shows
    it. A deleted reply still leads to its place (it stays there as a placeholder)."""
    community = _community_content(slug)
    found = boards.load_reply(community, reply_id)
    if found is None or not policy.can_view_post(current_user, found) \
            or not policy.can_view_post(current_user, found.topic):
        abort(404)
    return redirect(_reply_target(found))


@bp.route("/communities/<slug>/replies/<int:reply_id>/edit", methods=["GET", "POST"])
@login_required
def edit_reply(slug: str, reply_id: int):
    community = _community_content(slug)
    found = _reply(community, reply_id)
    policy.require(policy.can_edit_post(current_user, found))
    form = ReplyForm(obj=found)
    if form.validate_on_submit():
        try:
            boards.update_reply(found, form.body.data, current_user)
        except PostRefused as error:
            form.body.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("返信を編集しました。"), "success")
            return redirect(boards.reply_link(found))
    return render_template("communities/reply_form.html", form=form, community=community, reply=found), (
        400 if form.errors else 200)


@bp.route("/communities/<slug>/replies/<int:reply_id>/delete", methods=["POST"])
@login_required
def delete_reply(slug: str, reply_id: int):
    community = _community_content(slug)
    found = _reply(community, reply_id)
    policy.require(policy.can_delete_post(current_user, found, community))
    boards.delete_reply(found, current_user)
    db.session.commit()
    flash(_("返信を削除しました。"), "success")
    return redirect(url_for("communities.topic", slug=community.slug, topic_id=found.topic_id))


# --- meetups ----------------------------------------------------------------------------------


@bp.route("/communities/<slug>/meetups")
def meetup_list(slug: str):
    community = _community_content(slug)
    past = request.args.get("past") == "1"
    return render_template("communities/meetups.html", community=community, past=past,
                           page=meetups.meetups_page(community, past, requested_page()))


@bp.route("/communities/<slug>/meetups/new", methods=["GET", "POST"])
@login_required
def new_meetup(slug: str):
    community = _community_content(slug)
    policy.require(policy.can_manage_meetups(current_user, community))
    form = MeetupForm()
    if request.method == "GET" and community.area_id:
        form.area_id.data = community.area_id
    if form.validate_on_submit():
        meetup = meetups.create_meetup(community, form.to_data(), current_user)
        db.session.commit()
        flash(_("集まりを作りました。"), "success")
        return redirect(meetups.meetup_link(meetup))
    return render_template("communities/meetup_form.html", form=form, community=community, meetup=None), (
        400 if form.errors else 200)


def _meetup(community, event_id: int):
    meetup = meetups.load_meetup(community, event_id)
    if meetup is None or not policy.can_view_meetup(current_user, meetup):
        abort(404)
    return meetup


@bp.route("/communities/<slug>/meetups/<int:event_id>")
def meetup(slug: str, event_id: int):
    """A meetup's page inside its community (members of a closed community see it here; an open one's meetups
    also have their public /events/<id> page). The same template as any event, with the community panel."""
    from community.events.services import upcoming_dates
    from community.timeutil import now_utc

    community = _community_content(slug)
    found = _meetup(community, event_id)
    return render_template("events/detail.html", event=found, dates=upcoming_dates(found, now_utc()))


@bp.route("/communities/<slug>/meetups/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit_meetup(slug: str, event_id: int):
    community = _community_content(slug)
    meetup = _meetup(community, event_id)
    policy.require(policy.can_manage_meetups(current_user, community))
    form = MeetupForm(obj=meetup)
    if request.method == "GET":
        form.fill_from(meetup)
    if form.validate_on_submit():
        try:
            meetups.update_meetup(meetup, form.to_data(), current_user)
        except CommunityError as error:
            form.title.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("集まりの内容を保存しました。"), "success")
            return redirect(meetups.meetup_link(meetup))
    return render_template("communities/meetup_form.html", form=form, community=community, meetup=meetup), (
        400 if form.errors else 200)


@bp.route("/communities/<slug>/meetups/<int:event_id>/cancel", methods=["POST"])
@login_required
def cancel_meetup(slug: str, event_id: int):
    community = _community_content(slug)
    meetup = _meetup(community, event_id)
    policy.require(policy.can_manage_meetups(current_user, community))
    try:
        meetups.cancel_meetup(meetup, current_user)
    except CommunityError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("集まりを中止にしました。出欠を答えた人に知らせました。"), "success")
    return redirect(meetups.meetup_link(meetup))


@bp.route("/communities/<slug>/meetups/<int:event_id>/rsvp", methods=["POST"])
@login_required
def rsvp(slug: str, event_id: int):
    community = _community_content(slug)
    meetup = _meetup(community, event_id)
    policy.require(policy.can_post_in_community(current_user, community))
    form = RsvpForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        answer = meetups.answer(meetup, current_user, form.answer.data)
    except CommunityError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        if answer.waitlisted:
            flash(_("定員に達しているため、キャンセル待ちになりました。空きが出ると自動で繰り上がり、お知らせします。"),
                  "info")
        else:
            flash(_("出欠を「%(answer)s」にしました。", answer=RSVP_LABELS[answer.answer]), "success")
    return redirect(meetups.meetup_link(meetup))


@bp.route("/communities/<slug>/meetups/<int:event_id>/attendees")
def attendees(slug: str, event_id: int):
    community = _community_content(slug)
    meetup = _meetup(community, event_id)
    _require_signed_in()
    policy.require(policy.can_view_community_members(current_user, community))
    return render_template("communities/attendees.html", community=community, meetup=meetup,
                           attendance=meetups.attendance(meetup))


@bp.app_template_global("meetup_panel")
def meetup_panel(event) -> dict:
    """What the event page of a meetup shows: the community, the user's answer, seats and who comes.

    The events domain renders meetups with its own detail page; this gives it the community side."""
    community = event.community
    member = policy.is_community_member(current_user, community)
    rsvp_row = meetups.rsvp_of(event, current_user) if member else None
    shows_people = policy.can_view_community_members(current_user, community)
    return {
        "community": community,
        "rsvp": rsvp_row,
        "position": meetups.waiting_position(event, rsvp_row),
        "taken": meetups.seats_taken(event),
        "can_rsvp": policy.can_rsvp(current_user, event),
        "can_manage": policy.can_manage_meetups(current_user, community),
        "attendance": meetups.attendance(event) if shows_people else None,
        "labels": RSVP_LABELS,
    }
