"""SQL-count guards: the board's pages ask the same number of queries for few rows and for many."""

from __future__ import annotations

from datetime import timedelta


def _fill_threads(app, n, offset=0):
    from community.accounts.models import User
    from community.areas.services import area_by_slug
    from community.board.models import BoardThread
    from community.db import utcnow
    from community.extensions import db

    with app.app_context():
        areas = [area_by_slug(slug).id for slug in ("hashimoto", "fujino", "tana", "sagamidai")]
        for i in range(offset, offset + n):
            author = User(email=f"board{i}@example.jp", display_name=f"投稿者{i}", password_hash="x")
            db.session.add(author)
            db.session.flush()
            kind = ("chat", "giving", "question", "looking", "notice")[i % 5]
            expires = utcnow() + timedelta(days=3) if kind in ("giving", "looking") else None
            db.session.add(BoardThread(kind=kind, area_id=areas[i % 4], author_id=author.id, title=f"投稿{i}",
                                       body="本文", body_html="<p>本文</p>", reply_count=i,
                                       expires_at=expires,
                                       status="published" if i % 7 else "pending"))
        db.session.commit()


def _fill_replies(app, thread_id, n, offset=0):
    from community.accounts.models import User
    from community.board.models import BoardReply
    from community.db import utcnow
    from community.extensions import db

    with app.app_context():
        for i in range(offset, offset + n):
            author = User(email=f"replier{i}@example.jp", display_name=f"返信者{i}", password_hash="x")
            db.session.add(author)
            db.session.flush()
            db.session.add(BoardReply(thread_id=thread_id, author_id=author.id, body=f"返信{i}",
                                      body_html=f"<p>返信{i}</p>", created_at=utcnow() + timedelta(seconds=i),
                                      status="published" if i % 5 else "hidden",
                                      deleted_at=utcnow() if i % 11 == 0 else None))
        db.session.commit()


def _queries(client, count_queries, url) -> int:
    with count_queries() as counted:
        response = client.get(url)
    assert response.status_code == 200, url
    return counted.n


def test_board_list_query_count_does_not_grow(client, app, login, member, count_queries):
    _fill_threads(app, 3)
    urls = ["/board", "/board?area=midori&kind=chat", "/board?closed=1"]
    few = [_queries(client, count_queries, url) for url in urls]
    _fill_threads(app, 40, offset=3)
    assert [_queries(client, count_queries, url) for url in urls] == few
    login(member)
    signed_in_few = _queries(client, count_queries, "/board")
    _fill_threads(app, 10, offset=43)
    assert _queries(client, count_queries, "/board") == signed_in_few


def test_thread_page_query_count_does_not_grow_with_replies(client, app, login, member, supporter, make_thread,
                                                            count_queries):
    thread = make_thread(member)
    _fill_replies(app, thread.id, 3)
    few = _queries(client, count_queries, f"/board/{thread.id}")
    _fill_replies(app, thread.id, 60, offset=3)
    assert _queries(client, count_queries, f"/board/{thread.id}") == few
    assert _queries(client, count_queries, f"/board/{thread.id}?page=2") == few
    for user in (member, supporter):
        login(user)
        signed_in = _queries(client, count_queries, f"/board/{thread.id}")
        _fill_replies(app, thread.id, 5, offset=100 + user.id * 10)
        assert _queries(client, count_queries, f"/board/{thread.id}") == signed_in
