"""A required title or name that is nothing but markup is refused by its form, as an empty one is; and a row
stored with an empty title anyway (an older import, a script) breaks no page, feed or API for everyone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.content.test_xss import _ids, all_problems, item_posts

MARKUP_ONLY = ["<img src=x onerror=alert(1)>", "<b> </b>&nbsp;", "&lt;script&gt;&lt;/script&gt;"]
MESSAGE = "HTMLのタグを除くと何も残りません。文字を入力してください。"


def _count(app, model) -> int:
    from community.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _refused(client, app, model, path: str, data: dict, empty_message: str):
    """Each markup-only value, and the empty one, are refused (400, the message shown) and nothing is stored."""
    field = next(name for name, value in data.items() if value is _FILL)
    before = _count(app, model)
    for value in MARKUP_ONLY:
        response = client.post(path, data={**data, field: value})
        assert response.status_code == 400, (path, field, value)
        assert MESSAGE in response.get_data(as_text=True), (path, field, value)
    empty = client.post(path, data={**data, field: ""})
    assert empty.status_code == 400 and empty_message in empty.get_data(as_text=True), (path, field)
    assert MESSAGE not in empty.get_data(as_text=True)  # an empty field keeps its own message
    assert _count(app, model) == before, (path, field)


_FILL = object()  # marks the field under test in a form's data


@pytest.mark.parametrize(("kind", "field", "empty_message"), [
    ("event", "title", "イベント名を入力してください。"),
    ("shop", "name", "名称を入力してください。"),
    ("shop", "address", "住所を入力してください。"),
    ("notice", "title", "タイトルを入力してください。"),
])
def test_markup_only_title_of_an_event_shop_or_notice_is_refused(client, app, login, editor, kind, field,
                                                                 empty_message):
    from community.models import Event, Notice, Shop
    from community.timeutil import today_local

    area_id, category_id = _ids(app)
    login(editor)
    form = {"token": client.csrf_token(), "group": editor.group.slug, "area_id": area_id,
            "category_id": category_id, "day": today_local() + timedelta(days=1)}
    path, data = item_posts(form, lambda marker: marker, lambda marker: f"https://example.jp/{marker}")[kind]
    data.pop("image")  # a file is read once; posted several times, the form goes without it
    data[field] = _FILL
    model = {"event": Event, "shop": Shop, "notice": Notice}[kind]
    _refused(client, app, model, path, data, empty_message)


def test_markup_only_titles_and_names_are_refused_by_every_other_form(client, app, login, member, admin, supporter,
                                                                      make_community, area_id):
    """Topics, meetups (name and place), board threads, communities, groups, urgent notices, areas, categories,
    特集 and display names: each form with a required plain-text field."""
    from community.accounts.models import User
    from community.areas.models import Area, Category
    from community.board.models import BoardThread
    from community.communities.models import Community, Topic
    from community.events.models import Event
    from community.groups.models import Group
    from community.moderation.models import Collection
    from community.signage.models import UrgentNotice
    from community.timeutil import now_utc, to_local

    hashimoto = str(area_id("hashimoto"))
    club = make_community(admin=member)
    day = to_local(now_utc() + timedelta(days=7)).date().isoformat()
    meetup = {"title": "定例会", "start_date": day, "start_time": "13:00", "end_time": "17:00",
              "venue_name": "橋本公民館", "address": "", "capacity": "", "area_id": hashimoto, "body": ""}
    login(member)
    new_meetup = f"/communities/{club.slug}/meetups/new"
    for model, path, data, empty_message in [
        (Topic, f"/communities/{club.slug}/topics/new", {"title": _FILL, "body": "本"}, "タイトルを入力してください。"),
        (Event, new_meetup, {**meetup, "title": _FILL}, "集まりの名前を入力してください。"),
        (Event, new_meetup, {**meetup, "venue_name": _FILL}, "場所を入力してください。"),
        (BoardThread, "/board/new", {"kind": "chat", "title": _FILL, "area_id": hashimoto, "expires_in_days": "",
                                     "body": "本文"}, "件名を入力してください。"),
        (Community, "/communities/new", {"name": _FILL, "slug": "new-club", "area_id": hashimoto},
         "コミュニティ名を入力してください。"),
        (Group, "/groups/new", {"name": _FILL, "slug": "new-group", "kind": "npo", "area_id": hashimoto},
         "団体名を入力してください。"),
    ]:
        _refused(client, app, model, path, data, empty_message)
    login(supporter)
    _refused(client, app, Collection, "/moderation/collections/new", {"title": _FILL, "slug": "tokushu"},
             "タイトルを入力してください。")
    login(admin)
    until = to_local(now_utc() + timedelta(hours=3))
    urgent = {"title": _FILL, "body": "", "area_id": "", "until_date": until.date().isoformat(),
              "until_time": until.strftime("%H:%M")}
    for model, path, data, empty_message in [
        (UrgentNotice, "/admin/urgent", urgent, "見出しを入力してください。"),
        (Area, "/admin/areas", {"name": _FILL, "slug": "new-area", "parent_id": ""}, "地域名を入力してください。"),
        (Category, "/admin/categories", {"name": _FILL, "slug": "new-category"}, "分野名を入力してください。"),
    ]:
        _refused(client, app, model, path, data, empty_message)
    client.post("/logout")
    password = "長くて安全なパスワード123"
    _refused(client, app, User, "/register", {"email": "new@example.jp", "display_name": _FILL, "password": password,
                                              "password_confirm": password, "agree": "y"}, "表示名を入力してください。")


def test_stored_empty_titles_break_no_read_path(client, app, login, editor, member, make_item, make_community,
                                                make_topic, area_id):
    """Every kind of item saved with a title or name of "" (as markup-only titles were before the forms refused
    them): the listing, detail, home, area and group pages, the Atom and iCalendar feeds, the API, signage, search,
    the community and board pages, 特集 and a personal feed all answer, and the feeds say （無題）."""
    import feedparser

    from community.accounts.models import User
    from community.board.models import BoardThread
    from community.communities.models import Community, Topic
    from community.events.models import Event
    from community.extensions import db
    from community.groups.models import Group
    from community.models import Notice, Shop
    from community.moderation.models import Collection
    from community.signage.models import UrgentNotice
    from community.timeutil import now_utc, to_local, today_local

    app.config["NEW_MEMBER_REVIEW_POSTS"] = 0
    event = make_item("event", editor.group, body="空の題名の本文", starts_at=now_utc() + timedelta(days=1))
    shop = make_item("shop", editor.group, body="空の題名の本文")
    notice = make_item("notice", editor.group, body="空の題名の本文")
    club = make_community(admin=member)
    topic = make_topic(club, member, body="空の題名の本文")
    login(member)
    day = to_local(now_utc() + timedelta(days=2)).date().isoformat()
    meetup = client.post(f"/communities/{club.slug}/meetups/new", data={
        "title": "定例会", "start_date": day, "start_time": "13:00", "end_time": "17:00", "venue_name": "橋本公民館",
        "address": "", "capacity": "", "area_id": str(area_id("hashimoto")), "body": "空の題名の本文"})
    thread = client.post("/board/new", data={"kind": "chat", "title": "雑談", "area_id": str(area_id("hashimoto")),
                                             "expires_in_days": "", "body": "掲示板の本文"})
    assert meetup.status_code == thread.status_code == 302
    meetup_id, thread_id = (int(r.headers["Location"].rsplit("/", 1)[1]) for r in (meetup, thread))
    assert client.post(f"/me/follow/group/{editor.group.id}").status_code == 302
    assert client.post(f"/me/follow/community/{club.id}").status_code == 302
    assert client.post("/me/feed-token").status_code == 302
    with app.app_context():
        token = db.session.get(User, member.id).feed_token
        now = now_utc()
        db.session.add_all([UrgentNotice(title="", body="本文", created_by_id=editor.id, starts_at=now,
                                         ends_at=now + timedelta(hours=3)),
                            Collection(title="", slug="empty", intro="", intro_html="", is_published=True,
                                       created_by_id=editor.id)])
        for model, column in ((Event, Event.title), (Shop, Shop.name), (Notice, Notice.title), (Topic, Topic.title),
                              (BoardThread, BoardThread.title), (Community, Community.name), (Group, Group.name)):
            db.session.execute(update(model).values({column: ""}))
        db.session.commit()
    client.post("/logout")

    published = [{"event": event.id, "shop": shop.id, "notice": notice.id, "day": today_local()}]
    # the meetup is an open community's event: it is in /events and its feeds too, beside the group's event
    assert all_problems(client, published + [{**published[0], "event": meetup_id}], editor.group.slug, {}) == {}
    for url in ("/events.atom", "/shops.atom", "/notices.atom"):
        assert {e.title for e in feedparser.parse(client.get(url).data).entries} == {"（無題）"}, url
    for url in ("/board", f"/board/{thread_id}", "/communities", f"/communities/{club.slug}",
                f"/communities/{club.slug}/topics", f"/communities/{club.slug}/topics/{topic.id}",
                f"/communities/{club.slug}/meetups", f"/communities/{club.slug}/meetups/{meetup_id}",
                "/signage", "/signage.json", "/features", "/features/empty", "/search?q=本文", "/search?q=空の題名",
                "/groups", f"/me/feed/{member.id}/{token}.atom", f"/me/feed/{member.id}/{token}.ics"):
        assert client.get(url).status_code == 200, url
    personal = feedparser.parse(client.get(f"/me/feed/{member.id}/{token}.atom").data)
    assert personal.entries and {e.title for e in personal.entries} == {"（無題）"}
    login(member)
    for url in ("/me", "/me/following", "/me/posts", "/notifications"):
        assert client.get(url).status_code == 200, url
