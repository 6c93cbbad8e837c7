"""`community reindex` and `community index-worker`."""

from __future__ import annotations

import os
import time

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("reindex")
@click.option("--procs", default=os.cpu_count() or 1, show_default="all cores", type=int,
              help="Processes analysing documents (each writes its own segment).")
@with_appcontext
def reindex_command(procs: int):
    """Rebuild the search index from the database (searches keep answering meanwhile)."""
    from community.extensions import db
    from community.search import get_index
    from community.search.documents import all_documents, count_items
    from community.search.models import SearchOutbox

    index = get_index(current_app.config["SEARCH_INDEX_DIR"])
    # Rows queued before the rebuild starts are covered by it.
    last = db.session.scalar(db.select(db.func.max(SearchOutbox.id))) or 0
    with current_app.test_request_context("/"), click.progressbar(length=count_items(),
                                                                  label="検索索引を再構築中") as bar:
        count = index.rebuild(all_documents(), progress=bar.update, procs=procs)
    db.session.execute(db.delete(SearchOutbox).where(SearchOutbox.id <= last))
    db.session.commit()
    click.echo(f"{count} 件を索引しました。")


@click.command("index-worker")
@click.option("--interval", default=1.0, show_default=True, type=float, help="Seconds between polls.")
@click.option("--once", is_flag=True, help="Drain what is queued and stop.")
@with_appcontext
def index_worker_command(interval: float, once: bool):
    """Drain the search outbox continuously (for deployments with several processes)."""
    from community.search.indexing import drain

    app = current_app._get_current_object()
    while True:
        handled = drain(app)
        if handled:
            click.echo(f"{handled} 件を索引しました。")
        if once:
            break
        time.sleep(interval)


COMMANDS = (reindex_command, index_worker_command)
