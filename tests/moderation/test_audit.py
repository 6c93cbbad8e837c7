"""The audit log: admins only, filterable, paginated, exportable as CSV."""

import csv
import io
from datetime import timedelta

import pytest


@pytest.fixture
def logged(app, supporter, admin, make_user):
    """A few entries: two by the supporter, one automatic, one by the admin (dated yesterday)."""
    from community.db import utcnow
    from community.extensions import db
    from community.moderation.audit import record

    target = make_user(name="対象の会員")
    with app.app_context():
        record(supporter, "hide", kind="board", item_id=10, reason="=HYPERLINK(\"http://x\")")
        record(supporter, "approve", kind="event", item_id=11)
        record(None, "auto_hide", kind="topic", item_id=12, reason="複数の通報により確認中です")
        entry = record(admin, "suspend", kind="profile", item_id=target.id, reason="スパム")
        db.session.flush()
        entry.created_at = utcnow() - timedelta(days=1)
        db.session.commit()
    return target


def test_only_admins_read_the_audit_log(client, login, member, supporter, admin):
    assert client.get("/moderation/audit").headers["Location"].startswith("/login")
    for user in (member, supporter):
        login(user)
        assert client.get("/moderation/audit").status_code == 403
        assert client.get("/moderation/audit.csv").status_code == 403
    login(admin)
    assert client.get("/moderation/audit").status_code == 200


def test_filters_by_action_actor_kind_and_date(client, login, admin, supporter, logged):
    from community.timeutil import today_local

    login(admin)

    def rows(query):
        page = client.get("/moderation/audit" + query).get_data(as_text=True)
        return page.count("<tr>") - 1  # minus the header row

    assert rows("") == 4
    assert rows("?action=hide") == 1
    assert rows(f"?actor={supporter.id}") == 2
    assert rows("?actor=system") == 1
    assert rows("?kind=event") == 1
    today = today_local().isoformat()
    assert rows(f"?from={today}") == 3
    assert rows(f"?to={(today_local() - timedelta(days=1)).isoformat()}") == 1
    page = client.get("/moderation/audit?action=fly&from=yesterday").get_data(as_text=True)
    assert "指定された操作が見つかりません" in page and "日付は 2026-04-01 の形で入力してください" in page
    assert "対象の会員" in client.get("/moderation/audit?kind=profile").get_data(as_text=True)
    # the same date rules as every list: a range that runs backwards or a year the site has nothing in is said so
    backwards = client.get(f"/moderation/audit?from={today}&to=2000-01-01").get_data(as_text=True)
    assert "終了日が開始日より前になっています" in backwards
    for far in ("0001-01-01", "9999-12-31"):
        response = client.get(f"/moderation/audit?from={far}")
        assert response.status_code == 200
        assert "日付は 2026-04-01 の形で入力してください" in response.get_data(as_text=True)


def test_csv_export_is_utf8_with_bom_and_honours_filters(client, login, admin, supporter, logged):
    login(admin)
    response = client.get(f"/moderation/audit.csv?actor={supporter.id}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["日時", "操作者ID", "操作者", "操作"]
    assert len(rows) == 3
    assert {r[4] for r in rows[1:]} == {"hide", "approve"}
    hide = next(r for r in rows[1:] if r[4] == "hide")
    assert hide[2] == "サポーター" and hide[5] == "伝言板の投稿" and hide[6] == "10"
    assert hide[7].startswith("'=")  # a formula is defused for spreadsheets


def test_audit_page_is_paginated_in_a_fixed_number_of_queries(app, client, login, admin, supporter, count_queries):
    from community.extensions import db
    from community.moderation.audit import record

    def add(n):
        with app.app_context():
            for i in range(n):
                record(supporter, "approve", kind="board", item_id=1000 + i)
            db.session.commit()

    add(3)
    login(admin)
    with count_queries() as few:
        client.get("/moderation/audit")
    add(80)
    with count_queries() as many:
        page = client.get("/moderation/audit").get_data(as_text=True)
    assert page.count("<tr>") - 1 == 50 and 'rel="next"' in page
    assert many.n == few.n
