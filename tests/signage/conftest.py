"""Fixtures for signage and urgent notices (communities and meetups come from the me tests' fixtures)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import stored
from tests.me.conftest import make_meetup  # noqa: F401 - shared fixture


@pytest.fixture
def make_urgent(app):
    """make_urgent(title, area=None (whole city) or slug, hours=3, withdrawn=False) written directly."""
    from community.areas.services import area_by_slug
    from community.signage.models import UrgentNotice
    from community.timeutil import now_utc

    def make(title: str = "大雨による避難指示", area: str | None = None, hours: float = 3, body: str = "",
             withdrawn: bool = False):
        now = now_utc()
        with app.app_context():
            notice = UrgentNotice(title=title, body=body, area_id=area_by_slug(area).id if area else None,
                                  starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(hours=hours),
                                  withdrawn_at=now if withdrawn else None)
            stored(notice)
        return notice

    return make
