# Settings of one site: copy this file to instance/config.py and uncomment what you change.
#
# Order of precedence (each overrides the one before): the defaults in community/config.py, this folder's
# config.py, then environment variables (COMMUNITY_FOO=bar sets FOO; DATABASE_URL and REDIS_URL too).
# The values shown are the defaults. tests/main/test_config.py checks that every setting is listed here.

# --- Where data lives ---------------------------------------------------------------------------------------
# The database; default SQLite in this folder. PostgreSQL: "postgresql://user:password@host:5432/community"
# SQLALCHEMY_DATABASE_URI = None
# With SQLite: how many seconds a write waits for another process's write before the visitor is asked to retry
# (503 with Retry-After).
# SQLITE_BUSY_TIMEOUT = 10
# Extra SQLAlchemy engine options (pool sizes, …); filled in per database when empty.
# SQLALCHEMY_ENGINE_OPTIONS = {}
# This host's search index; default instance/search.
# SEARCH_INDEX_DIR = None
# Uploaded images; default instance/uploads. Several hosts must share one folder (a shared mount).
# UPLOAD_DIR = None
# Follow the shared search change log into this host's index from a thread of each worker (True), or leave it to
# one `community index-worker` process per host (False).
# SEARCH_INLINE_DRAIN = True
# Seconds between looks at the log for what other hosts wrote (their changes are searchable here within this).
# SEARCH_POLL_SECONDS = 1.0
# This host's name in the `search_hosts` table; default "<machine name>:<index folder>".
# SEARCH_HOST_NAME = None
# Hours after which a silent host is no longer waited for when the log is pruned (it then needs `community reindex`).
# SEARCH_HOST_TIMEOUT_HOURS = 168

# --- Security -----------------------------------------------------------------------------------------------
# The key that signs sessions; default: generated once into instance/secret_key. Hosts of one site share it.
# SECRET_KEY = "a long random string"
# Set True behind HTTPS so cookies are sent over HTTPS only.
# SESSION_COOKIE_SECURE = False
# SESSION_COOKIE_HTTPONLY = True
# SESSION_COOKIE_SAMESITE = "Lax"
# REMEMBER_COOKIE_HTTPONLY = True
# REMEMBER_COOKIE_SAMESITE = "Lax"
# How long a signed-in session lasts, in seconds (14 days).
# PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14
# How long 「ログインしたままにする」 keeps a browser signed in, in seconds (30 days). Signing out, a password change
# and 「すべての端末からログアウト」 end sessions on the server, whatever cookies a browser still holds.
# REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
# CSRF tokens live as long as the session.
# WTF_CSRF_TIME_LIMIT = None
# Reverse proxies in front of the site whose X-Forwarded-* headers to trust (1 behind nginx).
# PROXY_COUNT = 0
# Largest upload accepted, in bytes.
# MAX_CONTENT_LENGTH = 8 * 1024 * 1024

# --- Rate limits (Flask-Limiter) ----------------------------------------------------------------------------
# "memory://" counts per worker process; "redis://cache.example.internal:6379/0" shares counts between workers.
# RATELIMIT_STORAGE_URI = "memory://"
# RATELIMIT_HEADERS_ENABLED = True
# When Redis does not answer, count in each process's memory (with a warning in the log) until it is back, and never
# let a storage error fail a request.
# RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
# RATELIMIT_SWALLOW_ERRORS = True
# LOGIN_RATE_LIMIT = "5 per minute"
# REGISTER_RATE_LIMIT = "10 per hour"
# CONTACT_RATE_LIMIT = "5 per hour"   # messages through /contact per address

# --- Mail ---------------------------------------------------------------------------------------------------
# Mail is queued in the database and sent after the request by each worker's mail thread (no request waits for the
# mail server); refused messages are retried with growing pauses and shown to admins at /admin/mail. False leaves
# sending to `community send-mail` (run it from cron every minute).
# MAIL_INLINE_SEND = True
# Seconds the SMTP server may take to answer.
# MAIL_TIMEOUT = 10
# With no MAIL_SERVER, mail (password resets, digests) is written to the log instead of being sent.
# MAIL_SERVER = None
# MAIL_PORT = 25
# MAIL_USE_TLS = False
# MAIL_USERNAME = None
# MAIL_PASSWORD = None
# MAIL_DEFAULT_SENDER = "noreply@sagamihara-portal.example.jp"
# How long a password-reset link works, in seconds.
# PASSWORD_RESET_MAX_AGE = 60 * 60 * 2
# The public address that links in mails sent from cron (digests) point at.
# SITE_URL = None

# --- Member posts -------------------------------------------------------------------------------------------
# Posts (topics, replies, board) per window per account, and the window in minutes.
# POST_RATE_LIMIT = 10
# POST_RATE_WINDOW_MINUTES = 10
# An account younger than this many days may put at most NEW_ACCOUNT_MAX_LINKS links in a post.
# NEW_ACCOUNT_DAYS = 7
# NEW_ACCOUNT_MAX_LINKS = 2
# A member's first N posts wait for an information supporter; 0 turns pre-moderation of members off.
# NEW_MEMBER_REVIEW_POSTS = 3
# Distinct members whose reports hide an item until a supporter reviews it.
# REPORTS_TO_HIDE = 3

# --- Logs and error reports ---------------------------------------------------------------------------------
# Log lines go to stderr (under `community serve`, gunicorn's output): "json" writes one JSON object a line, "text"
# readable lines; None means text under the development server (debug) and JSON otherwise; "off" leaves logging to
# whoever runs the app (as does a logging configuration already in place, e.g. gunicorn --log-config).
# Every request is one line on the `community.requests` logger: request id, method, path, endpoint, status,
# duration, size, host; never the visitor's address, the query string, cookies or who is signed in.
# LOG_FORMAT = None
# DEBUG also shows the lines of static files, uploaded images and /healthz probes that answer normally.
# LOG_LEVEL = "INFO"
# Send errors to Sentry (needs `pip install 'sagamihara-community[sentry]'`), or COMMUNITY_SENTRY_DSN; no personal
# data is sent (no addresses, query strings, cookies, request bodies, users or local variables).
# SENTRY_DSN = None
# SENTRY_ENVIRONMENT = "production"

# --- Response cache ------------------------------------------------------------------------------------------
# Public feeds and .ics are kept until the content changes (community/cache.py); Flask-Caching's store, in-process
# by default ("RedisCache" with CACHE_REDIS_URL shares it between the processes of a host).
# CACHE_TYPE = "SimpleCache"
# CACHE_THRESHOLD = 500
# Whole pages for visitors who are not signed in, kept the same way (False: render every page).
# PAGE_CACHE = True
# How often upcoming lists look for events whose stored next date is over (seconds; each process on its own).
# NEXT_DATES_CHECK_SECONDS = 30

# --- Open-data imports and feed subscriptions ---------------------------------------------------------------
# A CSV uploaded on /import may be larger than MAX_CONTENT_LENGTH, up to IMPORT_MAX_BYTES. Feeds (`community
# fetch-feeds`) are cut off at FEEDS_MAX_BYTES and FEEDS_TIMEOUT seconds and never fetched from private, loopback or
# link-local addresses (FEEDS_ALLOW_LOOPBACK allows loopback: for tests only).
# IMPORT_MAX_BYTES = 32 * 1024 * 1024
# FEEDS_MAX_BYTES = 5 * 1024 * 1024
# FEEDS_TIMEOUT = 10
# FEEDS_ALLOW_LOOPBACK = False

# --- Maps ---------------------------------------------------------------------------------------------------
# The tile server (a URL template; Leaflet's {s} subdomains work) and the attribution its licence asks for (HTML).
# The Content-Security-Policy allows images from this host; tiles on this site's own host add nothing.
# MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
# MAP_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
# Markers one list map shows at most; past that the page asks to narrow down.
# MAP_MAX_MARKERS = 500

# --- Language and display -----------------------------------------------------------------------------------
# SITE_NAME = "さがみはら地域ポータル"
# SITE_NAME_EN = "Sagamihara Community Portal"
# The name in the other interface languages (English when unset).
# SITE_NAME_ZH = "相模原地区门户网站"
# SITE_NAME_KO = "사가미하라 지역 포털"
# SITE_NAME_VI = "Cổng thông tin khu vực Sagamihara"
# BABEL_DEFAULT_LOCALE = "ja"
# BABEL_DEFAULT_TIMEZONE = "Asia/Tokyo"
# Interface languages in menu order; each needs community/translations/<code> (ja, en, zh; ko and vi when their
# catalogues are in).
# LANGUAGES = ("ja", "en", "zh", "ko", "vi")
# TIMEZONE = "Asia/Tokyo"
# Items per page on every list.
# PER_PAGE = 20
