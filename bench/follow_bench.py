"""Follow benchmark: how fast a second host applies what another host wrote, and what an idle poll costs.

Host A writes N events in transactions of --batch items (each writes its change-log rows); host B, on the same
database with its own index folder (joined with a rebuild, as a new host does), then follows the log. Prints
B's catch-up time and rate, and the time of one poll when nothing is new (each worker polls every
SEARCH_POLL_SECONDS).

    .venv/bin/python bench/follow_bench.py --items 5000
    .venv/bin/python bench/follow_bench.py --items 5000 --database-url postgresql:///community_bench
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from community import create_app  # noqa: E402


def _app(instance: Path, database_url: str | None, name: str):
    config = {"INSTANCE_PATH": str(instance), "SECRET_KEY": "bench", "RATELIMIT_STORAGE_URI": "memory://",
              "SEARCH_HOST_NAME": name, "SEARCH_INLINE_DRAIN": False, "MAIL_INLINE_SEND": False}
    if database_url:
        config["SQLALCHEMY_DATABASE_URI"] = database_url
    return create_app(config)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=20, help="items per writing transaction")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: SQLite in the temporary instance)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        host_a = _app(root / "a", args.database_url, "bench-a")
        url = args.database_url or f"sqlite:///{root / 'a' / 'community.sqlite'}"
        with host_a.app_context():
            from community.commands import prepare_instance
            from community.extensions import db

            prepare_instance()
            if args.database_url:
                tables = ", ".join(t.name for t in db.metadata.sorted_tables if t.name != "alembic_version")
                db.session.execute(db.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
                from community.areas.services import ensure_reference_data

                ensure_reference_data()
                db.session.commit()
        host_b = _app(root / "b", url, "bench-b")
        from community.search.indexing import drain, rebuild

        rebuild(host_b)
        with host_a.app_context():
            from community.events.models import Event
            from community.extensions import db
            from community.groups.models import Group
            from community.timeutil import now_utc

            group = Group(name="ベンチ団体", slug="bench-group", verified=True)
            db.session.add(group)
            db.session.commit()
            start = now_utc() + timedelta(days=1)
            for first in range(0, args.items, args.batch):
                db.session.add_all(Event(title=f"相模原の催し{n}", body="市民会館で開きます。", group_id=group.id,
                                         area_id=1, status="published", starts_at=start, ends_at=start)
                                   for n in range(first, min(first + args.batch, args.items)))
                db.session.commit()
        began = time.perf_counter()
        applied = drain(host_b)
        took = time.perf_counter() - began
        print(f"host B applied {applied} changes in {took:.2f} s ({applied / took:,.0f} per second)")
        idle = []
        for _ in range(100):
            began = time.perf_counter()
            drain(host_b)
            idle.append((time.perf_counter() - began) * 1000)
        print(f"an idle poll: median {statistics.median(idle):.2f} ms, max {max(idle):.2f} ms")


if __name__ == "__main__":
    main()
