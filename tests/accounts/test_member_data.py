"""/settings/data: a member downloads everything stored about them, and nothing about anyone else; every table that
refers to a member is in the download."""

from __future__ import annotations

import json

from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table


def _download(browser) -> dict:
    response = browser.get("/settings/data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def test_the_page_explains_and_links_the_download(site, sign_in):
    page = sign_in(site.leaver).get("/settings/data")
    assert page.status_code == 200
    assert 'href="/settings/data.json"' in page.get_data(as_text=True)


def test_the_settings_page_links_download_and_deletion(site, sign_in):
    page = sign_in(site.leaver).get("/settings").get_data(as_text=True)
    assert 'href="/settings/data"' in page and 'href="/settings/delete"' in page


def test_a_visitor_is_sent_to_log_in(client):
    for path in ("/settings/data", "/settings/data.json", "/settings/delete"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), path


def test_the_download_holds_what_is_stored_about_the_member(site, sign_in):
    data = _download(sign_in(site.leaver))
    ids = site.ids
    assert data["account"]["email"] == "leaver@example.jp"
    assert data["account"]["display_name"] == "退会予定の山田"
    assert data["account"]["bio"] == "退会者の自己紹介です"
    assert "password_hash" not in data["account"] and "feed_token" not in data["account"]
    assert data["settings"]["digest_frequency"] == "none"
    assert [t["title"] for t in data["board_threads"]] == ["退会者の伝言"]
    assert [r["body"] for r in data["board_replies"]] == ["退会者の伝言への返信"]
    assert [(t["id"], t["body"]) for t in data["topics"]] == [(ids["topic"], "退会者のトピックの本文")]
    assert [r["body"] for r in data["replies"]] == ["退会者のトピックへの返信"]
    assert [(b["item_kind"], b["item_id"]) for b in data["bookmarks"]] == [("event", ids["event"])]
    assert [f["target_kind"] for f in data["follows"]] == ["area"]
    assert [(r["event_id"], r["answer"], r["waitlisted"]) for r in data["rsvps"]] == [(ids["meetup"], "going", False)]
    assert [(m["community_name"], m["role"]) for m in data["community_memberships"]] == [("橋本の散歩の会", "member")]
    assert [(g["group_name"], g["role"]) for g in data["group_roles"]] == [("橋本自治会", "editor")]
    assert [r["note"] for r in data["reports_made"]] == ["退会者の通報メモ"]
    assert [n["data"] for n in data["notifications"]] == [{"community_name": "退会者あての通知"}]
    assert [e["title"] for e in data["events_written"]] == ["自治会の夏まつり"]
    assert len(data["sessions"]) == 1  # this browser's


def test_the_download_holds_nothing_of_another_member(site, sign_in):
    text = json.dumps(_download(sign_in(site.leaver)), ensure_ascii=False)
    for theirs in ("other@example.jp", "残る佐藤", "残る人の伝言", "残る人のトピック", "残る人の返信",
                   "残る人の通報メモ", "残る人あての通知", "4242", "waiting@example.jp"):
        assert theirs not in text


def test_each_member_gets_their_own(site, sign_in):
    data = _download(sign_in(site.other))
    assert data["account"]["email"] == "other@example.jp"
    assert [t["title"] for t in data["topics"]] == ["残る人のトピック"]
    assert "退会者" not in json.dumps(data, ensure_ascii=False)


# --- every reference to a member is covered ----------------------------------------------------------------


def _references_to_users(metadata) -> set[tuple[str, str]]:
    return {(table.name, key.parent.name) for table in metadata.tables.values() for key in table.foreign_keys
            if key.column.table.name == "users"}


def _not_in_download(metadata) -> set[tuple[str, str]]:
    from community.accounts.export import SECTIONS

    return _references_to_users(metadata) - {(section.table, section.column) for section in SECTIONS}


def test_every_table_that_refers_to_a_member_is_in_the_download(app):
    """A new model with a foreign key to users.id must get a Section in community/accounts/export.py (and a way to
    go in community/accounts/deletion.py)."""
    import community.models  # noqa: F401 - every model registered
    from community.extensions import db

    assert _not_in_download(db.metadata) == set()


def test_every_reference_to_a_member_has_a_rule_for_deletion(app):
    """Deleting the users row must never fail on a table the deletion does not name yet."""
    import community.models  # noqa: F401
    from community.extensions import db

    rules = {(table.name, key.parent.name): key.ondelete for table in db.metadata.tables.values()
             for key in table.foreign_keys if key.column.table.name == "users"}
    assert {ref: rule for ref, rule in rules.items() if rule not in ("CASCADE", "SET NULL")} == {}


def test_the_coverage_check_finds_a_new_reference():
    metadata = MetaData()
    Table("users", metadata, Column("id", Integer, primary_key=True))
    Table("follows", metadata, Column("id", Integer, primary_key=True), Column("user_id", ForeignKey("users.id")))
    Table("consents", metadata, Column("id", Integer, primary_key=True), Column("user_id", ForeignKey("users.id")))
    assert _not_in_download(metadata) == {("consents", "user_id")}


def test_every_section_is_in_the_document(site, sign_in):
    from community.accounts.export import SECTIONS

    data = _download(sign_in(site.leaver))
    assert {section.name for section in SECTIONS} <= set(data)
