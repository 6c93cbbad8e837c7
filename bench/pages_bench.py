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
    "/events.atom", "/events.ics", "/events.csv", "/signage",
]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000, help="synthetic items to seed")
    parser.add_argument("--repeat", type=int, default=20, help="requests per page")
    parser.add_argument("--instance", type=Path, help="instance folder to use (seeded if empty, reused if not)")
    parser.add_argument("--no-cache", action="store_true",
                        help="without the page and response caches: what each page costs after any change")
    parser.add_argument("--pages", help="comma-separated paths to time instead of the default list")
    args = parser.parse_args(argv)

    instance = args.instance or Path(tempfile.mkdtemp(prefix="community-bench-"))
    config = {"INSTANCE_PATH": str(instance), "SEARCH_INLINE_DRAIN": False}
    if args.no_cache:
        config.update(PAGE_CACHE=False, CACHE_TYPE="NullCache")
    app = create_app(config)
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
        engine = db.engine
    statements = {"n": 0}

    def count(*_args):
        statements["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    client = app.test_client()
    print(f"{'page':<42} {'median ms':>10} {'p95 ms':>8} {'SQL':>5}")
    for page in args.pages.split(",") if args.pages else PAGES:
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
