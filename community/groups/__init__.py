"""Groups: the publishers (自治会, NPO, shops, schools, the city) and their editors."""

from flask import Blueprint

bp = Blueprint("groups", __name__)

from community.groups import views  # noqa: E402,F401
