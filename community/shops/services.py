"""Shop and facility listing state changes and queries."""

from __future__ import annotations

from community.content.listing import load_item
from community.content.services import save_item
from community.shops.models import Shop

SHOP_FIELDS = ("name", "name_kana", "kind", "area_id", "category_id", "address", "latitude", "longitude",
               "opening_hours", "holidays", "phone", "website", "barrier_free", "tags", "last_confirmed",
               "image", "image_alt")

TAG_CHOICES = ("子連れOK", "車椅子可", "テイクアウト", "駐車場あり", "キャッシュレス", "Wi-Fi", "多言語対応", "授乳室")


def save_shop(shop: Shop | None, group, data: dict, actor, publish: bool) -> Shop:
    return save_item(Shop, SHOP_FIELDS, shop, group, data, actor, publish)


def load_shop(shop_id: int) -> Shop | None:
    return load_item(Shop, shop_id)
