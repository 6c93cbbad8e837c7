"""Responses kept until what they show changes.

A cached response's key carries the content version (`search.indexing.content_version`: the change log that
every host's search index follows), the language, the full URL and a time bucket, so a change made through any
host is shown by the next request everywhere, and what depends on the clock (upcoming events) is rendered
again after at most a bucket. Responses carry an ETag and Last-Modified, so a feed reader that asks again gets
304 without a body. The store is Flask-Caching's: Redis when REDIS_URL is configured (shared by every worker
and host; the key's content version comes from the database, so a kept page is never older than the change log),
in-process otherwise (CACHE_TYPE to choose another). When Redis does not answer, pages are kept in-process for
`SHARED_STORE_BACKOFF` seconds before Redis is asked again: slower, never an error.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from email.utils import formatdate

from flask import Response, g, request
from flask_babel import get_locale

from community.extensions import cache

BUCKET_SECONDS = 60
SHARED_STORE_BACKOFF = 10.0
LOCAL_THRESHOLD = 500

log = logging.getLogger(__name__)
_local_store = None
_shared_down_until = 0.0


def _fallback():
    global _local_store
    if _local_store is None:
        from cachelib import SimpleCache

        _local_store = SimpleCache(threshold=LOCAL_THRESHOLD)
    return _local_store


def _shared_failed(error: Exception) -> None:
    global _shared_down_until
    if time.monotonic() >= _shared_down_until:
        log.warning("page cache store not reachable (%s); keeping pages in this process for %.0f s",
                    type(error).__name__, SHARED_STORE_BACKOFF)
    _shared_down_until = time.monotonic() + SHARED_STORE_BACKOFF


def _use_fallback() -> bool:
    return time.monotonic() < _shared_down_until


def store_get(key: str):
    """The kept value, from the configured store, or from this process's while that store does not answer."""
    if not _use_fallback():
        try:
            return cache.get(key)
        except Exception as error:  # noqa: BLE001 - a store that does not answer must not fail the page
            _shared_failed(error)
    return _fallback().get(key)


def store_set(key: str, value, timeout: int) -> None:
    if not _use_fallback():
        try:
            cache.set(key, value, timeout=timeout)
            return
        except Exception as error:  # noqa: BLE001
            _shared_failed(error)
    _fallback().set(key, value, timeout=timeout)


def content_version() -> str:
    """The content version, read once per request."""
    if "content_version" not in g:
        from community.search.indexing import content_version as read

        g.content_version = read()
    return g.content_version


def same_for_everyone(view):
    """For a view whose answer depends only on its URL, language and the content (public feeds): answered from
    the cache while nothing changed, with ETag and Last-Modified for conditional requests."""

    @functools.wraps(view)
    def cached(*args, **kwargs):
        bucket = int(time.time() // BUCKET_SECONDS)
        key = "response:" + hashlib.sha256(
            f"{request.url}|{get_locale()}|{content_version()}|{bucket}".encode()).hexdigest()
        stored = store_get(key)
        if stored is None:
            response = view(*args, **kwargs)
            if not isinstance(response, Response) or response.status_code != 200:
                return response
            stored = {"body": response.get_data(), "headers": dict(response.headers), "at": time.time()}
            store_set(key, stored, timeout=BUCKET_SECONDS * 2)
        response = Response(stored["body"], headers=stored["headers"])
        response.set_etag(key[len("response:"):][:32])
        response.headers["Last-Modified"] = formatdate(stored["at"], usegmt=True)
        return response.make_conditional(request)

    return cached


# --- whole pages for visitors who are not signed in -------------------------------------------------------

# The page is rendered with this in place of the visitor's CSRF token, kept so, and each answer gets its own.
CSRF_PLACEHOLDER = "csrf-token-placeholder-9d2e47"
# Pages that are not the same for every visitor with the same URL and cookies, or that keep their own rules.
UNCACHED_PREFIXES = ("static", "main.media", "main.healthz", "signage.", "feeds.", "api.", "search.", "accounts.",
                     "me.", "notifications.", "moderation.", "mail.", "seo.")


def _page_key() -> str | None:
    """The cache key of this request's page, or None when it must be rendered for this visitor alone."""
    from flask import current_app, session
    from flask_login import current_user

    endpoint = request.endpoint or ""
    if request.method != "GET" or not current_app.config.get("PAGE_CACHE") or endpoint.startswith(UNCACHED_PREFIXES):
        return None
    if "_flashes" in session or current_user.is_authenticated:
        return None
    session_cookie = current_app.config.get("SESSION_COOKIE_NAME", "session")
    cookies = sorted((name, value) for name, value in request.cookies.items() if name != session_cookie)
    bucket = int(time.time() // BUCKET_SECONDS)
    return "page:" + hashlib.sha256(
        f"{request.url}|{get_locale()}|{cookies}|{content_version()}|{bucket}".encode()).hexdigest()


def _with_csrf_token(body: bytes) -> bytes:
    from flask_wtf.csrf import generate_csrf

    placeholder = CSRF_PLACEHOLDER.encode()
    return body.replace(placeholder, generate_csrf().encode()) if placeholder in body else body


def serve_cached_page():
    """before_request: the kept page for this key, with this visitor's CSRF token; else remember the key."""
    key = _page_key()
    if key is None:
        return None
    stored = store_get(key)
    if stored is None:
        g.page_cache_key = key
        return None
    g.page_from_cache = True  # kept as rendered and finished (e.g. with its furigana): nothing to add
    return Response(_with_csrf_token(stored["body"]), status=200, headers=stored["headers"])


def keep_page(response: Response) -> Response:
    """after_request: keep a page rendered for the cache (a plain 200 HTML answer that used no CSRF token of its
    own, e.g. a WTForms form's), then put this visitor's token in."""
    key = g.pop("page_cache_key", None)
    if key is None:
        return response
    if (response.status_code == 200 and response.mimetype == "text/html" and not response.direct_passthrough
            and "csrf_token" not in g and "Set-Cookie" not in response.headers):
        headers = {name: value for name, value in response.headers.items() if name not in ("Content-Length",)}
        store_set(key, {"body": response.get_data(), "headers": headers}, timeout=BUCKET_SECONDS * 2)
    if not response.direct_passthrough and response.mimetype == "text/html":
        response.set_data(_with_csrf_token(response.get_data()))
    return response


def csrf_token_for_templates() -> str:
    """Templates' csrf_token(): the placeholder while a page is rendered for the cache."""
    from flask_wtf.csrf import generate_csrf

    return CSRF_PLACEHOLDER if g.get("page_cache_key") else generate_csrf()


def init_app(app) -> None:
    """After security and templating: after_request functions run last-registered first, so keep_page sees the
    view's answer before the others add headers and cookies."""
    app.before_request(serve_cached_page)
    app.after_request(keep_page)
    # Flask-WTF offers csrf_token both as a global (for imported macros) and in every template's context.
    app.jinja_env.globals["csrf_token"] = csrf_token_for_templates
    app.context_processor(lambda: {"csrf_token": csrf_token_for_templates})
