"""The supporter dashboard: figures and stale information to check."""

from datetime import date, timedelta


def test_member_cannot_see_the_dashboard(client, login, member):
    login(member)
    assert client.get("/moderation/dashboard").status_code == 403


def test_figures(client, login, supporter, make_user, make_post, members, report_as):
    author = make_user()
    make_post("board", author, status="pending")
    make_post("topic", author, community=make_post("community", author), status="pending")
    reported = make_post("board", author)
    hidden = make_post("board", author)
    a, b = members(2)
    report_as(a, "board", reported.id)
    report_as(b, "board", reported.id)
    login(supporter)
    client.post(f"/moderation/item/board/{hidden.id}/hide", data={"expected": "published", "reason": "重複"})
    page = client.get("/moderation/dashboard").get_data(as_text=True)
    assert "<dt>確認待ちの投稿</dt><dd><a href=\"/moderation\">2件</a></dd>" in page
    assert "2件（1件の情報）" in page
    assert "<dt>この1週間に非表示になった情報</dt><dd>1件</dd>" in page


def test_stale_information_to_check(app, client, login, supporter, editor, make_group, make_item, update_item):
    from community.db import utcnow
    from community.extensions import db
    from community.groups.models import Group
    from community.moderation.models import Feature

    old_shop = make_item("shop", editor.group, name="昔からの八百屋")
    make_item("shop", editor.group, name="新しいパン屋", last_confirmed=date.today())
    update_item("shop", old_shop.id, last_confirmed=date.today() - timedelta(days=400))
    past = make_item("event", editor.group, title="終わった祭り", starts_at=utcnow() - timedelta(days=3))
    coming = make_item("event", editor.group, title="これからの祭り")
    quiet = make_group(name="静かな会")
    with app.app_context():
        db.session.add_all([Feature(item_kind="event", item_id=past.id), Feature(item_kind="event", item_id=coming.id)])
        group = db.session.get(Group, quiet.id)
        group.updated_at = utcnow() - timedelta(days=500)
        db.session.commit()
    login(supporter)
    page = client.get("/moderation/dashboard").get_data(as_text=True)
    assert "昔からの八百屋" in page and "新しいパン屋" not in page
    assert "終わった祭り" in page and "これからの祭り" not in page
    dormant = page.split("1年以上動きのない団体")[1]
    assert "静かな会" in dormant and editor.group.name not in dormant
