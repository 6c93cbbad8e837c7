"""HTTP benchmark: serve a seeded site with gunicorn and drive every main page with wrk from another process.

    .venv/bin/python bench/http_bench.py --items 10000 --duration 3
    .venv/bin/python bench/http_bench.py --items 10000 --database-url postgresql://postgres@127.0.0.1/bench
    .venv/bin/python bench/http_bench.py --items 10000 --storm --storm-duration 60

Pages mode: the instance (a folder, plus the database at --database-url if given) is seeded once with
`community seed --synthetic N` and reused by later runs. gunicorn serves bench/http_bench_app.py (the product's
app plus a bare page rendered from a fixed template without the database) with --workers sync workers (1 by
default); wrk drives it with --connections connections (4) for --duration seconds per page. Right before each
page the bare page is measured the same way, and the page's ratio is its requests/s over the bare page's.
The SQL statements of one request of each page are counted in-process beforehand (a SQLAlchemy listener).
/me is read by a member who follows 20 things, logged in through the login form.

Storm mode (--storm): 4 workers; --storm-writers members (50), logged in through the form, post topic replies,
board threads, board replies and RSVPs to a meetup with a capacity, through the real forms with their CSRF
tokens, for --storm-duration seconds while wrk reads pages. Afterwards it checks: no 5xx, every acknowledged
post in the database and, after the search change log is drained, in the search index; the meetup's seats
never above its capacity (sampled during the run and at the end).

Results go to --out (bench/results): http-<db>-<items>.{md,json} or storm-<db>-<items>.{md,json}. The exit
status is 1 when a page answers with an error or a storm check fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))

LUA = BENCH / "http_bench.lua"
PASSWORD = "bench-password-2026"  # noqa: S105 - the benchmark's own synthetic members
READER_EMAIL = "bench-reader@example.com"
WRITER_EMAIL = "bench-writer{}@example.com"
FOLLOWS = 20
MEETUP_CAPACITY = 10  # at most; a third of the writers when they are fewer (the seats must run out)
SEARCHES = ("子育て", "こそだて", "祭り OR まつり", "相模大野 カフェ", "防災訓練")
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

# (label, path or a placeholder filled from the seeded data, personal)
PAGES = [
    ("/", "/", False), ("/events", "/events", False), ("/events.ics", "/events.ics", False),
    ("/events.atom", "/events.atom", False), ("/events.csv", "/events.csv", False),
    (f"/me (following {FOLLOWS})", "/me", True), ("/api/v1/events", "/api/v1/events", False),
    ("/calendar", "/calendar", False), ("/signage", "/signage", False), ("/communities", "/communities", False),
    ("/communities/<slug>", "{community}", False), ("/shops", "/shops", False), ("/shops.atom", "/shops.atom", False),
    ("/notices", "/notices", False), ("/board", "/board", False), ("board thread", "{thread}", False),
    ("topic with most replies", "{topic}", False), ("event page", "{event}", False),
    *[(f"/search?q={q}", "/search?q=" + urllib.parse.quote(q), False) for q in SEARCHES],
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000, help="synthetic items to seed (default 10000)")
    parser.add_argument("--instance", type=Path, help="instance folder (default: one per database and size in "
                                                      "the temp folder; seeded if empty, reused if not)")
    parser.add_argument("--database-url", help="e.g. postgresql://postgres@127.0.0.1/bench (default: SQLite in "
                                               "the instance folder)")
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per page (and per bare page)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn sync workers (1; 4 with --storm)")
    parser.add_argument("--pages", help="comma-separated labels or paths to measure (default: all)")
    parser.add_argument("--storm", action="store_true", help="run the write storm instead of the pages")
    parser.add_argument("--storm-duration", type=float, default=60.0)
    parser.add_argument("--storm-writers", type=int, default=50)
    parser.add_argument("--storm-think", type=float, default=0.1, help="seconds a writer waits between posts")
    parser.add_argument("--out", type=Path, default=BENCH / "results", help="folder for the results")
    args = parser.parse_args(argv)
    if args.workers is None:
        args.workers = 4 if args.storm else 1
    return args


def database_kind(args) -> str:
    return "postgresql" if args.database_url and args.database_url.startswith("postgres") else "sqlite"


def wrk_path() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed: `apt-get install wrk` (Debian package) — the benchmark needs it")
    return found


# --- the instance ------------------------------------------------------------------------------


def app_config(args) -> dict:
    config = {"INSTANCE_PATH": str(args.instance), "SEARCH_INLINE_DRAIN": False}
    if args.database_url:
        config["SQLALCHEMY_DATABASE_URI"] = args.database_url
    return config


def child_env(args) -> dict:
    env = dict(os.environ, COMMUNITY_INSTANCE=str(args.instance),
               PYTHONPATH=os.pathsep.join(filter(None, (str(BENCH), str(REPO), os.environ.get("PYTHONPATH")))))
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    return env


def community_command(args, *command: str) -> None:
    script = Path(sys.executable).with_name("community")
    program = [str(script)] if script.exists() else [sys.executable, "-c", "from community.cli import main; main()"]
    subprocess.run([*program, *command], env=child_env(args), check=True)  # noqa: S603 - our own command


def prepare(args):
    """Seeds the instance when it holds no events (reindexes when its index is empty); returns the app."""
    from http_bench_app import bench_app
    from sqlalchemy import select

    app = bench_app(app_config(args))
    with app.app_context():
        from community.commands import prepare_instance
        from community.events.models import Event
        from community.extensions import db
        from community.search import get_index

        prepare_instance()
        seeded = db.session.scalar(select(Event.id).limit(1)) is not None
        empty_index = get_index(app.config["SEARCH_INDEX_DIR"]).doc_count() == 0
        db.session.remove()
        db.engine.dispose()
    if not seeded:
        started = time.perf_counter()
        community_command(args, "seed", "--synthetic", str(args.items))
        print(f"seeded {args.items} items in {time.perf_counter() - started:.1f} s")
    elif empty_index:
        community_command(args, "reindex")
    return app


def _user(email: str, name: str, password_hash: str):
    from sqlalchemy import select

    from community.accounts.models import Role, User
    from community.extensions import db
    from community.timeutil import now_utc

    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, display_name=name, password_hash=password_hash, role=Role.MEMBER,
                    email_confirmed_at=now_utc() - timedelta(days=30))
        db.session.add(user)
        db.session.flush()
    return user


def fixtures(app, args) -> dict:
    """The benchmark's own members and the paths of the pages that need seeded rows (idempotent)."""
    from sqlalchemy import func, or_, select
    from werkzeug.security import generate_password_hash

    from community.areas.models import Area, Category
    from community.board.models import BoardThread
    from community.communities.models import Community, Topic
    from community.content.models import Status
    from community.events.models import Event
    from community.extensions import db
    from community.groups.models import Group
    from community.me.models import Follow
    from community.timeutil import now_utc

    now = now_utc()
    with app.app_context():
        password_hash = generate_password_hash(PASSWORD)
        reader = _user(READER_EMAIL, "ベンチ読者", password_hash)
        if not db.session.scalar(select(func.count(Follow.id)).where(Follow.user_id == reader.id)):
            targets = [("area", i) for i in db.session.scalars(select(Area.id).order_by(Area.id).limit(5))]
            targets += [("category", i) for i in db.session.scalars(select(Category.id).order_by(Category.id).limit(5))]
            targets += [("community", i) for i in db.session.scalars(
                select(Community.id).where(Community.is_closed.is_(False)).order_by(Community.id).limit(5))]
            targets += [("group", i) for i in db.session.scalars(
                select(Group.id).order_by(Group.id).limit(FOLLOWS - len(targets)))]
            db.session.add_all(Follow(user_id=reader.id, target_kind=kind, target_id=tid)
                               for kind, tid in targets[:FOLLOWS])
        community = db.session.scalar(select(Community).where(
            Community.is_closed.is_(False), Community.status == Status.PUBLISHED).order_by(
            Community.member_count.desc(), Community.id).limit(1))
        topic = db.session.execute(select(Topic.id, Community.slug, Topic.reply_count).join(Community).where(
            Community.is_closed.is_(False), Community.status == Status.PUBLISHED, Topic.deleted_at.is_(None),
            Topic.status == Status.PUBLISHED).order_by(Topic.reply_count.desc(), Topic.id).limit(1)).one()
        thread = db.session.execute(select(BoardThread.id, BoardThread.reply_count).where(
            BoardThread.deleted_at.is_(None), BoardThread.status == Status.PUBLISHED,
            or_(BoardThread.expires_at.is_(None), BoardThread.expires_at > now)).order_by(
            BoardThread.reply_count.desc(), BoardThread.id).limit(1)).one()
        event_id = db.session.scalar(select(Event.id).where(
            Event.status == Status.PUBLISHED, Event.group_id.is_not(None), Event.starts_at > now,
            Event.rrule != "").order_by(Event.starts_at).limit(1)) or db.session.scalar(select(Event.id).where(
                Event.status == Status.PUBLISHED, Event.starts_at > now).order_by(Event.starts_at).limit(1))
        db.session.commit()
        found = {"community": f"/communities/{community.slug}", "community_id": community.id,
                 "topic": f"/communities/{topic.slug}/topics/{topic.id}", "topic_replies": topic.reply_count,
                 "thread": f"/board/{thread.id}", "thread_id": thread.id, "thread_replies": thread.reply_count,
                 "event": f"/events/{event_id}"}
        db.session.remove()
    return found


# --- HTTP helpers ------------------------------------------------------------------------------


class Client:
    """A browser-like client on one keep-alive connection: cookies, no redirects followed."""

    def __init__(self, port: int, timeout: float = 60.0):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers.get("Location", ""), text

    def csrf(self, path: str = "/") -> str:
        status, _, text = self.request("GET", path)
        match = CSRF_RE.search(text)
        if status != 200 or not match:
            raise RuntimeError(f"no CSRF token on {path} ({status})")
        return match.group(1)

    def login(self, email: str) -> str:
        token = self.csrf("/login")
        status, location, _ = self.request("POST", "/login", {"csrf_token": token, "email": email,
                                                              "password": PASSWORD})
        if status not in (302, 303) or "/login" in location:
            raise RuntimeError(f"login as {email} failed ({status} → {location})")
        return self.csrf("/")

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving bench/http_bench_app.py."""

    def __init__(self, args, workers: int):
        self.port = free_port()
        command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
                   "--log-level", "warning", "--timeout", "120", "--limit-request-line", "8190",
                   "http_bench_app:serve()"]
        # The workers' request log goes to a file in the instance folder, not over the benchmark's output.
        self.log = (args.instance / "http-bench-gunicorn.log").open("ab")
        self.process = subprocess.Popen(command, env=child_env(args), cwd=str(BENCH), stdout=self.log,  # noqa: S603
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode} (see {self.log.name})")
            try:
                if Client(self.port, timeout=5).request("GET", "/_bench/bare")[0] == 200 and \
                        len(self.workers()) == workers:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within 60 s (see {self.log.name})")

    def workers(self) -> list[int]:
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return sorted(children)

    def rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            sizes.append(round(kb / 1024, 1))
        return sizes

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def wrk(port: int, paths: list[str], duration: float, connections: int, cookie: str | None = None,
        wait: bool = True):
    command = [wrk_path(), "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency", "--timeout", "30s",
               "-s", str(LUA)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command += [f"http://127.0.0.1:{port}{paths[0]}", "--", *paths]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603
    if not wait:
        return process
    result = wrk_result(process)
    settle(port)
    return result


def settle(port: int) -> None:
    """Waits until the server has answered the requests wrk left in flight (a sync worker still works through
    them after wrk closed their connections), so that they do not weigh on the next measurement."""
    Client(port, timeout=300).request("GET", "/_bench/bare")


def wrk_result(process) -> dict:
    out, err = process.communicate()
    for line in out.splitlines():
        if line.startswith("HTTP_BENCH_JSON "):
            return json.loads(line.removeprefix("HTTP_BENCH_JSON "))
    raise RuntimeError(f"wrk gave no result: {out}\n{err}")


# --- pages mode --------------------------------------------------------------------------------


def selected_pages(args, found: dict) -> list[tuple[str, str, bool]]:
    pages = [(label, path.format(**found), personal) for label, path, personal in PAGES]
    if args.pages:
        wanted = {p.strip() for p in args.pages.split(",") if p.strip()}
        pages = [p for p in pages if p[0] in wanted or urllib.parse.unquote(p[1]) in wanted or p[1] in wanted]
    return pages


def count_statements(app, pages) -> dict[str, int]:
    """SQL statements of one request of each page (after one warm-up request), through the app in-process."""
    from sqlalchemy import event

    from community.extensions import db

    counts: dict[str, int] = {}
    with app.app_context():
        engine = db.engine
    statements = {"n": 0}

    def count(*_args):
        statements["n"] += 1

    anonymous, member = app.test_client(), app.test_client()
    page = member.get("/login")
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    response = member.post("/login", data={"csrf_token": token, "email": READER_EMAIL, "password": PASSWORD})
    assert response.status_code in (302, 303), response.status_code
    event.listen(engine, "before_cursor_execute", count)
    try:
        for label, path, personal in pages:
            client = member if personal else anonymous
            url = urllib.parse.unquote(path)
            client.get(url)
            statements["n"] = 0
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{label} ({url}) answered {response.status_code} in-process")
            counts[label] = statements["n"]
        anonymous.get("/_bench/bare")
        statements["n"] = 0
        anonymous.get("/_bench/bare")
        counts["bare"] = statements["n"]
    finally:
        event.remove(engine, "before_cursor_execute", count)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return counts


def run_pages(args, app, found: dict) -> dict:
    pages = selected_pages(args, found)
    if not pages:
        raise SystemExit("no page matches --pages")
    statements = count_statements(app, pages)
    # The same with the page cache off: what rendering each page costs (visitors' pages above are served from
    # the cache after the first request).
    from http_bench_app import bench_app

    rendering = count_statements(bench_app({**app_config(args), "PAGE_CACHE": False}), pages)
    server = Server(args, args.workers)
    rows, failures = [], []
    try:
        client = Client(server.port)
        client.login(READER_EMAIL)
        cookie = client.cookie_header()
        for _, path, personal in pages:  # warm each page once (templates, caches, the searcher)
            Client(server.port).request("GET", path) if not personal else client.request("GET", path)
        rss_start = server.rss_mb()
        for label, path, personal in pages:
            bare = wrk(server.port, ["/_bench/bare"], args.duration, args.connections)
            result = wrk(server.port, [path], args.duration, args.connections, cookie if personal else None)
            row = {"page": label, "path": urllib.parse.unquote(path), "rps": result["rps"], "p50_ms": result["p50_ms"],
                   "p95_ms": result["p95_ms"], "sql": statements[label], "sql_uncached": rendering[label],
                   "bare_rps": bare["rps"],
                   "ratio": round(result["rps"] / bare["rps"], 3) if bare["rps"] else 0.0,
                   "requests": result["requests"], "errors": result["status_5xx"] + result["status_other"]
                   + result["socket_errors"]}
            rows.append(row)
            print(f"{label:<32} {row['rps']:>8.1f} req/s  p50 {row['p50_ms']:>8.1f} ms  p95 {row['p95_ms']:>8.1f} ms"
                  f"  SQL {row['sql']:>3}  bare {row['bare_rps']:>7.1f}  ratio {row['ratio']:.2f}", flush=True)
            if row["errors"]:
                failures.append(f"{label}: {row['errors']} error responses")
        rss_end = server.rss_mb()
    finally:
        server.stop()
    return {"meta": meta(args, found), "pages": rows, "bare_sql": statements["bare"],
            "worker_rss_mb": {"start": rss_start, "end": rss_end}, "failures": failures}


def meta(args, found: dict) -> dict:
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,  # noqa: S607
                                text=True, check=False).stdout.strip()
    except OSError:
        commit = ""
    return {"items": args.items, "database": database_kind(args), "workers": args.workers,
            "connections": args.connections, "duration_s": args.duration, "date": datetime.now(UTC).isoformat(
                timespec="seconds"), "commit": commit, "cpus": os.cpu_count(), "python": platform.python_version(),
            "topic_replies": found.get("topic_replies"), "thread_replies": found.get("thread_replies")}


def pages_markdown(result: dict) -> str:
    m = result["meta"]
    lines = [f"HTTP benchmark: {m['items']:,} synthetic items, {m['database']}, gunicorn {m['workers']} sync "
             f"worker(s), wrk {m['connections']} connections, {m['duration_s']:g} s per page; {m['cpus']} CPUs; "
             f"commit {m['commit']}, {m['date']}.", "",
             "| page | req/s | p50 ms | p95 ms | SQL | SQL uncached | bare req/s | ratio to bare |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in result["pages"]:
        lines.append(f"| `{r['page']}` | {r['rps']:,.1f} | {r['p50_ms']:,.1f} | {r['p95_ms']:,.1f} | {r['sql']} | "
                     f"{r['sql_uncached']} | "
                     f"{r['bare_rps']:,.1f} | {r['ratio']:.2f} |")
    rss = result["worker_rss_mb"]
    lines += ["", f"Worker RSS: {', '.join(f'{x:g}' for x in rss['start'])} MB after warm-up, "
                  f"{', '.join(f'{x:g}' for x in rss['end'])} MB after the run. "
                  f"The topic has {m['topic_replies']} replies, the board thread {m['thread_replies']}. "
                  f"The bare page issues {result['bare_sql']} SQL statement(s): the app's per-request work only. "
                  "SQL: statements of one request as served (visitors' pages come from the page cache after the "
                  "first request); SQL uncached: the same with the page cache off."]
    if result["failures"]:
        lines += ["", "Failures: " + "; ".join(result["failures"])]
    return "\n".join(lines) + "\n"


# --- storm mode --------------------------------------------------------------------------------


def storm_fixtures(app, args, found: dict, tag: str) -> dict:
    """Writers (members of the benchmark's community), two topics and a meetup with a capacity to post to."""
    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from community.board.models import BoardThread
    from community.communities import boards, meetups
    from community.communities.models import Community, CommunityMembership, MembershipState
    from community.extensions import db
    from community.timeutil import now_utc

    with app.app_context(), app.test_request_context("/"):
        community = db.session.get(Community, found["community_id"])
        password_hash = generate_password_hash(PASSWORD)
        writers = [_user(WRITER_EMAIL.format(i), f"ベンチ投稿者{i}", password_hash) for i in range(args.storm_writers)]
        members = set(db.session.scalars(select(CommunityMembership.user_id).where(
            CommunityMembership.community_id == community.id)))
        db.session.add_all(CommunityMembership(community_id=community.id, user_id=w.id,
                                               state=MembershipState.ACTIVE) for w in writers if w.id not in members)
        db.session.flush()
        topics = [boards.create_topic(community, {"title": f"書き込み試験{tag}-{n}", "body": "試験用の話題です。"},
                                      writers[0]) for n in range(2)]
        starts = now_utc() + timedelta(days=7)
        capacity = max(1, min(MEETUP_CAPACITY, args.storm_writers // 3))
        meetup = meetups.create_meetup(community, {
            "title": f"定員つきの集まり{tag}", "starts_at": starts, "ends_at": starts + timedelta(hours=2),
            "venue_name": "相模大野公民館", "address": "", "area_id": community.area_id, "capacity": capacity,
            "body": "書き込み試験の集まりです。"}, writers[0])
        thread = db.session.scalar(select(BoardThread.area_id).where(BoardThread.id == found["thread_id"]))
        db.session.commit()
        result = {"slug": community.slug, "community_id": community.id, "topics": [t.id for t in topics],
                  "meetup": meetup.id, "capacity": capacity, "thread": found["thread_id"], "area_id": thread,
                  "writers": [w.id for w in writers]}
        db.session.remove()
    return result


def seats_taken(app, meetup_id: int) -> int:
    from sqlalchemy import func, select

    from community.communities.models import Rsvp, RsvpAnswer
    from community.extensions import db

    with app.app_context():
        try:
            return db.session.scalar(select(func.count(Rsvp.id)).where(
                Rsvp.event_id == meetup_id, Rsvp.answer == RsvpAnswer.GOING, Rsvp.waitlisted.is_(False)))
        finally:
            db.session.remove()


def _code(n: int, width: int = 6) -> str:
    """A word of letters only, unique per post (searchable as one word), all of one length so that no post's
    code is the beginning of another's."""
    letters = []
    for _ in range(width):
        n, r = divmod(n, 26)
        letters.append(string.ascii_lowercase[r])
    return "".join(reversed(letters))


class Writer(threading.Thread):
    def __init__(self, number: int, port: int, storm: dict, tag: str, clock: dict, think: float, counter):
        super().__init__(daemon=True)
        self.number, self.port, self.storm, self.tag = number, port, storm, tag
        self.clock, self.think, self.counter = clock, think, counter
        self.acknowledged: list[tuple[str, str]] = []  # (kind, code)
        self.statuses: dict[str, int] = {}  # "action status": count
        self.rsvps = 0
        self.failure: str | None = None

    def body(self, kind: str) -> tuple[str, str]:
        code = f"{self.tag}{_code(next(self.counter))}"
        return code, f"書き込み試験の投稿です（{kind}）。{code} よろしくお願いします。"

    def run(self) -> None:
        try:
            client = Client(self.port)
            try:
                token = client.login(WRITER_EMAIL.format(self.number))
            finally:
                self.clock["ready"].wait()  # all logged in (or failed): the clock starts
            self.clock["go"].wait()
            storm, step = self.storm, self.number
            while time.monotonic() < self.clock["deadline"]:
                action = ("reply", "board", "board_reply", "rsvp")[step % 4]
                step += 1
                if action == "rsvp":
                    answer = "going" if (step // 4) % 2 == 0 else "not_going"
                    path = f"/communities/{storm['slug']}/meetups/{storm['meetup']}/rsvp"
                    status, _, _ = client.request("POST", path, {"csrf_token": token, "answer": answer})
                    self.rsvps += status in (302, 303)
                else:
                    code, text = self.body(action)
                    if action == "reply":
                        topic = storm["topics"][(step // 4) % len(storm["topics"])]
                        path = f"/communities/{storm['slug']}/topics/{topic}/replies"
                        form = {"csrf_token": token, "body": text}
                    elif action == "board":
                        path = "/board/new"
                        form = {"csrf_token": token, "title": f"試験の伝言{code}", "kind": "chat",
                                "area_id": storm["area_id"], "body": text, "expires_in_days": "14"}
                    else:
                        path = f"/board/{storm['thread']}/reply"
                        form = {"csrf_token": token, "body": text}
                    status, _, _ = client.request("POST", path, form)
                    if status in (302, 303):
                        self.acknowledged.append((action, code))
                key = f"{action} {status}"
                self.statuses[key] = self.statuses.get(key, 0) + 1
                time.sleep(self.think)
        except Exception as error:  # noqa: BLE001 - reported as a failed check
            self.failure = f"writer {self.number}: {error!r}"


def storm_checks(app, storm: dict, tag: str, writers: list[Writer]) -> dict:
    """Every acknowledged post in the database and (after draining the change log) in the search index."""
    from sqlalchemy import select

    from community.board.models import BoardReply, BoardThread
    from community.communities.models import Reply
    from community.extensions import db
    from community.policy.search import audiences_for_item
    from community.search import get_index
    from community.search.documents import key_of
    from community.search.indexing import drain

    acknowledged = {code: kind for w in writers for kind, code in w.acknowledged}
    code_re = re.compile(rf"\b({tag}[a-z]{{6}})\b")
    drain(app, wait=True)
    with app.app_context():
        stored: dict[str, tuple[str, object]] = {}
        for kind, model in (("reply", Reply), ("board", BoardThread), ("board_reply", BoardReply)):
            for row in db.session.scalars(select(model).where(model.body.contains(tag))):
                match = code_re.search(row.body)
                if match:
                    stored[match.group(1)] = (kind, row)
        missing_db = sorted(code for code in acknowledged if code not in stored)
        audiences = {"public", "staff"}
        for _, row in stored.values():
            audiences.update(audiences_for_item(row))
        index = get_index(app.config["SEARCH_INDEX_DIR"])
        missing_index = []
        for code in acknowledged:
            if code not in stored:
                continue
            kind, row = stored[code]
            hits = index.query(code, audiences=sorted(audiences), per_page=50, snippets=False, variants=False).hits
            if key_of(kind, row.id) not in {hit.key for hit in hits}:
                missing_index.append(code)
        db.session.remove()
    return {"acknowledged": len(acknowledged), "in_database": len(acknowledged) - len(missing_db),
            "in_index": len(acknowledged) - len(missing_db) - len(missing_index),
            "missing_database": missing_db[:20], "missing_index": sorted(missing_index)[:20]}


def run_storm(args, app, found: dict) -> dict:
    tag = "storm" + "".join(random.choice(string.ascii_lowercase) for _ in range(6))  # noqa: S311
    storm = storm_fixtures(app, args, found, tag)
    with app.app_context():
        from community.extensions import db

        db.engine.dispose()
    server = Server(args, args.workers)
    samples, stop = [], threading.Event()

    def monitor():
        while not stop.is_set():
            samples.append(seats_taken(app, storm["meetup"]))
            stop.wait(0.5)

    try:
        warm = Client(server.port)
        for _ in range(args.workers * 2):  # each worker imports and renders once before the clock starts
            warm.request("GET", "/")
            warm.request("GET", f"/communities/{storm['slug']}/topics/{storm['topics'][0]}")
        rss_start = server.rss_mb()
        counter = iter(range(10**9))
        lock = threading.Lock()

        def next_number(_it=counter):
            with lock:
                return next(_it)

        class Counter:
            def __next__(self):
                return next_number()

        clock = {"ready": threading.Barrier(args.storm_writers + 1), "go": threading.Event()}
        writers = [Writer(i, server.port, storm, tag, clock, args.storm_think, Counter())
                   for i in range(args.storm_writers)]
        for writer in writers:
            writer.start()
        clock["ready"].wait()
        clock["deadline"] = time.monotonic() + args.storm_duration
        readers = wrk(server.port, ["/", "/board", f"/communities/{storm['slug']}/topics/{storm['topics'][0]}",
                                    f"/communities/{storm['slug']}/meetups/{storm['meetup']}",
                                    "/search?q=" + urllib.parse.quote("書き込み試験"), "/events"],
                      args.storm_duration, args.connections, wait=False)
        watcher = threading.Thread(target=monitor, daemon=True)
        watcher.start()
        clock["go"].set()
        for writer in writers:
            writer.join(args.storm_duration + 120)
        read = wrk_result(readers)
        stop.set()
        watcher.join()
        rss_end = server.rss_mb()
    finally:
        stop.set()
        server.stop()
    final_seats = seats_taken(app, storm["meetup"])
    statuses: dict[str, int] = {}
    for writer in writers:
        for key, n in writer.statuses.items():
            statuses[key] = statuses.get(key, 0) + n
    checks = storm_checks(app, storm, tag, writers)
    writes_5xx = sum(n for key, n in statuses.items() if int(key.split()[1]) >= 500)
    refused = {key: n for key, n in statuses.items() if int(key.split()[1]) not in (302, 303)}
    failures = [w.failure for w in writers if w.failure]
    if refused:
        failures.append(f"writes not accepted: {refused}")
    if writes_5xx or read["status_5xx"]:
        failures.append(f"5xx: {writes_5xx} on writes, {read['status_5xx']} on reads")
    if checks["missing_database"]:
        failures.append(f"acknowledged posts missing from the database: {checks['missing_database']}")
    if checks["missing_index"]:
        failures.append(f"acknowledged posts missing from the search index: {checks['missing_index']}")
    max_seats = max([*samples, final_seats])
    if max_seats > storm["capacity"]:
        failures.append(f"meetup capacity {storm['capacity']} exceeded: {max_seats} seats taken")
    if not checks["acknowledged"]:
        failures.append("no post was acknowledged")
    return {"meta": {**meta(args, found), "storm_duration_s": args.storm_duration, "writers": args.storm_writers,
                     "think_s": args.storm_think},
            "writes": {"statuses": dict(sorted(statuses.items())), "5xx": writes_5xx,
                       "posts_acknowledged": checks["acknowledged"],
                       "rsvps_acknowledged": sum(w.rsvps for w in writers)},
            "reads": read, "checks": checks,
            "meetup": {"capacity": storm["capacity"], "max_seats_seen": max_seats, "final_seats": final_seats,
                       "samples": len(samples)},
            "worker_rss_mb": {"start": rss_start, "end": rss_end}, "failures": failures}


def storm_markdown(result: dict) -> str:
    m, w, r, c, meet = result["meta"], result["writes"], result["reads"], result["checks"], result["meetup"]
    lines = [f"Write storm: {m['items']:,} synthetic items, {m['database']}, gunicorn {m['workers']} sync workers, "
             f"{m['writers']} writers for {m['storm_duration_s']:g} s (think {m['think_s']:g} s) while wrk reads with "
             f"{m['connections']} connections; commit {m['commit']}, {m['date']}.", "",
             "| check | result |", "| --- | --- |",
             f"| writes answered | {sum(w['statuses'].values())} (statuses {w['statuses']}) |",
             f"| posts acknowledged | {w['posts_acknowledged']} (+ {w['rsvps_acknowledged']} RSVPs) |",
             f"| acknowledged posts in the database | {c['in_database']} / {c['acknowledged']} |",
             f"| acknowledged posts in the search index after the drain | {c['in_index']} / {c['acknowledged']} |",
             f"| 5xx (writes / reads) | {w['5xx']} / {r['status_5xx']} |",
             f"| reads | {r['requests']} ({r['rps']:.1f} req/s, p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms) |",
             f"| meetup seats (capacity {meet['capacity']}) | at most {meet['max_seats_seen']} over "
             f"{meet['samples']} samples, {meet['final_seats']} at the end |",
             f"| worker RSS MB (start → end) | {result['worker_rss_mb']['start']} → {result['worker_rss_mb']['end']} |",
             "", "Result: " + ("all checks passed" if not result["failures"] else "; ".join(result["failures"]))]
    return "\n".join(lines) + "\n"


# --- main ----------------------------------------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(argv)
    wrk_path()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop gunicorn (the finally blocks) when stopped
    kind = database_kind(args)
    if args.instance is None:
        args.instance = Path(tempfile.gettempdir()) / f"community-http-bench-{kind}-{args.items}"
    args.instance.mkdir(parents=True, exist_ok=True)
    app = prepare(args)
    found = fixtures(app, args)
    if args.storm:
        result, name, markdown = run_storm(args, app, found), "storm", storm_markdown
    else:
        result, name, markdown = run_pages(args, app, found), "http", pages_markdown
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"{name}-{kind}-{args.items}"
    stem.with_suffix(".json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    stem.with_suffix(".md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))
    print(f"written: {stem}.md, {stem}.json")
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
