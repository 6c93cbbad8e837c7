"""Shop and facility pages: /shops, /shops/<id> and the shared editing pages."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from community import policy
from community.areas.services import area_tree, ordered_categories
from community.content.editing import ItemEditing
from community.content.filters import parse_filters
from community.content.listing import listed_items
from community.shops.forms import KIND_LABELS, ShopForm
from community.shops.models import Shop
from community.shops.services import load_shop, save_shop

bp = Blueprint("shops", __name__)

ItemEditing(form_class=ShopForm, save=save_shop, load=load_shop, url_prefix="/shops", id_arg="shop_id",
            template="shops/form.html").register(bp)


@bp.route("/shops")
def index():
    filters = parse_filters(request.args)
    page = listed_items(Shop, filters, order=(Shop.name_kana, Shop.name, Shop.id)
                        if request.args.get("sort") == "name" else None)
    return render_template("shops/index.html", page=page, filters=filters, areas=area_tree(),
                           categories=ordered_categories(), kinds=KIND_LABELS)


@bp.route("/shops/<int:shop_id>")
def detail(shop_id: int):
    shop = load_shop(shop_id)
    if shop is None or not policy.can_view_item(current_user, shop):
        abort(404)
    return render_template("shops/detail.html", shop=shop, kinds=KIND_LABELS)
