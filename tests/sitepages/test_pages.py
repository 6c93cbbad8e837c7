"""The site pages: shipped defaults, admins' versions with their history and audit entries, sanitised Markdown, the
footer links and the sitemap."""

from __future__ import annotations

import pytest
from sqlalchemy import select

SLUGS = ("about", "terms", "privacy", "accessibility", "help")


@pytest.mark.parametrize(("slug", "words"), [
    ("about", "このサイトについて"),
    ("terms", "利用規約"),
    ("privacy", "個人情報の取扱い"),
    ("accessibility", "JIS X 8341-3:2016"),
    ("help", "会員登録とログイン"),
])
def test_each_page_shows_its_shipped_default(client, slug, words):
    response = client.get(f"/{slug}")
    assert response.status_code == 200
    assert words in response.get_data(as_text=True)


def test_the_privacy_page_quotes_the_real_retention_figures(app, client):
    from community.mail.delivery import KEEP_SENT
    from community.sitepages.services import CONTACT_KEEP_DAYS

    page = client.get("/privacy").get_data(as_text=True)
    remember_days = round(app.config["REMEMBER_COOKIE_DURATION"] / 86400)
    assert f"クッキーの期限は {remember_days} 日" in page
    assert f"送信後 {KEEP_SENT.days} 日間" in page
    assert f"{CONTACT_KEEP_DAYS} 日後に削除" in page
    assert "$" not in page.split("<main", 1)[1]  # every placeholder was filled
    assert 'href="/settings/data"' in page and 'href="/settings/delete"' in page


def test_every_page_links_to_the_site_pages_in_the_footer(client):
    page = client.get("/events").get_data(as_text=True)
    footer = page.split('class="site-footer"', 1)[1]
    for path in (*(f"/{slug}" for slug in SLUGS), "/contact"):
        assert f'href="{path}"' in footer


def _save(client, slug="about", **fields):
    data = {"title": "サイトの紹介", "body": "## 新しい紹介\n\n最初の版です。", "note": "書き直し"}
    data.update(fields)
    return client.post(f"/admin/pages/{slug}", data=data)


def test_an_admin_saves_a_new_version_and_the_old_one_stays_in_the_history(client, login, admin, app):
    login(admin)
    assert "最初から用意された文章" in client.get("/admin/pages/about").get_data(as_text=True)
    assert _save(client).status_code == 302
    assert _save(client, body="## 二版目\n\n書き直しました。", note="二度目").status_code == 302

    public = client.get("/about").get_data(as_text=True)
    assert "二版目" in public and "新しい紹介" not in public and "第2版" in public
    history = client.get("/admin/pages/about").get_data(as_text=True)
    assert "第1版" in history and "第2版" in history and "二度目" in history
    first = client.get("/admin/pages/about/versions/1")
    assert first.status_code == 200 and "新しい紹介" in first.get_data(as_text=True)
    assert client.get("/admin/pages/about/versions/3").status_code == 404

    with app.app_context():
        from community.extensions import db
        from community.moderation.models import AuditEntry

        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "sitepage_update")
                                     .order_by(AuditEntry.id)).all()
        assert [(e.actor_id, e.item_kind, e.details["slug"], e.details["version"]) for e in entries] == [
            (admin.id, "sitepage", "about", 1), (admin.id, "sitepage", "about", 2)]
    assert "案内ページを更新" in client.get("/moderation/audit").get_data(as_text=True)


def test_the_edit_form_starts_from_the_page_in_force(client, login, admin):
    login(admin)
    page = client.get("/admin/pages/privacy").get_data(as_text=True)
    assert "保存する期間" in page  # the default's Markdown, in the textarea


def test_markdown_is_sanitised_on_the_way_in(client, login, admin, app):
    login(admin)
    body = "## 見出し\n\n<script>alert('x')</script>\n\n[リンク](javascript:alert(1)) <img src=x onerror=alert(1)>"
    assert _save(client, body=body).status_code == 302
    page = client.get("/about").get_data(as_text=True)
    main = page.split("<main", 1)[1]
    assert "<script>alert" not in main and "<img" not in main and "javascript:" not in main
    assert "<h2>見出し</h2>" in main
    source = client.get("/admin/pages/about/versions/1").get_data(as_text=True)
    assert "&lt;script&gt;" in source  # the admin still reads what was written, escaped


def test_bad_input_is_refused_with_a_message_and_nothing_saved(client, login, admin, app):
    login(admin)
    response = _save(client, title="", body="")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "題名を入力してください。" in page and "本文を入力してください。" in page
    with app.app_context():
        from community.extensions import db
        from community.sitepages.models import SitePageVersion

        assert db.session.scalars(select(SitePageVersion)).all() == []


@pytest.mark.parametrize("path", ["/admin/pages", "/admin/pages/terms", "/admin/pages/terms/versions/1",
                                  "/admin/contact", "/admin"])
def test_only_admins_reach_the_admin_pages(client, login, make_user, path):
    assert client.get(path).status_code == 302  # a visitor is sent to log in
    assert "/login" in client.get(path).headers["Location"]
    for role in ("member", "supporter"):
        login(make_user(role))
        assert client.get(path).status_code == 403


def test_non_admins_cannot_save_a_page(client, login, supporter, app):
    login(supporter)
    assert _save(client).status_code == 403
    with app.app_context():
        from community.extensions import db
        from community.sitepages.models import SitePageVersion

        assert db.session.scalars(select(SitePageVersion)).all() == []


def test_only_admins_see_the_edit_link(client, login, admin, member):
    assert "このページを編集する" not in client.get("/terms").get_data(as_text=True)
    login(member)
    assert "このページを編集する" not in client.get("/terms").get_data(as_text=True)
    login(admin)
    assert "このページを編集する" in client.get("/terms").get_data(as_text=True)


def test_the_material_change_box_counts_for_the_terms_only(client, login, admin, app):
    login(admin)
    assert "重要な変更として公開する" not in client.get("/admin/pages/about").get_data(as_text=True)
    assert "重要な変更として公開する" in client.get("/admin/pages/terms").get_data(as_text=True)
    _save(client, slug="about", material="y")
    with app.app_context():
        from community.extensions import db
        from community.sitepages.models import SitePageVersion

        assert db.session.scalar(select(SitePageVersion.material)) is False


def test_the_site_pages_are_in_the_sitemap(client):
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    for path in (*(f"/{slug}" for slug in SLUGS), "/contact"):
        assert f"<loc>http://localhost{path}</loc>" in sitemap


def test_the_accessibility_page_shows_the_recorded_test_results(client):
    from community.sitepages.accessibility import load_results

    results = load_results()
    page = client.get("/accessibility").get_data(as_text=True)
    assert "試験結果" in page
    assert results.pages, "the results file is missing or empty"
    assert results.axe_versions[0] in page
    assert f"<code>{results.pages[0].id}</code>" in page
