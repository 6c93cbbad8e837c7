"""Two hosts on one database, each with its own index folder, following one change log (docs/architecture.md,
"Indexing"): what one host commits is found on the other; nothing one host does takes work from the other;
transactions that commit out of id order lose nothing; pruning waits for live hosts only.

Run with TEST_DATABASE_URL for PostgreSQL (CI does), where transactions really overlap."""

from __future__ import annotations

import contextlib
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests.conftest import POSTGRES_URL, built_app

HOST_B = {"SEARCH_HOST_NAME": "host-b"}


@contextlib.contextmanager
def second_host(app, template_database, tmp_path, **config):
    """A second host: its own instance folder and index, the first host's database; it joins as a new host does,
    with `community reindex`."""
    from community.search.indexing import rebuild

    with built_app(template_database, tmp_path / "host-b", shared_with=app, **HOST_B | config) as other:
        rebuild(other)
        yield other


@pytest.fixture
def host_b(app, template_database, tmp_path):
    with second_host(app, template_database, tmp_path) as other:
        yield other


def _found(app, q: str) -> str:
    return app.test_client().get("/search", query_string={"q": q}).get_data(as_text=True)


def _follow(app) -> int:
    from community.search.indexing import drain

    return drain(app, wait=True)  # as a command does: what has committed is applied when it returns


def _lag(app) -> dict:
    from community.search.indexing import lag

    with app.app_context():
        return lag(app)


def _event(app, group, title: str, session=None, commit: bool = True):
    """An event written through `session` (another connection, for overlapping transactions) or the app's."""
    from community.events.models import Event
    from community.extensions import db
    from community.timeutil import now_utc

    with app.app_context():
        own = session or db.session
        event = Event(title=title, group_id=group.id, area_id=1, status="published", starts_at=now_utc(),
                      ends_at=now_utc() + timedelta(hours=1))
        own.add(event)
        own.flush()
        if commit:
            own.commit()
        return event.id


def test_what_one_host_saves_edits_and_deletes_the_other_finds(app, host_b, client, login, editor, make_item):
    from community.events.models import Event
    from community.extensions import db

    _follow(host_b)  # what the fixtures wrote (the editor's group is indexed too)
    event = make_item("event", editor.group, title="相模川の花火大会")
    assert "相模川の花火大会" in _found(app, "花火大会")  # host A applied its own commit
    assert "相模川の花火大会" not in _found(host_b, "花火大会")  # B has not looked at the log yet
    assert _lag(host_b)["pending_changes"] == 1
    assert _follow(host_b) == 1
    assert "相模川の花火大会" in _found(host_b, "花火大会")

    with app.app_context():
        db.session.get(Event, event.id).title = "相模川の納涼花火"
        db.session.commit()
    _follow(host_b)
    assert "相模川の納涼花火" in _found(host_b, "納涼") and "相模川の納涼花火" in _found(host_b, "花火")
    assert "1 件見つかりました" in _found(host_b, "花火")

    with app.app_context():
        db.session.delete(db.session.get(Event, event.id))
        db.session.commit()
    _follow(host_b)
    assert "相模川の納涼花火" not in _found(host_b, "花火")
    assert _lag(host_b) == {"pending_changes": 0, "oldest_pending_seconds": 0.0, "complete": True}
    assert _lag(app)["pending_changes"] == 0  # B's reading took nothing from A


def test_a_topic_of_a_community_turned_closed_is_not_shown_on_the_host_that_missed_it(
        app, host_b, admin, make_user, make_community, make_topic):
    from community.communities.models import Community
    from community.extensions import db

    community = make_community(admin=admin)
    make_topic(community, admin, title="非公開になる前の相談トピック")
    _follow(host_b)
    assert "非公開になる前の相談トピック" in _found(host_b, "相談トピック")
    with app.app_context():
        db.session.get(Community, community.id).is_closed = True
        db.session.commit()
    # B has not applied the change: the hit is still in its index, and the check at request time hides it.
    page = _found(host_b, "相談トピック")
    assert "非公開になる前の相談トピック" not in page and "見つかりませんでした" in page
    _follow(host_b)
    assert "非公開になる前の相談トピック" not in _found(host_b, "相談トピック")


def _log_ids(app) -> dict[int, int]:
    """Event id → its log row's id."""
    from community.extensions import db
    from community.search.models import SearchChange

    with app.app_context():
        return dict(db.session.execute(select(SearchChange.item_id, SearchChange.id)
                                       .where(SearchChange.item_kind == "event")).all())


if POSTGRES_URL:
    def test_a_transaction_that_commits_after_a_later_numbered_one_is_not_skipped(app, host_b, editor):
        from community.extensions import db

        with app.app_context():
            slow = Session(bind=db.engine)
        try:
            first = _event(app, editor.group, "先に番号を取った催し", session=slow, commit=False)  # open, lower id
            second = _event(app, editor.group, "後から番号を取った催し")  # higher log id, committed first
            assert list(_log_ids(app)) == [second]  # the open transaction's row is not visible yet
            _follow(host_b)
            slow.commit()
        finally:
            slow.close()
        ids = _log_ids(app)
        assert ids[first] < ids[second]  # committed last, numbered first
        _follow(host_b)
        assert "先に番号を取った催し" in _found(host_b, "番号を取った")
        assert "後から番号を取った催し" in _found(host_b, "番号を取った")
else:
    def test_on_sqlite_log_ids_come_in_commit_order(app, editor):
        """Why SQLite needs no horizon: while one transaction has written, no other can, so a later id is a
        later commit."""
        from sqlalchemy import create_engine
        from sqlalchemy.exc import OperationalError

        from community.extensions import db

        app.extensions.pop("search_indexer")  # nothing follows (and prunes) the log meanwhile
        with app.app_context():
            url = db.engine.url
        slow, other = (Session(bind=create_engine(url, connect_args={"timeout": 0.2})) for _ in range(2))
        try:
            first = _event(app, editor.group, "先に書き始めた催し", session=slow, commit=False)
            with pytest.raises(OperationalError, match="locked"):
                _event(app, editor.group, "待たされる催し", session=other, commit=False)
            other.rollback()
            slow.commit()
            second = _event(app, editor.group, "後から書いた催し", session=other)
        finally:
            slow.close()
            other.close()
        ids = _log_ids(app)
        assert ids[first] < ids[second] and len(ids) == 2


def test_a_rebuild_on_one_host_while_the_other_writes_loses_nothing(app, host_b, editor, runner, monkeypatch):
    """Host A writes while host B rebuilds (one item just after B took its position, one after B read every
    item); B then follows without a gap, and A still finds its own pending changes in the log."""
    import community.search.documents as documents

    app.extensions.pop("search_indexer")  # A leaves its changes unapplied, to see that B's rebuild keeps them
    _event(app, editor.group, "再構築の前からある催し")
    real = documents.all_documents

    def while_writing():
        _event(app, editor.group, "位置を取った直後の催し")
        yield from real()
        _event(app, editor.group, "読み終えた後の催し")

    monkeypatch.setattr(documents, "all_documents", while_writing)
    result = host_b.test_cli_runner().invoke(args=["reindex", "--procs", "1"])
    assert result.exit_code == 0, result.output
    for title in ("再構築の前からある催し", "位置を取った直後の催し", "読み終えた後の催し"):
        assert title in _found(host_b, "催し"), title
    assert _lag(host_b)["pending_changes"] == 0
    assert _lag(app)["pending_changes"] == 3
    _follow(app)
    assert "3 件見つかりました" in _found(app, "催し")


def test_pruning_waits_for_live_hosts_and_a_host_gone_too_long_is_told_to_reindex(app, host_b, editor):
    from community.extensions import db
    from community.search.indexing import prune
    from community.search.models import SearchChange, SearchHost
    from community.timeutil import now_utc

    def changes() -> int:
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(SearchChange))

    def prune_now() -> int:
        with app.app_context():
            return prune(timedelta(days=7))

    _follow(host_b)
    prune_now()  # what the fixtures wrote (the editor's group is indexed too), applied by both hosts
    _event(app, editor.group, "剪定を待つ催し")
    _follow(host_b)
    _event(app, editor.group, "Bがまだ読んでいない催し")
    assert changes() == 2
    assert prune_now() == 1  # both hosts applied the first row; B has not applied the second
    assert changes() == 1
    with app.app_context():  # B stops reporting for longer than the timeout
        db.session.execute(update(SearchHost).where(SearchHost.name == "host-b")
                           .values(seen_at=now_utc() - timedelta(days=8)))
        db.session.commit()
    assert prune_now() == 1 and changes() == 0
    assert _lag(host_b)["complete"] is False
    health = host_b.test_client().get("/healthz").get_json()
    assert health["parts"]["search"]["ok"] is False and "reindex" in health["parts"]["search"]["detail"]
    result = host_b.test_cli_runner().invoke(args=["reindex", "--procs", "1"])
    assert result.exit_code == 0, result.output
    assert _lag(host_b)["complete"] is True
    assert "Bがまだ読んでいない催し" in _found(host_b, "催し")
    assert host_b.test_client().get("/healthz").get_json()["parts"]["search"]["ok"] is True


def test_a_host_finds_another_hosts_change_within_two_seconds(app, template_database, tmp_path, editor):
    """B's own indexing thread, polling as a serving process does, picks up what A committed."""
    from community.search.indexing import start

    with second_host(app, template_database, tmp_path, SEARCH_SYNC=False, SEARCH_POLL_SECONDS=0.2) as host:
        start(host)
        try:
            _event(app, editor.group, "二秒以内に届く催し")
            written = time.monotonic()
            while "二秒以内に届く催し" not in _found(host, "二秒以内"):
                assert time.monotonic() - written < 2, "not found on the other host within 2 s"
                time.sleep(0.05)
        finally:
            host.extensions["search_indexer"].stop()


def test_concurrent_writers_on_both_hosts_are_all_found_on_both(app, host_b, editor):
    """Writers on both hosts at once (each host applying its own commits as they happen); then each host
    follows the other's changes and finds every item."""
    titles = [f"同時に書いた催し{n:02d}" for n in range(24)]

    def write(host, mine):
        for title in mine:
            _event(host, editor.group, title)

    threads = [threading.Thread(target=write, args=(host, titles[n::2])) for n, host in enumerate((app, host_b))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for host in (app, host_b):
        _follow(host)
        page = host.test_client().get("/search", query_string={"q": "同時に書いた催し", "kind": "event"})
        assert "24 件見つかりました" in page.get_data(as_text=True)
