"""Atom feeds for events, shops and notices (feedparser reads them cleanly) and iCalendar for events (the
icalendar library reads them, with the right times in Asia/Tokyo and RRULEs that give the same dates)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import feedparser
import icalendar
import pytest
from dateutil.rrule import rrulestr
from sqlalchemy import update

from community.events.models import Event
from community.extensions import db
from community.timeutil import TOKYO, day_end, day_start, local_to_utc, now_utc, today_local


@pytest.fixture(autouse=True)
def _no_search_indexing(app):
    """Search has its own tests; here commits need not wait for the index (as with SEARCH_INLINE_DRAIN off)."""
    app.extensions.pop("search_indexer", None)


def atom(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def ics(client, url: str) -> icalendar.Calendar:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.data)


def vevents(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(v["SUMMARY"]): v for v in calendar.walk("VEVENT")}


def until(day: date) -> str:
    return local_to_utc(day, time(23, 59)).strftime("%Y%m%dT%H%M%SZ")


def set_status(app, item, status: str) -> None:
    from community.extensions import db

    with app.app_context():
        db.session.execute(update(type(item)).where(type(item).id == item.id).values(status=status))
        db.session.commit()


@pytest.fixture
def schedule(editor, make_item):
    """Timed, all-day, multi-day, weekly and monthly events, in two wards, with venue and body."""
    group, first = editor.group, today_local() + timedelta(days=5)
    tenth = (first.replace(day=1) + timedelta(days=32)).replace(day=10)  # a day every month has
    events = {
        "timed": make_item("event", group, title="橋本 朝市", starts_at=local_to_utc(first, time(10, 0)),
                           ends_at=local_to_utc(first, time(12, 30)), venue_name="橋本公民館",
                           address="相模原市緑区橋本6-2-1", body="**新鮮な**野菜を販売します。", category="events"),
        "all_day": make_item("event", group, title="東林 ふるさとまつり", starts_at=day_start(first),
                             ends_at=day_end(first), all_day=True, area="torin", category="sports-culture"),
        "days": make_item("event", group, title="藤野 芸術の道 展示", starts_at=day_start(first + timedelta(days=1)),
                          ends_at=day_end(first + timedelta(days=3)), all_day=True, area="fujino"),
        "weekly": make_item("event", group, title="毎週の読み聞かせ", starts_at=local_to_utc(first, time(14, 0)),
                            ends_at=local_to_utc(first, time(15, 0)), category="kosodate",
                            rrule=f"FREQ=WEEKLY;UNTIL={until(first + timedelta(days=28))}"),
        "monthly": make_item("event", group, title="毎月の防災講座", starts_at=day_start(tenth),
                             ends_at=day_end(tenth), all_day=True, area="tana", category="safety",
                             rrule=f"FREQ=MONTHLY;UNTIL={until(tenth + timedelta(days=70))}"),
    }
    return first, events


# --- Atom ------------------------------------------------------------------------------------------


def test_events_atom_is_clean_and_lists_upcoming_dates(client, schedule, editor):
    first, events = schedule
    feed = atom(client, "/events.atom")
    assert feed.feed.title == "イベント | さがみはら地域ポータル"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"self": "http://localhost/events.atom", "alternate": "http://localhost/events"}
    titles = [entry.title for entry in feed.entries]
    assert titles[:4] == ["東林 ふるさとまつり", "橋本 朝市", "毎週の読み聞かせ", "藤野 芸術の道 展示"]  # soonest first
    entry = next(e for e in feed.entries if e.title == "橋本 朝市")
    assert entry.link == f"http://localhost/events/{events['timed'].id}"
    weekday = "月火水木金土日"[first.weekday()]
    assert entry.summary == f"{first.year}年{first.month}月{first.day}日({weekday}) 10:00〜12:30"
    assert "<strong>新鮮な</strong>" in entry.content[0].value
    assert entry.author == editor.group.name
    assert entry.updated_parsed is not None


def test_a_repeating_event_is_one_atom_entry_with_its_next_date(client, schedule):
    first, events = schedule
    feed = atom(client, "/events.atom")
    ids = [entry.id for entry in feed.entries]
    assert len(ids) == len(set(ids)), "an Atom id names one entry"
    (weekly,) = [e for e in feed.entries if e.title == "毎週の読み聞かせ"]
    assert f"{first.month}月{first.day}日" in weekly.summary


def test_atom_feeds_honour_area_and_category_and_link_back_with_them(client, schedule, editor, make_item):
    titles = {entry.title for entry in atom(client, "/events.atom?area=midori").entries}
    assert titles == {"橋本 朝市", "藤野 芸術の道 展示", "毎週の読み聞かせ"}
    assert {e.title for e in atom(client, "/events.atom?category=safety").entries} == {"毎月の防災講座"}
    feed = atom(client, "/events.atom?area=midori&category=kosodate")
    assert [e.title for e in feed.entries] == ["毎週の読み聞かせ"]
    assert {link.rel: link.href for link in feed.feed.links}["alternate"] == \
        "http://localhost/events?area=midori&category=kosodate"

    make_item("shop", editor.group, name="橋本の八百屋", address="相模原市緑区橋本1-1", area="hashimoto")
    make_item("shop", editor.group, name="東林のパン屋", address="相模原市南区上鶴間7-1", area="torin",
              category="food-shops")
    make_item("notice", editor.group, title="橋本のお知らせ", body="資源回収は**第3土曜**です。")
    make_item("notice", editor.group, title="田名のお知らせ", area="tana", category="safety")
    shops = atom(client, "/shops.atom?area=minami")
    assert [(e.title, e.summary) for e in shops.entries] == [("東林のパン屋", "相模原市南区上鶴間7-1")]
    assert [e.title for e in atom(client, "/shops.atom?category=food-shops").entries] == ["東林のパン屋"]
    notices = atom(client, "/notices.atom")
    assert [e.title for e in notices.entries] == ["田名のお知らせ", "橋本のお知らせ"]  # newest first
    assert notices.feed.title == "お知らせ | さがみはら地域ポータル"
    assert "資源回収は**第3土曜**です。" in notices.entries[1].summary
    assert [e.title for e in atom(client, "/notices.atom?area=chuo&category=safety").entries] == ["田名のお知らせ"]


def test_events_atom_periods(client, editor, make_item):
    now = now_utc()
    make_item("event", editor.group, title="先週の行事", starts_at=now - timedelta(days=7),
              ends_at=now - timedelta(days=7, hours=-2))
    make_item("event", editor.group, title="来週の行事")
    assert [e.title for e in atom(client, "/events.atom").entries] == ["来週の行事"]
    assert [e.title for e in atom(client, "/events.atom?when=past").entries] == ["先週の行事"]


def test_bad_filters_still_give_valid_feeds(client, schedule):
    for query in ("area=nowhere", "category=%3Cscript%3E", "when=later", "from=2026-02-30",
                  "from=2026-05-02&to=2026-05-01", "page=-3", "from=9999-12-31"):
        for url in ("/events.atom", "/shops.atom", "/notices.atom"):
            atom(client, f"{url}?{query}")
        assert len(vevents(ics(client, f"/events.ics?{query}"))) == 5, query  # the unfiltered calendar


# --- iCalendar -------------------------------------------------------------------------------------


def test_icalendar_times_are_in_asia_tokyo(client, schedule):
    first, events = schedule
    response = client.get("/events.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.data)
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["X-WR-TIMEZONE"]) == "Asia/Tokyo"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    found = vevents(calendar)
    assert set(found) == {"橋本 朝市", "東林 ふるさとまつり", "藤野 芸術の道 展示", "毎週の読み聞かせ",
                          "毎月の防災講座"}

    timed = found["橋本 朝市"]
    assert timed["DTSTART"].params["TZID"] == "Asia/Tokyo"
    starts, ends = timed.decoded("DTSTART"), timed.decoded("DTEND")
    assert starts.utcoffset() == timedelta(hours=9)
    assert (starts.date(), starts.time(), ends.time()) == (first, time(10, 0), time(12, 30))
    assert starts == events["timed"].starts_at  # the same instant as stored
    assert f"DTSTART;TZID=Asia/Tokyo:{first:%Y%m%d}T100000".encode() in response.data
    assert str(timed["LOCATION"]) == "橋本公民館 相模原市緑区橋本6-2-1"
    assert str(timed["URL"]) == f"http://localhost/events/{events['timed'].id}"
    assert "新鮮な" in str(timed["DESCRIPTION"])

    festival = found["東林 ふるさとまつり"]
    assert festival["DTSTART"].params.get("VALUE") == "DATE"
    assert festival.decoded("DTSTART") == first and festival.decoded("DTEND") == first + timedelta(days=1)
    exhibition = found["藤野 芸術の道 展示"]
    assert exhibition.decoded("DTSTART") == first + timedelta(days=1)
    assert exhibition.decoded("DTEND") == first + timedelta(days=4)  # exclusive: the 3rd day is included

    uids = [str(v["UID"]) for v in calendar.walk("VEVENT")]
    assert len(set(uids)) == len(uids)


def test_repeating_events_carry_an_rrule_that_gives_the_listed_dates(client, schedule):
    first, events = schedule
    found = vevents(ics(client, "/events.ics"))
    weekly = found["毎週の読み聞かせ"]
    assert weekly["RRULE"]["FREQ"] == ["WEEKLY"]
    start = weekly.decoded("DTSTART")
    dates = list(rrulestr(weekly["RRULE"].to_ical().decode(), dtstart=start))
    assert [d.date() for d in dates] == [first + timedelta(days=7 * n) for n in range(5)]
    assert all(d.astimezone(TOKYO).time() == time(14, 0) for d in dates)
    api = client.get(f"/api/v1/events?per_page=100&from={first}&to={first + timedelta(days=40)}").get_json()
    listed = [datetime.fromisoformat(i["starts_at"]) for i in api["items"] if i["title"] == "毎週の読み聞かせ"]
    assert listed == dates

    monthly = found["毎月の防災講座"]
    assert monthly["RRULE"]["FREQ"] == ["MONTHLY"]
    assert monthly["DTSTART"].params.get("VALUE") == "DATE"
    assert all(isinstance(u, date) and not isinstance(u, datetime) for u in monthly["RRULE"]["UNTIL"])
    months = list(rrulestr(monthly["RRULE"].to_ical().decode(),
                           dtstart=datetime.combine(monthly.decoded("DTSTART"), time())))
    assert len(months) == 3 and months[0].date() == events["monthly"].starts_at.astimezone(TOKYO).date()


def test_icalendar_honours_the_filters(client, schedule):
    first, _ = schedule
    midori = {"橋本 朝市", "藤野 芸術の道 展示", "毎週の読み聞かせ"}
    assert set(vevents(ics(client, "/events.ics?area=midori"))) == midori
    assert set(vevents(ics(client, "/events.ics?area=chuo&category=safety"))) == {"毎月の防災講座"}
    day3 = (first + timedelta(days=3)).isoformat()
    assert set(vevents(ics(client, f"/events.ics?from={day3}&to={day3}"))) == {"藤野 芸術の道 展示"}
    week2 = (first + timedelta(days=7)).isoformat()
    assert set(vevents(ics(client, f"/events.ics?from={week2}&to={week2}"))) == {"毎週の読み聞かせ"}


def test_single_event_icalendar(client, schedule):
    first, events = schedule
    weekly = events["weekly"]
    response = client.get(f"/events/{weekly.id}.ics")
    assert response.headers["Content-Disposition"] == f'attachment; filename="event-{weekly.id}.ics"'
    (vevent,) = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "毎週の読み聞かせ" and vevent["RRULE"]["FREQ"] == ["WEEKLY"]
    assert vevent.decoded("DTSTART").date() == first
    assert client.get("/events/999999.ics").status_code == 404


def test_cancelled_event_says_so_in_icalendar(app, client, editor, make_item):
    now = now_utc()
    held = make_item("event", editor.group, title="予定どおりの講座", starts_at=now + timedelta(days=2),
                     ends_at=now + timedelta(days=2, hours=1))
    called_off = make_item("event", editor.group, title="中止になった講座", starts_at=now + timedelta(days=3),
                           ends_at=now + timedelta(days=3, hours=1))
    with app.app_context():
        db.session.execute(update(Event).where(Event.id == called_off.id).values(cancelled_at=now))
        db.session.commit()
    listed = vevents(ics(client, "/events.ics"))
    assert str(listed["予定どおりの講座"]["STATUS"]) == "CONFIRMED"
    assert str(listed["中止になった講座"]["STATUS"]) == "CANCELLED"
    (single,) = ics(client, f"/events/{called_off.id}.ics").walk("VEVENT")
    assert str(single["STATUS"]) == "CANCELLED"
    (single,) = ics(client, f"/events/{held.id}.ics").walk("VEVENT")
    assert str(single["STATUS"]) == "CONFIRMED"


def test_past_event_icalendar_is_still_there(client, editor, make_item):
    old = make_item("event", editor.group, title="去年の祭り", starts_at=day_start(today_local() - timedelta(days=300)),
                    ends_at=day_end(today_local() - timedelta(days=300)), all_day=True)
    now = now_utc()
    make_item("event", editor.group, title="開催中の講座", starts_at=now - timedelta(hours=1),
              ends_at=now + timedelta(hours=1))
    assert "去年の祭り" in vevents(ics(client, f"/events/{old.id}.ics"))
    assert set(vevents(ics(client, "/events.ics"))) == {"開催中の講座"}
    assert set(vevents(ics(client, "/events.ics?when=past"))) == {"去年の祭り"}  # over, not still running
    assert [e.title for e in atom(client, "/events.atom?when=past").entries] == ["去年の祭り"]


# --- what is not public is in no feed ----------------------------------------------------------------


def test_drafts_pending_hidden_and_out_of_window_items_are_in_no_feed(app, client, login, editor, make_group,
                                                                      make_item):
    unverified = make_group(owner=editor, verified=False)
    visible = {kind: make_item(kind, editor.group, **{"name" if kind == "shop" else "title": f"公開の{kind}"})
               for kind in ("event", "shop", "notice")}
    secret = []
    for kind in ("event", "shop", "notice"):
        label = "name" if kind == "shop" else "title"
        secret.append(make_item(kind, editor.group, publish=False, **{label: f"下書きの{kind}"}))
        secret.append(make_item(kind, unverified, **{label: f"確認待ちの{kind}"}))
        hidden = make_item(kind, editor.group, **{label: f"非表示の{kind}"})
        set_status(app, hidden, "hidden")
        secret.append(hidden)
    assert secret[1].status == "pending"
    make_item("notice", editor.group, title="掲載前のお知らせ", publish_from=now_utc() + timedelta(days=2))
    make_item("notice", editor.group, title="掲載終了のお知らせ", publish_until=now_utc() - timedelta(hours=1))

    for signed_in in (False, True):  # feeds are public documents: the group's own editor sees no more
        if signed_in:
            login(editor)
        shown = set()
        for url in ("/events.atom", "/shops.atom", "/notices.atom", "/events.atom?when=past"):
            shown |= {e.title for e in atom(client, url).entries}
        shown |= set(vevents(ics(client, "/events.ics")))
        assert shown == {"公開のevent", "公開のshop", "公開のnotice"}
        for event in [item for item in secret if type(item).__name__ == "Event"]:
            assert client.get(f"/events/{event.id}.ics").status_code == 404
        assert client.get(f"/events/{visible['event'].id}.ics").status_code == 200


def test_a_daily_event_does_not_crowd_other_events_out_of_the_atom_feed(client, editor, make_item):
    """Each event is one entry at its next date, however many dates a repeating one has (here 80 > FEED_SIZE)."""
    start = now_utc() + timedelta(hours=1)
    daily = make_item("event", editor.group, title="毎日の体操", starts_at=start, ends_at=start + timedelta(hours=1),
                      rrule="FREQ=DAILY;COUNT=80")
    far = make_item("event", editor.group, title="秋の音楽祭", starts_at=now_utc() + timedelta(days=70))
    assert [e.title for e in atom(client, "/events.atom").entries] == [daily.title, far.title]
    # The past view lists each event once too, at its latest date, latest first.
    ran = make_item("event", editor.group, title="夏の朝ラジオ体操", starts_at=now_utc() - timedelta(days=61),
                    ends_at=now_utc() - timedelta(days=61, hours=-1), rrule="FREQ=DAILY;COUNT=60")
    old = make_item("event", editor.group, title="春の植樹会", starts_at=now_utc() - timedelta(days=90))
    past = atom(client, "/events.atom?when=past").entries
    assert [e.title for e in past] == [ran.title, old.title]
    latest = (now_utc() - timedelta(days=2)).astimezone(TOKYO)
    assert f"{latest.month}月{latest.day}日" in past[0].summary
