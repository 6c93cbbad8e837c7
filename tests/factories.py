"""Helpers the test factories share."""

from __future__ import annotations


def stored(obj):
    """Saves a new row (inside an app context) and returns it detached, with what the database filled in (its id,
    defaults) loaded, so a test may read it after the context is gone."""
    from community.extensions import db

    db.session.add(obj)
    db.session.commit()
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj
