"""Editors create, edit, draft, publish and withdraw; unverified groups wait; history is kept."""

from datetime import date

import pytest
from sqlalchemy import func, select


def _event_form(app, **overrides):
    with app.app_context():
        from community.areas.services import area_by_slug

        area_id = area_by_slug("hashimoto").id
    data = {"title": "橋本駅前 夏まつり", "start_date": "2027-08-01", "start_time": "10:00", "end_date": "",
            "end_time": "15:00", "area_id": str(area_id), "category_id": "", "venue_name": "橋本駅北口広場",
            "address": "相模原市緑区橋本6丁目", "fee": "無料", "capacity": "", "how_to_apply": "当日会場へ",
            "contact": "042-000-0000", "url": "", "body": "盆踊りと**屋台**があります。", "image_alt": "",
            "repeat": "", "repeat_until": "", "action": "publish"}
    data.update(overrides)
    return data


def test_editor_publishes_an_event_for_a_verified_group(client, app, login, editor):
    login(editor)
    response = client.post(f"/events/new?group={editor.group.slug}", data=_event_form(app))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "橋本駅前 夏まつり" in page
    assert "2027年8月1日(日) 10:00〜15:00" in page
    assert "<strong>屋台</strong>" in page
    client.post("/logout")
    assert "橋本駅前 夏まつり" in client.get("/events?when=range&from=2027-08-01&to=2027-08-01").get_data(as_text=True)


def test_unverified_group_item_waits_and_is_not_public(client, app, login, make_user, make_group):
    owner = make_user()
    group = make_group(owner=owner, verified=False)
    login(owner)
    response = client.post(f"/events/new?group={group.slug}", data=_event_form(app), follow_redirects=True)
    assert "地域情報サポーターの確認後に公開されます" in response.get_data(as_text=True)
    with app.app_context():
        from community.events.models import Event
        from community.extensions import db

        event = db.session.scalar(select(Event))
        assert event.status == "pending"
    client.post("/logout")
    assert client.get(f"/events/{event.id}").status_code == 404
    assert "橋本駅前 夏まつり" not in client.get("/events?when=range&from=2027-08-01").get_data(as_text=True)


def test_draft_is_seen_by_the_group_only(client, app, login, editor, member):
    login(editor)
    response = client.post(f"/events/new?group={editor.group.slug}", data=_event_form(app, action="draft"))
    url = response.headers["Location"]
    assert "下書き" in client.get(url).get_data(as_text=True)
    login(member)
    assert client.get(url).status_code == 404


def test_edit_keeps_the_previous_version(client, app, login, editor):
    login(editor)
    url = client.post(f"/events/new?group={editor.group.slug}", data=_event_form(app)).headers["Location"]
    event_id = int(url.rsplit("/", 1)[1])
    edit = client.get(f"/events/{event_id}/edit").get_data(as_text=True)
    assert 'value="2027-08-01"' in edit and 'value="10:00"' in edit
    client.post(f"/events/{event_id}/edit", data=_event_form(app, title="橋本駅前 夏まつり（雨天中止）"))
    history = client.get(f"/events/{event_id}/history").get_data(as_text=True)
    assert "橋本駅前 夏まつり" in history and "団体 編集者" in history


def test_withdraw_takes_the_event_off_the_public_pages(client, app, login, editor, make_item):
    event = make_item("event", editor.group)
    login(editor)
    assert client.post(f"/events/{event.id}/withdraw", csrf=False).status_code == 400  # no token, no withdrawal
    assert client.get(f"/events/{event.id}").status_code == 200
    assert client.post(f"/events/{event.id}/withdraw").status_code == 302
    client.post("/logout")
    assert client.get(f"/events/{event.id}").status_code == 404


@pytest.mark.parametrize("kind", ["events", "shops", "notices"])
def test_only_the_groups_editors_may_edit(client, login, make_user, make_group, make_item, kind):
    owner, stranger, supporter = make_user(), make_user(), make_user("supporter")
    group = make_group(owner=owner)
    item = make_item(kind[:-1], group)
    for user in (stranger, supporter):
        login(user)
        assert client.get(f"/{kind}/{item.id}/edit").status_code == 403
        assert client.post(f"/{kind}/{item.id}/withdraw").status_code == 403
        assert client.get(f"/{kind}/new?group={group.slug}").status_code == 403
    login(owner)
    assert client.get(f"/{kind}/{item.id}/edit").status_code == 200


def test_visitor_is_sent_to_login_for_editing(client, editor, make_item):
    event = make_item("event", editor.group)
    assert client.get(f"/events/{event.id}/edit").headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(("overrides", "message"), [
    ({"title": ""}, "イベント名を入力してください。"),
    ({"start_date": "2027-13-45"}, "Not a valid date value."),
    ({"end_date": "2027-07-01"}, "終了が開始より前になっています。"),
    ({"repeat": "WEEKLY"}, "繰り返す場合は最終日を入力してください。"),
    ({"url": "javascript:alert(1)"}, "http:// または https:// で始まるURLを入力してください。"),
    ({"capacity": "-3"}, "1以上の数を入力してください。"),
])
def test_bad_event_input_is_refused_and_nothing_is_saved(client, app, login, editor, overrides, message):
    login(editor)
    response = client.post(f"/events/new?group={editor.group.slug}", data=_event_form(app, **overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True) or "入力内容を確認してください" in response.get_data(as_text=True)
    with app.app_context():
        from community.events.models import Event
        from community.extensions import db

        assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_weekly_event_is_expanded_into_dates(client, app, login, editor):
    login(editor)
    url = client.post(f"/events/new?group={editor.group.slug}",
                      data=_event_form(app, repeat="WEEKLY", repeat_until="2027-08-29")).headers["Location"]
    with app.app_context():
        from community.events.models import EventOccurrence
        from community.extensions import db

        starts = db.session.scalars(select(EventOccurrence.starts_at).order_by(EventOccurrence.starts_at)).all()
    assert len(starts) == 5
    from community.timeutil import to_local

    assert [to_local(s).date() for s in starts] == [date(2027, 8, d) for d in (1, 8, 15, 22, 29)]
    assert all(to_local(s).hour == 10 for s in starts)
    page = client.get(url).get_data(as_text=True)
    assert "2027年8月29日(日) 10:00〜15:00" in page


def test_shop_and_notice_through_the_forms(client, app, login, editor):
    with app.app_context():
        from community.areas.services import area_by_slug

        area_id = str(area_by_slug("torin").id)
    login(editor)
    shop = client.post(f"/shops/new?group={editor.group.slug}", data={
        "name": "東林間ベーカリー", "name_kana": "とうりんかんべーかりー", "kind": "shop", "area_id": area_id,
        "category_id": "", "address": "相模原市南区上鶴間7-1", "latitude": "35.5", "longitude": "139.4",
        "opening_hours": "7:00〜18:00", "holidays": "月曜", "phone": "042-000-1111", "website": "https://example.jp",
        "barrier_free": "段差なし", "tags": ["子連れOK", "テイクアウト"], "last_confirmed": "2026-11-01", "body": "",
        "image_alt": "", "action": "publish"})
    assert shop.status_code == 302
    page = client.get(shop.headers["Location"]).get_data(as_text=True)
    assert "東林間ベーカリー" in page and "テイクアウト" in page and "段差なし" in page
    bad = client.post(f"/shops/new?group={editor.group.slug}",
                      data={"name": "x", "kind": "shop", "area_id": area_id, "address": "", "latitude": "95",
                            "action": "publish"})
    assert bad.status_code == 400
    assert "住所を入力してください。" in bad.get_data(as_text=True)
    notice = client.post(f"/notices/new?group={editor.group.slug}", data={
        "title": "資源回収日の変更", "area_id": area_id, "category_id": "", "body": "今月は第3土曜です。",
        "publish_from": "", "publish_until": "2099-12-31", "image_alt": "", "action": "publish"})
    assert notice.status_code == 302
    assert "資源回収日の変更" in client.get("/notices").get_data(as_text=True)


def test_notice_outside_its_window_is_not_public(client, editor, make_item):
    from datetime import timedelta

    from community.timeutil import now_utc

    make_item("notice", editor.group, title="まだ先のお知らせ", publish_from=now_utc() + timedelta(days=3))
    make_item("notice", editor.group, title="終わったお知らせ", publish_until=now_utc() - timedelta(days=1))
    make_item("notice", editor.group, title="いまのお知らせ")
    page = client.get("/notices").get_data(as_text=True)
    assert "いまのお知らせ" in page
    assert "まだ先のお知らせ" not in page and "終わったお知らせ" not in page
