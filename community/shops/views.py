"""Shop and facility pages: /shops, /shops/<id> and the shared editing pages."""

from flask import Blueprint, render_template, request

from community.content.editing import ItemEditing
from community.content.filters import parse_filters
from community.content.listing import listed_items
from community.content.pages import render_listing, viewable_or_404
from community.shops.forms import KIND_LABELS, ShopForm
from community.shops.models import Shop
from community.shops.services import load_shop, save_shop

bp = Blueprint("shops", __name__)

ItemEditing(form_class=ShopForm, save=save_shop, load=load_shop, url_prefix="/shops", id_arg="shop_id",
            template="shops/form.html").register(bp)


@bp.route("/shops")
def index():
    filters = parse_filters(request.args)
    by_name = request.args.get("sort") == "name"
    page = listed_items(Shop, filters, order=(Shop.name_kana, Shop.name, Shop.id) if by_name else None)
    return render_listing("shops/index.html", page, filters, kinds=KIND_LABELS)


@bp.route("/shops/<int:shop_id>")
def detail(shop_id: int):
    return render_template("shops/detail.html", shop=viewable_or_404(load_shop(shop_id)), kinds=KIND_LABELS)
