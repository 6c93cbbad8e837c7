"""Urgent notices: admins raise and withdraw them (audited); banners by area; the signage takeover."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import render_template_string
from sqlalchemy import select

from community.timeutil import now_utc, to_local


def _form(area_id="", hours=3, **overrides):
    until = to_local(now_utc() + timedelta(hours=hours))
    data = {"title": "大雨による避難指示", "body": "緑区の一部に避難指示が出ています。", "area_id": area_id,
            "until_date": until.date().isoformat(), "until_time": until.strftime("%H:%M")}
    data.update(overrides)
    return data


def _audit(app):
    from community.extensions import db
    from community.moderation.models import AuditEntry

    with app.app_context():
        return [(e.action, e.item_kind, e.item_id, e.actor_id) for e in db.session.scalars(
            select(AuditEntry).order_by(AuditEntry.id))]


def _urgent_ids(page: str) -> list[str]:
    box = page.split('id="signage-urgent"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'data-urgent-id="(\d+)"', box)


def test_only_admins_reach_the_urgent_page(client, login, member, supporter, admin):
    assert client.get("/admin/urgent").headers["Location"].startswith("/login?next=")
    for user in (member, supporter):
        login(user)
        assert client.get("/admin/urgent").status_code == 403
        assert client.post("/admin/urgent", data=_form()).status_code == 403
        assert client.post("/admin/urgent/1/withdraw").status_code == 403
    login(admin)
    page = client.get("/admin/urgent")
    assert page.status_code == 200
    assert "緊急情報を発信する" in page.get_data(as_text=True)


def test_admin_raises_and_withdraws_with_audit_entries(client, app, login, admin, area_id):
    from community.extensions import db
    from community.signage.models import UrgentNotice

    login(admin)
    response = client.post("/admin/urgent", data=_form(area_id=area_id("midori")))
    assert response.status_code == 302
    with app.app_context():
        notice = db.session.scalar(select(UrgentNotice))
        notice_id, notice_area = notice.id, notice.area_id
        assert notice.created_by_id == admin.id
    assert notice_area == area_id("midori")
    assert _audit(app) == [("urgent_raise", "urgent_notice", notice_id, admin.id)]
    page = client.get("/admin/urgent").get_data(as_text=True)
    assert "表示中" in page and "取り下げる" in page

    assert client.post(f"/admin/urgent/{notice_id}/withdraw").status_code == 302
    assert _audit(app)[-1] == ("urgent_withdraw", "urgent_notice", notice_id, admin.id)
    with app.app_context():
        assert db.session.get(UrgentNotice, notice_id).withdrawn_at is not None
    again = client.post(f"/admin/urgent/{notice_id}/withdraw", follow_redirects=True)
    assert "すでに終了しています" in again.get_data(as_text=True)
    assert len(_audit(app)) == 2
    assert client.post("/admin/urgent/999999/withdraw").status_code == 404
    assert client.post(f"/admin/urgent/{notice_id}/withdraw", csrf=False).status_code == 400


def test_the_city_itself_counts_as_the_whole_city(client, app, login, admin, area_id):
    from community.extensions import db
    from community.signage.models import UrgentNotice

    login(admin)
    client.post("/admin/urgent", data=_form(area_id=area_id("sagamihara")))
    with app.app_context():
        assert db.session.scalar(select(UrgentNotice.area_id)) is None


def test_raise_form_refusals(client, app, login, admin):
    from community.extensions import db
    from community.signage.models import UrgentNotice

    login(admin)
    cases = [(_form(title=""), "見出しを入力してください。"), (_form(hours=-1), "今より後の日時"),
             (_form(hours=24 * 40), "31日先まで"), (_form(until_date="明日"), "")]
    for data, message in cases:
        response = client.post("/admin/urgent", data=data)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert client.post("/admin/urgent", data=_form(area_id="99999")).status_code == 400
    assert client.post("/admin/urgent", data=_form(), csrf=False).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(UrgentNotice.id)) is None
    assert _audit(app) == []


def test_active_notices_by_area_and_its_ancestors(app, make_urgent):
    from community.areas.services import area_by_slug
    from community.signage.services import active_urgent_notices

    city = make_urgent("市内全域の情報")
    ward = make_urgent("緑区の情報", area="midori")
    district = make_urgent("橋本の情報", area="hashimoto")
    make_urgent("南区の情報", area="minami")
    make_urgent("取り下げ済み", withdrawn=True)
    make_urgent("終了済み", hours=-1)
    with app.test_request_context():
        assert [n.id for n in active_urgent_notices()] == [city.id]
        assert {n.id for n in active_urgent_notices(area=area_by_slug("hashimoto"))} == {city.id, ward.id, district.id}
        assert {n.id for n in active_urgent_notices(area=area_by_slug("midori"))} == {city.id, ward.id}
        assert {n.id for n in active_urgent_notices(area_slug="hashimoto")} == {city.id, ward.id, district.id}
        assert {n.id for n in active_urgent_notices(area_slug="no-such-place")} == {city.id}


def test_banner_context_for_every_page(app, make_urgent):
    make_urgent("市内全域の情報")
    make_urgent("緑区の情報", area="midori")
    template = "{% for n in urgent_notices %}[{{ n.title }}]{% endfor %}"
    for path, expected in (("/", "[市内全域の情報]"), ("/events?area=hashimoto", "[緑区の情報][市内全域の情報]"),
                           ("/events?area=ono-minami", "[市内全域の情報]")):
        with app.test_request_context(path):
            assert render_template_string(template) == expected, path


def test_banner_context_on_area_pages(client, app, make_urgent):
    """The /areas/<slug> page's own area counts (checked through the real request's context)."""
    from flask import template_rendered

    make_urgent("緑区の情報", area="midori")
    seen = []

    def remember(sender, template, context, **extra):
        if "urgent_notices" in context:
            seen.append([n.title for n in context["urgent_notices"]])

    template_rendered.connect(remember, app)
    try:
        client.get("/areas/hashimoto")
        client.get("/areas/minami")
    finally:
        template_rendered.disconnect(remember, app)
    assert seen == [["緑区の情報"], []]


def test_urgent_notice_takes_over_signage_for_its_area(client, make_urgent):
    ward = make_urgent("土砂災害警戒情報", area="midori", body="山沿いの方は注意してください。")
    city = make_urgent("市内全域の断水")
    hashimoto = client.get("/signage?area=hashimoto").get_data(as_text=True)
    assert _urgent_ids(hashimoto) == [str(city.id), str(ward.id)]
    assert 'data-urgent="true"' in hashimoto and 'data-urgent-count="2"' in hashimoto
    assert hashimoto.index("土砂災害警戒情報") < hashimoto.index('id="signage-slides"')  # on top
    minami = client.get("/signage?area=minami").get_data(as_text=True)
    assert _urgent_ids(minami) == [str(city.id)]


def test_withdrawn_notice_disappears_from_signage_on_the_next_poll(client, login, admin, make_urgent):
    notice = make_urgent("避難所の開設")
    assert [u["id"] for u in client.get("/signage.json").json["urgent"]] == [notice.id]
    login(admin)
    client.post(f"/admin/urgent/{notice.id}/withdraw")
    client.post("/logout")
    assert client.get("/signage.json").json["urgent"] == []
    page = client.get("/signage").get_data(as_text=True)
    assert 'data-urgent-count="0"' in page and "避難所の開設" not in page


def test_ended_notice_is_gone_without_anyone_acting(client, app, make_urgent):
    from community.extensions import db
    from community.signage.models import UrgentNotice

    notice = make_urgent("短い通知")
    with app.app_context():
        db.session.get(UrgentNotice, notice.id).ends_at = now_utc() - timedelta(seconds=1)
        db.session.commit()
    assert client.get("/signage.json").json["urgent"] == []


def test_banner_partial_for_base_html(app, make_urgent):
    from flask import render_template

    with app.test_request_context("/"):
        assert render_template("signage/_urgent_banner.html").strip() == ""
    make_urgent("台風接近 <注意>", body="外出を控えてください。")
    with app.test_request_context("/"):
        html = render_template("signage/_urgent_banner.html")
    assert "台風接近 &lt;注意&gt;" in html and "外出を控えてください。" in html
    assert 'data-urgent-count="1"' in html


def test_an_urgent_notice_shows_at_once_on_kept_pages(app, client, make_urgent):
    """Pages kept for visitors (community/cache.py) change with an urgent notice, which is no search item."""
    app.config["PAGE_CACHE"] = True
    assert "避難所を開設しました" not in client.get("/events").get_data(as_text=True)
    make_urgent("避難所を開設しました")
    assert "避難所を開設しました" in client.get("/events").get_data(as_text=True)
