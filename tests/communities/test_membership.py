"""Creating communities, the directory, joining (open at once, closed by request), roles and leaving."""

from __future__ import annotations

from sqlalchemy import select


def _area_id(app, slug="hashimoto"):
    with app.app_context():
        from community.areas.services import area_by_slug

        return area_by_slug(slug).id


def _category_id(app, slug="sports-culture"):
    with app.app_context():
        from community.areas.services import category_by_slug

        return category_by_slug(slug).id


def _data(app, **overrides):
    data = {"name": "橋本ランニングクラブ", "slug": "hashimoto-run", "description": "**毎週土曜**に走ります。",
            "area_id": _area_id(app), "category_id": _category_id(app)}
    data.update(overrides)
    return data


def _membership(app, community, user):
    from community.communities.models import CommunityMembership
    from community.extensions import db

    with app.app_context():
        row = db.session.scalar(select(CommunityMembership).where(
            CommunityMembership.community_id == community.id, CommunityMembership.user_id == user.id))
        if row is not None:
            db.session.expunge(row)
        return row


def _community(app, slug):
    from community.communities.models import Community
    from community.extensions import db

    with app.app_context():
        row = db.session.scalar(select(Community).where(Community.slug == slug))
        db.session.expunge(row)
        return row


# --- creating ------------------------------------------------------------------------------------


def test_member_creates_an_open_community_and_is_its_admin(client, app, login, member):
    login(member)
    response = client.post("/communities/new", data=_data(app))
    assert response.status_code == 302
    assert response.headers["Location"] == "/communities/hashimoto-run"
    community = _community(app, "hashimoto-run")
    assert community.member_count == 1 and not community.is_closed
    assert _membership(app, community, member).role == "admin"
    page = client.get("/communities/hashimoto-run").get_data(as_text=True)
    assert "橋本ランニングクラブ" in page
    assert "<strong>毎週土曜</strong>" in page
    assert "管理者" in page and "コミュニティの情報を編集" in page


def test_member_creates_a_closed_community(client, app, login, member):
    login(member)
    assert client.post("/communities/new", data=_data(app, is_closed="y")).status_code == 302
    assert _community(app, "hashimoto-run").is_closed


def test_community_form_refuses_bad_input_and_changes_nothing(client, app, login, member, make_community):
    make_community(slug="taken-slug")
    login(member)
    for overrides, message in [
        ({"slug": "日本語"}, "半角英小文字・数字・ハイフンで入力してください"),
        ({"slug": "taken-slug"}, "このURL用の名前はすでに使われています。"),
        ({"slug": "new"}, "このURL用の名前はすでに使われています。"),
        ({"name": ""}, "コミュニティ名を入力してください。"),
        ({"area_id": ""}, "地域を選んでください。"),
        ({"name": "あ" * 101}, "100文字以内にしてください。"),
    ]:
        response = client.post("/communities/new", data=_data(app, **overrides))
        assert response.status_code == 400, overrides
        assert message in response.get_data(as_text=True)
    from community.communities.models import Community

    with app.app_context():
        from community.extensions import db

        assert db.session.scalar(select(Community).where(Community.slug == "hashimoto-run")) is None


def test_community_icon_is_checked_by_decoding(client, app, login, member):
    import io

    from PIL import Image

    login(member)
    bad = client.post("/communities/new", data={**_data(app), "icon": (io.BytesIO(b"not an image"), "x.png")},
                      content_type="multipart/form-data")
    assert bad.status_code == 400
    assert "画像として読み込めませんでした" in bad.get_data(as_text=True)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(buffer, "PNG")
    buffer.seek(0)
    good = client.post("/communities/new", data={**_data(app), "icon": (buffer, "icon.png")},
                       content_type="multipart/form-data")
    assert good.status_code == 302
    icon = _community(app, "hashimoto-run").icon
    assert icon and icon.endswith(".png")
    assert f"/media/thumb-{icon}" in client.get("/communities/hashimoto-run").get_data(as_text=True)


def test_visitor_is_sent_to_login_to_create(client):
    response = client.get("/communities/new")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_only_community_admins_edit_the_profile(client, app, login, make_user, make_community):
    admin, moderator, plain = make_user(), make_user(), make_user()
    community = make_community(admin=admin, moderators=[moderator], members=[plain])
    for user in (moderator, plain):
        login(user)
        assert client.get(f"/communities/{community.slug}/edit").status_code == 403
        assert client.post(f"/communities/{community.slug}/edit", data=_data(app)).status_code == 403
    login(admin)
    assert client.get(f"/communities/{community.slug}/edit").status_code == 200
    response = client.post(f"/communities/{community.slug}/edit",
                           data=_data(app, name="新しい名前", slug=community.slug))
    assert response.status_code == 302
    assert _community(app, community.slug).name == "新しい名前"


# --- the directory --------------------------------------------------------------------------------


def test_directory_lists_and_filters(client, app, make_user, make_community):
    owner = make_user()
    make_community(admin=owner, name="橋本の写真部", area="hashimoto", category="sports-culture")
    make_community(admin=owner, name="相模大野の子育て広場", area="ono-minami", category="kosodate")
    make_community(admin=owner, name="非表示の会", status="hidden")
    page = client.get("/communities").get_data(as_text=True)
    assert "橋本の写真部" in page and "相模大野の子育て広場" in page
    assert "非表示の会" not in page
    by_ward = client.get("/communities?area=midori").get_data(as_text=True)
    assert "橋本の写真部" in by_ward and "相模大野の子育て広場" not in by_ward
    by_category = client.get("/communities?category=kosodate").get_data(as_text=True)
    assert "相模大野の子育て広場" in by_category and "橋本の写真部" not in by_category
    unknown = client.get("/communities?area=nowhere&sort=bogus&page=abc")
    assert unknown.status_code == 200
    assert "指定された地域が見つかりません" in unknown.get_data(as_text=True)


def test_directory_sorts_by_newest_and_most_active(client, app, make_user, make_community):
    from datetime import timedelta

    from community.timeutil import now_utc

    owner = make_user()
    now = now_utc()
    make_community(admin=owner, name="古くて活発な会", created_at=now - timedelta(days=30), last_activity_at=now)
    make_community(admin=owner, name="新しくて静かな会", created_at=now, last_activity_at=now - timedelta(days=10))
    active = client.get("/communities").get_data(as_text=True)
    assert active.index("古くて活発な会") < active.index("新しくて静かな会")
    newest = client.get("/communities?sort=new").get_data(as_text=True)
    assert newest.index("新しくて静かな会") < newest.index("古くて活発な会")


def test_directory_is_paginated(client, make_user, make_community):
    owner = make_user()
    for n in range(23):
        make_community(admin=owner, name=f"会{n:02d}")
    first = client.get("/communities").get_data(as_text=True)
    assert "1 / 2 ページ" in first
    second = client.get("/communities?page=2").get_data(as_text=True)
    assert second.count('class="card community-card"') == 3


# --- joining an open community ----------------------------------------------------------------------


def test_joining_an_open_community_is_immediate_and_leaving_works(client, app, login, make_user, make_community):
    admin, joiner = make_user(), make_user()
    community = make_community(admin=admin)
    login(joiner)
    assert "参加する" in client.get(f"/communities/{community.slug}").get_data(as_text=True)
    response = client.post(f"/communities/{community.slug}/join", follow_redirects=True)
    assert "コミュニティに参加しました。" in response.get_data(as_text=True)
    assert _membership(app, community, joiner).state == "active"
    assert _community(app, community.slug).member_count == 2
    again = client.post(f"/communities/{community.slug}/join", follow_redirects=True)
    assert "すでにこのコミュニティに参加しています。" in again.get_data(as_text=True)
    assert _community(app, community.slug).member_count == 2
    client.post(f"/communities/{community.slug}/leave")
    assert _membership(app, community, joiner) is None
    assert _community(app, community.slug).member_count == 1


def test_the_last_admin_cannot_leave(client, app, login, make_user, make_community):
    admin = make_user()
    community = make_community(admin=admin, members=[make_user()])
    login(admin)
    response = client.post(f"/communities/{community.slug}/leave", follow_redirects=True)
    assert "管理者がいなくなるため退会できません" in response.get_data(as_text=True)
    assert _membership(app, community, admin).role == "admin"


def test_join_and_leave_need_login_and_csrf(client, app, login, make_user, make_community):
    community = make_community(admin=make_user())
    visitor = client.post(f"/communities/{community.slug}/join")
    assert visitor.status_code == 302 and visitor.headers["Location"].startswith("/login")
    joiner = make_user()
    login(joiner)
    assert client.post(f"/communities/{community.slug}/join", csrf=False).status_code == 400
    assert _membership(app, community, joiner) is None
    client.post(f"/communities/{community.slug}/join")
    assert client.post(f"/communities/{community.slug}/leave", csrf=False).status_code == 400
    assert _membership(app, community, joiner).state == "active"


def test_unknown_and_hidden_communities_are_not_found(client, login, make_user, make_community):
    hidden = make_community(admin=make_user(), status="hidden")
    assert client.get("/communities/no-such-thing").status_code == 404
    assert client.get(f"/communities/{hidden.slug}").status_code == 404
    login(make_user())
    assert client.post(f"/communities/{hidden.slug}/join").status_code == 404


# --- closed communities: requests ----------------------------------------------------------------------


def test_closed_community_join_is_a_request_the_admin_approves(client, app, login, make_user, make_community,
                                                              notifications):
    admin, asker = make_user(), make_user(name="申請 する人")
    community = make_community(admin=admin, closed=True, name="秘密の読書会")
    login(asker)
    page = client.get(f"/communities/{community.slug}").get_data(as_text=True)
    assert "参加を申請する" in page
    response = client.post(f"/communities/{community.slug}/join", data={"message": "読書が好きです"},
                           follow_redirects=True)
    assert "参加を申請しました。" in response.get_data(as_text=True)
    assert "参加を申請中です。" in response.get_data(as_text=True)
    assert _membership(app, community, asker).state == "requested"
    assert _community(app, community.slug).member_count == 1
    # still a non-member: no content
    assert client.get(f"/communities/{community.slug}/topics").status_code == 404
    [(kind, data, link)] = notifications(admin)
    assert kind == "join_request" and data == {"community_name": "秘密の読書会", "user_name": "申請 する人"}
    assert link == f"/communities/{community.slug}/members"
    twice = client.post(f"/communities/{community.slug}/join", follow_redirects=True)
    assert "参加申請はすでに送られています。" in twice.get_data(as_text=True)

    login(admin)
    members_page = client.get(f"/communities/{community.slug}/members").get_data(as_text=True)
    assert "申請 する人" in members_page and "読書が好きです" in members_page
    request_id = _membership(app, community, asker).id
    client.post(f"/communities/{community.slug}/requests/{request_id}/approve")
    assert _membership(app, community, asker).state == "active"
    assert _community(app, community.slug).member_count == 2
    assert notifications(asker) == [("join_approved", {"community_name": "秘密の読書会"},
                                     f"/communities/{community.slug}")]
    login(asker)
    assert client.get(f"/communities/{community.slug}/topics").status_code == 200


def test_admin_declines_a_request_and_the_member_may_ask_again(client, app, login, make_user, make_community):
    admin, asker = make_user(), make_user()
    community = make_community(admin=admin, closed=True, requested=[asker])
    request_id = _membership(app, community, asker).id
    login(admin)
    response = client.post(f"/communities/{community.slug}/requests/{request_id}/decline", follow_redirects=True)
    assert "参加申請をお断りしました。" in response.get_data(as_text=True)
    assert _membership(app, community, asker).state == "declined"
    assert client.post(f"/communities/{community.slug}/requests/{request_id}/approve",
                       follow_redirects=True).status_code == 200
    assert _membership(app, community, asker).state == "declined"  # already answered
    login(asker)
    page = client.get(f"/communities/{community.slug}").get_data(as_text=True)
    assert "以前の参加申請はお断りされました。" in page
    client.post(f"/communities/{community.slug}/join")
    assert _membership(app, community, asker).state == "requested"


def test_requester_withdraws_a_request(client, app, login, make_user, make_community):
    asker = make_user()
    community = make_community(admin=make_user(), closed=True, requested=[asker])
    login(asker)
    client.post(f"/communities/{community.slug}/leave")
    assert _membership(app, community, asker) is None


def test_join_request_message_is_limited(client, app, login, make_user, make_community):
    asker = make_user()
    community = make_community(admin=make_user(), closed=True)
    login(asker)
    response = client.post(f"/communities/{community.slug}/join", data={"message": "あ" * 501})
    assert response.status_code == 400
    assert "500文字以内にしてください。" in response.get_data(as_text=True)
    assert _membership(app, community, asker) is None


def test_only_community_admins_answer_requests(client, app, login, make_user, make_community):
    admin, moderator, asker = make_user(), make_user(), make_user()
    community = make_community(admin=admin, moderators=[moderator], closed=True, requested=[asker])
    other = make_community(admin=make_user())
    request_id = _membership(app, community, asker).id
    login(moderator)
    assert client.post(f"/communities/{community.slug}/requests/{request_id}/approve").status_code == 403
    login(asker)
    assert client.post(f"/communities/{community.slug}/requests/{request_id}/approve").status_code == 403
    login(admin)
    # a request id from another community, an unknown action
    assert client.post(f"/communities/{other.slug}/requests/{request_id}/approve").status_code == 403
    assert client.post(f"/communities/{community.slug}/requests/999999/approve").status_code == 404
    assert client.post(f"/communities/{community.slug}/requests/{request_id}/maybe").status_code == 404
    assert client.post(f"/communities/{community.slug}/requests/{request_id}/approve", csrf=False).status_code == 400
    assert _membership(app, community, asker).state == "requested"


# --- roles ------------------------------------------------------------------------------------------


def test_admin_appoints_a_moderator_and_removes_a_member(client, app, login, make_user, make_community):
    admin, helper, troll = make_user(), make_user(), make_user()
    community = make_community(admin=admin, members=[helper, troll])
    login(admin)
    helper_id, troll_id = _membership(app, community, helper).id, _membership(app, community, troll).id
    client.post(f"/communities/{community.slug}/members/{helper_id}/make-moderator")
    assert _membership(app, community, helper).role == "moderator"
    response = client.post(f"/communities/{community.slug}/members/{troll_id}/remove", follow_redirects=True)
    assert "参加者を外しました。" in response.get_data(as_text=True)
    assert _membership(app, community, troll) is None
    assert _community(app, community.slug).member_count == 2
    client.post(f"/communities/{community.slug}/members/{helper_id}/make-member")
    assert _membership(app, community, helper).role == "member"


def test_moderators_and_members_cannot_manage_members(client, app, login, make_user, make_community):
    admin, moderator, plain = make_user(), make_user(), make_user()
    community = make_community(admin=admin, moderators=[moderator], members=[plain])
    plain_id = _membership(app, community, plain).id
    for user in (moderator, plain):
        login(user)
        assert client.post(f"/communities/{community.slug}/members/{plain_id}/remove").status_code == 403
        assert client.post(f"/communities/{community.slug}/members/{plain_id}/make-moderator").status_code == 403
    assert _membership(app, community, plain).role == "member"


def test_admins_cannot_be_removed_and_the_last_admin_cannot_step_down(client, app, login, make_user,
                                                                     make_community):
    admin, second = make_user(), make_user()
    community = make_community(admin=admin, members=[second])
    admin_id, second_id = _membership(app, community, admin).id, _membership(app, community, second).id
    login(admin)
    step_down = client.post(f"/communities/{community.slug}/members/{admin_id}/make-member", follow_redirects=True)
    assert "管理者がいなくなるため変更できません" in step_down.get_data(as_text=True)
    client.post(f"/communities/{community.slug}/members/{second_id}/make-admin")
    assert _membership(app, community, second).role == "admin"
    refused = client.post(f"/communities/{community.slug}/members/{second_id}/remove", follow_redirects=True)
    assert "管理者は外せません" in refused.get_data(as_text=True)
    # with a second admin, the first may leave
    client.post(f"/communities/{community.slug}/leave")
    assert _membership(app, community, admin) is None


def test_member_list_is_for_members(client, app, login, make_user, make_community):
    admin, plain, outsider = make_user(), make_user(name="参加 太郎"), make_user()
    community = make_community(admin=admin, members=[plain])
    assert client.get(f"/communities/{community.slug}/members").headers["Location"].startswith("/login")
    login(outsider)
    assert client.get(f"/communities/{community.slug}/members").status_code == 403
    login(plain)
    page = client.get(f"/communities/{community.slug}/members").get_data(as_text=True)
    assert "参加 太郎" in page
    assert "外す" not in page  # a plain member sees no management buttons
    login(admin)
    assert "外す" in client.get(f"/communities/{community.slug}/members").get_data(as_text=True)


def test_management_forms_refuse_missing_csrf(client, app, login, make_user, make_community):
    admin, plain = make_user(), make_user()
    community = make_community(admin=admin, members=[plain])
    plain_id = _membership(app, community, plain).id
    login(admin)
    assert client.post(f"/communities/{community.slug}/members/{plain_id}/make-moderator",
                       csrf=False).status_code == 400
    assert client.post(f"/communities/{community.slug}/members/{plain_id}/remove", csrf=False).status_code == 400
    assert client.post(f"/communities/{community.slug}/edit", data=_data(app, name="変更", slug=community.slug),
                       csrf=False).status_code == 400
    assert client.post("/communities/new", data=_data(app, slug="csrf-less"), csrf=False).status_code == 400
    assert _membership(app, community, plain).role == "member"
    assert _community(app, community.slug).name != "変更"
