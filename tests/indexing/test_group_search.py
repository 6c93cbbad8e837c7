"""Groups (publishers) in /search: found by name, profile, area and kind words once a supporter has verified
them; an unverified one only by its own people and staff; kept current through the change log."""

from __future__ import annotations


def _search(client, q, **args):
    return client.get("/search", query_string={"q": q, **args}).get_data(as_text=True)


def _area_id(app, slug):
    from community.areas.services import area_by_slug

    with app.app_context():
        return area_by_slug(slug).id


def test_a_verified_group_is_found_by_name_profile_area_and_kind_words(client, make_group, make_item, editor):
    make_group(slug="oono-machi", name="相模大野まちづくりの会", kind="jichikai", area="ono-minami",
               description="駅前の花壇を手入れしています。")
    make_item("event", editor.group, title="まちづくりの講演会")
    for q in ("相模大野まちづくり", "花壇", "団体 花壇", "自治会 花壇", "南区 花壇"):
        page = _search(client, q)
        assert "相模大野まちづくりの会" in page, q
        assert 'href="/groups/oono-machi"' in page, q
    page = _search(client, "まちづくり")
    assert "相模大野まちづくりの会" in page and "まちづくりの講演会" in page
    assert 'kind=group' in page  # the kind facet links to the groups alone
    only_groups = _search(client, "まちづくり", kind="group")
    assert "相模大野まちづくりの会" in only_groups and "まちづくりの講演会" not in only_groups
    assert '<option value="group" selected>団体</option>' in only_groups
    assert "相模大野まちづくりの会" not in _search(client, "まちづくり", kind="event")


def test_an_unverified_group_is_found_only_by_its_own_people_and_staff(client, login, make_group, make_user,
                                                                       supporter):
    owner, stranger = make_user(), make_user()
    make_group(owner=owner, slug="new-circle", name="できたての星空サークル", verified=False)
    assert "できたての星空サークル" not in _search(client, "星空サークル")
    login(stranger)
    assert "できたての星空サークル" not in _search(client, "星空サークル")
    login(owner)
    assert "できたての星空サークル" in _search(client, "星空サークル")
    login(supporter)
    assert "できたての星空サークル" in _search(client, "星空サークル")


def test_verifying_a_group_makes_it_found(client, app, login, make_group, make_user, supporter):
    group = make_group(owner=make_user(), slug="to-verify", name="確認される前の朗読会", verified=False)
    assert "確認される前の朗読会" not in _search(client, "朗読会")
    login(supporter)
    assert client.post(f"/moderation/groups/{group.id}/verify").status_code == 302
    client.post("/logout")
    assert "確認される前の朗読会" in _search(client, "朗読会")


def test_an_edit_is_found_after_the_follower_applies_it(client, app, runner, login, make_group, make_user):
    owner = make_user()
    make_group(owner=owner, slug="renamed", name="旧名の合唱団", kind="circle", area="hashimoto")
    assert "旧名の合唱団" in _search(client, "合唱団")
    app.extensions.pop("search_indexer")  # as when a worker process follows the log
    login(owner)
    response = client.post("/groups/renamed/edit", data={
        "name": "新名の混声合唱団", "slug": "renamed-choir", "kind": "circle", "area_id": _area_id(app, "torin"),
        "description": "毎週土曜に東林で練習しています。", "contact": "", "website": ""})
    assert response.status_code == 302
    assert "新名の混声合唱団" not in _search(client, "混声合唱団")  # not applied yet
    result = runner.invoke(args=["index-worker", "--once"])
    assert result.exit_code == 0, result.output
    page = _search(client, "混声合唱団")
    assert "新名の混声合唱団" in page and 'href="/groups/renamed-choir"' in page
    assert "旧名の合唱団" not in _search(client, "旧名")
    assert "新名の混声合唱団" in _search(client, "東林 練習")


def test_the_request_time_check_hides_a_group_the_index_still_offers(client, app, make_group):
    from community.extensions import db
    from community.groups.models import Group

    group = make_group(slug="stale", name="取り消される予定の会")
    assert "取り消される予定の会" in _search(client, "取り消される予定")
    app.extensions.pop("search_indexer")  # the index keeps the old document
    with app.app_context():
        db.session.get(Group, group.id).verified = False
        db.session.commit()
    page = _search(client, "取り消される予定")
    assert "取り消される予定の会" not in page
    assert "0 件見つかりました" in page


def test_reindex_includes_groups(client, app, runner, make_group):
    import shutil

    make_group(slug="rebuilt", name="索引を作り直しても残る会")
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "索引を作り直しても残る会" in _search(client, "作り直しても")


def test_index_tokens_and_the_database_check_follow_one_rule(app, make_group, make_user, supporter):
    from sqlalchemy import select

    from community import policy
    from community.accounts.models import User
    from community.extensions import db
    from community.groups.models import Group

    owner, stranger = make_user(), make_user()
    listed = make_group(owner=owner, slug="listed")
    unlisted = make_group(owner=owner, slug="unlisted", verified=False)
    with app.test_request_context():
        groups = {g.slug: g for g in db.session.scalars(select(Group).where(Group.id.in_([listed.id, unlisted.id])))}
        assert policy.audiences_for_item(groups["listed"]) == ["public"]
        assert sorted(policy.audiences_for_item(groups["unlisted"])) == [f"group:{unlisted.id}", "staff"]
        expected = {None: {"listed"}, stranger.id: {"listed"}, owner.id: {"listed", "unlisted"},
                    supporter.id: {"listed", "unlisted"}}
        for user_id, finds in expected.items():
            user = db.session.get(User, user_id) if user_id else None
            tokens = set(policy.audiences_of(user))
            by_tokens = {slug for slug, g in groups.items() if tokens & set(policy.audiences_for_item(g))}
            by_python = {slug for slug, g in groups.items() if policy.can_view(user, g)}
            by_sql = set(db.session.scalars(select(Group.slug).where(Group.id.in_([listed.id, unlisted.id]),
                                                                     policy.visible(user, "group"))))
            assert by_tokens == by_python == by_sql == finds, user_id
        assert set(db.session.scalars(select(Group.slug).where(Group.id.in_([listed.id, unlisted.id]),
                                                               policy.public("group")))) == {"listed"}
