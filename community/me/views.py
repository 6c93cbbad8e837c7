"""me pages."""

from flask import Blueprint

bp = Blueprint("me", __name__)
