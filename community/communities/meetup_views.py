"""A community's meetups: the list, creating and editing one, cancelling, answering (RSVP) and who comes."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community import policy
from community.communities import bp, meetups
from community.communities.forms import RSVP_LABELS, MeetupForm, RsvpForm
from community.communities.models import RsvpAnswer
from community.communities.pages import community_content_or_404, require_signed_in
from community.communities.services import CommunityError
from community.extensions import db
from community.pages import act, form_page, permitted
from community.pagination import requested_page


@bp.route("/communities/<slug>/meetups")
def meetup_list(slug: str):
    community = community_content_or_404(slug)
    past = request.args.get("past") == "1"
    return render_template("communities/meetups.html", community=community, past=past,
                           page=meetups.meetups_page(community, past, requested_page()))


@bp.route("/communities/<slug>/meetups/new", methods=["GET", "POST"])
@login_required
def new_meetup(slug: str):
    community = permitted(community_content_or_404(slug), policy.can_manage_meetups)
    form = MeetupForm()
    if request.method == "GET" and community.area_id:
        form.area_id.data = community.area_id
    return form_page(form, lambda: meetups.create_meetup(community, form.to_data(), current_user),
                     "communities/meetup_form.html", community=community, meetup=None, saved=_("集まりを作りました。"),
                     then=meetups.meetup_link)


def _meetup(slug: str, event_id: int, rule=None):
    """The community and its meetup, if this user may see it (404 otherwise) and, given a rule, do what
    rule(current_user, community) allows (403 otherwise)."""
    community = community_content_or_404(slug)
    meetup = meetups.load_meetup(community, event_id)
    if meetup is None or not policy.can_view_meetup(current_user, meetup):
        abort(404)
    if rule is not None:
        policy.require(rule(current_user, community))
    return community, meetup


@bp.route("/communities/<slug>/meetups/<int:event_id>")
def meetup(slug: str, event_id: int):
    """A meetup's page inside its community (members of a closed community see it here; an open one's meetups
    also have their public /events/<id> page). The same template as any event, with the community panel."""
    from community.events.services import dates_page
    from community.pagination import page_number
    from community.timeutil import now_utc

    found = _meetup(slug, event_id)[1]
    dates = dates_page(found, now_utc(), page_number(request.args.get("dates_page")))
    return render_template("events/detail.html", event=found, dates=dates)


@bp.route("/communities/<slug>/meetups/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit_meetup(slug: str, event_id: int):
    community, meetup = _meetup(slug, event_id, policy.can_manage_meetups)
    form = MeetupForm(obj=meetup)
    if request.method == "GET":
        form.fill_from(meetup)
    return form_page(form, lambda: meetups.update_meetup(meetup, form.to_data(), current_user),
                     "communities/meetup_form.html", community=community, meetup=meetup,
                     refusals={CommunityError: "title"}, saved=_("集まりの内容を保存しました。"),
                     then=lambda _result: meetups.meetup_link(meetup))


@bp.route("/communities/<slug>/meetups/<int:event_id>/cancel", methods=["POST"])
@login_required
def cancel_meetup(slug: str, event_id: int):
    meetup = _meetup(slug, event_id, policy.can_manage_meetups)[1]
    return act(lambda: meetups.cancel_meetup(meetup, current_user), meetups.meetup_link(meetup),
               _("集まりを中止にしました。出欠を答えた人に知らせました。"), refusals=(CommunityError,))


@bp.route("/communities/<slug>/meetups/<int:event_id>/rsvp", methods=["POST"])
@login_required
def rsvp(slug: str, event_id: int):
    meetup = _meetup(slug, event_id, policy.can_post_in_community)[1]
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
            flash(_("出欠を「%(answer)s」にしました。", answer=RSVP_LABELS[RsvpAnswer(answer.answer)]), "success")
    return redirect(meetups.meetup_link(meetup))


@bp.route("/communities/<slug>/meetups/<int:event_id>/attendees")
def attendees(slug: str, event_id: int):
    community, meetup = _meetup(slug, event_id)
    require_signed_in()
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
