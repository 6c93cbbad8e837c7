"""Each event's next date is stored on the event (events.next_start/next_end) so upcoming lists need not rank every
date: these check, through the pages, that the stored date follows the event as days pass and as it is edited."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from community.timeutil import today_local
from tests.content.test_publishing import _event_form


def written(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def create_event(client, app, login, editor, **fields) -> int:
    login(editor)
    response = client.post(f"/events/new?group={editor.group.slug}", data=_event_form(app, **fields))
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post("/logout")
    return int(response.headers["Location"].rsplit("/", 1)[1])


def days_pass(app, days: int) -> None:
    """As if `days` days went by: every stored date (the event's, its dates' and its stored next one) moves back."""
    with app.app_context():
        from community.events.models import Event, EventOccurrence
        from community.extensions import db

        rows = db.session.execute(select(Event.id, Event.starts_at, Event.ends_at, Event.next_start,
                                         Event.next_end)).all()
        back = timedelta(days=days)
        for event_id, starts, ends, next_start, next_end in rows:
            db.session.execute(update(Event).where(Event.id == event_id).values(
                starts_at=starts - back, ends_at=ends - back,
                next_start=next_start - back if next_start else None, next_end=next_end - back if next_end else None))
        for occurrence_id, starts, ends in db.session.execute(
                select(EventOccurrence.id, EventOccurrence.starts_at, EventOccurrence.ends_at)).all():
            db.session.execute(update(EventOccurrence).where(EventOccurrence.id == occurrence_id)
                               .values(starts_at=starts - back, ends_at=ends - back))
        db.session.commit()
    # …and the lists' periodic look for passed dates is due (NEXT_DATES_CHECK_SECONDS).
    from community.events.services import NEXT_DATES_CHECKED

    app.extensions[NEXT_DATES_CHECKED] = [float("-inf")]


def listed_pages(client) -> dict[str, str]:
    return {path: client.get(path).get_data(as_text=True)
            for path in ("/events", "/events.atom", "/", "/signage", "/api/v1/events", "/events.ics")}


def test_a_repeating_event_whose_date_has_passed_is_listed_at_its_next_one(client, app, login, editor):
    first = today_local() + timedelta(days=2)
    create_event(client, app, login, editor, title="毎週の朝ヨガ", start_date=first.isoformat(), start_time="10:00",
                 end_time="11:00", repeat="WEEKLY", repeat_interval="1", repeat_end="count", repeat_count="3")
    page = client.get("/events").get_data(as_text=True)
    assert "毎週の朝ヨガ" in page and written(first) in page

    days_pass(app, 4)  # its first date (two days ahead then) was two days ago; the next is in five days
    passed, following = first - timedelta(days=4), first + timedelta(days=3)
    pages = listed_pages(client)
    for path in ("/events", "/events.atom", "/", "/signage"):
        assert "毎週の朝ヨガ" in pages[path], path
    assert written(following) in pages["/events"] and written(passed) not in pages["/events"]
    assert written(following) in pages["/events.atom"] and written(passed) not in pages["/events.atom"]
    # The API lists every date to come: the next two, not the one gone.
    starts = [item["starts_at"][:10] for item in client.get("/api/v1/events").get_json()["items"]]
    assert starts == [following.isoformat(), (following + timedelta(days=7)).isoformat()]
    assert "毎週の朝ヨガ" in pages["/events.ics"]


def test_an_event_whose_last_date_has_passed_leaves_every_upcoming_list(client, app, login, editor):
    day = today_local() + timedelta(days=1)
    create_event(client, app, login, editor, title="一度きりの講演会", start_date=day.isoformat(), start_time="14:00",
                 end_time="15:00")
    assert "一度きりの講演会" in client.get("/events").get_data(as_text=True)

    days_pass(app, 3)
    pages = listed_pages(client)
    for path in ("/events", "/events.atom", "/", "/signage", "/events.ics"):
        assert "一度きりの講演会" not in pages[path], path
    assert client.get("/api/v1/events").get_json()["items"] == []
    assert "一度きりの講演会" in client.get("/events?when=past").get_data(as_text=True)  # over, not gone
    with app.app_context():
        from community.events.models import Event
        from community.extensions import db

        assert db.session.execute(select(Event.next_start, Event.next_end)).one() == (None, None)


def test_editing_the_recurrence_moves_the_listed_date(client, app, login, editor):
    first = today_local() + timedelta(days=3)
    fields = {"title": "隔週の読み聞かせ", "start_date": first.isoformat(), "start_time": "10:00", "end_time": "11:00",
              "repeat": "WEEKLY", "repeat_interval": "1", "repeat_end": "count", "repeat_count": "4"}
    event_id = create_event(client, app, login, editor, **fields)
    assert written(first) in client.get("/events").get_data(as_text=True)

    # Its first date is skipped from now on: the lists show the week after.
    login(editor)
    response = client.post(f"/events/{event_id}/edit", data=_event_form(app, **fields, repeat_skip=written(first)))
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post("/logout")
    page = client.get("/events").get_data(as_text=True)
    assert written(first + timedelta(days=7)) in page and written(first) not in page
    assert written(first + timedelta(days=7)) in client.get("/events.atom").get_data(as_text=True)

    # Made a single date further on: listed there, and no longer at its weekly dates.
    later = first + timedelta(days=30)
    login(editor)
    response = client.post(f"/events/{event_id}/edit",
                           data=_event_form(app, **{**fields, "start_date": later.isoformat(), "repeat": ""}))
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post("/logout")
    page = client.get("/events").get_data(as_text=True)
    assert written(later) in page and written(first + timedelta(days=7)) not in page


def test_a_long_list_says_1000_or_more_and_still_pages_on(client, app, editor):
    """Counting stops past 1,000 events: the page says so, and the pager goes on to the pages beyond."""
    from community.timeutil import now_utc

    with app.app_context():
        from community.areas.services import area_by_slug
        from community.events.models import Event, EventOccurrence
        from community.events.services import recompute_next_dates
        from community.extensions import db

        area_id = area_by_slug("hashimoto").id
        start = now_utc() + timedelta(days=1)
        rows = [{"group_id": editor.group.id, "area_id": area_id, "status": "published", "published_at": now_utc(),
                 "title": f"連続講座{n:04d}", "starts_at": start + timedelta(minutes=n),
                 "ends_at": start + timedelta(minutes=n + 30)} for n in range(1005)]
        db.session.execute(Event.__table__.insert(), rows)
        ids = db.session.scalars(select(Event.id).order_by(Event.id)).all()
        db.session.execute(EventOccurrence.__table__.insert(), [
            {"event_id": event_id, "starts_at": row["starts_at"], "ends_at": row["ends_at"]}
            for event_id, row in zip(ids, rows, strict=True)])
        recompute_next_dates()
        db.session.commit()

    page = client.get("/events").get_data(as_text=True)
    assert "1,000件以上" in page and "連続講座0000" in page and 'rel="next"' in page
    last = client.get("/events?page=51").get_data(as_text=True)  # events 1,001 to 1,005
    assert "連続講座1004" in last and "連続講座1000" in last and "連続講座0999" not in last
    assert "1,020件以上" not in last and "1005 件" in last and 'rel="next"' not in last
    assert client.get("/events?page=50").get_data(as_text=True).count('rel="next"') == 1
