"""The national dashboard over many demonstration counties, against the bare cost of reading the rows.

    python bench/bench_counties.py                     # 1,000 counties x 16 indicators x 8 quarters, SQLite
    python bench/bench_counties.py --counties 300 --rounds 5
    python bench/bench_counties.py --database-url postgresql://postgres@127.0.0.1:5432/hl_bench_counties

Measured in the same run: (a) baseline: one SELECT of every indicator value into Python tuples (what any
dashboard must at least do); (b) queries.county_rows(None): figures, target progress (incl. the growth target
against provincial averages) and outcomes for every county; (c) the whole national page through the test client
(ranking, comparison, target status, breakdown, registry tables rendered). Figures only; never gates CI.
"""
from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def populate(db, counties: int, quarters: int) -> None:
    import sqlalchemy as sa

    from core import regions
    from counties import demo, services
    from counties.models import DemoCounty, IndicatorValue, Target
    from counties.periods import recent_quarters

    services.ensure_indicators()
    indicators = {i.code: i.id for i in db.session.scalars(sa.select(services.Indicator))}
    codes = sorted(r.code for province in regions.children() for pref in regions.children(province.code)
                   for r in [pref, *regions.children(pref.code)] if regions.is_valid_county(r.code))
    rng = random.Random(7)
    periods = [p.code for p in recent_quarters(date(2026, 9, 30), quarters)]
    for code in rng.sample(codes, min(counties, len(codes))):
        county = DemoCounty(code=code, batch_year=rng.randint(2014, 2025), central_allocated=Decimal(1500))
        db.session.add(county)
        db.session.flush()
        for indicator_id in indicators.values():
            for period in periods:
                db.session.add(IndicatorValue(county_id=county.id, indicator_id=indicator_id, period=period,
                                              value=Decimal(rng.randint(0, 100))))
    for code, kind, threshold, due, text in demo.TARGETS:
        db.session.add(Target(indicator_id=indicators[code], kind=kind, threshold=Decimal(threshold), due_on=due,
                              description=text))
    db.session.commit()


def timed(func, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counties", type=int, default=1000)
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='hl_counties_')}/bench.db"
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)

    import sqlalchemy as sa

    from core import create_app
    from core.db import db
    from counties import queries
    from counties.models import IndicatorValue

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-" * 10, "WTF_CSRF_ENABLED": False,
                      "TESTING": True})
    with app.app_context():
        db.drop_all()
        db.create_all()
        populate(db, args.counties, args.quarters)
        from accounts.services import create_user

        create_user("bench-admin@example.com", "bench password 123456", "admin")
        db.session.commit()
        values = db.session.scalar(sa.select(sa.func.count()).select_from(IndicatorValue))
        client = app.test_client()
        client.post("/login", data={"email": "bench-admin@example.com", "password": "bench password 123456"})

        def baseline():
            db.session.execute(sa.select(IndicatorValue.county_id, IndicatorValue.indicator_id,
                                         IndicatorValue.period, IndicatorValue.value)).all()

        def rows():
            queries.county_rows(None, date(2026, 11, 28))

        def page():
            assert client.get("/counties/").status_code == 200

        print(f"machine: {platform.platform()}, python {platform.python_version()}, cpus {__import__('os').cpu_count()}")
        print(f"database: {db.engine.dialect.name}; {args.counties} counties, {values:,} indicator values")
        base, full, html = timed(baseline, args.rounds), timed(rows, args.rounds), timed(page, args.rounds)
        print(f"baseline  SELECT all values       {base * 1000:8.1f} ms")
        print(f"county_rows(None) (figures+targets) {full * 1000:8.1f} ms  ({full / base:.1f}x baseline)")
        print(f"GET /counties/ national dashboard {html * 1000:8.1f} ms  ({html / base:.1f}x baseline)")


if __name__ == "__main__":
    main()
