"""What the site sends in English when the person asked in English: e-mails started from an English page, and the
feeds' and calendars' titles (what people wrote, such as an event's title, stays as written)."""

from __future__ import annotations

import logging

import feedparser
import icalendar
import pytest

from community.locale import JAPANESE_CHARACTERS


@pytest.fixture(autouse=True)
def _no_search_indexing(app):
    app.extensions.pop("search_indexer", None)


def test_password_reset_mail_asked_in_english_is_english(client, member, caplog):
    caplog.set_level(logging.WARNING)
    response = client.post("/password-reset?lang=en", data={"email": member.email})
    assert response.status_code == 302
    mails = [record.getMessage() for record in caplog.records if "Mail not sent" in record.getMessage()]
    assert mails, "the reset mail was not written to the log"
    mail = mails[-1]
    assert "Sagamihara Community Portal" in mail
    assert not JAPANESE_CHARACTERS.search(mail.replace(member.display_name, "")), mail


def test_password_reset_mail_asked_in_japanese_is_japanese(client, member, caplog):
    caplog.set_level(logging.WARNING)
    client.post("/password-reset", data={"email": member.email})
    mail = [record.getMessage() for record in caplog.records if "Mail not sent" in record.getMessage()][-1]
    assert "さがみはら地域ポータル" in mail and "パスワード" in mail


@pytest.mark.parametrize(("path", "title"), [("/events.atom", "Events"), ("/shops.atom", "Shops & facilities"),
                                             ("/notices.atom", "Notices")])
def test_feed_titles_in_english(client, editor, make_item, path, title):
    make_item("event", editor.group, title="親子で遊ぼう")
    make_item("notice", editor.group, title="夏祭りのお知らせ")
    response = client.get(f"{path}?lang=en")
    assert response.status_code == 200
    feed = feedparser.parse(response.data)
    assert feed.feed.title == f"{title} | Sagamihara Community Portal"
    assert not JAPANESE_CHARACTERS.search(feed.feed.title)


def test_calendar_name_in_english(client, editor, make_item):
    make_item("event", editor.group, title="親子で遊ぼう")
    english = icalendar.Calendar.from_ical(client.get("/events.ics?lang=en").data)
    assert str(english["x-wr-calname"]) == "Sagamihara Community Portal: events"
    japanese = icalendar.Calendar.from_ical(client.get("/events.ics?lang=ja").data)
    assert str(japanese["x-wr-calname"]) == "さがみはら地域ポータル イベント"
    assert [str(event["summary"]) for event in english.walk("VEVENT")] == ["親子で遊ぼう"]  # as its author wrote it
