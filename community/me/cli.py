"""`community send-digests`: the digest mails, run from cron (safe to run twice or after an interruption)."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from community.timeutil import TOKYO, now_utc

DEFAULT_SITE_URL = "http://127.0.0.1:5000"


def _parse_now(value: str | None) -> datetime:
    if not value:
        return now_utc()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("ISO 8601 の日時で指定してください（例: 2026-11-24T07:00+09:00）。",
                                 param_hint="--now") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=TOKYO)


@click.command("send-digests")
@click.option("--now", "now_text", metavar="ISO", help="Act as if it were this time (ISO 8601; Japan time if no "
                                                       "offset). For tests and catching up.")
@with_appcontext
def send_digests(now_text: str | None):
    """Send the daily and weekly digest mails that are due (each at most once per member and period)."""
    from community.me.digest import send_due_digests

    now = _parse_now(now_text)
    # Links in the mails point at the public site (SITE_URL), not at this command's machine.
    base_url = current_app.config.get("SITE_URL") or DEFAULT_SITE_URL
    with current_app.test_request_context("/", base_url=base_url):

        def progress(ids):
            with click.progressbar(ids, label="ダイジェストを送信中") as bar:
                yield from bar

        run = send_due_digests(now, progress=progress)
    click.echo(f"送信 {len(run.sent)} 件、新着なし {len(run.empty)} 件、送信済み {len(run.skipped)} 件"
               "（送信はメールの送信待ちから行い、失敗したものは時間をおいて再送します）")


COMMANDS = (send_digests,)
