"""Pre-moderation: unverified groups' items and a new member's first posts wait for a supporter; verifying
a group lets its posts go live (and can approve what it has waiting)."""


def test_new_members_first_post_waits_and_goes_live_on_approval(app, client, login, supporter, make_user, fetch):
    from sqlalchemy import select

    from community.areas.services import area_by_slug
    from community.board.models import BoardThread
    from community.extensions import db

    newcomer = make_user()
    with app.app_context():
        area_id = area_by_slug("hashimoto").id
    login(newcomer)
    client.post("/board/new", data={"kind": "chat", "title": "はじめまして", "area_id": str(area_id),
                                    "body": "橋本に引っ越してきました"})
    with app.app_context():
        thread_id, status = db.session.execute(select(BoardThread.id, BoardThread.status)).one()
    assert status == "pending"
    client.post("/logout")
    assert "はじめまして" not in client.get("/board").get_data(as_text=True)
    login(supporter)
    assert "はじめまして" in client.get("/moderation").get_data(as_text=True)
    client.post(f"/moderation/item/board/{thread_id}/approve", data={"expected": "pending"})
    client.post("/logout")
    assert "はじめまして" in client.get("/board").get_data(as_text=True)


def test_unverified_groups_are_listed_and_verified_with_their_waiting_items(client, login, supporter, member,
                                                                            make_user, make_group, make_item,
                                                                            fetch, audit_entries):
    owner = make_user()
    group = make_group(owner=owner, verified=False, name="上溝こども食堂")
    waiting = [make_item("event", group), make_item("notice", group)]
    login(member)
    assert client.get("/moderation/groups").status_code == 403
    assert client.post(f"/moderation/groups/{group.id}/verify", data={"approve_pending": "y"}).status_code == 403
    login(supporter)
    page = client.get("/moderation/groups").get_data(as_text=True)
    assert "上溝こども食堂" in page and "<td>2</td>" in page
    response = client.post(f"/moderation/groups/{group.id}/verify", data={"approve_pending": "y"},
                           follow_redirects=True)
    assert "承認した投稿: 2件" in response.get_data(as_text=True)
    for item in waiting:
        assert fetch(item.KIND, item.id).status == "published"
    assert "上溝こども食堂" not in client.get("/moderation/groups").get_data(as_text=True)
    again = client.post(f"/moderation/groups/{group.id}/verify", data={}, follow_redirects=True)
    assert "すでに確認済みです" in again.get_data(as_text=True)
    assert sorted(a[0] for a in audit_entries()) == ["approve", "approve", "verify_group"]
    # from now on the group's new items are public at once
    assert fetch("event", make_item("event", group).id).status == "published"


def test_verifying_without_approving_leaves_items_waiting(client, login, supporter, make_user, make_group,
                                                          make_item, fetch):
    group = make_group(owner=make_user(), verified=False)
    event = make_item("event", group)
    login(supporter)
    client.post(f"/moderation/groups/{group.id}/verify", data={})
    assert fetch("event", event.id).status == "pending"
    assert client.post("/moderation/groups/99999/verify", data={}).status_code == 404
    assert client.post(f"/moderation/groups/{group.id}/verify", data={}, csrf=False).status_code == 400
