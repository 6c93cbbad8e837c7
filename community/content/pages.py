"""What the public pages of events, shops and notices share: a listing with its filters, one visible item."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from community import policy
from community.areas.services import area_tree, ordered_categories


def render_listing(template: str, page, filters, **context) -> str:
    """A listing page: one page of items, the filters it was asked with, and the choices of the filter form."""
    return render_template(template, page=page, filters=filters, areas=area_tree(), categories=ordered_categories(),
                           **context)


def viewable_or_404(item):
    """The item, when the current user may see it; otherwise 404 (a hidden item is not there for them)."""
    if item is None or not policy.can_view_item(current_user, item):
        abort(404)
    return item
