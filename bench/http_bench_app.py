"""The WSGI module bench/http_bench.py serves with gunicorn: the product's app plus one bare page.

`/_bench/bare` renders a fixed template with no database: the ceiling of this stack (gunicorn, Flask and the
app's own per-request work), against which each page's throughput is compared. It exists only here, never in
the product. Rate limits on logging in and posting, and the review of a new member's first posts, are lifted so
that the write storm's 50 new members can post as fast as they like and be read at once (the storm checks
durability, not the limits).
"""

from __future__ import annotations

from flask import render_template_string

from community import create_app

BARE_TEMPLATE = """<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>ベンチマーク</title></head>
<body><main><h1>ベンチマーク用の固定ページ</h1>
{% for n in range(20) %}<p>相模原市の地域ポータルの段落 {{ n }}。データベースを使わずに描画します。</p>
{% endfor %}</main></body></html>"""


def bench_app(config: dict | None = None):
    app = create_app({"POST_RATE_LIMIT": 10**9, "LOGIN_RATE_LIMIT": "100000 per minute", "NEW_MEMBER_REVIEW_POSTS": 0,
                      **(config or {})})

    def bare():
        return render_template_string(BARE_TEMPLATE)

    app.add_url_rule("/_bench/bare", "bench_bare", bare)
    return app


def serve():
    """gunicorn's factory (`gunicorn 'http_bench_app:serve()'`): as community/wsgi.py, with the bare page."""
    from community.mail import worker as mail_worker
    from community.search import indexing

    app = bench_app()
    indexing.start(app)
    mail_worker.start(app)
    return app
