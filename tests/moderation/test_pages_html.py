"""Every moderation, curation and admin page renders for an admin with one h1, unique ids and labels
that point at real fields (the axe browser test checks the rest later)."""

import re
from collections import Counter


def test_pages_render_with_sound_structure(client, login, admin, make_user, make_group, make_item, make_post,
                                           members, report_as):
    author = make_user(bio="自己紹介")
    group = make_group(owner=author, verified=False)
    make_item("event", group)
    community = make_post("community", author, status="pending")
    topic = make_post("topic", author, community=make_post("community", author), status="pending")
    make_post("reply", author, topic=topic, status="pending")
    thread = make_post("board", author, status="pending")
    board_reply = make_post("board_reply", author, thread=thread)
    reporter, = members(1)
    report_as(reporter, "board_reply", board_reply.id, note="ひどい")
    report_as(reporter, "profile", author.id)
    login(admin)
    client.post("/moderation/collections/new", data={"title": "特集", "slug": "tokushu", "is_published": "y"})
    for url in ["/moderation", "/moderation/dashboard", "/moderation/groups", "/moderation/features",
                "/moderation/collections", "/moderation/collections/new", "/moderation/collections/1",
                f"/moderation/users/{author.id}", "/moderation/audit", "/admin", "/admin/supporters", "/admin/users",
                "/admin/areas", "/admin/areas/2", "/admin/categories", "/admin/categories/1", "/features",
                "/features/tokushu", f"/moderation/item/board/{thread.id}", f"/moderation/item/profile/{author.id}",
                f"/moderation/item/community/{community.id}", f"/report/board/{thread.id}"]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        ids = Counter(re.findall(r'\sid="([^"]+)"', html))
        assert [i for i, n in ids.items() if n > 1] == [], url
        assert html.count("<h1") == 1, url
        assert [label for label in re.findall(r'<label for="([^"]+)"', html) if label not in ids] == [], url
