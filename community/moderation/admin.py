"""Site administration by admins (city staff): appointing supporters and the accounts list. Each change is
recorded in the audit log. (Areas and categories are edited in areas.editing.)"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update

from community.accounts.models import Role, User
from community.accounts.services import find_user_by_email
from community.extensions import db
from community.moderation.audit import record


class AdminError(ValueError):
    """A user-facing reason why an administration change was refused; nothing was changed.
    `field` names the form field the message belongs to."""

    def __init__(self, message: str, field: str = "slug"):
        super().__init__(message)
        self.field = field


# --- supporters ----------------------------------------------------------------------------------


def staff_page(page: int, per_page: int = 30):
    query = select(User).where(User.role.in_((Role.SUPPORTER, Role.ADMIN))).order_by(
        User.role, User.display_name, User.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def users_page(text: str, suspended_only: bool, page: int, per_page: int = 30):
    query = select(User)
    if text:
        pattern = f"%{text.strip().lower()}%"
        query = query.where(or_(func.lower(User.email).like(pattern), func.lower(User.display_name).like(pattern)))
    if suspended_only:
        query = query.where(User.is_suspended.is_(True))
    return db.paginate(query.order_by(User.created_at.desc(), User.id.desc()), page=page, per_page=per_page,
                       error_out=False)


def appoint_supporter(actor, email: str) -> User:
    user = find_user_by_email(email)
    if user is None:
        raise AdminError(_("このメールアドレスの会員が見つかりません。先に会員登録をしてもらってください。"), "email")
    if user.is_suspended:
        raise AdminError(_("利用停止中のアカウントはサポーターにできません。"), "email")
    table = User.__table__
    result = db.session.execute(update(table).where(table.c.id == user.id, table.c.role == Role.MEMBER)
                                .values(role=Role.SUPPORTER))
    if result.rowcount != 1:
        raise AdminError(_("この会員はすでにサポーターか管理者です。"), "email")
    user.role = Role.SUPPORTER
    record(actor, "appoint_supporter", user)
    return user


def remove_supporter(actor, user: User) -> None:
    table = User.__table__
    result = db.session.execute(update(table).where(table.c.id == user.id, table.c.role == Role.SUPPORTER)
                                .values(role=Role.MEMBER))
    if result.rowcount != 1:
        raise AdminError(_("この会員はサポーターではありません（管理者はこの画面では外せません）。"))
    user.role = Role.MEMBER
    record(actor, "remove_supporter", user)
