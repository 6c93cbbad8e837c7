"""signage pages."""

from flask import Blueprint

bp = Blueprint("signage", __name__)
