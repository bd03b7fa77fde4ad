"""Search over a million listings through the Flask app, against a plain LIKE '%q%' scan in the same run.

    python bench/bench_search.py                       # SQLite file under /tmp/hl_bench, 1,000,000 listings
    python bench/bench_search.py --database-url postgresql://postgres@127.0.0.1:5432/hl_bench
    python bench/bench_search.py --listings 100000 --rounds 3

The database is generated once (bench/gen_listings.py) and reused when it has enough rows. Every
request is text + two filters, first page, sorted by relevance, through the test client (routing,
the search, template rendering). The baseline is a bench-only route that does what a naive search
would: LIKE '%q%' on the name and variety with the same filters, ORDER BY newest, a count and the page.
Figures only; this never gates CI.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from gen_listings import make_app, populate  # noqa: E402

# (query, filters): two-character queries, synonyms, pinyin, initials, traditional, typo, GI names, unknown words.
QUERIES = [
    ("苹果", {"region": "610000", "certification": "green_food"}),
    ("土豆", {"category": "vegetables", "poverty": "1"}),
    ("脐橙", {"region": "360700", "max_price": "12"}),
    ("大米", {"region": "230000", "min_kg": "500"}),
    ("香梨", {"region": "650000", "certification": "gi"}),
    ("茶叶", {"category": "tea", "region": "350000"}),
    ("猕猴", {"region": "610000", "poverty": "1"}),
    ("核桃", {"certification": "organic", "poverty": "1"}),
    ("pingguo", {"region": "370000", "certification": "green_food"}),
    ("pg", {"region": "620000", "max_price": "20"}),
    ("蘋果", {"region": "140000", "poverty": "1"}),
    ("平果", {"region": "610000", "max_price": "15"}),
    ("马铃薯", {"region": "640000", "certification": "pollution_free"}),
    ("赣南脐橙", {"region": "360000", "poverty": "1"}),
    ("眉县猕猴桃", {"region": "610300", "max_price": "30"}),
    ("富硒", {"category": "grain_oil", "region": "420000"}),
    ("大蒜", {"region": "370000", "min_kg": "1000"}),
    ("香菇", {"category": "fungi", "certification": "green_food"}),
]
FILTER_ARGS = {"region", "certification", "category", "poverty", "max_price", "min_kg"}


def machine() -> str:
    return (f"{platform.platform()} · Python {platform.python_version()} · {os.cpu_count()} CPUs · "
            f"{platform.processor() or platform.machine()}")


def add_baseline_route(app):
    """GET /bench/like?q=..&<filters>: the naive LIKE scan with the same filters, as JSON."""
    import sqlalchemy as sa
    from flask import jsonify, request

    from core.db import db
    from produce.models import Listing
    from produce.search import _filter_conditions, visible_condition
    from produce.views_search import filters_from_args

    def like_search():
        q = request.args.get("q", "")
        from produce.search import SearchFilters

        # The filters use the ordinary B-tree indexes (county, status...), as a naive search would.
        conds = [visible_condition(), *_filter_conditions(SearchFilters.from_mapping(filters_from_args(request.args))),
                 sa.or_(Listing.product_name.like(f"%{q}%"), Listing.variety.like(f"%{q}%"))]
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Listing).where(*conds))
        rows = db.session.scalars(sa.select(Listing).where(*conds).order_by(Listing.id.desc()).limit(20)).all()
        return jsonify(total=total, ids=[r.id for r in rows])

    app.add_url_rule("/bench/like", "bench_like", like_search)


def url(path: str, q: str, filters: dict) -> str:
    from urllib.parse import urlencode

    return f"{path}?{urlencode({'q': q, **filters})}"


def timed(client, target: str) -> tuple[float, object]:
    started = time.perf_counter()
    response = client.get(target)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{target} -> {response.status_code}")
    return elapsed, response


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def run(database_url: str, listings: int, rounds: int, baseline_rounds: int) -> None:
    print(f"machine: {machine()}")
    app = make_app(database_url)
    print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")
    with app.app_context():
        started = time.perf_counter()
        result = populate(listings)
        print(f"listings: {result['listings']:,} ({result['generated']:,} generated in {result['seconds']:.0f} s; "
              f"set-up {time.perf_counter() - started:.0f} s)")
    add_baseline_route(app)
    client = app.test_client()
    for q, filters in QUERIES[:3]:  # warm caches (catalogue, templates, OS page cache)
        client.get(url("/produce/", q, filters))
    ours, theirs, per_query = [], [], []
    for q, filters in QUERIES:
        times = []
        for _ in range(rounds):
            elapsed, response = timed(client, url("/produce/", q, filters))
            times.append(elapsed)
        ours.extend(times)
        base_times = []
        for _ in range(baseline_rounds):
            elapsed, response = timed(client, url("/bench/like", q, filters))
            base_times.append(elapsed)
        theirs.extend(base_times)
        per_query.append((q, filters, statistics.median(times), statistics.median(base_times),
                          response.get_json()["total"]))
    print(f"\n{'query':<12} {'filters':<44} {'search p50':>11} {'LIKE p50':>10} {'LIKE hits':>10}")
    for q, filters, ours_ms, like_ms, hits in per_query:
        shown = ", ".join(f"{k}={v}" for k, v in filters.items())
        print(f"{q:<12} {shown:<44} {ours_ms:>9.1f}ms {like_ms:>8.1f}ms {hits:>10,}")
    p50, p95 = statistics.median(ours), percentile(ours, 95)
    b50, b95 = statistics.median(theirs), percentile(theirs, 95)
    print(f"\nsearch (text + 2 filters, first page, through Flask): p50 {p50:.1f} ms, p95 {p95:.1f} ms "
          f"over {len(ours)} requests  [target p50 <= 100, p95 <= 250]")
    print(f"LIKE '%q%' baseline (same filters, through Flask):     p50 {b50:.1f} ms, p95 {b95:.1f} ms "
          f"over {len(theirs)} requests")
    print(f"speed-up at the median: {b50 / p50:.1f}x  [target >= 10x]")
    ratios = sorted(like / ours for _q, _f, ours, like, _h in per_query)
    print(f"per-query speed-up (LIKE p50 / search p50): median {statistics.median(ratios):.1f}x, "
          f"min {ratios[0]:.1f}x, max {ratios[-1]:.1f}x")
    two = [t for (q, _f, t, _b, _h) in per_query if len(q) == 2 and not q.isascii()]
    print(f"two-character Chinese queries: median of medians {statistics.median(two):.1f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/hl_bench/listings_1m.db")
    parser.add_argument("--listings", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline-rounds", type=int, default=2)
    args = parser.parse_args()
    Path("/tmp/hl_bench/uploads").mkdir(parents=True, exist_ok=True)
    run(args.database_url, args.listings, args.rounds, args.baseline_rounds)


if __name__ == "__main__":
    main()
