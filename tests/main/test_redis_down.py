"""Rate limits kept in Redis: when Redis stops in the middle, login and pages keep working on per-process counts,
and the counts go back to Redis once it answers again."""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import time

import pytest

from tests.conftest import PASSWORD, built_app

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _free_port() -> int:
    """A free port below the kernel's ephemeral range, so that while our Redis is stopped no outgoing connection
    (to PostgreSQL, say) is given its port and it can start there again."""
    for _ in range(200):
        port = random.randrange(20000, 32000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


class RedisProcess:
    """A redis-server of the test's own on a free port, which the test may stop and start again."""

    def __init__(self, folder):
        self.port, self.folder, self.process = _free_port(), folder, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        client = redis.Redis.from_url(self.url)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def keys(self) -> list[bytes]:
        import redis

        return redis.Redis.from_url(self.url).keys("*")


@pytest.fixture
def redis_process(tmp_path):
    if not os.path.exists(REDIS_SERVER):
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed; CI=true requires this test to run")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    process = RedisProcess(tmp_path)
    process.start()
    yield process
    process.stop()


@pytest.fixture
def redis_app(template_database, tmp_path, redis_process):
    with built_app(template_database, tmp_path / "redis-instance", RATELIMIT_STORAGE_URI=redis_process.url,
                   LOGIN_RATE_LIMIT="4 per minute") as app:
        yield app


def _wrong_login(client):
    return client.post("/login", data={"email": "member@example.jp", "password": "not-the-password"})


def test_login_keeps_working_and_limited_while_redis_is_down_and_uses_it_again(redis_app, redis_process, caplog):
    from community.accounts.services import register_user
    from community.extensions import db

    with redis_app.app_context():
        register_user("member@example.jp", "会員", PASSWORD)
        db.session.commit()
    client = redis_app.test_client()
    assert _wrong_login(client).status_code == 400
    assert any(b"LIMITER" in key for key in redis_process.keys())  # noqa: SIM118 - counted in Redis

    redis_process.stop()
    answers = [_wrong_login(client).status_code for _ in range(5)]
    assert answers == [400, 400, 400, 400, 429]  # not a 500: counted in this process meanwhile, limit kept
    assert client.get("/").status_code == 200
    assert client.get("/events").status_code == 200
    assert "rate limit storage not reachable" in caplog.text.lower() or "falling back" in caplog.text.lower()

    redis_process.start()  # empty again: nothing was kept on disk
    other = redis_app.test_client()
    for _ in range(100):  # the limiter looks at Redis again after a short back-off
        other.get("/login")
        other.post("/login", data={"email": "member@example.jp", "password": PASSWORD})
        if redis_process.keys():
            break
        time.sleep(0.1)
    assert redis_process.keys(), "the limiter did not go back to Redis"
