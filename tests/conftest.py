"""Fixtures: an app on a temporary instance folder, a CSRF-aware client, factories, role users.

The database is built once per run from the Alembic migrations (a template SQLite file copied
for each test, or — with TEST_DATABASE_URL — one PostgreSQL database emptied between tests).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from datetime import timedelta
from itertools import count

import pytest
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from sqlalchemy import event, text

from community import create_app
from tests.factories import stored

PASSWORD = "correct-horse-battery"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
_CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class _SharedBytecodeCache(BytecodeCache):
    """Every test builds a new app; compiling each template once per run keeps the suite fast."""

    store: dict = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


class CSRFClient(FlaskClient):
    """Posts carry a valid CSRF token unless the test says csrf=False."""

    def post(self, *args, csrf: bool = True, **kwargs):
        if csrf and isinstance(kwargs.get("data", {}), dict):
            data = dict(kwargs.get("data") or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().post(*args, **kwargs)

    def csrf_token(self) -> str:
        page = self.get("/areas").get_data(as_text=True)
        return _CSRF_RE.search(page).group(1)


def _base_config(instance) -> dict:
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret",
        "SERVER_NAME": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SEARCH_SYNC": True,  # index after each commit before the request returns: tests see it at once
        "MAIL_SYNC": True,  # likewise, queued mail is sent before the request returns
        # Pages are rendered for each request (statement counts measure rendering); tests/main/test_page_cache.py
        # and the tests that name it turn the page cache on.
        "PAGE_CACHE": False,
        # Upcoming lists look for passed event dates every so often (events.services.refresh_next_dates): not
        # in the middle of a test counting statements; tests/events/test_next_dates.py makes the look due.
        "NEXT_DATES_CHECK_SECONDS": 24 * 3600,
    }


def _worker_database_url(url: str) -> str:
    """Under pytest-xdist each worker gets a database of its own beside TEST_DATABASE_URL's (made on first use:
    the role needs CREATEDB), so the workers never empty each other's tables."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(url).set(drivername="postgresql+psycopg")
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}):
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def template_database(tmp_path_factory):
    """Runs the migrations once and returns how each test gets its own copy."""
    instance = tmp_path_factory.mktemp("template-instance")
    config = _base_config(instance)
    postgres_url = _worker_database_url(POSTGRES_URL) if POSTGRES_URL else None
    if postgres_url:
        config["SQLALCHEMY_DATABASE_URI"] = postgres_url
    app = create_app(config)
    with app.app_context():
        from community.commands import prepare_instance
        from community.extensions import db

        if postgres_url:
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        prepare_instance()
        db.session.remove()
        db.engine.dispose()
    return {"sqlite": instance / "community.sqlite"} if not postgres_url else {"postgres": postgres_url}


@contextlib.contextmanager
def built_app(template_database, instance, shared_with=None, **overrides):
    """An app on `instance` with its own copy of the template database (emptied on PostgreSQL) and an empty index;
    `overrides` change its configuration. With `shared_with` (another app) it is a second host of that app's
    database, which it leaves as it is."""
    instance.mkdir(exist_ok=True)
    config = _base_config(instance) | overrides
    if shared_with is not None:
        config["SQLALCHEMY_DATABASE_URI"] = shared_with.config["SQLALCHEMY_DATABASE_URI"]
    elif "sqlite" in template_database:
        shutil.copy(template_database["sqlite"], instance / "community.sqlite")
    else:
        config["SQLALCHEMY_DATABASE_URI"] = template_database["postgres"]
    app = create_app(config)
    app.test_client_class = CSRFClient
    app.jinja_env.bytecode_cache = _SharedBytecodeCache()
    with app.app_context():
        if "postgres" in template_database and shared_with is None:
            _empty_postgres()
        from community.search import get_index

        get_index(app.config["SEARCH_INDEX_DIR"]).open_or_create()
    yield app
    with app.app_context():
        from community.extensions import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(template_database, tmp_path):
    with built_app(template_database, tmp_path / "instance") as app:
        yield app


def _empty_postgres():
    from community.areas.services import ensure_reference_data
    from community.extensions import db

    tables = [t.name for t in db.metadata.sorted_tables]
    db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    ensure_reference_data()
    db.session.commit()


@pytest.fixture
def client(app) -> CSRFClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db_session(app):
    """An app context and the session, for tests that set up or check rows directly."""
    from community.extensions import db

    with app.app_context():
        yield db.session


# --- factories ----------------------------------------------------------------------------

_serial = count(1)


@pytest.fixture(scope="session")
def password_hash():
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD, method="scrypt")  # once: scrypt is slow by design


@pytest.fixture
def make_user(app, password_hash):
    from community.accounts.models import User

    def make(role: str = "member", email: str | None = None, name: str | None = None, **fields):
        n = next(_serial)
        with app.app_context():
            user = User(email=email or f"user{n}@example.jp", display_name=name or f"会員{n}",
                        role=role, password_hash=password_hash, **fields)
            stored(user)
        return user

    return make


@pytest.fixture
def make_group(app):
    from community.areas.services import area_by_slug
    from community.groups.models import Group, GroupMembership

    def make(owner=None, editors=(), verified: bool = True, area: str = "hashimoto", **fields):
        n = next(_serial)
        with app.app_context():
            group = Group(slug=fields.pop("slug", f"group-{n}"), name=fields.pop("name", f"テスト団体{n}"),
                          area_id=area_by_slug(area).id, verified=verified, **fields)
            roles = ([(owner, "owner")] if owner is not None else []) + [(editor, "editor") for editor in editors]
            return stored(group, lambda group: [GroupMembership(group_id=group.id, user_id=user.id, role=role)
                                                for user, role in roles])

    return make


@pytest.fixture
def member(make_user):
    return make_user("member", email="member@example.jp", name="一般 会員")


@pytest.fixture
def supporter(make_user):
    return make_user("supporter", email="supporter@example.jp", name="サポーター")


@pytest.fixture
def admin(make_user):
    return make_user("admin", email="admin@example.jp", name="管理者")


@pytest.fixture
def editor(make_user, make_group):
    """A member who edits a verified group; the group is editor.group."""
    user = make_user("member", email="editor@example.jp", name="団体 編集者")
    user.group = make_group(owner=user)
    return user


def open_test_session(app, user) -> str:
    """The id of a new server-side session of `user` (as signing in opens one), for a test's session cookie."""
    from community.accounts.models import User
    from community.accounts.sessions import open_session
    from community.extensions import db

    with app.app_context():
        session_id = open_session(db.session.get(User, user.id))
        db.session.commit()
    return session_id


@pytest.fixture
def login(client):
    """Signs a user in through the session (the login form itself is tested on its own)."""

    def do(user, to_client=None):
        target = to_client or client
        with target.session_transaction() as session:
            session["_user_id"] = open_test_session(client.application, user)
            session["_fresh"] = True
        return target

    return do


@pytest.fixture
def count_queries(app):
    """with count_queries() as counted: ...; counted.n is the number of SQL statements run."""
    from community.extensions import db

    @contextlib.contextmanager
    def counter():
        class Counted:
            n = 0
            statements: list[str] = []

        counted = Counted()
        counted.statements = []

        def before(conn, cursor, statement, parameters, context, executemany):
            counted.n += 1
            counted.statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counted
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counter


@pytest.fixture
def same_query_count(count_queries):
    """same_query_count(client, path, grow): the page runs as many SQL statements after grow() has added rows as
    before (a list that asks a query per row would not). Returns the second response."""

    def check(client, path: str, grow):
        client.get(path)  # the first request of an app loads what later ones find cached
        with count_queries() as few:
            assert client.get(path).status_code == 200
        grow()
        with count_queries() as many:
            response = client.get(path)
        assert response.status_code == 200
        assert few.n == many.n, "\n".join(many.statements)
        return response

    return check


@pytest.fixture
def make_item(app):
    """make_item("event" | "shop" | "notice", group, **fields) saved through the real services."""
    from community.areas.services import area_by_slug, category_by_slug
    from community.events.services import save_event
    from community.extensions import db
    from community.groups.models import Group
    from community.notices.services import save_notice
    from community.shops.services import save_shop
    from community.timeutil import now_utc

    savers = {"event": save_event, "shop": save_shop, "notice": save_notice}

    def make(kind: str, group, publish: bool = True, area: str = "hashimoto", category: str | None = None,
             **fields):
        n = next(_serial)
        data = {"area_id": None, "category_id": None, "body": fields.pop("body", f"本文{n}")}
        if kind == "event":
            starts = fields.pop("starts_at", now_utc() + timedelta(days=n % 20 + 1))
            ends = fields.pop("ends_at", starts + timedelta(hours=2))
            data.update(title=f"イベント{n}", starts_at=starts, ends_at=ends, all_day=False, rrule="")
        elif kind == "shop":
            data.update(name=f"お店{n}", address="相模原市緑区橋本1-1-1", tags=[])
        else:
            data.update(title=f"お知らせ{n}")
        data.update(fields)
        with app.test_request_context():
            data["area_id"] = area_by_slug(area).id
            data["category_id"] = category_by_slug(category).id if category else None
            g = db.session.get(Group, group.id)
            item = savers[kind](None, g, data, None, publish)
            db.session.commit()
            db.session.refresh(item)
            db.session.expunge(item)
        return item

    return make


@pytest.fixture
def audit_entries(app):
    """audit_entries(action=None) -> [(action, actor_id, item_kind, item_id, reason)] oldest first."""
    from sqlalchemy import select

    from community.extensions import db
    from community.moderation.models import AuditEntry

    def get(action: str | None = None):
        with app.app_context():
            query = select(AuditEntry).order_by(AuditEntry.id)
            if action:
                query = query.where(AuditEntry.action == action)
            return [(e.action, e.actor_id, e.item_kind, e.item_id, e.reason) for e in db.session.scalars(query)]

    return get


@pytest.fixture
def notifications(app):
    """notifications(user) -> [(kind, data, link)] the user received, oldest first."""
    from sqlalchemy import select

    from community.extensions import db
    from community.notifications.models import Notification

    def fetch(user):
        with app.app_context():
            return [(n.kind, dict(n.data), n.link) for n in db.session.scalars(
                select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]

    return fetch


@pytest.fixture
def area_id(app):
    """area_id(slug) -> the id of the seeded area."""

    def lookup(slug: str) -> int:
        from community.areas.services import area_by_slug

        with app.app_context():
            return area_by_slug(slug).id

    return lookup


@pytest.fixture
def category_id(app):
    """category_id(slug) -> the id of the seeded category."""

    def lookup(slug: str) -> int:
        from community.areas.services import category_by_slug

        with app.app_context():
            return category_by_slug(slug).id

    return lookup


@pytest.fixture
def make_community(app):
    """make_community(admin, members=(), moderators=(), closed=False, **fields) -> a detached Community."""
    from community.areas.services import area_by_slug, category_by_slug
    from community.communities.models import Community, CommunityMembership
    from community.communities.services import recount_members
    from community.extensions import db
    from community.text import render_markdown

    def make(admin=None, members=(), moderators=(), requested=(), closed: bool = False, area: str = "hashimoto",
             category: str | None = None, **fields):
        n = next(_serial)
        with app.app_context():
            description = fields.pop("description", "紹介文")
            community = Community(slug=fields.pop("slug", f"community-{n}"),
                                  name=fields.pop("name", f"コミュニティ{n}"),
                                  description=description, description_html=render_markdown(description),
                                  is_closed=closed,
                                  area_id=area_by_slug(area).id,
                                  category_id=category_by_slug(category).id if category else None, **fields)
            roles = ([(admin, "admin", "active")] if admin else []) + [(m, "member", "active") for m in members] + \
                [(m, "moderator", "active") for m in moderators] + [(m, "member", "requested") for m in requested]

            def memberships(community):
                db.session.add_all(CommunityMembership(community_id=community.id, user_id=user.id, role=role,
                                                       state=state) for user, role, state in roles)
                db.session.flush()
                recount_members(community)

            return stored(community, memberships)

    return make


@pytest.fixture
def make_topic(app):
    from community.communities.models import Topic
    from community.text import render_markdown
    from community.timeutil import now_utc

    def make(community, author, title: str | None = None, body: str = "本文です。", ago: timedelta | None = None,
             **fields):
        n = next(_serial)
        when = now_utc() - (ago or timedelta(0))
        with app.app_context():
            topic = Topic(community_id=community.id, author_id=author.id, title=title or f"トピック{n}", body=body,
                          body_html=render_markdown(body), created_at=when, last_post_at=when, **fields)
            stored(topic)
        return topic

    return make
