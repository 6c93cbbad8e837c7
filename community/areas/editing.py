"""Admins' changes to the areas (a hierarchy kept in materialised paths) and the categories; each is recorded in the
audit log."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from community.areas.models import AREA_LEVELS, Area, Category
from community.extensions import db
from community.moderation.audit import record


class EditingError(ValueError):
    """A user-facing reason why a change was refused; nothing was changed. `field` names the form field the
    message belongs to."""

    def __init__(self, message: str, field: str = "slug"):
        super().__init__(message)
        self.field = field


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
        raise EditingError(_("このURL用の名前はすでに使われています。"))
    parent = db.session.get(Area, int(data["parent_id"])) if data.get("parent_id") else None
    if data.get("parent_id") and parent is None:
        raise EditingError(_("上の地域が見つかりません。"), "parent_id")
    if area is not None and parent is not None and (parent.id == area.id or parent.path.startswith(area.path)):
        raise EditingError(_("地域を自分自身やその下の地域の下には移せません。"), "parent_id")
    depth = (len(parent.ancestor_ids) if parent else 0) + (_subtree_depth(area) if area is not None else 1)
    if depth > len(AREA_LEVELS):
        raise EditingError(_("地域は「市・区・地区」の3段までです。この場所には置けません。"), "parent_id")
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
        raise EditingError(_("このURL用の名前はすでに使われています。"))
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
