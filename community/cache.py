"""Responses kept until what they show changes.

A cached response's key carries the content version (`search.indexing.content_version`: the change log that
every host's search index follows), the language, the full URL and a time bucket, so a change made through any
host is shown by the next request everywhere, and what depends on the clock (upcoming events) is rendered
again after at most a bucket. Responses carry an ETag and Last-Modified, so a feed reader that asks again gets
304 without a body. The store is Flask-Caching's (in-process by default, CACHE_TYPE to change it).
"""

from __future__ import annotations

import functools
import hashlib
import time
from email.utils import formatdate

from flask import Response, g, request
from flask_babel import get_locale

from community.extensions import cache

BUCKET_SECONDS = 60


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
        stored = cache.get(key)
        if stored is None:
            response = view(*args, **kwargs)
            if not isinstance(response, Response) or response.status_code != 200:
                return response
            stored = {"body": response.get_data(), "headers": dict(response.headers), "at": time.time()}
            cache.set(key, stored, timeout=BUCKET_SECONDS * 2)
        response = Response(stored["body"], headers=stored["headers"])
        response.set_etag(key[len("response:"):][:32])
        response.headers["Last-Modified"] = formatdate(stored["at"], usegmt=True)
        return response.make_conditional(request)

    return cached
