"""Areas and categories: browsing by place and by theme, and their admin pages."""

from flask import Blueprint

bp = Blueprint("areas", __name__)

from community.areas import views  # noqa: E402,F401
