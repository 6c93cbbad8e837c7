"""Admin pages: appointing supporters, areas and categories. Members and supporters are refused."""

import pytest

ADMIN_PAGES = ["/admin", "/admin/supporters", "/admin/users", "/admin/areas", "/admin/areas/1", "/admin/categories",
               "/admin/categories/1"]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_refuse_members_and_supporters(client, login, member, supporter, admin, url):
    assert client.get(url).headers["Location"].startswith("/login?next=")
    for user in (member, supporter):
        login(user)
        assert client.get(url).status_code == 403
    login(admin)
    assert client.get(url).status_code == 200


def test_admin_posts_are_refused_to_supporters(client, login, supporter, member):
    login(supporter)
    for url, data in (("/admin/supporters", {"email": "member@example.jp"}), ("/admin/areas", {"name": "x"}),
                      ("/admin/categories", {"name": "x"}), ("/admin/categories/1/move/up", {}),
                      (f"/admin/supporters/{supporter.id}/remove", {})):
        assert client.post(url, data=data).status_code == 403, url


def test_appoint_and_remove_a_supporter(app, client, login, admin, member, fetch, audit_entries):
    login(admin)
    response = client.post("/admin/supporters", data={"email": "MEMBER@example.jp"}, follow_redirects=True)
    assert "地域情報サポーターにしました" in response.get_data(as_text=True)
    assert fetch("profile", member.id).role == "supporter"
    login(member)
    assert client.get("/moderation").status_code == 200
    login(admin)
    again = client.post("/admin/supporters", data={"email": "member@example.jp"})
    assert again.status_code == 400 and "すでにサポーターか管理者です" in again.get_data(as_text=True)
    unknown = client.post("/admin/supporters", data={"email": "nobody@example.jp"})
    assert unknown.status_code == 400 and "見つかりません" in unknown.get_data(as_text=True)
    client.post(f"/admin/supporters/{member.id}/remove")
    assert fetch("profile", member.id).role == "member"
    refused = client.post(f"/admin/supporters/{admin.id}/remove", follow_redirects=True)
    assert "管理者はこの画面では外せません" in refused.get_data(as_text=True)
    assert fetch("profile", admin.id).role == "admin"
    assert [a[0] for a in audit_entries()] == ["appoint_supporter", "remove_supporter"]
    login(member)
    assert client.get("/moderation").status_code == 403
