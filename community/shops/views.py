"""Shop and facility pages: /shops, /shops/<id> and their editing pages."""

from flask import Blueprint, request

from community.content.listing import listed_items
from community.content.pages import ItemPages
from community.shops.forms import HAZARD_LABELS, KIND_LABELS, ShopForm
from community.shops.models import Shop
from community.shops.services import load_shop, save_shop

bp = Blueprint("shops", __name__)


def _listing(filters):
    by_name = request.args.get("sort") == "name"
    return listed_items(Shop, filters, order=(Shop.name_kana, Shop.name, Shop.id) if by_name else None)


ItemPages(kind="shop", load=load_shop, listing=_listing, form_class=ShopForm, save=save_shop,
          context={"kinds": KIND_LABELS, "hazards": list(HAZARD_LABELS.items())}).register(bp)
