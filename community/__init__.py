"""さがみはら地域ポータル: the application factory."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def instance_folder() -> Path:
    return Path(os.environ.get("COMMUNITY_INSTANCE") or PROJECT_ROOT / "instance").resolve()


class Portal(Flask):
    def log_exception(self, exc_info) -> None:
        """The request's one log line (logs.py) carries the traceback and the request id, and masks secret paths."""
        from community import logs

        logs.remember_exception(exc_info[1])


def create_app(test_config: dict | None = None) -> Flask:
    instance = Path(test_config["INSTANCE_PATH"]) if test_config and "INSTANCE_PATH" in test_config else None
    app = Portal(
        __name__,
        instance_path=str(instance or instance_folder()),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )

    # Configuration: defaults, then instance/config.py, then the environment, then the test dict.
    from community.config import DefaultConfig, env_overrides

    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(env_overrides())
    if test_config:
        app.config.update(test_config)
    _fill_instance_defaults(app)

    from community import cache, error_reports, extensions, logs, models, security, templating  # noqa: F401 - the schema
    from community.accounts.models import Guest

    logs.init_app(app)  # first: the request id and start time before any other extension's work
    error_reports.init_app(app)

    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(PROJECT_ROOT / "migrations"))
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    extensions.cache.init_app(app)
    extensions.login_manager.init_app(app)
    extensions.login_manager.anonymous_user = Guest
    extensions.babel.init_app(app, locale_selector=templating.select_locale)
    security.init_app(app)
    if app.config.get("PROXY_COUNT"):
        # Behind N reverse proxies: trust their X-Forwarded-* so rate limits see the visitor's address.
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    templating.init_app(app)
    cache.init_app(app)
    from community.furigana import switch as furigana_switch

    furigana_switch.init_app(app)  # after the page cache: see its docstring

    from community.accounts.views import bp as accounts_bp
    from community.api.views import bp as api_bp
    from community.areas import bp as areas_bp
    from community.board.views import bp as board_bp
    from community.communities import bp as communities_bp
    from community.easyjapanese.views import bp as easyjapanese_bp
    from community.events.views import bp as events_bp
    from community.feeds.views import bp as feeds_bp
    from community.furigana.views import bp as furigana_bp
    from community.groups.views import bp as groups_bp
    from community.mail.views import bp as mail_bp
    from community.main.views import bp as main_bp
    from community.maps.views import bp as maps_bp
    from community.me.views import bp as me_bp
    from community.moderation import bp as moderation_bp
    from community.notices.views import bp as notices_bp
    from community.notifications.views import bp as notifications_bp
    from community.opendata.views import bp as opendata_bp
    from community.search.views import bp as search_bp
    from community.seo.views import bp as seo_bp
    from community.shops.views import bp as shops_bp
    from community.signage.views import bp as signage_bp
    from community.sitepages import bp as sitepages_bp

    _import_view_modules()
    for blueprint in (main_bp, accounts_bp, areas_bp, groups_bp, events_bp, shops_bp, notices_bp, feeds_bp,
                      api_bp, opendata_bp, communities_bp, board_bp, moderation_bp, me_bp, notifications_bp,
                      signage_bp, search_bp, mail_bp, seo_bp, maps_bp, sitepages_bp, furigana_bp,
                      easyjapanese_bp):
        app.register_blueprint(blueprint)

    from community.search import indexing

    indexing.init_app(app)

    from community.mail import worker as mail_worker

    mail_worker.init_app(app)

    from community.opendata import jobs as import_jobs

    import_jobs.init_app(app)

    from community.commands import register_commands

    register_commands(app)
    return app


def _fill_instance_defaults(app: Flask) -> None:
    """Everything the site writes lives under the instance folder unless configured elsewhere."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")
    uri = app.config.get("SQLALCHEMY_DATABASE_URI") or f"sqlite:///{instance / 'community.sqlite'}"
    # Plain postgres:// URLs (as Heroku-style hosts give them) use the psycopg 3 driver.
    for prefix in ("postgres://", "postgresql://"):
        if uri.startswith(prefix):
            uri = "postgresql+psycopg://" + uri.removeprefix(prefix)
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("sqlite"):
        # How long a write waits for another process's write before the visitor gets the 503 page.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": app.config["SQLITE_BUSY_TIMEOUT"]}}
    else:
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    # A database error's message (in the log, on Sentry) names the statement, never the values: they can be personal.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] = True
    if str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith(("redis://", "rediss://")):
        # A Redis that does not answer must not hold a request for long: the limiter falls back to memory.
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 0.5, "socket_timeout": 0.5})
    if app.config.get("REDIS_URL") and app.config.get("CACHE_TYPE") == "SimpleCache":
        # Several workers or hosts share the kept pages (community/cache.py); a Redis that does not answer costs
        # at most these timeouts, then pages are kept in-process for a while.
        app.config["CACHE_TYPE"] = "RedisCache"
        app.config["CACHE_REDIS_URL"] = app.config["REDIS_URL"]
        app.config.setdefault("CACHE_KEY_PREFIX", "community-cache:")
        app.config.setdefault("CACHE_OPTIONS", {"socket_connect_timeout": 0.5, "socket_timeout": 0.5})
    app.config.setdefault("SEARCH_INDEX_DIR", None)
    app.config["SEARCH_INDEX_DIR"] = app.config["SEARCH_INDEX_DIR"] or str(instance / "search")
    app.config["UPLOAD_DIR"] = app.config["UPLOAD_DIR"] or str(instance / "uploads")


def _instance_secret(path: Path) -> str:
    """Generated on first start and kept, so sessions survive restarts; never in the code."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # another worker (or an earlier start) made it
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def _import_view_modules() -> None:
    """Domains whose pages are split over several modules add their routes to one blueprint when imported."""
    from importlib import import_module

    for module in ("areas.views", "areas.admin_views", "communities.views", "communities.membership_views",
                   "communities.topic_views", "communities.meetup_views", "moderation.views", "moderation.admin_views",
                   "moderation.curation_views", "sitepages.views", "opendata.admin_views", "opendata.import_views"):
        import_module(f"community.{module}")
