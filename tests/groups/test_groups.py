"""Asking to create a group, editing it, and its editors."""

from sqlalchemy import select


def _group_data(area_id, **overrides):
    data = {"name": "上溝ボランティアの会", "slug": "kamimizo-volunteer", "kind": "npo", "area_id": area_id,
            "description": "**清掃活動**をしています。<script>alert(1)</script>", "contact": "042-000-0000",
            "website": "https://example.jp/"}
    data.update(overrides)
    return data


def _area_id(app, slug="kamimizo"):
    with app.app_context():
        from community.areas.services import area_by_slug

        return area_by_slug(slug).id


def test_member_asks_to_create_a_group_and_becomes_its_unverified_owner(client, app, login, member):
    login(member)
    response = client.post("/groups/new", data=_group_data(_area_id(app)))
    assert response.status_code == 302
    page = client.get("/groups/kamimizo-volunteer").get_data(as_text=True)
    assert "上溝ボランティアの会" in page
    assert "確認待ちの団体" in page
    assert "<strong>清掃活動</strong>" in page
    assert "<script>" not in page
    assert "団体の情報を編集" in page


def test_group_form_refuses_bad_slug_and_taken_slug(client, app, login, member, make_group):
    make_group(slug="taken-slug")
    login(member)
    bad = client.post("/groups/new", data=_group_data(_area_id(app), slug="日本語 スラッグ"))
    assert bad.status_code == 400
    assert "半角英小文字・数字・ハイフンで入力してください" in bad.get_data(as_text=True)
    taken = client.post("/groups/new", data=_group_data(_area_id(app), slug="taken-slug"))
    assert taken.status_code == 400
    assert "このURL用の名前はすでに使われています。" in taken.get_data(as_text=True)


def test_visitor_is_sent_to_login_to_create_a_group(client):
    assert client.get("/groups/new").headers["Location"].startswith("/login?next=")


def test_only_owner_or_admin_may_edit_or_manage(client, login, make_user, make_group):
    owner, editor, stranger = make_user(), make_user(), make_user()
    group = make_group(owner=owner, editors=[editor])
    for user in (editor, stranger):
        login(user)
        assert client.get(f"/groups/{group.slug}/edit").status_code == 403
        assert client.get(f"/groups/{group.slug}/members").status_code == 403
    login(owner)
    assert client.get(f"/groups/{group.slug}/members").status_code == 200


def test_owner_adds_and_removes_an_editor_and_hands_over(client, app, login, make_user, make_group):
    from community.extensions import db
    from community.groups.models import GroupMembership

    owner = make_user()
    newcomer = make_user(email="newcomer@example.jp")
    group = make_group(owner=owner)
    login(owner)
    assert client.post(f"/groups/{group.slug}/members", data={"email": "nobody@example.jp"}).status_code == 400
    assert client.post(f"/groups/{group.slug}/members", data={"email": "newcomer@example.jp"}).status_code == 302
    with app.app_context():
        membership = db.session.scalar(select(GroupMembership).where(GroupMembership.user_id == newcomer.id))
        assert membership.role == "editor"
        mid = membership.id
        owner_mid = db.session.scalar(select(GroupMembership.id).where(GroupMembership.user_id == owner.id))
    # the last owner cannot be removed
    response = client.post(f"/groups/{group.slug}/members/{owner_mid}/remove", follow_redirects=True)
    assert "代表者がいなくなるため削除できません" in response.get_data(as_text=True)
    client.post(f"/groups/{group.slug}/members/{mid}/make-owner")
    with app.app_context():
        roles = dict(db.session.execute(select(GroupMembership.user_id, GroupMembership.role)).all())
    assert roles == {newcomer.id: "owner", owner.id: "editor"}
    assert client.get(f"/groups/{group.slug}/members").status_code == 403


def test_member_action_without_csrf_is_refused(client, login, make_user, make_group):
    owner = make_user()
    group = make_group(owner=owner)
    login(owner)
    assert client.post(f"/groups/{group.slug}/members/1/remove", csrf=False).status_code == 400


def test_groups_index_filters_by_area_including_districts(client, make_group):
    make_group(name="橋本の会", area="hashimoto")
    make_group(name="東林の会", area="torin")
    page = client.get("/groups?area=midori").get_data(as_text=True)
    assert "橋本の会" in page and "東林の会" not in page


def test_groups_index_sql_is_bounded(client, count_queries, make_group):
    make_group()
    with count_queries() as few:
        client.get("/groups")
    for _ in range(20):
        make_group()
    with count_queries() as many:
        client.get("/groups")
    assert many.n == few.n
