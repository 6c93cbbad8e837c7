"""Area and category pages: what is happening here, and on this theme."""

from flask import abort, render_template

from community.areas import bp
from community.areas.services import ancestors, area_by_slug, area_tree, category_by_slug, ordered_categories
from community.content.filters import ListingFilters
from community.content.listing import front_page_sections


@bp.route("/areas")
def index():
    return render_template("areas/index.html", areas=area_tree(), categories=ordered_categories())


@bp.route("/areas/<slug>")
def detail(slug: str):
    area = area_by_slug(slug) or abort(404)
    children = [node for node in _find_node(area_tree(), area.id)]
    from community.moderation.curation import featured_for

    sections = front_page_sections(ListingFilters(area=area))
    return render_template("areas/detail.html", area=area, trail=ancestors(area), children=children,
                           featured=featured_for(area), **sections)


@bp.route("/categories/<slug>")
def category(slug: str):
    category = category_by_slug(slug) or abort(404)
    sections = front_page_sections(ListingFilters(category=category))
    return render_template("areas/category.html", category=category, categories=ordered_categories(), **sections)


def _find_node(nodes, area_id):
    for node in nodes:
        if node.area.id == area_id:
            return node.children
        found = _find_node(node.children, area_id)
        if found:
            return found
    return []
