"""Open-data CSV import and export (national 推奨データセット / 自治体標準オープンデータセット layouts)."""

from flask import Blueprint

bp = Blueprint("opendata", __name__)  # its routes live in views.py and admin_views.py
