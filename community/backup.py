"""Whole-site backups: the database and every uploaded file in one checked archive (`community backup`/`restore`).

An archive is a gzipped tar holding ``database/community.sqlite`` (an online-backup copy) or
``database/community.dump`` (``pg_dump --format=custom``), ``uploads/<path>`` for every uploaded file, and
``manifest.json`` last, which names the format, the time, the database backend, the app version, the Alembic
revision and each member's size and SHA-256. A restore reads the archive through once and checks all of that
before it writes anything, then unpacks it beside the live uploads folder and swaps.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess  # nosec B404
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from importlib import metadata
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import IO, Any

from flask import current_app

FORMAT = "sagamihara-community-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_MAX_BYTES = 64 * 1024 * 1024
UPLOADS = "uploads"
DATABASE_MEMBERS = {"sqlite": "database/community.sqlite", "postgresql": "database/community.dump"}
CHUNK = 1024 * 1024
ARCHIVE_ERRORS = (tarfile.TarError, OSError, EOFError, zlib.error)

Manifest = dict[str, Any]


class BackupError(Exception):
    """Why a backup or a restore did not happen (in Japanese, for the command line); nothing was changed."""


# --- writing -----------------------------------------------------------------------------------------------


def default_target() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return Path(current_app.instance_path) / "backups" / f"community-{stamp}.tar.gz"


def upload_files() -> list[Path]:
    """Every regular file under the uploads folder (none when it does not exist yet), but a restore's hidden
    staging folder."""
    folder = Path(current_app.config["UPLOAD_DIR"])
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*") if path.is_file() and not path.is_symlink()
                  and not path.relative_to(folder).parts[0].startswith(".restore-"))


def create_backup(target: Path, progress: Callable[[int], AbstractContextManager[Any]] | None = None) -> Manifest:
    """Writes the database and every uploaded file to the archive `target`; returns its manifest.

    The archive is written under a hidden temporary name beside `target` and renamed when it is complete, so a
    backup that fails half-way never looks like one. The database is copied before the uploads folder is listed:
    a file uploaded meanwhile is then at worst an unreferenced extra, never a missing image.
    `progress(n)`, if given, makes a progress bar (click.progressbar) for the n uploaded files."""
    from community.extensions import db

    if target.exists():
        raise BackupError(f"{target} はすでにあります。別の名前を指定してください。")
    target.parent.mkdir(parents=True, exist_ok=True)
    backend = _backend()
    uploads = Path(current_app.config["UPLOAD_DIR"])
    partial = target.with_name(f".{target.name}.partial-{secrets.token_hex(4)}")
    entries: dict[str, dict[str, Any]] = {}
    try:
        with tempfile.TemporaryDirectory(prefix=".backup-", dir=target.parent) as work, \
                tarfile.open(partial, "w:gz") as tar:
            revision = _alembic_revision(db.engine)
            database_copy = Path(work) / "database"
            _dump_database(database_copy)
            entries[DATABASE_MEMBERS[backend]] = _add_file(tar, database_copy, DATABASE_MEMBERS[backend])
            files = upload_files()
            with progress(len(files)) if progress else contextlib.nullcontext() as bar:
                for path in files:
                    name = f"{UPLOADS}/{path.relative_to(uploads).as_posix()}"
                    # A file deleted since the folder was listed is left out rather than failing the backup
                    # (an image replaced while the backup runs; the copied database may still name it).
                    with contextlib.suppress(FileNotFoundError):
                        entries[name] = _add_file(tar, path, name)
                    if bar is not None:
                        bar.update(1)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": {"backend": backend, "alembic_revision": revision},
                "app_version": _app_version(),
                "files": entries,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o644, int(datetime.now(UTC).timestamp())
            tar.addfile(info, BytesIO(data))
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


def _dump_database(dest: Path) -> None:
    from community.extensions import db

    url = db.engine.url
    if _backend() == "sqlite":
        source = sqlite3.connect(url.database)
        copy = sqlite3.connect(dest)
        try:
            with copy:
                source.backup(copy)  # consistent while the site keeps running
        finally:
            source.close()
            copy.close()
    else:
        _pg_tool("pg_dump", ["--format=custom", f"--file={dest}"])


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    """Adds one file, hashing exactly the bytes the archive receives."""
    with path.open("rb") as file:
        info = tar.gettarinfo(arcname=name, fileobj=file)
        info.mode, info.uid, info.gid, info.uname, info.gname = 0o644, 0, 0, "", ""
        reader = _HashingReader(file)
        tar.addfile(info, reader)
    return {"size": info.size, "sha256": reader.hexdigest()}


class _HashingReader:
    def __init__(self, file: IO[bytes]):
        self.file = file
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.sha256.update(data)
        return data

    def hexdigest(self) -> str:
        return self.sha256.hexdigest()


# --- checking ----------------------------------------------------------------------------------------------


def verify_backup(archive: Path) -> Manifest:
    """Reads the whole archive and returns its manifest, or raises BackupError saying what is wrong with it: no
    readable manifest, a listed file missing or with another size or checksum, a member the manifest does not
    list, a name that could point outside the folder it is unpacked into, another database backend, or a
    database newer than this version of the site."""
    found: dict[str, dict[str, Any]] = {}
    manifest_data: bytes | None = None
    try:
        with tarfile.open(archive, "r|gz") as tar:
            for member in tar:
                name = _checked_member(member)
                if name in found or (name == MANIFEST and manifest_data is not None):
                    raise BackupError(f"同じ名前の項目が二つあります: {name}")
                stream = tar.extractfile(member)
                if name == MANIFEST:
                    manifest_data = stream.read(MANIFEST_MAX_BYTES + 1)
                else:
                    found[name] = _digest(stream)
    except ARCHIVE_ERRORS as error:
        raise BackupError(f"バックアップを読めません（壊れているか、バックアップではありません）: {error}") from error
    manifest = _parse_manifest(manifest_data)
    listed: dict[str, dict[str, Any]] = manifest["files"]
    if unlisted := sorted(found.keys() - listed.keys()):
        raise BackupError(f"目録（{MANIFEST}）にない項目があります: {unlisted[0]}")
    for name, expected in sorted(listed.items()):
        if name not in found:
            raise BackupError(f"目録にあるファイルがありません: {name}")
        if found[name] != {"size": expected["size"], "sha256": expected["sha256"]}:
            raise BackupError(f"ファイルの大きさかチェックサムが目録と違います（壊れているか書き換えられています）: "
                              f"{name}")
    return manifest


def _checked_member(member: tarfile.TarInfo) -> str:
    name = member.name
    if not _safe_name(name):
        raise BackupError(f"使えない名前の項目があります（絶対パスや .. を含む名前）: {name}")
    if not member.isreg():
        raise BackupError(f"ファイルでない項目があります（リンクやフォルダーは入りません）: {name}")
    return name


def _safe_name(name: str) -> bool:
    """A relative, normalised POSIX path without '..': it cannot leave the folder it is unpacked into."""
    path = PurePosixPath(name)
    return (bool(name) and not path.is_absolute() and str(path) == name and ".." not in path.parts
            and "\\" not in name and "\x00" not in name)


def _digest(stream: IO[bytes], copy_to: IO[bytes] | None = None) -> dict[str, Any]:
    sha256, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        sha256.update(chunk)
        size += len(chunk)
        if copy_to is not None:
            copy_to.write(chunk)
    return {"size": size, "sha256": sha256.hexdigest()}


def _parse_manifest(data: bytes | None) -> Manifest:
    if data is None:
        raise BackupError(f"目録（{MANIFEST}）がありません。community backup で作ったバックアップを指定してください。")
    if len(data) > MANIFEST_MAX_BYTES:
        raise BackupError(f"目録（{MANIFEST}）が大きすぎます。")
    try:
        manifest = json.loads(data)
    except ValueError as error:
        raise BackupError(f"目録（{MANIFEST}）を読めません: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"目録（{MANIFEST}）がこのサイトのバックアップのものではありません。")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"この版では読めない形式のバックアップです（形式 {manifest.get('format_version')!r}）。")
    database, files = manifest.get("database"), manifest.get("files")
    if not isinstance(database, dict) or database.get("backend") not in DATABASE_MEMBERS \
            or not isinstance(files, dict) or not all(_valid_entry(name, entry) for name, entry in files.items()):
        raise BackupError(f"目録（{MANIFEST}）の内容が正しくありません。")
    backend = database["backend"]
    if backend != _backend():
        raise BackupError(f"このバックアップは {backend} のデータベースのものです。"
                          f"このサイトのデータベース（{_backend()}）には復元できません。")
    if DATABASE_MEMBERS[backend] not in files:
        raise BackupError(f"目録にデータベースのファイル（{DATABASE_MEMBERS[backend]}）がありません。")
    revision = database.get("alembic_revision")
    if revision is not None and revision not in _known_revisions():
        raise BackupError(f"このバックアップは新しい版のサイトのデータベースです（リビジョン {revision}）。"
                          "サイトを更新してから復元してください。")
    return manifest


def _valid_entry(name: str, entry: Any) -> bool:
    return (_safe_name(name) and name != MANIFEST
            and (name in DATABASE_MEMBERS.values() or name.startswith(f"{UPLOADS}/"))
            and isinstance(entry, dict) and isinstance(entry.get("size"), int)
            and isinstance(entry.get("sha256"), str))


# --- restoring ---------------------------------------------------------------------------------------------


def restore_backup(archive: Path, manifest: Manifest) -> None:
    """Replaces the database and the uploads folder's contents with the archive's (checked by verify_backup first).

    The archive is unpacked into a hidden staging folder inside the uploads folder (so every later move stays on
    one file system, and an uploads folder that is itself a mount point works) and checked again as it is
    written; the staged database is checked by its own tool; then the folder's entries are swapped by renaming
    and the database is replaced in one transaction. If that fails, the old uploads are put back; the search
    index is the caller's to rebuild."""
    from community.extensions import db

    uploads = Path(current_app.config["UPLOAD_DIR"])
    uploads.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=uploads))
    try:
        _unpack(archive, manifest, staging)
        staged_database = staging / DATABASE_MEMBERS[manifest["database"]["backend"]]
        _check_staged_database(staged_database)
        db.session.remove()
        db.engine.dispose()  # no connection of ours may hold the old database open
        _swap_uploads_and_replace_database(staging, uploads, staged_database)
    except _OldUploadsLeftInStaging:
        raise  # the staging folder now holds the only copy of the old uploads: leave it for the admin
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    else:
        shutil.rmtree(staging, ignore_errors=True)


class _OldUploadsLeftInStaging(BackupError):
    pass


def _move_entries(source: Path, target: Path, keep: Path | None = None) -> None:
    """Renames every entry of `source` (but `keep`) into `target`, on the same file system."""
    target.mkdir(exist_ok=True)
    for entry in list(source.iterdir()):
        if entry != keep:
            os.replace(entry, target / entry.name)


def _swap_uploads_and_replace_database(staging: Path, uploads: Path, staged_database: Path) -> None:
    """Moves the live uploads into `staging` and the restored ones into their place, then replaces the database;
    if either step fails, the live files are moved back before the error goes on."""
    previous = staging / "previous-uploads"
    _move_entries(uploads, previous, keep=staging)
    try:
        _move_entries(staging / UPLOADS, uploads)
        _replace_database(staged_database)
    except BaseException:
        try:
            _move_entries(uploads, staging / UPLOADS, keep=staging)
            _move_entries(previous, uploads)
        except OSError as error:
            raise _OldUploadsLeftInStaging(f"復元できず、元のアップロードも戻せませんでした。"
                                           f"元のファイルは {previous} にあります: {error}") from error
        raise


def _unpack(archive: Path, manifest: Manifest, staging: Path) -> None:
    listed = manifest["files"]
    (staging / UPLOADS).mkdir()
    written: set[str] = set()
    try:
        with tarfile.open(archive, "r|gz") as tar:
            for member in tar:
                name = _checked_member(member)
                if name == MANIFEST:
                    continue
                if name not in listed or name in written:
                    raise BackupError(f"目録と違う項目があります: {name}")
                dest = staging / name
                if not dest.resolve().is_relative_to(staging.resolve()):
                    raise BackupError(f"使えない名前の項目があります: {name}")
                dest.parent.mkdir(parents=True, exist_ok=True)
                with dest.open("xb") as out:
                    digest = _digest(tar.extractfile(member), copy_to=out)
                if digest != {"size": listed[name]["size"], "sha256": listed[name]["sha256"]}:
                    raise BackupError(f"確認のあとでバックアップが変わりました: {name}")
                written.add(name)
    except ARCHIVE_ERRORS as error:
        raise BackupError(f"バックアップを展開できません: {error}") from error
    if missing := sorted(listed.keys() - written):
        raise BackupError(f"確認のあとでバックアップが変わりました（{missing[0]} がありません）。")


def _check_staged_database(path: Path) -> None:
    if _backend() == "sqlite":
        try:
            with sqlite3.connect(path) as check:
                ok = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            check.close()
        except sqlite3.DatabaseError:
            ok = False
        if not ok:
            raise BackupError("バックアップのデータベースが壊れています。")
    else:
        _pg_tool("pg_restore", ["--list", str(path)], connect=False)


def _replace_database(path: Path) -> None:
    from community.extensions import db

    if _backend() == "sqlite":
        source = sqlite3.connect(path)
        live = sqlite3.connect(db.engine.url.database, timeout=current_app.config["SQLITE_BUSY_TIMEOUT"])
        try:
            with live:
                source.backup(live)  # page by page in one transaction: the old database or the new, never half
        finally:
            source.close()
            live.close()
    else:
        _pg_tool("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
                                str(path)])


# --- the database --------------------------------------------------------------------------------------------


def _backend() -> str:
    from community.extensions import db

    return db.engine.url.get_backend_name()


def _alembic_revision(engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    return {revision.revision for revision in script.walk_revisions()}


def _app_version() -> str:
    try:
        return metadata.version("sagamihara-community")
    except metadata.PackageNotFoundError:
        return "unknown"


def _pg_tool(tool: str, args: list[str], connect: bool = True) -> None:
    """Runs pg_dump or pg_restore against the configured database, with the client of the server's major version
    when several are installed (pg_dump refuses a newer server)."""
    from community.extensions import db

    url = db.engine.url
    program = _pg_client(tool)
    env = dict(os.environ)
    command = [program]
    if connect:
        if url.password:
            env["PGPASSWORD"] = url.password
        command += ["--dbname", url.database or "", "--host", url.host or "localhost", "--port", str(url.port or 5432)]
        if url.username:
            command += ["--username", url.username]
    try:
        # A list argv without a shell: the program is pg_dump/pg_restore found above, the arguments our own options,
        # the configured database's address and a path we made.
        subprocess.run(command + args, check=True, env=env, capture_output=True, text=True)  # noqa: S603  # nosec B603
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{tool} が失敗しました: {error.stderr.strip()}") from error


def _pg_client(tool: str) -> str:
    from sqlalchemy import text

    from community.extensions import db

    with db.engine.connect() as connection:
        major = int(connection.scalar(text("SHOW server_version_num"))) // 10000
    for candidate in (Path(f"/usr/lib/postgresql/{major}/bin/{tool}"), Path(f"/usr/pgsql-{major}/bin/{tool}")):
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(tool)
    if found is None:
        raise BackupError(f"{tool} が見つかりません（PostgreSQL {major} のクライアントを入れてください）。")
    return found
