"""/admin: the admin home links every admin page and counts what waits, in a bounded number of statements."""

from __future__ import annotations

import re

from tests.sitepages.test_contact import MESSAGE


def _figure(page: str, label: str) -> str:
    match = re.search(re.escape(label) + r"</a>:\s*(?:<strong[^>]*>)?([^<]+)", page)
    assert match, label
    return match.group(1).strip()


def test_the_admin_home_links_everything_admins_do(client, login, admin):
    login(admin)
    page = client.get("/admin").get_data(as_text=True)
    for path in ("/admin/urgent", "/admin/areas", "/admin/categories", "/admin/pages", "/admin/supporters",
                 "/admin/users", "/moderation/audit", "/admin/mail", "/admin/contact", "/moderation/features",
                 "/moderation/collections", "/signage", "/moderation", "/moderation/groups"):
        assert f'href="{path}"' in page, path


def test_the_admin_home_counts_what_waits(client, app, login, admin, make_group, make_item):
    from community.extensions import db
    from community.mail.models import OutgoingMail
    from community.timeutil import now_utc

    login(admin)
    page = client.get("/admin").get_data(as_text=True)
    assert _figure(page, "未対応のお問い合わせ") == "なし"
    assert _figure(page, "送信できなかったメール") == "なし"

    app.test_client().post("/contact", data=MESSAGE)
    app.test_client().post("/contact", data={**MESSAGE, "subject": "二件目"})
    make_item("event", make_group(verified=False))  # an unverified group's item waits for review
    with app.test_request_context():
        db.session.add(OutgoingMail(to="x@example.jp", subject="s", text="t", failed_at=now_utc()))
        db.session.commit()
    page = client.get("/admin").get_data(as_text=True)
    assert _figure(page, "未対応のお問い合わせ") == "2 件"
    assert _figure(page, "送信できなかったメール") == "1 件"
    assert _figure(page, "確認待ちの投稿") == "1 件"
    assert _figure(page, "未確認の団体") == "1 件"


def test_the_admin_home_runs_the_same_statements_however_much_waits(client, app, login, admin, make_group, make_item,
                                                                    same_query_count, count_queries):
    login(admin)
    group = make_group(verified=False)

    def grow():
        for n in range(3):
            app.test_client().post("/contact", data={**MESSAGE, "subject": f"件名{n}"})
            make_item("event", group)

    response = same_query_count(client, "/admin", grow)
    assert "3 件" in response.get_data(as_text=True)
    with count_queries() as counted:
        client.get("/admin")
    # The user (with their session), the terms version they must have agreed to, the figures in one, and the header's
    # unread notifications and urgent banner.
    assert counted.n <= 5, "\n".join(counted.statements)
