"""Staff pages refuse what does not exist or cannot be done with 404 (or 400), never a 500 or a silent success."""

import pytest

MISSING = 999_999


@pytest.mark.parametrize(
    "method, url",
    [
        ("GET", "/moderation/item/nosuch/1"),
        ("GET", f"/moderation/item/event/{MISSING}"),
        ("POST", f"/moderation/item/event/{MISSING}/hide"),
        ("GET", f"/moderation/users/{MISSING}"),
        ("POST", f"/moderation/users/{MISSING}/suspend"),
        ("POST", f"/moderation/users/{MISSING}/reinstate"),
        ("POST", f"/moderation/groups/{MISSING}/verify"),
        ("POST", f"/moderation/features/{MISSING}/end"),
        ("GET", f"/moderation/collections/{MISSING}"),
        ("POST", f"/moderation/collections/{MISSING}/items"),
        ("POST", f"/moderation/collections/{MISSING}/items/1/up"),
        ("GET", "/features/no-such-collection"),
        ("POST", f"/admin/supporters/{MISSING}/remove"),
        ("GET", f"/admin/areas/{MISSING}"),
        ("GET", f"/admin/categories/{MISSING}"),
        ("POST", f"/admin/categories/{MISSING}/move/up"),
    ],
)
def test_what_does_not_exist_is_404(client, login, admin, method, url):
    login(admin)
    response = client.get(url) if method == "GET" else client.post(url, data={"reason": "重複", "item_url": "/"})
    assert response.status_code == 404, (url, response.status_code)


def test_category_moves_only_up_or_down(app, client, login, admin):
    from community.areas.models import Category
    from community.extensions import db

    with app.app_context():
        category_id = db.session.scalars(db.select(Category.id)).first()
    login(admin)
    assert client.post(f"/admin/categories/{category_id}/move/sideways").status_code == 404
    assert client.post(f"/admin/categories/{category_id}/move/up").status_code == 302
