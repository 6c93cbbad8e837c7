"""My page: the personal stream, follows, bookmarks, own posts, settings, personal feeds, unsubscribing."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community import policy
from community.extensions import csrf, db
from community.feeds.builders import atom_feed, calendar_document
from community.items import link_of, load, title_of
from community.me.forms import ActionForm, DigestForm
from community.me.models import FOLLOW_KINDS
from community.me.services import (
    BOOKMARK_KINDS,
    bookmark,
    bookmarked_state,
    follow,
    follow_target,
    following_state,
    regenerate_feed_token,
    set_digest_frequency,
    unbookmark,
    unfollow,
    user_by_feed_token,
    user_from_unsubscribe_token,
)
from community.me.stream import (
    bookmarks_page,
    follow_counts,
    follows_page,
    own_posts,
    personal_calendar_events,
    personal_stream,
    upcoming_events,
)
from community.pagination import requested_page
from community.security import safe_next_url
from community.text import plain_text
from community.timeutil import now_utc

bp = Blueprint("me", __name__)

FEED_SIZE = 50
ATOM = "application/atom+xml; charset=utf-8"
ICS = "text/calendar; charset=utf-8"


def _back(default: str = "me.index"):
    return redirect(safe_next_url(request.form.get("next"), default))


def _saved(message: str):
    """Commits a follow or bookmark change, says so, and returns to the page the button was on."""
    db.session.commit()
    flash(message, "success")
    return _back()


@bp.app_context_processor
def me_helpers():
    """For item, area, group and community pages: whether the viewer follows or keeps what they show."""

    def is_following(kind: str, target_id: int) -> bool:
        return target_id in following_state(current_user, kind, [target_id])

    def is_bookmarked(kind: str, item_id: int) -> bool:
        return item_id in bookmarked_state(current_user, kind, [item_id])

    return {"is_following": is_following, "is_bookmarked": is_bookmarked}


# --- pages ----------------------------------------------------------------------------------------


@bp.route("/me")
@login_required
def index():
    stream = personal_stream(current_user, page=requested_page())
    return render_template(
        "me/index.html", stream=stream, counts=follow_counts(current_user),
        upcoming=upcoming_events(current_user, now_utc()),
        bookmarks=bookmarks_page(current_user, per_page=5), posts=own_posts(current_user, per_page=5),
    )


@bp.route("/me/following")
@login_required
def following():
    return render_template("me/following.html", follows=follows_page(current_user, page=requested_page()))


@bp.route("/me/bookmarks")
@login_required
def bookmarks():
    return render_template("me/bookmarks.html", bookmarks=bookmarks_page(current_user, page=requested_page()))


@bp.route("/me/posts")
@login_required
def posts():
    return render_template("me/posts.html", posts=own_posts(current_user, page=requested_page()))


@bp.route("/me/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = DigestForm(digest_frequency=current_user.digest_frequency)
    if form.validate_on_submit():
        set_digest_frequency(current_user, form.digest_frequency.data)
        db.session.commit()
        flash(_("メールの設定を保存しました。"), "success")
        return redirect(url_for("me.settings"))
    return render_template("me/settings.html", form=form, action_form=ActionForm()), 400 if form.errors else 200


@bp.route("/me/feed-token", methods=["POST"])
@login_required
def feed_token():
    had_token = bool(current_user.feed_token)
    regenerate_feed_token(current_user)
    db.session.commit()
    flash(_("フィードのURLを新しくしました。前のURLは使えなくなりました。") if had_token
          else _("フィードのURLを発行しました。"), "success")
    return redirect(url_for("me.settings") + "#feeds")


# --- follow and bookmark buttons ------------------------------------------------------------------


@bp.route("/me/follow/<kind>/<int:target_id>", methods=["POST"], endpoint="follow_view", defaults={"on": True})
@bp.route("/me/unfollow/<kind>/<int:target_id>", methods=["POST"], endpoint="unfollow_view", defaults={"on": False})
@login_required
def follow_view(kind: str, target_id: int, on: bool):
    if kind not in FOLLOW_KINDS:
        abort(404)
    if not on:
        unfollow(current_user, kind, target_id)
        return _saved(_("フォローをやめました。"))
    target = follow_target(kind, target_id)
    if target is None or not policy.can_follow_target(current_user, kind, target):
        abort(404)
    follow(current_user, kind, target)
    return _saved(_("フォローしました。マイページに新着が表示されます。"))


@bp.route("/me/bookmark/<kind>/<int:item_id>", methods=["POST"], endpoint="bookmark_view", defaults={"on": True})
@bp.route("/me/unbookmark/<kind>/<int:item_id>", methods=["POST"], endpoint="unbookmark_view", defaults={"on": False})
@login_required
def bookmark_view(kind: str, item_id: int, on: bool):
    if kind not in BOOKMARK_KINDS:
        abort(404)
    if not on:
        unbookmark(current_user, kind, item_id)
        return _saved(_("保存を解除しました。"))
    item = load(kind, item_id)
    if item is None or not policy.can_bookmark(current_user, item):
        abort(404)
    bookmark(current_user, item)
    return _saved(_("保存しました。マイページの「保存した項目」から見られます。"))


# --- personal feeds (no login: the secret token is the key) ----------------------------------------


def _feed_user(user_id: int, token: str):
    return user_by_feed_token(user_id, token) or abort(404)


def _feed_headers() -> dict:
    return {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"}


@bp.route("/me/feed/<int:user_id>/<token>.atom")
def feed_atom(user_id: int, token: str):
    from community.templating import event_span

    user = _feed_user(user_id, token)
    stream = personal_stream(user, page=1, per_page=FEED_SIZE)
    root = request.host_url.rstrip("/")
    entries = []
    for entry in stream.items:
        item = entry.item
        if entry.kind == "event":
            summary = event_span(item.starts_at, item.ends_at, item.all_day)
        elif entry.kind == "shop":
            summary = item.address
        elif entry.kind == "topic":
            summary = item.community.name
        else:
            summary = plain_text(item.body)[:200]
        entries.append({"link": root + link_of(item), "title": plain_text(title_of(item)), "updated": entry.at,
                        "summary": plain_text(summary or "")})
    body = atom_feed(_("%(name)s さんのフォロー中の新着", name=user.display_name), request.base_url,
                     url_for("me.index", _external=True), entries)
    return Response(body, content_type=ATOM, headers=_feed_headers())


@bp.route("/me/feed/<int:user_id>/<token>.ics")
def feed_ics(user_id: int, token: str):
    user = _feed_user(user_id, token)
    events = personal_calendar_events(user, now_utc() - timedelta(days=30))
    body = calendar_document(_("さがみはら地域ポータル マイカレンダー"), events)
    headers = dict(_feed_headers(), **{"Content-Disposition": 'inline; filename="my-events.ics"'})
    return Response(body, content_type=ICS, headers=headers)


# --- unsubscribing from the digest without logging in ----------------------------------------------


@bp.route("/me/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the proof; mail clients post here without a page (RFC 8058 one-click)
def unsubscribe(token: str):
    user = user_from_unsubscribe_token(token) or abort(404)
    if request.method == "POST":
        set_digest_frequency(user, "none")
        db.session.commit()
        return render_template("me/unsubscribe.html", email=_masked(user.email), done=True)
    # A bare GET changes nothing: link scanners in mail systems follow links.
    return render_template("me/unsubscribe.html", email=_masked(user.email), done=False)


def _masked(email: str) -> str:
    """Enough of the address to recognise it, not enough to learn it from a forwarded link."""
    local, _at, domain = email.partition("@")
    return f"{local[:2]}***@{domain}"
