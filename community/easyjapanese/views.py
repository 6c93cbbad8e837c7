"""/easy-japanese/hints: the writing hints for a やさしい日本語 text as JSON, for the editor's script."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import login_required

from community.easyjapanese.hints import writing_hints
from community.extensions import limiter

bp = Blueprint("easyjapanese", __name__)

MAX_CHARS = 20000


@bp.route("/easy-japanese/hints", methods=["POST"])
@login_required
@limiter.limit("120/minute")
def hints():
    """Form fields title and body (CSRF-checked like every POST: the script sends the form's token); hints only
    advise, so any text gets an answer."""
    title, body = request.form.get("title", ""), request.form.get("body", "")
    if len(title) + len(body) > MAX_CHARS:
        return jsonify(error="too_long", message=_("文章が長すぎます（%(n)d文字まで）。", n=MAX_CHARS)), 400
    found = writing_hints(title, body)
    return jsonify(hints=[hint.as_dict() for hint in found], count=len(found))
