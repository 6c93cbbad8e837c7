"""With REDIS_URL the kept pages are shared by every worker and host (community/cache.py): a page one host
rendered is answered by another from Redis, a change made through either host shows at once on the other (the
key carries the database's content version), and a Redis that stops answering costs no error."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from tests.conftest import built_app
from tests.indexing.test_hosts import second_host
from tests.main.test_redis_down import RedisProcess


@pytest.fixture
def redis_process(tmp_path):
    process = RedisProcess(tmp_path)
    process.start()
    yield process
    process.stop()


@pytest.fixture
def app(template_database, tmp_path, redis_process):
    """The first host, keeping pages in the test's own Redis."""
    with built_app(template_database, tmp_path / "instance", REDIS_URL=redis_process.url, PAGE_CACHE=True) as app:
        yield app


@pytest.fixture(autouse=True)
def _redis_answers(monkeypatch):
    from community import cache

    monkeypatch.setattr(cache, "_shared_down_until", 0.0)
    monkeypatch.setattr(cache, "_local_store", None)


def _statements(app, client, url: str) -> tuple[str, int]:
    from community.extensions import db

    counted = {"n": 0}

    def count(*_args):
        counted["n"] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return response.get_data(as_text=True), counted["n"]


def test_a_page_kept_by_one_host_is_answered_by_the_other(app, template_database, tmp_path, redis_process,
                                                          editor, make_item):
    make_item("shop", editor.group, name="駅前のパン屋")
    with second_host(app, template_database, tmp_path, REDIS_URL=redis_process.url, PAGE_CACHE=True) as host_b:
        first, _ = _statements(app, app.test_client(), "/shops")
        assert any(key.startswith(b"community-cache:page:") for key in redis_process.keys())  # noqa: SIM118 - Redis keys
        page, statements = _statements(host_b, host_b.test_client(), "/shops")
        assert "駅前のパン屋" in page
        assert statements <= 2  # the content version (and the session), not the page's queries


def test_a_change_through_one_host_shows_at_once_on_the_other(app, template_database, tmp_path, redis_process,
                                                             editor, make_item):
    make_item("notice", editor.group, title="図書館の休館日")
    with second_host(app, template_database, tmp_path, REDIS_URL=redis_process.url, PAGE_CACHE=True) as host_b:
        reader = host_b.test_client()
        assert "道路工事のお知らせ" not in _statements(host_b, reader, "/notices")[0]
        assert _statements(host_b, reader, "/notices")[1] <= 2  # kept
        make_item("notice", editor.group, title="道路工事のお知らせ")  # written through the first host
        assert "道路工事のお知らせ" in _statements(host_b, reader, "/notices")[0]


def test_pages_keep_working_while_redis_is_down(app, redis_process, editor, make_item, caplog):
    make_item("notice", editor.group, title="図書館の休館日")
    client = app.test_client()
    assert "図書館の休館日" in client.get("/notices").get_data(as_text=True)
    redis_process.stop()
    for _ in range(3):
        response = client.get("/notices")
        assert response.status_code == 200
        assert "図書館の休館日" in response.get_data(as_text=True)
    assert "page cache store not reachable" in caplog.text
    make_item("notice", editor.group, title="道路工事のお知らせ")
    assert "道路工事のお知らせ" in client.get("/notices").get_data(as_text=True)
