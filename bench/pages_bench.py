"""Page benchmark: seed N synthetic items into a fresh instance and time the main pages.

Prints, per page, the median and p95 latency over repeated requests through the WSGI app (no network)
and the number of SQL statements one request issues — the number that must not grow with N.

    .venv/bin/python bench/pages_bench.py --items 100000 --repeat 30
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import event  # noqa: E402

from community import create_app  # noqa: E402

PAGES = [
    "/", "/events", "/events?area=midori", "/events?when=month&category=kosodate", "/calendar", "/shops",
    "/notices", "/areas/minami", "/search?q=子育て", "/search?q=こそだて&area=chuo", "/api/v1/events",
    "/events.atom", "/events.ics", "/events.csv", "/signage", "/communities", "/board",
]
# Pages whose address comes from the seeded data (see `_data_pages`); "/me" is asked by a signed-in member.
DATA_PAGES = ("/communities/<slug>", "/board/<thread>", "/communities/<slug>/topics/<long topic>", "/me")
LONG_TOPIC_REPLIES = 2_000
MEMBER_FOLLOWS = 20
BENCH_MEMBER = "bench-member@example.jp"


def _data_pages() -> tuple[list[str], str]:
    """The data-dependent pages (an open community, a board thread, a topic with 2,000 replies) and the e-mail of a
    member following 20 things (5 areas, 5 categories, 5 groups, 5 communities); added once, reused afterwards."""
    from sqlalchemy import func, insert, select

    from community.accounts.models import User
    from community.areas.models import Area, Category
    from community.board.models import BoardThread
    from community.communities.models import Community, Reply, Topic
    from community.extensions import db
    from community.groups.models import Group
    from community.me.models import Follow

    community = db.session.execute(select(Community.id, Community.slug).where(Community.is_closed.is_(False))
                                   .order_by(Community.member_count.desc(), Community.id).limit(1)).one()
    thread = db.session.scalar(select(BoardThread.id).order_by(BoardThread.reply_count.desc()).limit(1))
    topic = db.session.scalar(select(Topic.id).where(Topic.community_id == community.id, Topic.status == "published")
                              .order_by(Topic.reply_count.desc()).limit(1))
    member = db.session.scalar(select(User).where(User.email.like("synthetic%") | (User.email == BENCH_MEMBER))
                               .order_by(User.id).limit(1))
    member.email = BENCH_MEMBER  # the login form takes no .invalid address
    replies = db.session.scalar(select(func.count()).select_from(Reply).where(Reply.topic_id == topic)) or 0
    if replies < LONG_TOPIC_REPLIES:
        last = db.session.scalar(select(func.max(Reply.created_at)).where(Reply.topic_id == topic))
        from datetime import timedelta

        from community.timeutil import now_utc

        start = last or now_utc() - timedelta(days=30)
        db.session.execute(insert(Reply), [
            {"topic_id": topic, "author_id": member.id, "body": f"返信{i}です。", "body_html": f"<p>返信{i}です。</p>",
             "created_at": start + timedelta(minutes=i + 1)} for i in range(LONG_TOPIC_REPLIES - replies)])
        db.session.execute(Topic.__table__.update().where(Topic.id == topic).values(reply_count=LONG_TOPIC_REPLIES))
    follows = db.session.scalar(select(func.count()).select_from(Follow).where(Follow.user_id == member.id)) or 0
    if follows < MEMBER_FOLLOWS:
        db.session.execute(Follow.__table__.delete().where(Follow.user_id == member.id))
        targets = {"area": select(Area.id).where(Area.level == "district"), "category": select(Category.id),
                   "group": select(Group.id), "community": select(Community.id).where(Community.id != community.id)}
        rows = [{"user_id": member.id, "target_kind": "community", "target_id": community.id}]
        for kind, query in targets.items():
            wanted = 4 if kind == "community" else 5
            rows += [{"user_id": member.id, "target_kind": kind, "target_id": tid}
                     for tid in db.session.scalars(query.order_by(query.selected_columns[0]).limit(wanted))]
        db.session.execute(insert(Follow), rows)
    db.session.commit()
    return ([f"/communities/{community.slug}", f"/board/{thread}", f"/communities/{community.slug}/topics/{topic}"],
            member.email)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000, help="synthetic items to seed")
    parser.add_argument("--repeat", type=int, default=20, help="requests per page")
    parser.add_argument("--cached", action="store_true",
                        help="keep whole pages for visitors (PAGE_CACHE); by default every request renders its page")
    parser.add_argument("--only", action="append", help="measure only pages starting with this (repeatable)")
    parser.add_argument("--instance", type=Path, help="instance folder to use (seeded if empty, reused if not)")
    args = parser.parse_args(argv)

    instance = args.instance or Path(tempfile.mkdtemp(prefix="community-bench-"))
    app = create_app({"INSTANCE_PATH": str(instance), "SEARCH_INLINE_DRAIN": False, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "PAGE_CACHE": args.cached,
                      **({} if args.cached else {"CACHE_TYPE": "NullCache"})})
    with app.app_context():
        from sqlalchemy import select

        from community.commands import prepare_instance
        from community.demo.synthetic import seed_synthetic
        from community.events.models import Event
        from community.extensions import db

        prepare_instance()
        if db.session.scalar(select(Event.id).limit(1)) is None:
            started = time.perf_counter()
            seed_synthetic(args.items)
            print(f"seeded {args.items} items in {time.perf_counter() - started:.1f} s ({instance})")
        data_pages, member_email = _data_pages()
        engine = db.engine
    statements = {"n": 0}

    def count(*_args):
        statements["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    visitor, member = app.test_client(), app.test_client()
    answer = member.post("/login", data={"email": member_email, "password": "synthetic-password"})
    assert answer.status_code == 302, answer.status_code
    print(f"{'page':<42} {'median ms':>10} {'p95 ms':>8} {'SQL':>5}")
    for page in PAGES + data_pages + ["/me"]:
        if args.only and not page.startswith(tuple(args.only)):
            continue
        client = member if page == "/me" else visitor
        client.get(page)  # warm caches and the searcher
        timings = []
        for _ in range(args.repeat):
            statements["n"] = 0
            started = time.perf_counter()
            response = client.get(page)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (page, response.status_code)
        p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) >= 20 else max(timings)
        print(f"{page:<42} {statistics.median(timings):>10.1f} {p95:>8.1f} {statements['n']:>5}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
