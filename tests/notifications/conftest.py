"""Notification fixtures: rows written straight to the database."""

from __future__ import annotations

import pytest

from tests.factories import stored


@pytest.fixture
def make_notification(app):
    from community.db import utcnow
    from community.notifications.models import Notification

    def make(user, kind: str = "board_reply", link: str = "/board", read: bool = False, at=None, **data):
        with app.app_context():
            notification = Notification(user_id=user.id, kind=kind, link=link,
                                        data=data or {"thread_title": "テストの投稿"},
                                        created_at=at or utcnow(), read_at=utcnow() if read else None)
            stored(notification)
        return notification

    return make


@pytest.fixture
def fetch_notification(app):
    from community.extensions import db
    from community.notifications.models import Notification

    def get(notification_id):
        with app.app_context():
            row = db.session.get(Notification, notification_id)
            db.session.expunge(row)
            return row

    return get
