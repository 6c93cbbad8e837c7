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
    """Rebuild this host's search index from the database (searches keep answering meanwhile); it then follows
    the change log from where the rebuild began."""
    from community.search.documents import count_items
    from community.search.indexing import rebuild

    app = current_app._get_current_object()
    with click.progressbar(length=count_items(), label="検索索引を再構築中") as bar:
        count = rebuild(app, progress=bar.update, procs=procs)
    click.echo(f"{count} 件を索引しました。")


@click.command("index-worker")
@click.option("--interval", default=1.0, show_default=True, type=float, help="Seconds between polls.")
@click.option("--once", is_flag=True, help="Drain what is queued and stop.")
@with_appcontext
def index_worker_command(interval: float, once: bool):
    """Follow the search change log into this host's index (when SEARCH_INLINE_DRAIN is off)."""
    from community.search.indexing import drain

    app = current_app._get_current_object()
    while True:
        # --once must leave what is queued applied: it waits briefly for older transactions (see drain).
        handled = drain(app, wait=once)
        if handled:
            click.echo(f"{handled} 件を索引しました。")
        if once:
            break
        time.sleep(interval)


COMMANDS = (reindex_command, index_worker_command)
