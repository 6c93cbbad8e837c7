"""Meetups: creating, editing and cancelling; RSVP with capacity and a waiting list that moves up."""

from __future__ import annotations

from datetime import timedelta

import pytest


@pytest.fixture
def club(make_user, make_community):
    class Club:
        admin = make_user(name="幹事")
        moderator = make_user(name="副幹事")
        members = [make_user(name=f"会員{n}") for n in range(4)]
        outsider = make_user(name="部外者")

    Club.community = make_community(admin=Club.admin, moderators=[Club.moderator], members=Club.members,
                                    name="相模原ボードゲーム会")
    return Club


def _form(**overrides):
    from community.timeutil import now_utc, to_local

    day = to_local(now_utc() + timedelta(days=7)).date()
    data = {"title": "定例会", "start_date": day.isoformat(), "start_time": "13:00", "end_time": "17:00",
            "venue_name": "橋本公民館", "address": "相模原市緑区橋本1-1", "capacity": "10", "body": "初心者歓迎"}
    data["area_id"] = str(_area_id())
    data.update(overrides)
    return data


def _area_id():
    from flask import current_app

    with current_app.app_context():
        from community.areas.services import area_by_slug

        return area_by_slug("hashimoto").id


def _event(app, event_id):
    from community.events.models import Event
    from community.extensions import db

    with app.app_context():
        row = db.session.get(Event, event_id)
        db.session.expunge(row)
        return row


def _rsvps(app, meetup):
    """{user_id: (answer, waitlisted)}"""
    from sqlalchemy import select

    from community.communities.models import Rsvp
    from community.extensions import db

    with app.app_context():
        return {r.user_id: (r.answer, r.waitlisted) for r in db.session.scalars(
            select(Rsvp).where(Rsvp.event_id == meetup.id))}


def _answer(client, login, user, community, meetup, answer):
    login(user)
    return client.post(f"/communities/{community.slug}/meetups/{meetup.id}/rsvp", data={"answer": answer})


# --- creating, editing, cancelling ------------------------------------------------------------------------


def test_moderator_creates_a_meetup_that_is_an_event_with_dates(client, app, login, club, rows):
    from community.events.models import Event, EventOccurrence

    data = _form_in(app)
    login(club.moderator)
    assert client.get(f"/communities/{club.community.slug}/meetups/new").status_code == 200
    response = client.post(f"/communities/{club.community.slug}/meetups/new", data=data)
    assert response.status_code == 302
    [meetup] = rows(Event, community_id=club.community.id)
    assert response.headers["Location"] == f"/communities/{club.community.slug}/meetups/{meetup.id}"
    assert meetup.group_id is None and meetup.status == "published" and meetup.capacity == 10
    assert meetup.organizer == "相模原ボードゲーム会"
    assert len(rows(EventOccurrence, event_id=meetup.id)) == 1
    page = client.get(f"/events/{meetup.id}").get_data(as_text=True)
    assert "定例会" in page and "コミュニティの集まり" in page and "相模原ボードゲーム会" in page
    assert f'href="/communities/{club.community.slug}"' in page
    assert "集まりを編集" in page and "集まりを中止する" in page
    community_page = client.get(f"/communities/{club.community.slug}").get_data(as_text=True)
    assert "定例会" in community_page
    assert "定例会" in client.get(f"/communities/{club.community.slug}/meetups").get_data(as_text=True)


def test_only_community_moderators_manage_meetups(client, app, login, club, make_meetup, rows):
    from community.events.models import Event

    meetup = make_meetup(club.community, club.admin)
    data = _form_in(app)
    slug = club.community.slug
    for user in (club.members[0], club.outsider):
        login(user)
        assert client.get(f"/communities/{slug}/meetups/new").status_code == 403
        assert client.post(f"/communities/{slug}/meetups/new", data=data).status_code == 403
        assert client.post(f"/communities/{slug}/meetups/{meetup.id}/edit", data=data).status_code == 403
        assert client.post(f"/communities/{slug}/meetups/{meetup.id}/cancel").status_code == 403
    login(club.members[0])
    assert "集まりを中止する" not in client.get(f"/events/{meetup.id}").get_data(as_text=True)
    assert len(rows(Event, community_id=club.community.id)) == 1
    assert _event(app, meetup.id).cancelled_at is None
    visitor = app.test_client().get(f"/communities/{slug}/meetups/new")
    assert visitor.status_code == 302 and visitor.headers["Location"].startswith("/login")


def test_meetup_form_refuses_bad_input(client, app, login, club, rows):
    from community.events.models import Event

    login(club.admin)
    slug = club.community.slug
    for overrides, message in [
        ({"title": ""}, "集まりの名前を入力してください。"),
        ({"start_date": "来週"}, "日付"),
        ({"start_time": ""}, "開始時刻を入力してください"),
        ({"end_time": "12:00"}, "終了時刻は開始時刻より後にしてください。"),
        ({"capacity": "0"}, "1〜10000の数を入力してください。"),
        ({"venue_name": ""}, "場所を入力してください。"),
    ]:
        response = client.post(f"/communities/{slug}/meetups/new", data=_form_in(app, **overrides))
        assert response.status_code == 400, overrides
        assert message in response.get_data(as_text=True), overrides
    assert rows(Event, community_id=club.community.id) == []


def test_editing_a_meetup_tells_those_who_answered(client, app, login, club, make_meetup, notifications):
    from community.events.models import EventOccurrence

    meetup = make_meetup(club.community, club.admin, title="春の会")
    _answer(client, login, club.members[0], club.community, meetup, "going")
    _answer(client, login, club.members[1], club.community, meetup, "maybe")
    _answer(client, login, club.members[2], club.community, meetup, "not_going")
    login(club.admin)
    assert client.get(f"/communities/{club.community.slug}/meetups/{meetup.id}/edit").status_code == 200
    data = _form_in(app, title="春の会", venue_name="市民会館")
    response = client.post(f"/communities/{club.community.slug}/meetups/{meetup.id}/edit", data=data)
    assert response.status_code == 302
    row = _event(app, meetup.id)
    assert row.venue_name == "市民会館"
    expected = ("meetup_changed", {"community_name": "相模原ボードゲーム会", "event_title": "春の会"},
                f"/communities/{club.community.slug}/meetups/{meetup.id}")
    assert notifications(club.members[0]) == [expected]
    assert notifications(club.members[1]) == [expected]
    assert notifications(club.members[2]) == []
    assert notifications(club.admin) == []
    with app.app_context():
        from sqlalchemy import select

        from community.extensions import db

        [occurrence] = db.session.scalars(select(EventOccurrence).where(EventOccurrence.event_id == meetup.id))
        assert occurrence.starts_at == row.starts_at  # the dates were rewritten


def test_cancelling_tells_those_who_answered_and_stops_answers(client, app, login, club, make_meetup,
                                                               notifications):
    meetup = make_meetup(club.community, club.admin, title="夏の会", capacity=1)
    _answer(client, login, club.members[0], club.community, meetup, "going")
    _answer(client, login, club.members[1], club.community, meetup, "going")  # waiting
    login(club.moderator)
    assert client.post(f"/communities/{club.community.slug}/meetups/{meetup.id}/cancel",
                       csrf=False).status_code == 400
    assert _event(app, meetup.id).cancelled_at is None
    response = client.post(f"/communities/{club.community.slug}/meetups/{meetup.id}/cancel", follow_redirects=True)
    assert "集まりを中止にしました。" in response.get_data(as_text=True)
    assert _event(app, meetup.id).cancelled_at is not None
    expected = ("meetup_cancelled", {"community_name": "相模原ボードゲーム会", "event_title": "夏の会"},
                f"/communities/{club.community.slug}/meetups/{meetup.id}")
    assert notifications(club.members[0]) == [expected]
    assert notifications(club.members[1]) == [expected]
    page = client.get(f"/events/{meetup.id}").get_data(as_text=True)
    assert "この集まりは中止になりました。" in page
    assert "集まりを中止する" not in page
    refused = _answer(client, login, club.members[2], club.community, meetup, "going")
    assert refused.status_code == 302
    assert club.members[2].id not in _rsvps(app, meetup)
    # leaving the waiting line of a cancelled meetup promotes no one
    _answer(client, login, club.members[0], club.community, meetup, "not_going")
    assert _rsvps(app, meetup)[club.members[1].id] == ("going", True)
    login(club.admin)
    assert client.post(f"/communities/{club.community.slug}/meetups/{meetup.id}/edit",
                       data=_form_in(app)).status_code == 400
    assert "この集まりはすでに中止" in client.post(f"/communities/{club.community.slug}/meetups/{meetup.id}/cancel",
                                             follow_redirects=True).get_data(as_text=True)


def _form_in(app, **overrides):
    with app.app_context():
        return _form(**overrides)


# --- RSVP, capacity and the waiting list ---------------------------------------------------------------------


def test_rsvp_over_capacity_waits_and_moves_up_when_a_seat_frees(client, app, login, club, make_meetup,
                                                                 notifications):
    meetup = make_meetup(club.community, club.admin, capacity=2, title="少人数の会")
    first, second, third, fourth = club.members
    _answer(client, login, first, club.community, meetup, "going")
    _answer(client, login, second, club.community, meetup, "going")
    response = _answer(client, login, third, club.community, meetup, "going")
    assert response.status_code == 302
    _answer(client, login, fourth, club.community, meetup, "going")
    assert _rsvps(app, meetup) == {first.id: ("going", False), second.id: ("going", False),
                                   third.id: ("going", True), fourth.id: ("going", True)}
    login(third)
    page = client.get(f"/events/{meetup.id}").get_data(as_text=True)
    assert "キャンセル待ち 1番目" in page
    assert "参加 2人 / 定員 2人" in page
    login(fourth)
    assert "キャンセル待ち 2番目" in client.get(f"/events/{meetup.id}").get_data(as_text=True)

    # a seat is given up: the first in line moves up and is told
    _answer(client, login, second, club.community, meetup, "maybe")
    assert _rsvps(app, meetup)[third.id] == ("going", False)
    assert _rsvps(app, meetup)[fourth.id] == ("going", True)
    data = {"community_name": "相模原ボードゲーム会", "event_title": "少人数の会"}
    link = f"/communities/{club.community.slug}/meetups/{meetup.id}"
    assert notifications(third) == [("waitlist_promoted", data, link)]
    assert notifications(fourth) == []
    # answering "going" again does not jump the line
    _answer(client, login, second, club.community, meetup, "going")
    assert _rsvps(app, meetup)[second.id] == ("going", True)
    _answer(client, login, first, club.community, meetup, "not_going")
    assert _rsvps(app, meetup)[fourth.id] == ("going", False)
    assert _rsvps(app, meetup)[second.id] == ("going", True)
    login(fourth)
    mine = client.get(f"/events/{meetup.id}").get_data(as_text=True).split("あなたの出欠")[1][:80]
    assert "参加する" in mine and "キャンセル待ち" not in mine


def test_same_answer_twice_keeps_the_place(client, app, login, club, make_meetup):
    meetup = make_meetup(club.community, club.admin, capacity=1)
    _answer(client, login, club.members[0], club.community, meetup, "going")
    _answer(client, login, club.members[1], club.community, meetup, "going")
    _answer(client, login, club.members[2], club.community, meetup, "going")
    _answer(client, login, club.members[1], club.community, meetup, "going")
    _answer(client, login, club.members[0], club.community, meetup, "maybe")
    assert _rsvps(app, meetup)[club.members[1].id] == ("going", False)
    assert _rsvps(app, meetup)[club.members[2].id] == ("going", True)


def test_raising_capacity_moves_the_line_up(client, app, login, club, make_meetup, notifications):
    meetup = make_meetup(club.community, club.admin, capacity=1)
    _answer(client, login, club.members[0], club.community, meetup, "going")
    _answer(client, login, club.members[1], club.community, meetup, "going")
    login(club.admin)
    client.post(f"/communities/{club.community.slug}/meetups/{meetup.id}/edit",
                data=_form_in(app, title=_event(app, meetup.id).title, capacity="5"))
    assert _rsvps(app, meetup)[club.members[1].id] == ("going", False)
    assert [kind for kind, _, _ in notifications(club.members[1])][-1] == "waitlist_promoted"


def test_leaving_the_community_frees_the_seat(client, app, login, club, make_meetup, notifications):
    meetup = make_meetup(club.community, club.admin, capacity=1)
    _answer(client, login, club.members[0], club.community, meetup, "going")
    _answer(client, login, club.members[1], club.community, meetup, "going")
    login(club.members[0])
    client.post(f"/communities/{club.community.slug}/leave")
    assert _rsvps(app, meetup) == {club.members[1].id: ("going", False)}
    assert notifications(club.members[1])[-1][0] == "waitlist_promoted"


def test_rsvp_refusals(client, app, login, club, make_meetup, make_user, make_community):
    slug = club.community.slug
    meetup = make_meetup(club.community, club.admin)
    past = make_meetup(club.community, club.admin, days=-2)
    other = make_meetup(make_community(admin=make_user()), club.admin)
    visitor = app.test_client().post(f"/communities/{slug}/meetups/{meetup.id}/rsvp", data={"answer": "going"})
    assert visitor.status_code == 302 and visitor.headers["Location"].startswith("/login")
    assert _answer(client, login, club.outsider, club.community, meetup, "going").status_code == 403
    login(club.members[0])
    assert client.post(f"/communities/{slug}/meetups/{meetup.id}/rsvp", data={"answer": "perhaps"}).status_code == 400
    assert client.post(f"/communities/{slug}/meetups/{meetup.id}/rsvp", data={"answer": "going"},
                       csrf=False).status_code == 400
    assert client.post(f"/communities/{slug}/meetups/{other.id}/rsvp", data={"answer": "going"}).status_code == 404
    response = client.post(f"/communities/{slug}/meetups/{past.id}/rsvp", data={"answer": "going"},
                           follow_redirects=True)
    assert "この集まりは終了しました。" in response.get_data(as_text=True)
    assert _rsvps(app, meetup) == {} and _rsvps(app, past) == {}


def test_rsvp_buttons_show_only_to_members(client, app, login, club, make_meetup):
    meetup = make_meetup(club.community, club.admin)
    anonymous = app.test_client().get(f"/events/{meetup.id}").get_data(as_text=True)
    assert "ログインしてコミュニティに参加すると、出欠を答えられます。" in anonymous
    assert 'name="answer"' not in anonymous
    login(club.outsider)
    page = client.get(f"/events/{meetup.id}").get_data(as_text=True)
    assert "コミュニティに参加すると、出欠を答えられます。" in page and 'name="answer"' not in page
    login(club.members[0])
    page = client.get(f"/events/{meetup.id}").get_data(as_text=True)
    assert 'name="answer" value="going"' in page
    client.post(f"/communities/{club.community.slug}/meetups/{meetup.id}/rsvp", data={"answer": "maybe"})
    page = client.get(f"/events/{meetup.id}").get_data(as_text=True)
    assert 'value="maybe" class="button button-small" aria-pressed="true"' in page


# --- attendee list ---------------------------------------------------------------------------------------------


def test_attendee_list_is_for_members_only(client, app, login, club, make_meetup):
    meetup = make_meetup(club.community, club.admin, capacity=1)
    _answer(client, login, club.members[0], club.community, meetup, "going")
    _answer(client, login, club.members[1], club.community, meetup, "going")
    _answer(client, login, club.members[2], club.community, meetup, "maybe")
    url = f"/communities/{club.community.slug}/meetups/{meetup.id}/attendees"
    login(club.members[3])
    page = client.get(url).get_data(as_text=True)
    assert "会員0" in page and "会員1" in page and "会員2" in page
    assert page.index("会員0") < page.index("キャンセル待ち") < page.index("会員1")
    assert "会員0" in client.get(f"/events/{meetup.id}").get_data(as_text=True)
    login(club.outsider)
    assert client.get(url).status_code == 403
    assert "会員0" not in client.get(f"/events/{meetup.id}").get_data(as_text=True)
    anonymous = app.test_client()
    assert anonymous.get(url).status_code == 302
    assert "会員0" not in anonymous.get(f"/events/{meetup.id}").get_data(as_text=True)


def test_past_meetups_list(client, login, club, make_meetup):
    make_meetup(club.community, club.admin, title="先月の会", days=-30)
    make_meetup(club.community, club.admin, title="来週の会", days=7)
    upcoming = client.get(f"/communities/{club.community.slug}/meetups").get_data(as_text=True)
    assert "来週の会" in upcoming and "先月の会" not in upcoming
    past = client.get(f"/communities/{club.community.slug}/meetups?past=1").get_data(as_text=True)
    assert "先月の会" in past and "来週の会" not in past
