"""Group state changes: creating (as a request), editing, editors and ownership."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from community import policy
from community.accounts.services import find_user_by_email
from community.extensions import db
from community.groups.models import Group, GroupMembership, GroupRole
from community.text import render_markdown


class GroupError(ValueError):
    """A user-facing reason why a group action was refused."""


def group_by_slug(slug: str) -> Group | None:
    return db.session.scalar(select(Group).where(Group.slug == slug))


def create_group(data: dict, actor) -> Group:
    """A member's request: the group exists at once but is unverified until a supporter checks it."""
    if group_by_slug(data["slug"]) is not None:
        raise GroupError(_("このURL用の名前はすでに使われています。"))
    group = Group(created_by_id=actor.id, verified=False)
    _apply(group, data)
    db.session.add(group)
    db.session.flush()
    db.session.add(GroupMembership(group_id=group.id, user_id=actor.id, role=GroupRole.OWNER))
    db.session.flush()
    policy.forget_group_roles()
    return group


def update_group(group: Group, data: dict) -> None:
    if data["slug"] != group.slug and group_by_slug(data["slug"]) is not None:
        raise GroupError(_("このURL用の名前はすでに使われています。"))
    _apply(group, data)


def _apply(group: Group, data: dict) -> None:
    group.name = data["name"].strip()
    group.slug = data["slug"]
    group.kind = data["kind"]
    group.area_id = data["area_id"]
    group.description = data.get("description") or ""
    group.description_html = render_markdown(group.description)
    group.contact = (data.get("contact") or "").strip()
    group.website = (data.get("website") or "").strip()


def members_of(group: Group) -> list[GroupMembership]:
    from sqlalchemy.orm import joinedload

    return list(db.session.scalars(
        select(GroupMembership).options(joinedload(GroupMembership.user))
        .where(GroupMembership.group_id == group.id).order_by(GroupMembership.role.desc(), GroupMembership.id)
    ))


def add_editor(group: Group, email: str) -> GroupMembership:
    user = find_user_by_email(email)
    if user is None:
        raise GroupError(_("このメールアドレスの会員が見つかりません。先に会員登録をしてもらってください。"))
    exists = db.session.scalar(select(GroupMembership).where(
        GroupMembership.group_id == group.id, GroupMembership.user_id == user.id))
    if exists:
        raise GroupError(_("この会員はすでにこの団体の編集者です。"))
    membership = GroupMembership(group_id=group.id, user_id=user.id, role=GroupRole.EDITOR)
    db.session.add(membership)
    db.session.flush()
    policy.forget_group_roles()
    return membership


def remove_member(group: Group, membership: GroupMembership) -> None:
    if membership.role == GroupRole.OWNER and _owner_count(group) <= 1:
        raise GroupError(_("代表者がいなくなるため削除できません。先に代表者を引き継いでください。"))
    db.session.delete(membership)
    db.session.flush()
    policy.forget_group_roles()


def transfer_ownership(group: Group, current_owner_id: int, membership: GroupMembership) -> None:
    """Hands ownership to an editor; the previous owner stays on as an editor."""
    for other in members_of(group):
        if other.role == GroupRole.OWNER and other.user_id == current_owner_id:
            other.role = GroupRole.EDITOR
    membership.role = GroupRole.OWNER
    db.session.flush()
    policy.forget_group_roles()


def _owner_count(group: Group) -> int:
    return db.session.scalar(select(func.count()).select_from(GroupMembership).where(
        GroupMembership.group_id == group.id, GroupMembership.role == GroupRole.OWNER)) or 0
