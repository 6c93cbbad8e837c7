"""The site's own `community` commands (serve, init-db, backup, …), registered on the app by create_app."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from community.db import refresh_statistics

LIMIT_REQUEST_LINE = 8190  # gunicorn's maximum

def register_commands(app) -> None:
    from community.mail.cli import COMMANDS as MAIL_COMMANDS
    from community.me.cli import COMMANDS as ME_COMMANDS
    from community.opendata.cli import COMMANDS as OPENDATA_COMMANDS
    from community.opendata.feed_cli import COMMANDS as FEED_COMMANDS
    from community.search.cli import COMMANDS as SEARCH_COMMANDS

    for command in (init_db, serve, create_admin, seed, backup, restore, *OPENDATA_COMMANDS, *FEED_COMMANDS,
                    *SEARCH_COMMANDS, *ME_COMMANDS,
                    *MAIL_COMMANDS):
        app.cli.add_command(command)


def prepare_instance() -> None:
    """Create or upgrade the database and the instance folders; seed the reference data."""
    from community.areas.services import ensure_reference_data
    from community.extensions import db

    for key in ("UPLOAD_DIR", "SEARCH_INDEX_DIR"):
        Path(current_app.config[key]).mkdir(parents=True, exist_ok=True)
    upgrade()
    ensure_reference_data()
    db.session.commit()
    refresh_statistics(db.session)
    from community.search import SearchUnavailable, get_index

    try:
        get_index(current_app.config["SEARCH_INDEX_DIR"]).open_or_create()
    except SearchUnavailable as error:
        click.echo(f"検索索引を開けません（community reindex で作り直せます）: {error}", err=True)


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or upgrade the database and seed areas and categories."""
    prepare_instance()
    click.echo("データベースを準備しました。")


@click.command("serve")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn worker processes.")
@click.option("--demo", is_flag=True, help="Fill an empty site with Japanese demo content first.")
@with_appcontext
def serve(port: int, host: str, workers: int, demo: bool):
    """Prepare the instance folder and run the site under gunicorn."""
    prepare_instance()
    if demo:
        from community.demo import seed_demo

        logins = seed_demo()
        _print_logins(logins)
        _index_now()
    from community.extensions import db

    db.session.remove()
    db.engine.dispose()  # workers must not share the parent's connections
    env = dict(os.environ, COMMUNITY_INSTANCE=current_app.instance_path)
    click.echo(f"さがみはら地域ポータル: http://{host}:{port}/")
    # gunicorn's longest request line (its default is 4094): a long but valid URL — a search of 200 Japanese
    # characters is 1,800 bytes percent-encoded, more with filters — is answered, not refused with 414.
    # No gunicorn access log: the site writes its own line per request (logs.py), without the visitor's address, the
    # query string or the tokens of personal feed paths that gunicorn's line would hold.
    gunicorn = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"{host}:{port}",
                "--limit-request-line", str(LIMIT_REQUEST_LINE), "community.wsgi:app"]
    os.execvpe(gunicorn[0], gunicorn, env)  # noqa: S606 - replaces this process with gunicorn


@click.command("create-admin")
@click.option("--email", prompt="メールアドレス", help="The admin's e-mail address.")
@click.option("--name", "display_name", prompt="表示名", default="管理者", help="Display name.")
@click.password_option("--password", prompt="パスワード", help="At least 10 characters.")
@with_appcontext
def create_admin(email: str, display_name: str, password: str):
    """Create an admin account (city staff), or promote an existing account to admin."""
    from community.accounts.forms import PASSWORD_MIN
    from community.accounts.models import Role
    from community.accounts.services import find_user_by_email, register_user
    from community.extensions import db

    if len(password) < PASSWORD_MIN:
        raise click.UsageError(f"パスワードは{PASSWORD_MIN}文字以上にしてください。")
    user = find_user_by_email(email)
    if user is None:
        user = register_user(email, display_name, password, role=Role.ADMIN)
    else:
        user.role = Role.ADMIN
        user.set_password(password)
    db.session.commit()
    click.echo(f"管理者を用意しました: {user.email}")


@click.command("seed")
@click.option("--demo", is_flag=True, help="Realistic Japanese demo users, groups and content.")
@click.option("--synthetic", type=int, default=0, metavar="N", help="N synthetic items for benchmarks.")
@with_appcontext
def seed(demo: bool, synthetic: int):
    """Fill the site with demo content or with synthetic data for benchmarks."""
    if not demo and not synthetic:
        raise click.UsageError("--demo か --synthetic N を指定してください。")
    prepare_instance()
    if demo:
        from community.demo import seed_demo

        _print_logins(seed_demo())
        _index_now()
    if synthetic:
        from community.demo.synthetic import seed_synthetic

        seed_synthetic(synthetic)


def _index_now() -> None:
    """Drains the search outbox before the command ends, so what it wrote is searchable at once."""
    from community.search.indexing import drain

    drain(current_app._get_current_object(), wait=True)


def _print_logins(logins: list[tuple[str, str, str]]) -> None:
    if not logins:
        click.echo("デモデータはすでにあります。")
        return
    click.echo("デモ用のログイン（役割 / メールアドレス / パスワード）:")
    for role, email, password in logins:
        click.echo(f"  {role:<10} {email:<36} {password}")


@click.command("backup")
@click.argument("target", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(target: Path | None):
    """Write the database and every uploaded file to one archive, TARGET or instance/backups/community-….tar.gz.

    The archive's manifest.json lists each file's size and SHA-256, so `community restore` can check it."""
    from community.backup import BackupError, create_backup, default_target

    target = target or default_target()
    try:
        manifest = create_backup(target, progress=lambda n: click.progressbar(length=n, label="アップロードを保存中"))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"バックアップしました: {target}（データベースとアップロード {len(manifest['files']) - 1} 件）")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
@with_appcontext
def restore(context: click.Context, archive: Path, yes: bool):
    """Replace the database and the uploads with an archive made by `community backup`, then rebuild the index.

    The whole archive is checked first (manifest, sizes, checksums, names, database backend): a damaged or
    foreign archive is refused and nothing is changed."""
    from community.backup import BackupError, restore_backup, verify_backup
    from community.search.cli import reindex_command

    try:
        manifest = verify_backup(archive)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"バックアップを確認しました: {manifest['created_at']} 作成、ファイル {len(manifest['files'])} 件")
    if not yes:
        click.confirm("現在のデータベースとアップロード画像を置き換えます。よろしいですか？", abort=True)
    try:
        restore_backup(archive, manifest)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"復元しました: {archive}")
    context.invoke(reindex_command)
