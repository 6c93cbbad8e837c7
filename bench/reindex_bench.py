"""Reindex benchmark: seed N synthetic items into a fresh instance, then time the two halves of a rebuild.

(a) reading every item from the database and turning it into a search document (``all_documents()``),
    with the SQL statement count — which must not grow with N — and the memory it adds;
(b) the whole ``community reindex --procs P`` command in its own process, as an operator runs it.

``community seed --synthetic N`` seeds a whole city (``community/demo/synthetic.py``, one item in 100 a draft);
unless ``--only-seeder`` is given the bench puts 40 % of N into more communities, meetups, topics and board
threads with pending, hidden or deleted posts, so every branch of ``document()`` and of the policy is timed.

    .venv/bin/python bench/reindex_bench.py --items 100000
    .venv/bin/python bench/reindex_bench.py --items 10000 --database-url postgresql:///community_bench
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import event, insert, select, text  # noqa: E402

from community import create_app  # noqa: E402

# Share of N per kind when the bench completes the seeder's mix; the seeder makes the rest (0.6).
MIX = {"community": 0.005, "meetup": 0.005, "topic": 0.10, "reply": 0.19, "board": 0.04, "board_reply": 0.06}
SEEDER_SHARE = 1 - sum(MIX.values())


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _status(rng, pending: float = 0.03, hidden: float = 0.02) -> str:
    roll = rng.random()
    return "pending" if roll < pending else "hidden" if roll < pending + hidden else "published"


def seed(items: int, only_seeder: bool) -> None:
    """`community seed --synthetic`, without the index build it ends with (the bench times its own)."""
    from community.demo.synthetic import seed_synthetic
    from community.search.engine import SearchIndex

    original = SearchIndex.rebuild
    SearchIndex.rebuild = lambda self, docs, progress=None, procs=1, limitmb=256, applied=None: 0
    try:
        seed_synthetic(items if only_seeder else round(items * SEEDER_SHARE))
    finally:
        SearchIndex.rebuild = original
    if not only_seeder:
        _seed_other_kinds(items)
    from community.db import refresh_statistics
    from community.extensions import db

    refresh_statistics(db.session)


def _seed_other_kinds(items: int) -> None:
    """Communities with their meetups, topics and replies, and board threads with replies, bulk-inserted."""
    from community.accounts.models import User
    from community.areas.models import Area, Category
    from community.board.models import BoardReply, BoardThread
    from community.communities.models import Community, Reply, Topic
    from community.demo.synthetic import PLACES, _phrase
    from community.events.models import Event, EventOccurrence
    from community.extensions import db
    from community.timeutil import now_utc

    rng = random.Random(items + 1)
    now = now_utc()
    session = db.session
    areas = list(session.scalars(select(Area.id)))
    categories = list(session.scalars(select(Category.id)))
    users = list(session.scalars(select(User.id).limit(5000)))
    counts = {kind: max(1, round(items * share)) for kind, share in MIX.items()}

    def post(**fields):
        body = _phrase(rng, 8)
        return {"author_id": rng.choice(users), "body": body, "body_html": f"<p>{body}</p>", "created_at": now,
                **fields}

    first = (session.scalar(select(db.func.max(Community.id))) or 0) + 1
    communities = session.scalars(insert(Community).returning(Community.id, sort_by_parameter_order=True), [
        {"slug": f"synthetic-community-{first + i}", "name": f"{rng.choice(PLACES)}のサークル{first + i}",
         "description": _phrase(rng, 10), "is_closed": rng.random() < 0.2, "area_id": rng.choice(areas),
         "category_id": rng.choice(categories), "status": _status(rng), "created_at": now, "updated_at": now}
        for i in range(counts["community"])]).all()
    meetups = [{"community_id": rng.choice(communities), "group_id": None, "area_id": rng.choice(areas),
                "status": _status(rng), "title": f"{rng.choice(PLACES)}の集まり{i}", "body": _phrase(rng, 6),
                "body_html": "", "starts_at": now + timedelta(days=rng.randint(-30, 90)), "all_day": False,
                "venue_name": f"{rng.choice(PLACES)}公民館", "created_at": now, "updated_at": now}
               for i in range(counts["meetup"])]
    for meetup in meetups:
        meetup["ends_at"] = meetup["starts_at"] + timedelta(hours=2)
    ids = session.scalars(insert(Event).returning(Event.id, sort_by_parameter_order=True), meetups).all()
    session.execute(insert(EventOccurrence), [{"event_id": eid, "starts_at": m["starts_at"], "ends_at": m["ends_at"]}
                                              for eid, m in zip(ids, meetups, strict=True)])
    topics = session.scalars(insert(Topic).returning(Topic.id, sort_by_parameter_order=True), [
        post(community_id=rng.choice(communities), title=f"{rng.choice(PLACES)}の話題{i}", status=_status(rng),
             last_post_at=now, deleted_at=now if rng.random() < 0.02 else None)
        for i in range(counts["topic"])]).all()
    for offset in range(0, counts["reply"], 5000):
        session.execute(insert(Reply), [
            post(topic_id=rng.choice(topics), status=_status(rng), deleted_at=now if rng.random() < 0.02 else None)
            for _ in range(min(5000, counts["reply"] - offset))])
    threads = session.scalars(insert(BoardThread).returning(BoardThread.id, sort_by_parameter_order=True), [
        post(kind=rng.choice(("notice", "looking", "giving", "question", "chat")), area_id=rng.choice(areas),
             title=f"{rng.choice(PLACES)}の伝言{i}", status=_status(rng), last_post_at=now,
             deleted_at=now if rng.random() < 0.02 else None)
        for i in range(counts["board"])]).all()
    for offset in range(0, counts["board_reply"], 5000):
        session.execute(insert(BoardReply), [
            post(thread_id=rng.choice(threads), status=_status(rng), deleted_at=now if rng.random() < 0.02 else None)
            for _ in range(min(5000, counts["board_reply"] - offset))])
    session.commit()


def item_counts() -> dict[str, int]:
    from community.extensions import db
    from community.items import KINDS
    from community.search.documents import INDEXED_KINDS

    return {kind: db.session.scalar(select(db.func.count()).select_from(KINDS[kind].model)) for kind in INDEXED_KINDS}


def time_documents(app, repeat: int) -> dict:
    """(a): every document, in the request context `community reindex` gives them."""
    from community.extensions import db
    from community.search.documents import all_documents

    statements = {"n": 0}

    def count(*_args):
        statements["n"] += 1

    best = None
    for _ in range(repeat):
        with app.app_context(), app.test_request_context("/"):
            event.listen(db.engine, "before_cursor_execute", count)
            statements["n"] = 0
            kinds: Counter = Counter()
            base = peak = _rss_mb()
            started, cpu = time.perf_counter(), time.process_time()
            for n, doc in enumerate(all_documents(), 1):
                kinds[doc["kind"]] += 1
                if n % 2000 == 0:
                    peak = max(peak, _rss_mb())
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            event.remove(db.engine, "before_cursor_execute", count)
        run = {"seconds": seconds, "cpu": cpu, "docs": sum(kinds.values()), "kinds": kinds, "sql": statements["n"],
               "rss_mb": max(peak, _rss_mb()) - base}
        if best is None or run["seconds"] < best["seconds"]:
            best = run
    return best


def time_reindex(instance: Path, database_url: str | None, procs: int) -> tuple[float, str]:
    """(b): `community reindex` as a separate process, start-up included."""
    env = {**os.environ, "COMMUNITY_INSTANCE": str(instance)}
    if database_url:
        env["DATABASE_URL"] = database_url
    command = [str(Path(sys.executable).with_name("community")), "reindex", "--procs", str(procs)]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"reindex failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return seconds, done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000, help="synthetic items to seed")
    parser.add_argument("--instance", type=Path, help="instance folder to use (seeded if empty, reused if not)")
    parser.add_argument("--database-url", help="e.g. postgresql:///bench (emptied first); default: SQLite in the "
                                               "instance folder")
    parser.add_argument("--only-seeder", action="store_true", help="only what `community seed --synthetic` makes")
    parser.add_argument("--repeat", type=int, default=1, help="runs of (a); the fastest is shown")
    parser.add_argument("--procs", type=int, default=2, help="`community reindex --procs`")
    parser.add_argument("--skip-reindex", action="store_true", help="time (a) only")
    args = parser.parse_args(argv)

    instance = (args.instance or Path(tempfile.mkdtemp(prefix="community-reindex-bench-"))).resolve()
    instance.mkdir(parents=True, exist_ok=True)
    config = {"INSTANCE_PATH": str(instance), "SEARCH_INLINE_DRAIN": False}
    if args.database_url:
        config["SQLALCHEMY_DATABASE_URI"] = args.database_url
    app = create_app(config)
    with app.app_context():
        from community.commands import prepare_instance
        from community.events.models import Event
        from community.extensions import db

        fresh = args.database_url and not args.instance
        if fresh:
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        prepare_instance()
        if db.session.scalar(select(Event.id).limit(1)) is None:
            started = time.perf_counter()
            seed(args.items, args.only_seeder)
            print(f"seeded {args.items} items in {time.perf_counter() - started:.1f} s ({instance})")
        counts = item_counts()
        dialect = db.engine.dialect.name
    print(f"database: {dialect}; rows: " + ", ".join(f"{k} {v}" for k, v in counts.items())
          + f"; total {sum(counts.values())}")
    missing = [kind for kind, n in counts.items() if not n]
    if missing:
        print(f"note: no {', '.join(missing)} in the database — the seeder makes only some kinds")

    docs = time_documents(app, args.repeat)
    print("documents: " + ", ".join(f"{k} {v}" for k, v in sorted(docs["kinds"].items())))
    rows = [("(a) all_documents()", docs["seconds"], f"{docs['docs'] / docs['seconds']:,.0f} docs/s",
             f"{docs['cpu']:.1f} CPU s, {docs['sql']} SQL, +{docs['rss_mb']:.0f} MB RSS")]
    if not args.skip_reindex:
        seconds, said = time_reindex(instance, args.database_url, args.procs)
        rows.append((f"(b) community reindex --procs {args.procs}", seconds,
                     f"{docs['docs'] / seconds:,.0f} docs/s", said))
    print(f"{'step':<34} {'seconds':>8} {'rate':>14}  notes")
    for name, seconds, rate, notes in rows:
        print(f"{name:<34} {seconds:>8.1f} {rate:>14}  {notes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
