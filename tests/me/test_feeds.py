"""Personal Atom and iCalendar feeds behind a secret token URL; settings of my page."""

from __future__ import annotations

import re

import feedparser
from icalendar import Calendar


def _issue_token(client, login, user, get_user) -> str:
    login(user)
    assert client.post("/me/feed-token").status_code == 302
    return get_user(user.id).feed_token


def _feed_links(page: str) -> tuple[str, str]:
    atom = re.search(r'id="feed-atom" value="http://localhost(/me/feed/[^"]+\.atom)"', page).group(1)
    ics = re.search(r'id="feed-ics" value="http://localhost(/me/feed/[^"]+\.ics)"', page).group(1)
    return atom, ics


def test_member_issues_a_token_and_reads_both_feeds(client, app, login, member, editor, make_item, add_follows,
                                                    get_user):
    event = make_item("event", editor.group, title="橋本の夏まつり")
    notice = make_item("notice", editor.group, title="ごみ収集日の変更")
    add_follows(member, "group", [editor.group.id])
    login(member)
    assert "フィードのURLを発行する" in client.get("/me/settings").get_data(as_text=True)
    token = _issue_token(client, login, member, get_user)
    assert len(token) >= 32
    atom_path, ics_path = _feed_links(client.get("/me/settings").get_data(as_text=True))
    assert atom_path == f"/me/feed/{member.id}/{token}.atom"

    client.post("/logout")  # feeds need no session: the token is the key
    atom = client.get(atom_path)
    assert atom.status_code == 200
    assert atom.headers["Content-Type"] == "application/atom+xml; charset=utf-8"  # the charset once
    assert "no-store" in atom.headers["Cache-Control"]
    parsed = feedparser.parse(atom.data)
    titles = [entry.title for entry in parsed.entries]
    assert set(titles) == {"ごみ収集日の変更", "橋本の夏まつり"}
    assert any(entry.link.endswith(f"/events/{event.id}") for entry in parsed.entries)
    assert any(entry.link.endswith(f"/notices/{notice.id}") for entry in parsed.entries)

    ics = client.get(ics_path)
    assert ics.status_code == 200 and ics.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(ics.data)
    summaries = [str(component.get("summary")) for component in calendar.walk("VEVENT")]
    assert summaries == ["橋本の夏まつり"]


def test_regenerating_voids_the_old_url_at_once(client, login, member, get_user):
    old = _issue_token(client, login, member, get_user)
    assert client.get(f"/me/feed/{member.id}/{old}.atom").status_code == 200
    new = _issue_token(client, login, member, get_user)
    assert new != old
    assert client.get(f"/me/feed/{member.id}/{old}.atom").status_code == 404
    assert client.get(f"/me/feed/{member.id}/{old}.ics").status_code == 404
    assert client.get(f"/me/feed/{member.id}/{new}.atom").status_code == 200


def test_unknown_malformed_and_another_members_tokens_give_404(client, login, member, make_user, get_user):
    other = make_user()
    token = _issue_token(client, login, member, get_user)
    other_token = _issue_token(client, login, other, get_user)
    assert client.get(f"/me/feed/{member.id}/{other_token}.atom").status_code == 404
    assert client.get(f"/me/feed/{other.id}/{token}.ics").status_code == 404
    assert client.get(f"/me/feed/{member.id}/{'x' * 43}.atom").status_code == 404
    assert client.get(f"/me/feed/{member.id}/short.atom").status_code == 404
    assert client.get(f"/me/feed/999999/{token}.atom").status_code == 404
    fresh = make_user()  # never issued a token
    assert client.get(f"/me/feed/{fresh.id}/{token}.atom").status_code == 404


def test_a_suspended_members_feed_is_gone(client, app, login, member, get_user):
    from community.accounts.models import User
    from community.extensions import db

    token = _issue_token(client, login, member, get_user)
    with app.app_context():
        db.session.get(User, member.id).is_suspended = True
        db.session.commit()
    assert client.get(f"/me/feed/{member.id}/{token}.atom").status_code == 404


def test_feeds_follow_community_membership(client, app, login, member, make_user, make_community, make_topic,
                                           make_meetup, add_follows, get_user):
    from sqlalchemy import delete

    from community.communities.models import CommunityMembership
    from community.extensions import db

    owner = make_user()
    community = make_community(admin=owner, members=[member], closed=True)
    make_topic(community, owner, title="会員限定の相談")
    make_meetup(community)
    add_follows(member, "community", [community.id])
    token = _issue_token(client, login, member, get_user)
    atom_path, ics_path = f"/me/feed/{member.id}/{token}.atom", f"/me/feed/{member.id}/{token}.ics"
    assert "会員限定の相談" in client.get(atom_path).get_data(as_text=True)
    assert "VEVENT" in client.get(ics_path).get_data(as_text=True)
    with app.app_context():
        db.session.execute(delete(CommunityMembership).where(CommunityMembership.user_id == member.id))
        db.session.commit()
    assert "会員限定の相談" not in client.get(atom_path).get_data(as_text=True)
    assert "VEVENT" not in client.get(ics_path).get_data(as_text=True)


def test_feed_token_needs_a_signed_in_member_and_csrf(client, login, member, get_user):
    assert client.post("/me/feed-token").headers["Location"].startswith("/login")
    login(member)
    assert client.post("/me/feed-token", csrf=False).status_code == 400
    assert get_user(member.id).feed_token is None


def test_digest_setting(client, login, member, get_user):
    login(member)
    page = client.get("/me/settings").get_data(as_text=True)
    assert '<input checked id="digest_frequency-0" name="digest_frequency" type="radio" value="none">' in page
    assert client.post("/me/settings", data={"digest_frequency": "weekly"}).status_code == 302
    assert get_user(member.id).digest_frequency == "weekly"
    assert 'checked id="digest_frequency-2"' in client.get("/me/settings").get_data(as_text=True)
    refused = client.post("/me/settings", data={"digest_frequency": "hourly"})
    assert refused.status_code == 400
    assert "配信の頻度を選んでください。" in refused.get_data(as_text=True)
    assert get_user(member.id).digest_frequency == "weekly"
