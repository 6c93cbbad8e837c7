"""`community backup` and `community restore`: one checked archive of the database and the uploads."""

from __future__ import annotations

import io
import json
import re
import shutil
import tarfile
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select, text

# The search change log and the hosts' positions in it move on by themselves (followed, pruned, reported), and a
# restore rebuilds the index at the current position.
CONSUMED_BY_REINDEX = {"search_changes", "search_hosts"}


def _png(colour: str) -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(data, "PNG")
    data.seek(0)
    return data


@pytest.fixture
def site(app, make_user, make_group, make_item, make_community, make_topic, area_id):
    """A site with rows in every table of the metadata and uploaded images (one in a sub-folder)."""
    from community.accounts.models import UserSession
    from community.board.models import BoardReply, BoardThread
    from community.communities.models import Reply, Rsvp, TopicRead
    from community.content.models import ContentVersion
    from community.extensions import db
    from community.furigana.models import LocalReading
    from community.images import save_image, upload_dir
    from community.mail.models import OutgoingMail
    from community.me.models import Bookmark, DigestDelivery, Follow
    from community.moderation.models import AuditEntry, Collection, CollectionItem, Feature, Report, ReviewRequest
    from community.notifications.models import Notification
    from community.opendata.models import FeedLog, FeedSubscription, ImportJob
    from community.signage.models import UrgentNotice
    from community.sitepages.models import ContactMessage, SitePageVersion
    from community.timeutil import now_utc

    admin = make_user("admin")
    member = make_user()
    group = make_group(owner=admin, editors=[member])
    event = make_item("event", group, title="相模川の花火大会", body="河川敷で花火を楽しみましょう。")
    make_item("shop", group)
    notice = make_item("notice", group)
    community = make_community(admin, members=[member])
    topic = make_topic(community, member)
    with app.app_context():
        images = [save_image(_png("red")), save_image(_png("blue"))]
        (upload_dir() / "legacy").mkdir()
        (upload_dir() / "legacy" / "old.jpg").write_bytes(b"\xff\xd8 an older upload \x00\xff")
        thread = BoardThread(kind="info", area_id=area_id("hashimoto"), title="掲示板のスレッド", body="本文",
                             body_html="<p>本文</p>", author_id=member.id)
        collection = Collection(slug="natsu", title="夏の特集", intro="", intro_html="", created_by_id=admin.id)
        feed = FeedSubscription(group_id=group.id, url="https://example.jp/events.ics", kind="ical",
                                created_by_id=member.id)
        db.session.add_all([thread, collection, feed])
        db.session.flush()
        when = now_utc()
        db.session.add_all([
            UserSession(user_id=member.id, token_hash="a" * 64),
            BoardReply(thread_id=thread.id, body="返信", body_html="<p>返信</p>", author_id=admin.id),
            Reply(topic_id=topic.id, body="返信", body_html="<p>返信</p>", author_id=admin.id),
            Rsvp(event_id=event.id, user_id=member.id),
            TopicRead(user_id=member.id, topic_id=topic.id, read_at=when),
            OutgoingMail(to="member@example.jp", subject="件名", text="本文", sent_at=when),
            LocalReading(surface="番田", reading="ばんだ"),
            Bookmark(user_id=member.id, item_kind="event", item_id=event.id),
            Follow(user_id=member.id, target_kind="area", target_id=area_id("hashimoto")),
            DigestDelivery(user_id=member.id, period="daily", sent_at=when),
            AuditEntry(actor_id=admin.id, action="hide", item_kind="notice", item_id=notice.id, reason="理由"),
            Feature(item_kind="event", item_id=event.id, created_by_id=admin.id, ends_at=when + timedelta(days=3)),
            CollectionItem(collection_id=collection.id, item_kind="event", item_id=event.id, position=1),
            Report(item_kind="notice", item_id=notice.id, reporter_id=member.id, reason="spam"),
            ReviewRequest(item_kind="notice", item_id=notice.id, user_id=member.id),
            Notification(user_id=member.id, kind="hidden", data={"reason": "理由"}, link="/notices"),
            UrgentNotice(title="大雨警報", body="川に近づかないでください。", ends_at=when + timedelta(hours=6),
                         created_by_id=admin.id),
            ContentVersion(item_kind="notice", item_id=notice.id, data={"title": "前の題名"}, edited_by_id=admin.id),
            SitePageVersion(slug="terms", version=1, title="利用規約", body="## 第1条", body_html="<h2>第1条</h2>",
                            material=True, author_id=admin.id),
            ContactMessage(name="相模 太郎", email="taro@example.jp", subject="質問", body="本文", user_id=member.id),
            ImportJob(group_id=group.id, user_id=member.id, kind="events", filename="events.csv", status="done"),
            FeedLog(subscription_id=feed.id, outcome="not-modified", http_status=304),
        ])
        db.session.commit()
    return {"images": images}


def _rows(app) -> dict[str, list[tuple]]:
    """Every row of every table in the metadata, in primary-key order."""
    from community.extensions import db

    with app.app_context():
        db.session.remove()
        with db.engine.connect() as connection:
            return {table.name: [tuple(row) for row in connection.execute(
                        select(table).order_by(*table.primary_key.columns))]
                    for table in db.metadata.sorted_tables if table.name not in CONSUMED_BY_REINDEX}


def _files(app) -> dict[str, bytes]:
    folder = Path(app.config["UPLOAD_DIR"])
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def _backup(runner, tmp_path) -> Path:
    archive = tmp_path / "site.tar.gz"
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    return archive


def _wipe(app) -> None:
    """An emptied instance: no tables, no uploads, no search index."""
    from community.extensions import db

    with app.app_context():
        db.session.remove()
        if db.engine.url.get_backend_name() == "sqlite":
            db.engine.dispose()
            for path in Path(app.instance_path).glob("community.sqlite*"):
                path.unlink()
        else:
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.engine.dispose()
    shutil.rmtree(app.config["UPLOAD_DIR"])
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])


def test_restore_into_an_emptied_instance_brings_back_every_row_and_file(app, runner, client, site, tmp_path):
    rows, files = _rows(app), _files(app)
    assert all(rows.values()), [name for name, found in rows.items() if not found]  # every table has data
    assert {f"{name}" for name in site["images"]} | {f"thumb-{name}" for name in site["images"]} < files.keys()
    archive = _backup(runner, tmp_path)

    _wipe(app)
    result = runner.invoke(args=["restore", str(archive), "--yes"])

    assert result.exit_code == 0, result.output
    assert _rows(app) == rows
    assert _files(app) == files
    page = client.get("/search?q=花火").get_data(as_text=True)
    assert "相模川の花火大会" in page


def test_the_archive_lists_every_member_with_its_size_and_checksum(app, runner, site, tmp_path):
    import hashlib

    archive = _backup(runner, tmp_path)
    with tarfile.open(archive) as tar:
        members = {member.name: tar.extractfile(member).read() for member in tar}
    manifest = json.loads(members.pop("manifest.json"))
    backend = "sqlite" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") else "postgresql"
    assert manifest["format_version"] == 1 and manifest["database"]["backend"] == backend
    assert manifest["database"]["alembic_revision"] and manifest["app_version"] and manifest["created_at"]
    assert manifest["files"] == {name: {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                                 for name, data in members.items()}
    database = "database/community.sqlite" if backend == "sqlite" else "database/community.dump"
    assert members.keys() == {f"uploads/{name}" for name in _files(app)} | {database}


def test_backup_without_a_target_writes_a_dated_archive_under_the_instance(app, runner, site):
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    written = list((Path(app.instance_path) / "backups").iterdir())
    assert len(written) == 1 and re.fullmatch(r"community-\d{8}-\d{6}\.tar\.gz", written[0].name)


def test_backup_refuses_to_overwrite_a_file(runner, tmp_path):
    existing = tmp_path / "site.tar.gz"
    existing.write_bytes(b"keep me")
    result = runner.invoke(args=["backup", str(existing)])
    assert result.exit_code != 0 and "すでにあります" in result.output
    assert existing.read_bytes() == b"keep me"


def test_a_backup_that_fails_half_way_leaves_no_archive(app, runner, site, tmp_path, monkeypatch):
    import community.backup

    added = []
    original = community.backup._add_file

    def fail_on_the_third(tar, path, name):
        if len(added) == 2:
            raise OSError("disk full")
        added.append(name)
        return original(tar, path, name)

    monkeypatch.setattr(community.backup, "_add_file", fail_on_the_third)
    folder = tmp_path / "backups"
    result = runner.invoke(args=["backup", str(folder / "site.tar.gz")])
    assert result.exit_code != 0
    assert list(folder.iterdir()) == []  # neither the archive nor its half-written temporary file


# --- a damaged or foreign archive is refused and changes nothing ----------------------------------------------


def _rewrite(archive: Path, change) -> Path:
    """A copy of the archive whose (TarInfo, bytes) members went through change(list) -> list."""
    with tarfile.open(archive) as tar:
        members = [(member, tar.extractfile(member).read()) for member in tar]
    tampered = archive.with_name("tampered.tar.gz")
    with tarfile.open(tampered, "w:gz") as tar:
        for member, data in change(members):
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data) if member.isreg() else None)
    return tampered


def _member(name: str, data: bytes = b"evil", kind=tarfile.REGTYPE, link: str = "") -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, link
    return info, data


def _flip_a_byte_of_an_upload(members):
    changed = []
    for member, data in members:
        if member.name.startswith("uploads/") and not changed:
            data = bytes([data[0] ^ 1]) + data[1:]
            changed.append(member.name)
        yield member, data


def _edit_manifest(edit):
    def change(members):
        for member, data in members:
            yield member, json.dumps(edit(json.loads(data))).encode() if member.name == "manifest.json" else data
    return change


def _for_the_other_backend(manifest):
    ours = manifest["database"]["backend"]
    other = "postgresql" if ours == "sqlite" else "sqlite"
    names = {"sqlite": "database/community.sqlite", "postgresql": "database/community.dump"}
    manifest["database"]["backend"] = other
    manifest["files"][names[other]] = manifest["files"].pop(names[ours])
    return manifest


def _rename_database_member(members):
    for member, data in members:
        if member.name.startswith("database/"):
            member.name = "database/community.dump" if member.name.endswith(".sqlite") else \
                "database/community.sqlite"
        yield member, data


TAMPERING = {
    "a changed byte": (_flip_a_byte_of_an_upload, "チェックサムが目録と違います"),
    "a missing file": (lambda members: [(m, d) for m, d in members if not m.name.startswith("uploads/legacy/")],
                       "目録にあるファイルがありません: uploads/legacy/old.jpg"),
    "an extra ../evil member": (lambda members: [*members, _member("../evil")], "使えない名前の項目"),
    "an absolute member name": (lambda members: [_member("/tmp/evil"), *members], "使えない名前の項目"),
    "a nested ../ member name": (lambda members: [*members, _member("uploads/../../evil")], "使えない名前の項目"),
    "a symbolic link": (lambda members: [*members, _member("uploads/link", b"", tarfile.SYMTYPE, "/etc/passwd")],
                        "ファイルでない項目"),
    "an unlisted member": (lambda members: [*members, _member("uploads/extra.png")], "目録（manifest.json）にない項目"),
    "no manifest": (lambda members: [(m, d) for m, d in members if m.name != "manifest.json"],
                    "目録（manifest.json）がありません"),
    "an unreadable manifest": (lambda members: [(m, b"{not json" if m.name == "manifest.json" else d)
                                                for m, d in members], "目録（manifest.json）を読めません"),
    "a manifest for the other backend": (lambda members: _edit_manifest(_for_the_other_backend)(
        _rename_database_member(members)), "のデータベースのものです"),
    "a database from a newer version": (_edit_manifest(lambda m: m["database"].update(alembic_revision="ffff0000")
                                                       or m), "新しい版のサイト"),
}


@pytest.mark.parametrize("tampering", TAMPERING)
def test_a_tampered_archive_is_refused_and_nothing_changes(app, runner, site, tmp_path, tampering):
    change, message = TAMPERING[tampering]
    tampered = _rewrite(_backup(runner, tmp_path), lambda members: list(change(members)))
    rows, files = _rows(app), _files(app)

    result = runner.invoke(args=["restore", str(tampered), "--yes"])

    assert result.exit_code != 0
    assert message in result.output, result.output
    assert _rows(app) == rows
    assert _files(app) == files
    assert not (tmp_path / "evil").exists() and not Path("/tmp/evil").exists()
    assert [path.name for path in Path(app.instance_path).iterdir() if path.name.startswith(".")] == []


def test_a_file_that_is_not_an_archive_is_refused(app, runner, site, tmp_path):
    rows = _rows(app)
    bad = tmp_path / "broken.tar.gz"
    bad.write_bytes(b"this is not an archive" * 100)
    result = runner.invoke(args=["restore", str(bad), "--yes"])
    assert result.exit_code != 0 and "バックアップを読めません" in result.output
    assert _rows(app) == rows


def test_a_database_that_cannot_be_replaced_leaves_the_old_uploads(app, runner, site, tmp_path, monkeypatch):
    import community.backup

    archive = _backup(runner, tmp_path)
    with app.app_context():
        (Path(app.config["UPLOAD_DIR"]) / "added-later.png").write_bytes(b"new")
    rows, files = _rows(app), _files(app)

    def refuse(path):
        raise community.backup.BackupError("データベースを置き換えられません。")

    monkeypatch.setattr(community.backup, "_replace_database", refuse)
    result = runner.invoke(args=["restore", str(archive), "--yes"])

    assert result.exit_code != 0 and "置き換えられません" in result.output
    assert _rows(app) == rows
    assert _files(app) == files
    assert [path.name for path in Path(app.instance_path).iterdir() if path.name.startswith(".")] == []


def test_an_uploads_folder_that_is_a_mount_point_is_restored_in_place(app, runner, site, tmp_path, monkeypatch):
    """A mount point cannot be renamed or replaced: the restore swaps what the folder holds, never the folder."""
    import os

    archive = _backup(runner, tmp_path)
    rows, files = _rows(app), _files(app)
    uploads = Path(app.config["UPLOAD_DIR"])
    (uploads / "added-later.png").write_bytes(b"new")
    real_replace = os.replace

    def replace(source, target):
        if Path(source) == uploads or Path(target) == uploads:
            raise OSError(16, "Device or resource busy", str(uploads))
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    result = runner.invoke(args=["restore", str(archive), "--yes"])

    assert result.exit_code == 0, result.output
    assert _rows(app) == rows and _files(app) == files  # added-later.png is gone, the archive's files are back
    assert [path.name for path in uploads.iterdir() if path.name.startswith(".")] == []


def test_restore_asks_before_replacing(app, runner, site, tmp_path):
    rows = _rows(app)
    archive = _backup(runner, tmp_path)
    with app.app_context():
        from community.extensions import db
        from community.moderation.models import Collection

        db.session.add(Collection(slug="later", title="あとで作った特集", intro="", intro_html=""))
        db.session.commit()
    result = runner.invoke(args=["restore", str(archive)], input="n\n")
    assert result.exit_code != 0
    assert _rows(app) != rows  # still the newer data
    result = runner.invoke(args=["restore", str(archive)], input="y\n")
    assert result.exit_code == 0, result.output
    assert _rows(app) == rows
