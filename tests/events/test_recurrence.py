"""Long and irregular events: the recurrence form (第n曜日, every N, until/count, skipped dates) and its round trip,
the dates on the event page a page at a time, iCalendar RRULE/EXDATE/URL, and a long exhibition or a repeating event
shown once in every list (/events, home, signage, the calendar)."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import icalendar
from sqlalchemy import func, select

from community.timeutil import local_to_utc, now_utc, today_local
from tests.content.test_publishing import _event_form


def second_thursday_after(day: date) -> date:
    """The first 2nd Thursday of a month at least a month after `day`."""
    month = (day.replace(day=1) + timedelta(days=40)).replace(day=1)
    first_thursday = month + timedelta(days=(3 - month.weekday()) % 7)
    return first_thursday + timedelta(days=7)


def second_thursdays(start: date, count: int) -> list[date]:
    found, month = [], start.replace(day=1)
    while len(found) < count:
        first_thursday = month + timedelta(days=(3 - month.weekday()) % 7)
        found.append(first_thursday + timedelta(days=7))
        month = (month + timedelta(days=32)).replace(day=1)
    return found


def event_count(app) -> int:
    with app.app_context():
        from community.events.models import Event
        from community.extensions import db

        return db.session.scalar(select(func.count()).select_from(Event))


def test_second_thursday_with_a_skipped_date_round_trips_and_reaches_icalendar(client, app, login, editor):
    start = second_thursday_after(today_local())
    thursdays = second_thursdays(start, 6)
    assert thursdays[0] == start and all(d.weekday() == 3 and 8 <= d.day <= 14 for d in thursdays)
    skipped = thursdays[2]
    login(editor)
    written = f"{skipped.year}年{skipped.month}月{skipped.day}日"
    form = _event_form(app, title="第2木曜の健康体操", start_date=start.isoformat(), start_time="10:00",
                       end_time="11:30", repeat="MONTHLY_NTH", repeat_interval="1", repeat_end="count",
                       repeat_count="6", repeat_until="", repeat_skip=written)
    response = client.post(f"/events/new?group={editor.group.slug}", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    event_url = response.headers["Location"]
    event_id = int(event_url.rsplit("/", 1)[1])

    page = client.get(event_url).get_data(as_text=True)
    assert "毎月第2木曜 10:00（全6回）" in page
    listed = re.findall(r"(\d{4})年(\d{1,2})月(\d{1,2})日\(木\) 10:00〜11:30", page.split('id="event-dates"')[1])
    assert [date(*map(int, d)) for d in listed] == [d for d in thursdays if d != skipped]
    assert f"休み: {skipped.year}年{skipped.month}月{skipped.day}日(木)" in page

    vevent = icalendar.Calendar.from_ical(client.get(f"/events/{event_id}.ics").data).walk("VEVENT")[0]
    assert vevent["RRULE"]["FREQ"] == ["MONTHLY"] and vevent["RRULE"]["BYDAY"] == ["2TH"]
    assert vevent["RRULE"]["COUNT"] == [6]
    exdates = [d.dt for d in vevent["EXDATE"].dts] if not isinstance(vevent["EXDATE"], list) else \
        [d.dt for e in vevent["EXDATE"] for d in e.dts]
    assert [(d.date(), d.hour, d.minute, str(d.tzinfo)) for d in exdates] == [(skipped, 10, 0, "Asia/Tokyo")]
    assert str(vevent["URL"]) == f"http://localhost/events/{event_id}"
    assert str(vevent["DESCRIPTION"]).endswith(f"http://localhost/events/{event_id}")

    # The edit form shows the same rule back, and saving it unchanged changes nothing.
    edit = client.get(f"/events/{event_id}/edit").get_data(as_text=True)
    assert re.findall(r'<option selected value="([A-Za-z_]+)">', edit.split('name="repeat"')[1].split("</select>")[0]) \
        == ["MONTHLY_NTH"]
    assert '<option selected value="count">' in edit
    assert re.search(r'name="repeat_count"[^>]*value="6"', edit)
    assert skipped.isoformat() in edit.split('name="repeat_skip"')[1].split("</textarea>")[0]
    with app.app_context():
        from community.events.models import Event
        from community.extensions import db

        stored = db.session.get(Event, event_id)
        before = (stored.rrule, stored.exdates)
    form.update(repeat_skip=skipped.isoformat(), action="publish")
    assert client.post(f"/events/{event_id}/edit", data=form).status_code == 302
    with app.app_context():
        stored = db.session.get(Event, event_id)
        assert (stored.rrule, stored.exdates) == before == ("FREQ=MONTHLY;BYDAY=2TH;COUNT=6", [skipped.isoformat()])


def test_every_other_week_until_a_date_and_daily_every_n(client, app, login, editor):
    login(editor)
    start = today_local() + timedelta(days=10)
    response = client.post(f"/events/new?group={editor.group.slug}", data=_event_form(
        app, title="隔週の朝市", start_date=start.isoformat(), start_time="08:00", end_time="10:00", repeat="WEEKLY",
        repeat_interval="2", repeat_end="until", repeat_until=(start + timedelta(days=35)).isoformat()))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    weekday = "月火水木金土日"[start.weekday()]
    assert f"隔週{weekday}曜 8:00" in page
    assert len(re.findall(r"8:00〜10:00", page.split('id="event-dates"')[1])) == 3  # weeks 0, 2 and 4
    response = client.post(f"/events/new?group={editor.group.slug}", data=_event_form(
        app, title="三日ごとの水やり", start_date=start.isoformat(), start_time="07:00", end_time="07:30",
        repeat="DAILY", repeat_interval="3", repeat_end="never", repeat_until=""))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3日ごと 7:00" in page


def test_event_page_lists_every_date_a_page_at_a_time(client, editor, make_item):
    start = local_to_utc(today_local() + timedelta(days=1), time(9, 0))
    event = make_item("event", editor.group, title="毎日のラジオ体操", starts_at=start,
                      ends_at=start + timedelta(minutes=30), rrule="FREQ=DAILY;COUNT=25")

    def dates_on(page: str) -> list[str]:
        return re.findall(r"\d+月\d+日\(.\) 9:00〜9:30", page.split('id="event-dates"')[1].split("</ul>")[0])

    first = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert len(dates_on(first)) == 10 and "毎日 9:00（全25回）" in first
    next_link = re.search(r'<a href="([^"]+)" rel="next">', first).group(1).replace("&amp;", "&")
    assert "dates_page=2" in next_link and next_link.endswith("#event-dates")
    second = client.get(next_link).get_data(as_text=True)
    third = client.get(f"/events/{event.id}?dates_page=3").get_data(as_text=True)
    assert len(dates_on(second)) == 10 and len(dates_on(third)) == 5
    assert not set(dates_on(first)) & set(dates_on(second))
    assert 'rel="next"' not in third.split('id="event-dates"')[1]
    assert client.get(f"/events/{event.id}?dates_page=abc").status_code == 200


def test_a_three_month_exhibition_appears_once_in_every_list(client, editor, make_item):
    today = today_local()
    opened, closes = today - timedelta(days=10), today + timedelta(days=80)
    exhibition = make_item("event", editor.group, title="市民ギャラリー 写真展", starts_at=local_to_utc(opened),
                           ends_at=local_to_utc(closes + timedelta(days=1)), all_day=True)
    upcoming_show = make_item("event", editor.group, title="来月からの企画展",
                              starts_at=local_to_utc(today + timedelta(days=30)),
                              ends_at=local_to_utc(today + timedelta(days=120)), all_day=True)
    closes_text = (f"{closes.month}月{closes.day}日" if closes.year == today.year
                   else f"{closes.year}年{closes.month}月{closes.day}日")
    running = f"開催中（〜{closes_text}）"

    events = client.get("/events").get_data(as_text=True)
    assert events.count(">市民ギャラリー 写真展</a>") == 1 and running in events
    later = today + timedelta(days=30)
    assert f"{later.month}月{later.day}日〜" in events or f"{later.year}年{later.month}月{later.day}日〜" in events
    home = client.get("/").get_data(as_text=True)
    assert home.count(">市民ギャラリー 写真展</a>") == 1 and running in home
    signage = client.get("/signage").get_data(as_text=True)
    assert re.findall(r'data-slide-id="(event-\d+)"', signage).count(f"event-{exhibition.id}") == 1
    assert running in signage
    for month in (today.replace(day=1), (today.replace(day=1) + timedelta(days=32)).replace(day=1)):
        calendar = client.get(f"/calendar?year={month.year}&month={month.month}").get_data(as_text=True)
        assert calendar.count(">市民ギャラリー 写真展</a>") == 1, month
        grid = calendar.split('<table class="calendar"')[1]
        assert "市民ギャラリー 写真展" not in grid  # not piled on the 1st, not one entry a day
        assert "市民ギャラリー 写真展" in calendar.split('class="calendar-running"')[1].split("</section>")[0]
    assert upcoming_show.id


def test_bad_recurrence_input_is_refused_with_a_clear_message(client, app, login, editor):
    login(editor)
    start = date(2027, 8, 1)  # a Sunday
    cases = [
        ({"repeat": "WEEKLY", "repeat_end": "until", "repeat_until": "2027-07-01"},
         "繰り返しの最終日が開始日より前になっています。"),
        ({"repeat": "WEEKLY", "repeat_interval": "0"}, "間隔は1から99までの数を入力してください。"),
        ({"repeat": "WEEKLY", "repeat_end": "count", "repeat_count": "0"},
         "回数は1から400までの数を入力してください。"),
        ({"repeat": "WEEKLY", "repeat_end": "count", "repeat_count": ""}, "回数を入力してください。"),
        ({"repeat": "WEEKLY", "repeat_end": "until", "repeat_until": "2027-08-29", "repeat_skip": "2027-08-10"},
         "2027-08-10 は繰り返しの日程に含まれていません。"),
        ({"repeat": "WEEKLY", "repeat_end": "until", "repeat_until": "2027-08-29", "repeat_skip": "2027-09-05"},
         "2027-09-05 は繰り返しの日程に含まれていません。"),
        ({"repeat": "WEEKLY", "repeat_end": "never", "repeat_skip": "8月の第2日曜"}, "は日付として読めません。"),
        ({"repeat": "", "repeat_skip": "2027-08-08"}, "休みの日は、繰り返すイベントにだけ入力できます。"),
        ({"end_date": "2027-07-31"}, "終了が開始より前になっています。"),
    ]
    for overrides, message in cases:
        response = client.post(f"/events/new?group={editor.group.slug}",
                               data=_event_form(app, start_date=start.isoformat(), **overrides))
        assert response.status_code == 400, overrides
        assert message in response.get_data(as_text=True), overrides
    assert event_count(app) == 0


def test_lists_stay_bounded_with_long_and_repeating_events(client, editor, make_item, count_queries):
    def add(n: int) -> None:
        for i in range(n):
            start = now_utc() + timedelta(days=1 + i)
            make_item("event", editor.group, starts_at=start, ends_at=start + timedelta(hours=1),
                      rrule="FREQ=WEEKLY;INTERVAL=2;COUNT=10")
            make_item("event", editor.group, starts_at=start - timedelta(days=20), ends_at=start + timedelta(days=60),
                      all_day=True)

    counts = []
    for n in (1, 6):
        add(n)
        per_url = []
        for url in ("/events", "/", "/signage", "/calendar"):
            with count_queries() as counted:
                assert client.get(url).status_code == 200
            per_url.append(counted.n)
        counts.append(per_url)
    assert counts[0] == counts[1]
