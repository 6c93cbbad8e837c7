"""The report link on item pages (templates/moderation/_report_link.html)."""

import pytest


@pytest.mark.parametrize("kind", ["event", "shop", "notice"])
def test_item_pages_offer_the_report_link(client, login, member, editor, make_item, update_item, kind):
    item = make_item(kind, editor.group)
    update_item(kind, item.id, author_id=editor.id)
    link = f'href="/report/{kind}/{item.id}"'
    assert link in client.get(f"/{kind}s/{item.id}").get_data(as_text=True)  # visitors: it leads to login
    login(member)
    assert link in client.get(f"/{kind}s/{item.id}").get_data(as_text=True)
    login(editor)
    assert link not in client.get(f"/{kind}s/{item.id}").get_data(as_text=True)  # not on one's own item


def test_staff_see_the_moderation_state_on_the_item_page(client, login, supporter, make_user, make_group,
                                                         make_item):
    event = make_item("event", make_group(owner=make_user(), verified=False))
    login(supporter)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "この情報は確認待ちです" in page
    assert f"/moderation/item/event/{event.id}" in page
