"""The home page, health check, display preferences and error pages."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from community.main import views  # noqa: E402,F401
