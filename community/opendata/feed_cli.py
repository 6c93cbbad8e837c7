"""`community fetch-feeds` (from cron) and `community run-imports` (imports confirmed in the browser, when the
serving processes do not run them)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("fetch-feeds")
@click.option("--all", "every", is_flag=True, help="Fetch every feed now, not only those that are due.")
@with_appcontext
def fetch_feeds(every: bool):
    """Fetch the subscribed iCalendar and CSV feeds that are due, and import what changed."""
    from sqlalchemy import update

    from community.db import utcnow
    from community.extensions import db
    from community.opendata.models import FeedSubscription
    from community.opendata.subscriptions import fetch_due

    if every:
        db.session.execute(update(FeedSubscription).values(next_fetch_at=utcnow()))
        db.session.commit()
    logs = fetch_due()
    for log in logs:
        click.echo(f"{log.subscription.url}: {log.message}")
    click.echo(f"{len(logs)} 件のフィードを取得しました")


@click.command("run-imports")
@with_appcontext
def run_imports():
    """Run the imports confirmed in the browser that wait in the queue."""
    from flask import current_app

    from community.opendata.jobs import run_pending

    click.echo(f"{run_pending(current_app._get_current_object())} 件の取り込みを実行しました")


COMMANDS = (fetch_feeds, run_imports)
