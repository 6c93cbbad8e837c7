"""The WSGI entry point for gunicorn: `gunicorn community.wsgi:app`."""

from community import create_app
from community.mail import worker as mail_worker
from community.search import indexing

app = create_app()
indexing.start(app)
mail_worker.start(app)
