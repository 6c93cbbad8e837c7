"""Shop and facility listings: browsing, detail and editing for groups."""

from flask import Blueprint

bp = Blueprint("shops", __name__)

from community.shops import views  # noqa: E402,F401
