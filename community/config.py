"""Default configuration; instance/config.py and COMMUNITY_* environment variables override it."""

import os


class DefaultConfig:
    # Filled in by create_app from the instance folder when left empty.
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLITE_BUSY_TIMEOUT = 10  # seconds a write waits for another process's write before answering 503
    SEARCH_INDEX_DIR: str | None = None
    UPLOAD_DIR: str | None = None

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set True behind HTTPS
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30  # 「ログインしたままにする」: seconds

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    BABEL_DEFAULT_LOCALE = "ja"
    BABEL_DEFAULT_TIMEZONE = "Asia/Tokyo"
    # The interface languages the site offers, in menu order (each needs community/translations/<code>; the codes the
    # code knows, with their names and hreflang tags, are community/locale.py LANGUAGES: ja, en, zh, ko, vi).
    LANGUAGES = ("ja", "en", "zh", "ko", "vi")
    TIMEZONE = "Asia/Tokyo"

    # Flask-Limiter: memory:// for one process, redis://… when several workers share limits.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down or unreachable: count in this process's memory (a warning in the log) until it answers again,
    # rather than refusing requests; a storage error never becomes a 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    LOGIN_RATE_LIMIT = "5 per minute"
    REGISTER_RATE_LIMIT = "10 per hour"
    CONTACT_RATE_LIMIT = "5 per hour"  # messages through /contact per address

    # Search: each host follows the shared change log into its own index, from a thread of each worker (after its
    # own commits, and every SEARCH_POLL_SECONDS for other hosts' changes); False leaves that to one
    # `community index-worker` process per host.
    SEARCH_INLINE_DRAIN = True
    SEARCH_POLL_SECONDS = 1.0
    # This host's name in `search_hosts` (default: the machine's host name and the index folder).
    SEARCH_HOST_NAME: str | None = None
    # A host not heard of for this long is not waited for when the log is pruned (it must reindex when it returns).
    SEARCH_HOST_TIMEOUT_HOURS = 24 * 7

    # Mail: queued in the database and sent after the commit by each worker's mail thread (MAIL_INLINE_SEND), or by
    # `community send-mail`; with no MAIL_SERVER the message is written to the log instead.
    MAIL_INLINE_SEND = True
    MAIL_TIMEOUT = 10                 # seconds for the SMTP server to answer
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "noreply@sagamihara-portal.example.jp"
    PASSWORD_RESET_MAX_AGE = 60 * 60 * 2
    SITE_URL: str | None = None       # the public address links in mails point at (digests sent from cron)

    # Member posts (topics, replies, board): abuse limits and pre-moderation of new members.
    POST_RATE_LIMIT = 10              # posts per window per account
    POST_RATE_WINDOW_MINUTES = 10
    NEW_ACCOUNT_DAYS = 7
    NEW_ACCOUNT_MAX_LINKS = 2
    NEW_MEMBER_REVIEW_POSTS = 3       # a member's first N posts wait for a supporter; 0 turns it off
    REPORTS_TO_HIDE = 3               # distinct members whose reports hide an item until review

    # Logs: the `community` loggers write to stderr, one JSON object a line ("json"), or readable lines ("text"); None
    # picks text under the development server (debug) and JSON otherwise; "off" (or logging configured by whoever runs
    # the app, e.g. gunicorn --log-config) leaves logging alone. Each request is one line on `community.requests`.
    LOG_FORMAT: str | None = None
    LOG_LEVEL = "INFO"
    # Error reports to Sentry (the `sentry` extra): unset, nothing is sent; no personal data is sent either way.
    SENTRY_DSN: str | None = None
    SENTRY_ENVIRONMENT = "production"

    PROXY_COUNT = 0  # reverse proxies in front of the app whose X-Forwarded-* headers to trust

    CACHE_TYPE = "SimpleCache"        # responses kept until the content changes (community/cache.py), per process
    CACHE_THRESHOLD = 500             # responses kept at most (then the oldest go)
    NEXT_DATES_CHECK_SECONDS = 30     # how often upcoming lists look for events whose stored next date is over
    PAGE_CACHE = True                 # whole pages for visitors not signed in, until what they show changes
    # Maps (Leaflet, shipped under static/vendor): the tile server's URL template and the attribution its licence asks
    # for (HTML). The Content-Security-Policy allows images from this one host (security.py).
    MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    MAP_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    MAP_MAX_MARKERS = 500             # markers one list map shows at most; past that the page asks to narrow down

    SITE_NAME = "さがみはら地域ポータル"
    SITE_NAME_EN = "Sagamihara Community Portal"  # the name the English interface, its feeds and e-mails show
    # The name in the other interface languages (SITE_NAME_ plus the language code in capitals; English when unset).
    SITE_NAME_ZH = "相模原地区门户网站"
    SITE_NAME_KO = "사가미하라 지역 포털"
    SITE_NAME_VI = "Cổng thông tin khu vực Sagamihara"
    PER_PAGE = 20
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024

    # Open data. A CSV uploaded at /import may be larger than other uploads (10,000 rows of 80 columns); it is
    # imported by a background thread of the serving process (IMPORT_SYNC: before the request returns, the default
    # under TESTING). Feeds (`community fetch-feeds`) are cut off at FEEDS_MAX_BYTES and FEEDS_TIMEOUT seconds, and
    # never fetched from private, loopback or link-local addresses (FEEDS_ALLOW_LOOPBACK: loopback, for tests only).
    IMPORT_MAX_BYTES = 32 * 1024 * 1024
    FEEDS_MAX_BYTES = 5 * 1024 * 1024
    FEEDS_TIMEOUT = 10
    FEEDS_ALLOW_LOOPBACK = False


def env_overrides(environ=os.environ) -> dict:
    """COMMUNITY_FOO=bar becomes FOO="bar"; DATABASE_URL and REDIS_URL are honoured as well."""
    values: dict = {}
    for key, value in environ.items():
        if key.startswith("COMMUNITY_") and key != "COMMUNITY_INSTANCE":
            values[key.removeprefix("COMMUNITY_")] = _coerce(value)
    if environ.get("DATABASE_URL"):
        values["SQLALCHEMY_DATABASE_URI"] = environ["DATABASE_URL"]
    if environ.get("REDIS_URL"):
        values.setdefault("RATELIMIT_STORAGE_URI", environ["REDIS_URL"])
        values.setdefault("REDIS_URL", environ["REDIS_URL"])
    return values


def _coerce(value: str):
    lowered = value.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if value.isascii() and value.isdigit():
        return int(value)
    return value
