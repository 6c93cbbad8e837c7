"""Atom feeds for every listing and iCalendar for events, honouring the listing filters."""

from flask import Blueprint

bp = Blueprint("feeds", __name__)

from community.feeds import views  # noqa: E402,F401
