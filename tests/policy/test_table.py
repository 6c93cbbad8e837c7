"""The policy as one table: every role × every kind of content × every state × every action.

Each row is an item of one kind in one state; each column an action; each cell names the roles allowed (the
shorthands below, `-` for nobody, `n/a` where the action does not exist for the kind). For `view` the test also
asks the SQL twin (policy.visible): the item is listed exactly for the roles that may see it, so the rule a page
applies and the rule every list, feed and search re-check applies can never drift apart.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from community import policy

ROLES = ("visitor", "suspended", "member", "author", "owner", "editor", "other_editor", "c_member", "c_moderator",
         "c_admin", "other_c_member", "supporter", "admin")
# author: a plain member of the communities below who wrote every post; owner/editor: of the group that publishes
# the group items (the editor wrote them); c_*: their roles in every community below; other_*: the same roles
# in another group or community.
SETS = {
    "ALL": set(ROLES),
    "SIGNED_IN": set(ROLES) - {"visitor", "suspended"},
    "STAFF": {"supporter", "admin"},
    "GROUP": {"owner", "editor"},
    "INSIDE": {"author", "c_member", "c_moderator", "c_admin"},
    "C_MODS": {"c_moderator", "c_admin"},
}
ACTIONS = ("view", "edit", "delete", "moderate", "report", "bookmark", "reply")

# item                      view                    edit                   delete                          moderate  report                          bookmark               reply
TABLE = {
    "event:draft":          ("GROUP STAFF",          "GROUP admin",         "n/a",                          "STAFF",  "owner STAFF",                   "GROUP STAFF",          "n/a"),
    "event:pending":        ("GROUP STAFF",          "GROUP admin",         "n/a",                          "STAFF",  "owner STAFF",                   "GROUP STAFF",          "n/a"),
    "event:published":      ("ALL",                  "GROUP admin",         "n/a",                          "STAFF",  "SIGNED_IN -editor",             "SIGNED_IN",            "n/a"),
    "event:hidden":         ("GROUP STAFF",          "GROUP admin",         "n/a",                          "STAFF",  "owner STAFF",                   "GROUP STAFF",          "n/a"),
    "shop:draft":           ("GROUP STAFF",          "GROUP admin",         "n/a",                          "STAFF",  "owner STAFF",                   "GROUP STAFF",          "n/a"),
    "shop:published":       ("ALL",                  "GROUP admin",         "n/a",                          "STAFF",  "SIGNED_IN -editor",             "SIGNED_IN",            "n/a"),
    "shop:hidden":          ("GROUP STAFF",          "GROUP admin",         "n/a",                          "STAFF",  "owner STAFF",                   "GROUP STAFF",          "n/a"),
    "notice:pending":       ("GROUP STAFF",          "GROUP admin",         "n/a",                          "STAFF",  "owner STAFF",                   "GROUP STAFF",          "n/a"),
    "notice:published":     ("ALL",                  "GROUP admin",         "n/a",                          "STAFF",  "SIGNED_IN -editor",             "SIGNED_IN",            "n/a"),
    "notice:expired":       ("GROUP STAFF",          "GROUP admin",         "n/a",                          "STAFF",  "owner STAFF",                   "GROUP STAFF",          "n/a"),
    "notice:hidden":        ("GROUP STAFF",          "GROUP admin",         "n/a",                          "STAFF",  "owner STAFF",                   "GROUP STAFF",          "n/a"),
    "meetup:published":     ("ALL",                  "C_MODS admin",        "n/a",                          "STAFF",  "SIGNED_IN -c_admin",            "SIGNED_IN",            "n/a"),
    "meetup:hidden":        ("C_MODS admin",         "C_MODS admin",        "n/a",                          "STAFF",  "c_moderator admin",             "C_MODS admin",         "n/a"),
    "meetup:closed":        ("INSIDE",               "C_MODS",              "n/a",                          "-",      "INSIDE -c_admin",               "INSIDE",               "n/a"),
    "meetup:hidden_place":  ("INSIDE STAFF",         "C_MODS admin",        "n/a",                          "STAFF",  "INSIDE STAFF -c_admin",         "INSIDE STAFF",         "n/a"),
    "community:open":       ("ALL",                  "c_admin admin",       "n/a",                          "STAFF",  "SIGNED_IN -c_admin",            "-",                    "n/a"),
    "community:closed":     ("ALL",                  "c_admin admin",       "n/a",                          "STAFF",  "SIGNED_IN -c_admin",            "-",                    "n/a"),
    "community:hidden":     ("INSIDE STAFF",         "c_admin admin",       "n/a",                          "STAFF",  "INSIDE STAFF -c_admin",         "-",                    "n/a"),
    "topic:published":      ("ALL",                  "author",              "author C_MODS admin",          "STAFF",  "SIGNED_IN -author",             "SIGNED_IN",            "INSIDE"),
    "topic:pending":        ("author STAFF",         "author",              "author admin",                 "STAFF",  "STAFF",                         "author STAFF",         "author"),
    "topic:hidden":         ("author STAFF",         "author",              "author admin",                 "STAFF",  "STAFF",                         "author STAFF",         "author"),
    "topic:deleted":        ("-",                    "-",                   "-",                            "STAFF",  "-",                             "-",                    "-"),
    "topic:closed":         ("INSIDE",               "author",              "author C_MODS",                "-",      "INSIDE -author",                "INSIDE",               "INSIDE"),
    "topic:hidden_place":   ("INSIDE STAFF",         "author",              "author C_MODS admin",          "STAFF",  "INSIDE STAFF -author",          "INSIDE STAFF",         "INSIDE"),
    "reply:published":      ("ALL",                  "author",              "author C_MODS admin",          "STAFF",  "SIGNED_IN -author",             "-",                    "n/a"),
    "reply:pending":        ("author STAFF",         "author",              "author admin",                 "STAFF",  "STAFF",                         "-",                    "n/a"),
    "reply:hidden":         ("author STAFF",         "author",              "author admin",                 "STAFF",  "STAFF",                         "-",                    "n/a"),
    "reply:deleted":        ("-",                    "-",                   "-",                            "STAFF",  "-",                             "-",                    "n/a"),
    "reply:closed":         ("INSIDE",               "author",              "author C_MODS",                "-",      "INSIDE -author",                "-",                    "n/a"),
    "reply:hidden_place":   ("author STAFF",         "author",              "author admin",                 "STAFF",  "STAFF",                         "-",                    "n/a"),
    "board:published":      ("ALL",                  "author",              "author STAFF",                 "STAFF",  "SIGNED_IN -author",             "SIGNED_IN",            "SIGNED_IN"),
    "board:pending":        ("author STAFF",         "author",              "author STAFF",                 "STAFF",  "STAFF",                         "author STAFF",         "author STAFF"),
    "board:hidden":         ("author STAFF",         "author",              "author STAFF",                 "STAFF",  "STAFF",                         "author STAFF",         "author STAFF"),
    "board:deleted":        ("-",                    "-",                   "-",                            "STAFF",  "-",                             "-",                    "-"),
    "board_reply:published": ("ALL",                 "author",              "author STAFF",                 "STAFF",  "SIGNED_IN -author",             "-",                    "n/a"),
    "board_reply:pending":  ("author STAFF",         "author",              "author STAFF",                 "STAFF",  "STAFF",                         "-",                    "n/a"),
    "board_reply:hidden":   ("author STAFF",         "author",              "author STAFF",                 "STAFF",  "STAFF",                         "-",                    "n/a"),
    "board_reply:deleted":  ("-",                    "-",                   "-",                            "STAFF",  "-",                             "-",                    "n/a"),
    "board_reply:hidden_place": ("author STAFF",     "author",              "author STAFF",                 "STAFF",  "STAFF",                         "-",                    "n/a"),
    "profile:own":          ("ALL",                  "n/a",                 "n/a",                          "STAFF",  "SIGNED_IN -author",             "-",                    "n/a"),
    "profile:hidden":       ("ALL",                  "n/a",                 "n/a",                          "STAFF",  "SIGNED_IN",                     "-",                    "n/a"),
    "profile:suspended":    ("-",                    "n/a",                 "n/a",                          "STAFF",  "-",                             "-",                    "n/a"),
}
# What curation may put before everyone (おすすめ, 特集): a closed community and a hidden profile never, though
# their pages are public.
NOT_CURATED = {"community:closed", "profile:hidden"}


def allowed(cell: str) -> set[str] | None:
    """The roles a cell names: shorthands and role names added, `-role` taken away; None for n/a."""
    if cell == "n/a":
        return None
    roles: set[str] = set()
    for token in cell.split():
        if token == "-":
            continue
        if token.startswith("-"):
            roles.discard(token[1:])
        else:
            roles |= SETS.get(token, {token})
    assert roles <= set(ROLES), cell
    return roles


# --- the world the table speaks of ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(template_database, tmp_path_factory):
    """One of everything in the table, written straight into a database of this module's own."""
    from tests.conftest import built_app

    with built_app(template_database, tmp_path_factory.mktemp("policy-table")) as app, app.app_context():
        yield app, _build(app)


def _build(app) -> dict:
    from community.accounts.models import User
    from community.areas.services import area_by_slug
    from community.board.models import BoardReply, BoardThread
    from community.communities.models import Community, CommunityMembership, Reply, Topic
    from community.events.models import Event
    from community.extensions import db
    from community.groups.models import Group, GroupMembership
    from community.notices.models import Notice
    from community.shops.models import Shop
    from community.timeutil import now_utc

    now = now_utc()
    area = area_by_slug("hashimoto").id
    users = {}
    for role in ROLES[1:]:
        site_role = role if role in ("supporter", "admin") else "member"
        users[role] = User(email=f"{role}@example.jp", display_name=role, role=site_role, password_hash="-",
                           is_suspended=role == "suspended")
    hidden_profile = User(email="hidden@example.jp", display_name="hidden", password_hash="-", profile_hidden=True)
    db.session.add_all([*users.values(), hidden_profile])
    db.session.flush()

    group, other_group = Group(slug="the-group", name="団体", area_id=area), Group(slug="other", name="他", area_id=area)
    db.session.add_all([group, other_group])
    db.session.flush()
    db.session.add_all([GroupMembership(group_id=group.id, user_id=users["owner"].id, role="owner"),
                        GroupMembership(group_id=group.id, user_id=users["editor"].id, role="editor"),
                        GroupMembership(group_id=other_group.id, user_id=users["other_editor"].id, role="owner")])

    def community(slug, closed=False, status="published"):
        c = Community(slug=slug, name=slug, is_closed=closed, status=status, area_id=area,
                      created_by_id=users["c_admin"].id)
        db.session.add(c)
        db.session.flush()
        for role, member_role in (("author", "member"), ("c_member", "member"), ("c_moderator", "moderator"),
                                  ("c_admin", "admin")):
            db.session.add(CommunityMembership(community_id=c.id, user_id=users[role].id, role=member_role))
        return c

    open_, closed, hidden = community("open"), community("closed", closed=True), community("hidden", status="hidden")
    other = community("elsewhere")
    db.session.query(CommunityMembership).filter_by(community_id=other.id).delete()
    db.session.add(CommunityMembership(community_id=other.id, user_id=users["other_c_member"].id, role="member"))

    items: dict[str, object] = {}

    def group_item(model, kind, status, **fields):
        fields.setdefault("title" if model is not Shop else "name", f"{kind} {status}")
        if model is Event:
            fields.update(starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=3, hours=2))
        item = model(group_id=group.id, author_id=users["editor"].id, area_id=area, status=status, **fields)
        db.session.add(item)
        return item

    for status in ("draft", "pending", "published", "hidden"):
        items[f"event:{status}"] = group_item(Event, "event", status)
    for status in ("draft", "published", "hidden"):
        items[f"shop:{status}"] = group_item(Shop, "shop", status, address="相模原市")
    for status in ("pending", "published", "hidden"):
        items[f"notice:{status}"] = group_item(Notice, "notice", status)
    items["notice:expired"] = group_item(Notice, "notice", "published", publish_until=now - timedelta(days=1))

    def meetup(place, status="published"):
        item = Event(community_id=place.id, group_id=None, author_id=users["c_admin"].id, area_id=area,
                     title=f"meetup in {place.slug}", status=status, starts_at=now + timedelta(days=3),
                     ends_at=now + timedelta(days=3, hours=2))
        db.session.add(item)
        return item

    items.update({"meetup:published": meetup(open_), "meetup:hidden": meetup(open_, "hidden"),
                  "meetup:closed": meetup(closed), "meetup:hidden_place": meetup(hidden),
                  "community:open": open_, "community:closed": closed, "community:hidden": hidden})

    def topic(place, status="published", deleted=False):
        t = Topic(community_id=place.id, author_id=users["author"].id, title=f"topic {status}", body="本文",
                  status=status, deleted_at=now if deleted else None, created_at=now, last_post_at=now)
        db.session.add(t)
        db.session.flush()
        return t

    def reply(in_topic, status="published", deleted=False):
        r = Reply(topic_id=in_topic.id, author_id=users["author"].id, body="返信", status=status, created_at=now,
                  deleted_at=now if deleted else None)
        db.session.add(r)
        return r

    for status in ("published", "pending", "hidden"):
        items[f"topic:{status}"] = topic(open_, status)
    items.update({"topic:deleted": topic(open_, deleted=True), "topic:closed": topic(closed),
                  "topic:hidden_place": topic(hidden)})
    for status in ("published", "pending", "hidden"):
        items[f"reply:{status}"] = reply(items["topic:published"], status)
    items.update({"reply:deleted": reply(items["topic:published"], deleted=True),
                  "reply:closed": reply(items["topic:closed"]), "reply:hidden_place": reply(items["topic:hidden"])})

    def thread(status="published", deleted=False):
        t = BoardThread(kind="chat", title=f"thread {status}", body="本文", area_id=area, status=status,
                        author_id=users["author"].id, created_at=now, deleted_at=now if deleted else None)
        db.session.add(t)
        db.session.flush()
        return t

    def board_reply(in_thread, status="published", deleted=False):
        r = BoardReply(thread_id=in_thread.id, author_id=users["author"].id, body="返信", status=status,
                       created_at=now, deleted_at=now if deleted else None)
        db.session.add(r)
        return r

    for status in ("published", "pending", "hidden"):
        items[f"board:{status}"] = thread(status)
    items["board:deleted"] = thread(deleted=True)
    for status in ("published", "pending", "hidden"):
        items[f"board_reply:{status}"] = board_reply(items["board:published"], status)
    items.update({"board_reply:deleted": board_reply(items["board:published"], deleted=True),
                  "board_reply:hidden_place": board_reply(items["board:hidden"])})
    items.update({"profile:own": users["author"], "profile:hidden": hidden_profile,
                  "profile:suspended": users["suspended"]})
    db.session.commit()
    return {"users": users, "items": {key: (type(item), item.id) for key, item in items.items()}}


# --- asking the policy -----------------------------------------------------------------------------------------


def _user(world_data, role):
    from community.accounts.models import Guest, User
    from community.extensions import db

    if role == "visitor":
        return Guest()
    user = db.session.get(User, world_data["users"][role].id)
    return user


def _item(world_data, key):
    from community.extensions import db

    model, item_id = world_data["items"][key]
    return db.session.get(model, item_id)


def _community_of(item):
    from community.items import community_of

    return community_of(item)


def _answer(action: str, user, item) -> bool:
    from community.items import kind_of

    kind = kind_of(item)
    if action == "view":
        return policy.can_view(user, item)
    if action == "edit":
        if kind in ("event", "shop", "notice"):
            return policy.can_edit_item(user, item)
        if kind == "community":
            return policy.can_manage_community(user, item)
        return policy.can_edit_post(user, item)
    if action == "delete":
        return policy.can_delete_post(user, item, _community_of(item) if kind in ("topic", "reply") else None)
    if action == "moderate":
        return policy.can_moderate(user) and policy.can_read_for_moderation(user, item)
    if action == "report":
        return policy.can_report_item(user, item)
    if action == "bookmark":
        return policy.can_bookmark(user, item)
    if action == "reply":
        return policy.can_reply(user, item)
    raise AssertionError(action)


def _listed(user, item) -> bool:
    from community.extensions import db
    from community.items import kind_of

    kind = kind_of(item)
    model = type(item)
    return db.session.scalar(select(model.id).where(model.id == item.id, policy.visible(user, kind))) is not None


def _key_kind(key: str) -> str:
    return key.split(":")[0]


@pytest.mark.parametrize("key", list(TABLE))
def test_every_role_and_action_on(world, key):
    """One row: for each role and action, the policy answers what the table says (and for `view`, so does SQL)."""
    from community.extensions import db

    app, data = world
    wrong = []
    for role in ROLES:
        with app.test_request_context():
            user, item = _user(data, role), _item(data, key)
            for action, cell in zip(ACTIONS, TABLE[key], strict=True):
                expected = allowed(cell)
                if expected is None:
                    continue
                answer = _answer(action, user, item)
                if answer != (role in expected):
                    wrong.append(f"{action} by {role}: policy says {answer}")
                if action == "view" and (listed := _listed(user, item)) != (role in expected):
                    wrong.append(f"view by {role}: SQL lists it: {listed}")
            db.session.rollback()
    assert not wrong, f"{key}: " + "; ".join(wrong)


def test_the_table_covers_every_kind_state_and_role():
    from community.items import KINDS

    kinds = {_key_kind(key) for key in TABLE}
    assert kinds == set(KINDS) | {"meetup"}
    for kind in ("event", "notice"):
        assert {f"{kind}:{state}" for state in ("pending", "published", "hidden")} <= set(TABLE)
    assert {"topic:deleted", "topic:closed", "reply:closed", "meetup:closed", "community:closed"} <= set(TABLE)
    assert all(len(row) == len(ACTIONS) for row in TABLE.values())


@pytest.mark.parametrize("key", list(TABLE))
def test_what_curation_may_show_to_everyone(world, key):
    """is_public_any_item: what a visitor may see, but never a closed community or a hidden profile."""
    app, data = world
    with app.test_request_context():
        expected = "visitor" in allowed(TABLE[key][0]) and key not in NOT_CURATED
        assert policy.is_public_any_item(_item(data, key)) == expected
