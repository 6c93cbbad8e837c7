"""Administering areas and categories (/admin/areas, /admin/categories): adding, renaming, moving and ordering,
refusals, the audit log."""

import pytest  # noqa: F401 - fixtures below come from conftest
from sqlalchemy import select


def test_add_rename_and_move_an_area_keeping_paths(app, client, login, admin, audit_entries):
    midori, minami = _area(app, "midori"), _area(app, "minami")
    login(admin)
    response = client.post("/admin/areas", data={"name": "橋本台", "slug": "hashimotodai", "parent_id": str(midori.id),
                                                 "name_kana": "はしもとだい", "position": "9"})
    assert response.status_code == 302
    added = _area(app, "hashimotodai")
    assert (added.level, added.path, added.parent_id) == ("district", f"{midori.path}{added.id}/", midori.id)
    assert "橋本台" in client.get("/areas/midori").get_data(as_text=True)
    client.post(f"/admin/areas/{added.id}", data={"name": "橋本台地区", "slug": "hashimotodai",
                                                  "parent_id": str(minami.id), "position": "1"})
    moved = _area(app, "hashimotodai")
    assert (moved.name, moved.parent_id, moved.path) == ("橋本台地区", minami.id, f"{minami.path}{added.id}/")
    # a ward moves under another city: its districts' paths follow
    new_city = client.post("/admin/areas", data={"name": "テスト市", "slug": "test-city", "parent_id": ""})
    assert new_city.status_code == 302
    city = _area(app, "test-city")
    assert city.level == "city"
    client.post(f"/admin/areas/{minami.id}", data={"name": "南区", "slug": "minami", "parent_id": str(city.id)})
    assert _area(app, "hashimotodai").path == f"{city.path}{minami.id}/{added.id}/"
    assert _area(app, "torin").path.startswith(f"{city.path}{minami.id}/")
    assert [a[0] for a in audit_entries()] == ["area_create", "area_update", "area_create", "area_update"]


def test_area_refusals(app, client, login, admin):
    city, midori, chuo, hashimoto = (_area(app, s) for s in ("sagamihara", "midori", "chuo", "hashimoto"))
    login(admin)
    cases = [
        ("/admin/areas", {"name": "重複", "slug": "hashimoto", "parent_id": str(midori.id)}, "すでに使われています"),
        ("/admin/areas", {"name": "", "slug": "empty-name", "parent_id": str(midori.id)}, "地域名を入力してください"),
        ("/admin/areas", {"name": "深すぎ", "slug": "too-deep", "parent_id": str(hashimoto.id)},
         "選択肢が正しくありません"),
        (f"/admin/areas/{midori.id}", {"name": "緑区", "slug": "midori", "parent_id": str(midori.id)},
         "選択肢が正しくありません"),
        (f"/admin/areas/{city.id}", {"name": "相模原市", "slug": "sagamihara", "parent_id": str(chuo.id)},
         "選択肢が正しくありません"),
        (f"/admin/areas/{chuo.id}", {"name": "中央区", "slug": "chuo", "parent_id": str(midori.id)},
         "3段までです"),
    ]
    for url, data, message in cases:
        response = client.post(url, data=data)
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), data
    assert _area(app, "midori").path == f"{city.path}{midori.id}/"
    assert _area(app, "chuo").path == f"{city.path}{chuo.id}/"
    assert _area(app, "sagamihara").parent_id is None


def test_categories_add_rename_and_reorder(app, client, login, admin, audit_entries):
    from community.areas.models import Category
    from community.extensions import db

    login(admin)
    added = client.post("/admin/categories", data={"name": "ペット", "slug": "pets", "name_en": "Pets"})
    assert added.status_code == 302
    with app.app_context():
        names = list(db.session.scalars(select(Category.name).order_by(Category.position)))
        pets = db.session.scalar(select(Category).where(Category.slug == "pets")).id
    assert names[-1] == "ペット"
    client.post(f"/admin/categories/{pets}", data={"name": "ペット・動物", "slug": "pets"})
    client.post(f"/admin/categories/{pets}/move/up")
    with app.app_context():
        names = list(db.session.scalars(select(Category.name).order_by(Category.position)))
    assert names[-2:] == ["ペット・動物", "環境"]
    first_id = _first_category(app)
    client.post(f"/admin/categories/{first_id}/move/up")  # already first: nothing changes
    assert _first_category(app) == first_id
    assert client.post(f"/admin/categories/{pets}/move/sideways").status_code == 404
    taken = client.post("/admin/categories", data={"name": "子育て2", "slug": "kosodate"})
    assert taken.status_code == 400 and "すでに使われています" in taken.get_data(as_text=True)
    assert [a[0] for a in audit_entries()] == ["category_create", "category_update", "category_move"]
    assert "ペット・動物" in client.get("/areas").get_data(as_text=True)


def _first_category(app):
    from community.areas.models import Category
    from community.extensions import db

    with app.app_context():
        return db.session.scalar(select(Category.id).order_by(Category.position, Category.id).limit(1))


def _area(app, slug):
    from community.areas.services import area_by_slug
    from community.extensions import db

    with app.app_context():
        area = area_by_slug(slug)
        db.session.expunge(area)
        return area
