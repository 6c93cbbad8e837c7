"""Helpers the test factories share."""

from __future__ import annotations


def stored(obj, then=None):
    """Saves a new row (inside an app context) and returns it detached, with what the database filled in (its id,
    defaults) loaded, so a test may read it after the context is gone. then(obj), if given, runs once the row has
    its id and returns the rows that belong to it (memberships, …), saved in the same commit."""
    from community.extensions import db

    db.session.add(obj)
    if then is not None:
        db.session.flush()
        db.session.add_all(then(obj) or ())
    db.session.commit()
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj
