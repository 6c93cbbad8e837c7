"""The WSGI entry point for gunicorn: `gunicorn community.wsgi:app`."""

from community import create_app

app = create_app()
