"""Areas (city → ward → district) and categories: their pages (views) and their administration (admin_views,
editing), on this blueprint."""

from flask import Blueprint

bp = Blueprint("areas", __name__)
