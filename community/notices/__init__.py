"""Notices (お知らせ): listing, detail and editing for groups."""

from flask import Blueprint

bp = Blueprint("notices", __name__)

from community.notices import views  # noqa: E402,F401
