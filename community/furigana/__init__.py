"""Furigana: readings above kanji (<ruby>) for visitors who switch them on, from Sudachi and a local dictionary of
place names that admins extend (/admin/furigana)."""

from flask import Blueprint

bp = Blueprint("furigana", __name__)
