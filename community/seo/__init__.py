"""Being found and shared: robots.txt, the sitemap, the site icons, and each page's OpenGraph, canonical and
schema.org data."""

from flask import Blueprint

bp = Blueprint("seo", __name__)
