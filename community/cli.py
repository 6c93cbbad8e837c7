"""The `community` command: a Flask CLI group bound to the application factory (the commands: commands.py)."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from community import create_app


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False)
def main():
    """さがみはら地域ポータル: serve the site and look after its data."""
