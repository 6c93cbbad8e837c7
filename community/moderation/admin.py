"""Site administration by admins (city staff): appointing supporters, areas and categories. Each change
is recorded in the audit log."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update

from community.accounts.models import Role, User
from community.accounts.services import find_user_by_email
from community.areas.models import AREA_LEVELS, Area, Category
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


# --- areas ----------------------------------------------------------------------------------------


def _slug_taken(model, slug: str, own_id: int | None) -> bool:
    found = db.session.scalar(select(model.id).where(model.slug == slug))
    return found is not None and found != own_id


def _subtree_depth(area: Area) -> int:
    """How many levels the area and everything below it span (1 for a leaf)."""
    paths = db.session.scalars(select(Area.path).where(Area.path.like(f"{area.path}%"))).all()
    own = len(area.ancestor_ids)
    return max((len([p for p in path.strip("/").split("/") if p]) for path in paths), default=own) - own + 1


def save_area(actor, area: Area | None, data: dict) -> Area:
    """Adds an area or changes one (name, slug, place in the hierarchy). Moving an area rewrites the
    materialised path of it and everything below it, and the level follows the depth."""
    slug = data["slug"].strip()
    if _slug_taken(Area, slug, area.id if area else None):
        raise AdminError(_("このURL用の名前はすでに使われています。"))
    parent = db.session.get(Area, int(data["parent_id"])) if data.get("parent_id") else None
    if data.get("parent_id") and parent is None:
        raise AdminError(_("上の地域が見つかりません。"), "parent_id")
    if area is not None and parent is not None and (parent.id == area.id or parent.path.startswith(area.path)):
        raise AdminError(_("地域を自分自身やその下の地域の下には移せません。"), "parent_id")
    depth = (len(parent.ancestor_ids) if parent else 0) + (_subtree_depth(area) if area is not None else 1)
    if depth > len(AREA_LEVELS):
        raise AdminError(_("地域は「市・区・地区」の3段までです。この場所には置けません。"), "parent_id")
    created = area is None
    if created:
        from community.areas.services import add_area

        area = add_area(parent, slug, data["name"].strip(), AREA_LEVELS[len(parent.ancestor_ids) if parent else 0])
        old_path = None
    else:
        old_path = area.path
        area.slug = slug
        area.name = data["name"].strip()
    area.name_kana = (data.get("name_kana") or "").strip()
    area.name_en = (data.get("name_en") or "").strip()
    area.position = data.get("position") or 0
    area.description = data.get("description") or ""
    moved = not created and area.parent_id != (parent.id if parent else None)
    if moved:
        _move(area, parent, old_path)
    db.session.flush()
    record(actor, "area_create" if created else "area_update", kind="area", item_id=area.id, name=area.name,
           slug=area.slug, parent_id=area.parent_id, moved=moved)
    return area


def _move(area: Area, parent: Area | None, old_path: str) -> None:
    new_path = f"{parent.path if parent else '/'}{area.id}/"
    area.parent_id = parent.id if parent else None
    db.session.flush()
    below = db.session.scalars(select(Area).where(Area.path.like(f"{old_path}%"))).all()
    for node in below:  # the area itself and its descendants
        node.path = new_path + node.path[len(old_path):]
        node.level = AREA_LEVELS[len(node.ancestor_ids) - 1]


# --- categories -----------------------------------------------------------------------------------


def save_category(actor, category: Category | None, data: dict) -> Category:
    slug = data["slug"].strip()
    if _slug_taken(Category, slug, category.id if category else None):
        raise AdminError(_("このURL用の名前はすでに使われています。"))
    created = category is None
    if created:
        last = db.session.scalar(select(func.max(Category.position)))
        category = Category(position=(last if last is not None else -1) + 1)
        db.session.add(category)
    category.slug = slug
    category.name = data["name"].strip()
    category.name_en = (data.get("name_en") or "").strip()
    category.description = data.get("description") or ""
    db.session.flush()
    record(actor, "category_create" if created else "category_update", kind="category", item_id=category.id,
           name=category.name, slug=category.slug)
    return category


def move_category(actor, category: Category, direction: str) -> bool:
    """Swaps the category with its neighbour; False at either end of the list."""
    from community.areas.services import ordered_categories

    categories = ordered_categories()
    for position, each in enumerate(categories):
        each.position = position
    index = next(i for i, c in enumerate(categories) if c.id == category.id)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(categories):
        return False
    categories[index].position, categories[other].position = other, index
    db.session.flush()
    record(actor, "category_move", kind="category", item_id=category.id, direction=direction)
    return True
