"""Events: listing by period, detail, the month calendar, and editing for groups."""

from flask import Blueprint

bp = Blueprint("events", __name__)

from community.events import views  # noqa: E402,F401
