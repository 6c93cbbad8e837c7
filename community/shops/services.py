"""Shop and facility listing state changes and queries."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from community.content.listing import load_item
from community.content.services import save_item
from community.shops.models import Shop

SHOP_FIELDS = ("name", "name_kana", "kind", "area_id", "category_id", "address", "latitude", "longitude",
               "opening_hours", "holidays", "phone", "website", "barrier_free", "tags", "last_confirmed",
               "image", "image_alt")

TAG_CHOICES = ("子連れOK", "車椅子可", "テイクアウト", "駐車場あり", "キャッシュレス", "Wi-Fi", "多言語対応", "授乳室")
# What a stored tag (the Japanese word is the value) is called in the interface language.
TAG_LABELS = {"子連れOK": _l("子連れOK"), "車椅子可": _l("車椅子可"), "テイクアウト": _l("テイクアウト"),
              "駐車場あり": _l("駐車場あり"), "キャッシュレス": _l("キャッシュレス"), "Wi-Fi": _l("Wi-Fi"),
              "多言語対応": _l("多言語対応"), "授乳室": _l("授乳室")}


def tag_label(tag: str) -> Markup:
    """A shop's tag as the interface names it; a tag that came from elsewhere (open data) is what its source wrote."""
    from community.locale import user_text

    return escape(str(TAG_LABELS[tag])) if tag in TAG_LABELS else user_text(tag)


def save_shop(shop: Shop | None, group, data: dict, actor, publish: bool) -> Shop:
    return save_item(Shop, SHOP_FIELDS, shop, group, data, actor, publish)


def load_shop(shop_id: int) -> Shop | None:
    return load_item(Shop, shop_id)
