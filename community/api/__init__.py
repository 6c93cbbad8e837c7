"""The read-only JSON API under /api/v1/ for public content (open-data use)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from community.api import views  # noqa: E402,F401
