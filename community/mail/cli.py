"""`community send-mail`: deliver the queued mail that is due (from cron when MAIL_INLINE_SEND is off)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("send-mail")
@with_appcontext
def send_mail_command():
    """Send the queued mail that is due; what the mail server refuses is retried later."""
    from community.mail.delivery import deliver_due

    sent, failed = deliver_due()
    click.echo(f"送信 {sent} 件、失敗 {failed} 件（失敗したものは時間をおいて再送します）")
    if failed:
        raise SystemExit(1)


COMMANDS = (send_mail_command,)
