"""/robots.txt, /sitemap.xml (or its index and numbered files) and /favicon.ico."""

from __future__ import annotations

from flask import Response, abort, current_app, send_from_directory, url_for

from community.seo import bp
from community.seo import sitemap as sitemaps

ONE_WEEK = 60 * 60 * 24 * 7

# Personal, staff and form pages: nothing there for a search engine, and a crawler walking them only costs.
PRIVATE_PATHS = ("/me", "/settings", "/notifications", "/moderation", "/admin", "/login", "/register",
                 "/password-reset", "/search", "/report/", "/preferences/", "/users/", "/*/new", "/*/edit",
                 "/*/history", "/*/attendees", "/*/members")


@bp.route("/robots.txt")
def robots():
    lines = ["User-agent: *", "Allow: /", *(f"Disallow: {path}" for path in PRIVATE_PATHS), "",
             f"Sitemap: {url_for('seo.sitemap', _external=True)}", ""]
    return Response("\n".join(lines), mimetype="text/plain")


def _xml(chunks) -> Response:
    return Response("".join(chunks), mimetype="application/xml")


@bp.route("/sitemap.xml")
def sitemap():
    """Every public page, or, when there are more than one file may hold, the index of the numbered files."""
    per_source = sitemaps.counts()
    total = sitemaps.total_urls(per_source)
    files = sitemaps.file_count(total)
    if files > 1:
        return _xml(sitemaps.sitemap_index(files))
    return _xml(sitemaps.urlset(sitemaps.entries(0, total, per_source)))


@bp.route("/sitemap-<int:number>.xml")
def sitemap_file(number: int):
    per_source = sitemaps.counts()
    if not 1 <= number <= sitemaps.file_count(sitemaps.total_urls(per_source)):
        abort(404)
    size = sitemaps.MAX_URLS_PER_FILE
    return _xml(sitemaps.urlset(sitemaps.entries((number - 1) * size, size, per_source)))


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask the root for it whatever the page links."""
    return send_from_directory(f"{current_app.static_folder}/img", "favicon.ico", max_age=ONE_WEEK,
                               mimetype="image/vnd.microsoft.icon")
