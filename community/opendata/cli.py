"""`community import-events`, `import-facilities`, `export-events`, `export-facilities`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

BATCH = 200


def _group(slug: str):
    from community.extensions import db
    from community.groups.models import Group

    group = db.session.scalar(select(Group).where(Group.slug == slug))
    if group is None:
        raise click.UsageError(f"団体「{slug}」が見つかりません。先に団体を作成してください。")
    return group


def _run_import(path: Path, group_slug: str, read, write, label: str) -> None:
    from community.areas.models import Area
    from community.extensions import db
    from community.opendata.errors import OpenDataError
    from community.opendata.services import AreaMatcher

    group = _group(group_slug)
    try:
        result = read(path.read_bytes())
    except OpenDataError as error:
        raise click.ClickException(str(error)) from error
    for error in result.errors:
        click.echo(f"{path.name}: {error}", err=True)
    for warning in getattr(result, "warnings", []):
        click.echo(f"{path.name}: {warning}（取り込みました）", err=True)
    fallback = group.area or db.session.scalar(select(Area).where(Area.parent_id.is_(None)))
    areas = AreaMatcher(fallback)
    created = updated = 0
    records = result.records
    with click.progressbar(length=len(records), label=label) as bar:
        # Batches commit whole: a row is never half-written, and a failure loses one batch at most.
        for start in range(0, len(records), BATCH):
            summary = write(records[start:start + BATCH], group, areas, progress=bar.update)
            db.session.commit()
            created, updated = created + summary.created, updated + summary.updated
    click.echo(f"新規 {created} 件、更新 {updated} 件、エラー {len(result.errors)} 件")
    from flask import current_app

    from community.search.indexing import drain

    drain(current_app._get_current_object(), wait=True)  # searchable before the command returns


@click.command("import-events")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--group", "group_slug", required=True, help="Slug of the group the events belong to.")
@with_appcontext
def import_events_command(path: Path, group_slug: str):
    """Import an イベント一覧 CSV (older or current national layout, Shift_JIS or UTF-8)."""
    from community.opendata.reader import read_events
    from community.opendata.services import import_events

    _run_import(path, group_slug, read_events, import_events, "イベントを取り込み中")


@click.command("import-facilities")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--group", "group_slug", required=True, help="Slug of the group the facilities belong to.")
@with_appcontext
def import_facilities_command(path: Path, group_slug: str):
    """Import a 公共施設一覧 CSV as shop/facility listings."""
    from community.opendata.reader import read_facilities
    from community.opendata.services import import_facilities

    _run_import(path, group_slug, read_facilities, import_facilities, "施設を取り込み中")


@click.command("export-events")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--encoding", type=click.Choice(["utf-8", "cp932"]), default="utf-8", show_default=True)
@with_appcontext
def export_events_command(path: Path, encoding: str):
    """Write every public event to PATH in the current national layout."""
    from sqlalchemy.orm import joinedload

    from community import policy
    from community.events.models import Event
    from community.extensions import db
    from community.opendata.services import event_record
    from community.opendata.writer import write_events

    events = db.session.scalars(select(Event).options(joinedload(Event.group), joinedload(Event.area),
                                                      joinedload(Event.category))
                                .where(policy.public_clause(Event)).order_by(Event.starts_at, Event.id))
    path.write_bytes(write_events([event_record(e) for e in events], encoding=encoding))
    click.echo(f"書き出しました: {path}")


@click.command("export-facilities")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--encoding", type=click.Choice(["utf-8", "cp932"]), default="utf-8", show_default=True)
@with_appcontext
def export_facilities_command(path: Path, encoding: str):
    """Write every public shop/facility listing to PATH in the current national layout."""
    from sqlalchemy.orm import joinedload

    from community import policy
    from community.extensions import db
    from community.opendata.services import facility_record
    from community.opendata.writer import write_facilities
    from community.shops.models import Shop

    shops = db.session.scalars(select(Shop).options(joinedload(Shop.group), joinedload(Shop.area))
                               .where(policy.public_clause(Shop)).order_by(Shop.id))
    path.write_bytes(write_facilities([facility_record(s) for s in shops], encoding=encoding))
    click.echo(f"書き出しました: {path}")


COMMANDS = (import_events_command, import_facilities_command, export_events_command, export_facilities_command)
