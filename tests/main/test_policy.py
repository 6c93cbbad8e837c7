"""The policy answers the same for every role, in one place."""

import pytest


@pytest.fixture
def users(make_user, make_group):
    owner = make_user()
    editor = make_user()
    users = {
        "visitor": None,
        "member": make_user(),
        "editor": editor,
        "owner": owner,
        "supporter": make_user("supporter"),
        "admin": make_user("admin"),
        "suspended_admin": make_user("admin", is_suspended=True),
    }
    group = make_group(owner=owner, editors=[editor])
    return users, group


EXPECTED = {
    # role: (publish, manage group, verify groups, manage areas, appoint supporters)
    "visitor": (False, False, False, False, False),
    "member": (False, False, False, False, False),
    "editor": (True, False, False, False, False),
    "owner": (True, True, False, False, False),
    "supporter": (False, False, True, False, False),
    "admin": (True, True, True, True, True),
    "suspended_admin": (False, False, False, False, False),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_policy_for_each_role(app, users, role):
    from community import policy
    from community.accounts.models import Guest
    from community.extensions import db
    from community.groups.models import Group

    people, group = users
    with app.test_request_context():
        user = people[role]
        user = db.session.get(type(user), user.id) if user else Guest()
        group = db.session.get(Group, group.id)
        answers = (
            policy.can_publish_for(user, group),
            policy.can_manage_group(user, group),
            policy.can_verify_group(user),
            policy.can_manage_reference_data(user),
            policy.can_appoint_supporters(user),
        )
    assert answers == EXPECTED[role]
