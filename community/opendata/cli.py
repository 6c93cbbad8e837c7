"""`community import-events`, `import-facilities`, `export-events`, `export-facilities`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

BATCH = 200
UNPLACED_SHOWN = 100  # rows listed by line in the output; the rest are counted


def _group(slug: str):
    from community.extensions import db
    from community.groups.models import Group

    group = db.session.scalar(select(Group).where(Group.slug == slug))
    if group is None:
        raise click.UsageError(f"団体「{slug}」が見つかりません。先に団体を作成してください。")
    return group


def _run_import(path: Path, group_slug: str, read, write, label: str, unpublish_missing: bool = False) -> None:
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from community.areas.models import Area
    from community.extensions import db
    from community.opendata.errors import OpenDataError
    from community.opendata.services import AreaMatcher, ImportSummary, missing_items, unpublish

    group = _group(group_slug)
    try:
        result = read(path.read_bytes())
    except OpenDataError as error:
        raise click.ClickException(str(error)) from error
    with force_locale("ja"):
        for problem in result.errors:
            click.echo(_("%(file)s: %(problem)s（取り込みませんでした）", file=path.name, problem=problem), err=True)
        for warning in getattr(result, "warnings", []):
            click.echo(_("%(file)s: %(problem)s（取り込みました）", file=path.name, problem=warning), err=True)
    fallback = group.area or db.session.scalar(select(Area).where(Area.parent_id.is_(None)))
    areas = AreaMatcher(fallback)
    total = ImportSummary()
    records = result.records
    with click.progressbar(length=len(records), label=label) as bar:
        # Batches commit whole: a row is never half-written, and a failure loses one batch at most.
        for start in range(0, len(records), BATCH):
            summary = write(records[start:start + BATCH], group, areas, progress=bar.update)
            db.session.commit()
            total.add(summary)
    model, prefix = _kind_of(write)
    codes = {record.local_gov_code for record in records}
    missing = missing_items(model, prefix, group, codes, total.keys) if records else []
    with force_locale("ja"):
        click.echo(_("新規 %(created)d 件、変更 %(changed)d 件、変更なし %(unchanged)d 件、"
                     "取り込めなかった行 %(refused)d 件", created=total.created, changed=total.changed,
                     unchanged=total.unchanged, refused=len(result.errors)))
        if total.unplaced:
            click.echo(_("地域を特定できません: %(n)d 件（団体の地域か市全体で取り込みました。地域を直してください）",
                         n=len(total.unplaced)))
            for row in total.unplaced[:UNPLACED_SHOWN]:
                click.echo(f"  - {row}")
            if len(total.unplaced) > UNPLACED_SHOWN:
                click.echo(_("  ほか %(n)d 件", n=len(total.unplaced) - UNPLACED_SHOWN))
        if missing:
            click.echo(_("前回まであってこのファイルに無いもの: %(n)d 件", n=len(missing)))
            for item in missing:
                click.echo(f"  - {item.heading}")
            if unpublish_missing:
                unpublish(missing)
                db.session.commit()
                click.echo(_("%(n)d 件を非公開にしました", n=len(missing)))
            else:
                click.echo(_("非公開にするには --unpublish-missing を付けてもう一度取り込んでください"))
    from flask import current_app

    from community.search.indexing import drain

    drain(current_app._get_current_object(), wait=True)  # searchable before the command returns


def _kind_of(write):
    from community.events.models import Event
    from community.opendata import services
    from community.shops.models import Shop

    if write is services.import_events:
        return Event, "opendata-event"
    if write is services.import_shelters:
        return Shop, "opendata-shelter"
    if write is services.import_aeds:
        return Shop, "opendata-aed"
    return Shop, "opendata-facility"


def _import_command(name: str, what: str, reader: str, importer: str, label: str, doc: str) -> click.Command:
    """A command that imports one national layout from PATH as a group's items."""

    @click.command(name, help=doc)
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--group", "group_slug", required=True, help=f"Slug of the group the {what} belong to.")
    @click.option("--unpublish-missing", is_flag=True,
                  help=f"Hide the group's {what} from the same publisher that this file no longer has.")
    @with_appcontext
    def command(path: Path, group_slug: str, unpublish_missing: bool):
        from community.opendata import reader as readers
        from community.opendata import services

        _run_import(path, group_slug, getattr(readers, reader), getattr(services, importer), label,
                    unpublish_missing)

    return command


def _export_command(name: str, doc: str, rows) -> click.Command:
    """A command that writes every public item of one kind to PATH in the current national layout."""

    @click.command(name, help=doc)
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--encoding", type=click.Choice(["utf-8", "cp932"]), default="utf-8", show_default=True)
    @with_appcontext
    def command(path: Path, encoding: str):
        path.write_bytes(rows(encoding))
        click.echo(f"書き出しました: {path}")

    return command


def _public_events_csv(encoding: str) -> bytes:
    from community import policy
    from community.content.listing import public_items_query
    from community.events.models import Event
    from community.extensions import db
    from community.opendata.services import event_record
    from community.opendata.writer import write_events

    # Group events only: a community's meetup is never published as a group's event.
    events = db.session.scalars(public_items_query(Event, order=(Event.starts_at, Event.id))
                                .where(policy.public("event"), Event.community_id.is_(None)))
    return write_events([event_record(e) for e in events], encoding=encoding)


def _public_facilities_csv(encoding: str) -> bytes:
    from community.content.listing import public_items_query
    from community.extensions import db
    from community.opendata.services import facility_record
    from community.opendata.writer import write_facilities
    from community.shops.models import Shop

    # Shelters and AEDs have layouts of their own (export-shelters, export-aeds).
    shops = db.session.scalars(public_items_query(Shop, order=(Shop.id,))
                               .where(Shop.kind.not_in(("shelter", "aed"))))
    return write_facilities([facility_record(s) for s in shops], encoding=encoding)


def public_places_csv(kind: str, encoding: str) -> bytes:
    """Every public listing of kind "shelter" or "aed" in its current national layout."""
    from community.content.listing import public_items_query
    from community.extensions import db
    from community.opendata.services import place_record
    from community.opendata.writer import write_aeds, write_shelters
    from community.shops.models import Shop

    shops = db.session.scalars(public_items_query(Shop, order=(Shop.id,)).where(Shop.kind == kind))
    write = write_shelters if kind == "shelter" else write_aeds
    return write([place_record(s) for s in shops], encoding=encoding)


COMMANDS = (
    _import_command("import-events", "events", "read_events", "import_events", "イベントを取り込み中",
                    "Import an イベント一覧 CSV (older or current national layout, Shift_JIS or UTF-8)."),
    _import_command("import-facilities", "facilities", "read_facilities", "import_facilities", "施設を取り込み中",
                    "Import a 公共施設一覧 CSV as shop/facility listings."),
    _export_command("export-events", "Write every public event to PATH in the current national layout.",
                    _public_events_csv),
    _export_command("export-facilities", "Write every public shop/facility listing to PATH in the current national "
                    "layout.", _public_facilities_csv),
    _import_command("import-shelters", "shelters", "read_shelters", "import_shelters", "避難場所を取り込み中",
                    "Import a 指定緊急避難場所一覧 CSV as listings of kind shelter."),
    _import_command("import-aeds", "AEDs", "read_aeds", "import_aeds", "AED設置場所を取り込み中",
                    "Import an AED設置箇所一覧 CSV as listings of kind aed."),
    _export_command("export-shelters", "Write every public shelter to PATH in the current 指定緊急避難場所一覧 layout.",
                    lambda encoding: public_places_csv("shelter", encoding)),
    _export_command("export-aeds", "Write every public AED place to PATH in the current AED設置箇所一覧 layout.",
                    lambda encoding: public_places_csv("aed", encoding)),
)
