"""bench/http_bench.py end to end at a tiny scale: gunicorn serves a seeded instance, wrk drives it, the results
have their shape, and the write storm's checks hold (no 5xx, nothing acknowledged lost, capacity kept).

On PostgreSQL (TEST_DATABASE_URL) the benchmark gets a fresh database of its own beside the test database."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import POSTGRES_URL

REPO = Path(__file__).resolve().parents[2]
PAGES = ["/", "/me", "/search?q=子育て", "topic with most replies"]


@pytest.fixture
def database_url():
    """None (SQLite in the instance folder) or a fresh PostgreSQL database, dropped afterwards."""
    if not POSTGRES_URL:
        yield None
        return
    from sqlalchemy.engine import make_url

    base = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    name = f"{base.database}_httpbench_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")

    def drop():
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    drop()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    drop()
    admin.dispose()


def run_bench(tmp_path: Path, database_url: str | None, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, str(REPO / "bench" / "http_bench.py"), "--items", "200",
               "--instance", str(tmp_path / "instance"), "--out", str(tmp_path / "results"), *args]
    if database_url:
        command += ["--database-url", database_url]
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "COMMUNITY_INSTANCE")}
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, timeout=600, check=False)  # noqa: S603


def test_http_bench_pages_and_storm(tmp_path, database_url):
    assert shutil.which("wrk"), "wrk is not installed: `apt-get install wrk` (.ci/run installs it)"
    kind = "postgresql" if database_url else "sqlite"

    done = run_bench(tmp_path, database_url, "--duration", "1", "--pages", ",".join(PAGES))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads((tmp_path / "results" / f"http-{kind}-200.json").read_text(encoding="utf-8"))
    assert result["meta"]["items"] == 200
    assert result["meta"]["database"] == kind
    assert result["meta"]["workers"] == 1 and result["meta"]["connections"] == 4
    # In the benchmark's order of pages, whatever the order asked for.
    assert [row["page"] for row in result["pages"]] == ["/", "/me (following 20)", "topic with most replies",
                                                        "/search?q=子育て"]
    for row in result["pages"]:
        assert row["requests"] > 0 and row["errors"] == 0, row
        assert row["rps"] > 0 and row["bare_rps"] > 0, row
        assert 0 < row["p50_ms"] <= row["p95_ms"], row
        assert row["ratio"] == pytest.approx(row["rps"] / row["bare_rps"], abs=0.001), row
        assert isinstance(row["sql"], int) and row["sql"] >= 0, row
        assert isinstance(row["sql_uncached"], int) and row["sql_uncached"] > 0, row
    # The bare page renders no data: at most the per-request work every page of the app does (the page cache's
    # content-version check); a member's page reads more.
    assert all(result["bare_sql"] <= row["sql"] for row in result["pages"])
    assert result["pages"][1]["sql"] > result["bare_sql"]
    assert result["pages"][2]["sql_uncached"] > result["bare_sql"]  # a topic's page reads its replies
    rss = result["worker_rss_mb"]
    assert len(rss["start"]) == 1 and len(rss["end"]) == 1 and rss["end"][0] > 10
    assert result["failures"] == []
    markdown = (tmp_path / "results" / f"http-{kind}-200.md").read_text(encoding="utf-8")
    assert "| page | req/s | p50 ms | p95 ms | SQL | SQL uncached | bare req/s | ratio to bare |" in markdown
    assert "| `/me (following 20)` |" in markdown

    # The storm reuses the seeded instance (no second seeding).
    storm = run_bench(tmp_path, database_url, "--storm", "--storm-duration", "3", "--storm-writers", "6",
                      "--connections", "2")
    assert storm.returncode == 0, storm.stdout[-3000:] + storm.stderr[-3000:]
    assert "seeded" not in storm.stdout
    result = json.loads((tmp_path / "results" / f"storm-{kind}-200.json").read_text(encoding="utf-8"))
    assert result["meta"]["workers"] == 4 and result["meta"]["writers"] == 6
    assert result["failures"] == []
    checks = result["checks"]
    assert checks["acknowledged"] > 0
    assert checks["in_database"] == checks["acknowledged"] == checks["in_index"]
    assert result["writes"]["5xx"] == 0 and result["reads"]["status_5xx"] == 0
    assert result["reads"]["requests"] > 0
    assert result["writes"]["rsvps_acknowledged"] > 0
    assert set(result["writes"]["statuses"]) <= {"reply 302", "board 302", "board_reply 302", "rsvp 302"}
    assert result["meetup"]["max_seats_seen"] <= result["meetup"]["capacity"] == 2
    assert "all checks passed" in (tmp_path / "results" / f"storm-{kind}-200.md").read_text(encoding="utf-8")
