"""A big fair end to end: 2,000 producers (10,000 listings) and 500 buyers (2,000 demands).

    python bench/bench_fairs.py                    # SQLite file in a temporary directory
    python bench/bench_fairs.py --database-url postgresql://postgres@127.0.0.1:5432/hl_bench_fairs
    python bench/bench_fairs.py --producers 200 --buyers 50   # a quick run

Timed: (1) suggestions = the background job (load the approved participants' records, matching.rank, matching.allocate,
save the pairs), publishing, and the auto-scheduled timetable; (2) the report (dashboard figures + XLSX workbook).
Baseline measured in the same run: matching.rank alone on the same records (the floor any fair pays).
Targets from issue 6: suggestions + allocation + timetable < 30 s; report < 10 s. Figures only; never gates CI.
"""
from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from datetime import time as dtime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def machine() -> str:
    return (f"{platform.platform()} · Python {platform.python_version()} · {os.cpu_count()} CPUs · "
            f"{platform.processor() or platform.machine()}")


def products() -> list[str]:
    """Catalogue names and aliases, first ones more frequent (a skewed, realistic mix)."""
    with open(ROOT / "refdata" / "catalogue.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    names = []
    for row in rows[:120]:
        names.append(row["name"])
        names.extend(a for a in row["aliases"].split("|")[:2] if a)
    return names


def populate(db, n_producers: int, n_buyers: int, rng: random.Random) -> dict:
    import sqlalchemy as sa

    from accounts.models import User
    from buyers.models import BuyerMember, BuyerOrg, Demand
    from core import regions
    from fairs import services
    from fairs.models import Fair, Registration, RegistrationItem
    from produce.models import Listing, ProducerMember, ProducerProfile

    counties = [r.code for p in regions.children() for pre in regions.children(p.code)
                for r in regions.children(pre.code)][:1500]
    names = products()
    weights = [1 / (i + 1) for i in range(len(names))]
    today = date.today()
    per_producer, per_buyer = 5, 4

    def users(role, count, offset):
        db.session.execute(sa.insert(User), [{"email": f"{role}{offset + i}@bench.example", "password_hash": "x",
                                               "role": role, "display_name": f"{role} {i}", "active": True,
                                               "session_nonce": f"n{offset + i}",
                                               "producer_kind": "farmer" if role == "producer" else None}
                                              for i in range(count)])
        return list(db.session.scalars(sa.select(User.id).where(User.role == role).order_by(User.id)))

    official = User(email="official@bench.example", password_hash="x", role="official", region_code="360000",
                    display_name="bench official")
    db.session.add(official)
    producer_users = users("producer", n_producers, 0)
    buyer_users = users("buyer", n_buyers, 0)
    db.session.execute(sa.insert(ProducerProfile), [{"kind": "cooperative", "name": f"合作社{i:05d}",
                                                     "county_code": rng.choice(counties)} for i in range(n_producers)])
    profiles = list(db.session.execute(sa.select(ProducerProfile.id, ProducerProfile.county_code)
                                       .order_by(ProducerProfile.id)))
    db.session.execute(sa.insert(ProducerMember), [{"producer_id": p.id, "user_id": u, "role": "owner"}
                                                   for p, u in zip(profiles, producer_users, strict=True)])
    listing_rows = []
    for p in profiles:
        for name in rng.choices(names, weights, k=per_producer):
            qty = Decimal(rng.choice([500, 1000, 2000, 5000, 20000]))
            listing_rows.append({"producer_id": p.id, "product_name": name, "quantity": qty, "unit": "公斤",
                                 "quantity_kg": qty, "price": Decimal(rng.randint(2, 30)), "price_unit": "元/公斤",
                                 "available_from": today, "available_to": today + timedelta(days=120),
                                 "county_code": p.county_code, "status": "active", "version": 1,
                                 "certifications": [], "search_tokens": ""})
    db.session.execute(sa.insert(Listing), listing_rows)
    db.session.execute(sa.insert(BuyerOrg), [{"name": f"采购商{i:04d}有限公司", "type": "supermarket",
                                              "county_code": (c := rng.choice(counties)), "province_code": c[:2] + "0000",
                                              "products_of_interest": [], "preferred_origin_codes": [],
                                              "delivery_region_codes": []} for i in range(n_buyers)])
    orgs = list(db.session.execute(sa.select(BuyerOrg.id, BuyerOrg.county_code).order_by(BuyerOrg.id)))
    db.session.execute(sa.insert(BuyerMember), [{"buyer_id": o.id, "user_id": u} for o, u in zip(orgs, buyer_users, strict=True)])
    demand_rows = []
    for o in orgs:
        for name in rng.choices(names, weights, k=per_buyer):
            low = Decimal(rng.choice([1000, 5000, 10000]))
            demand_rows.append({"buyer_id": o.id, "product_name": name, "quantity_min": low,
                                "quantity_max": low * 4, "unit": "公斤", "price_max": Decimal(rng.randint(10, 40)),
                                "price_unit": "元/公斤", "delivery_county_code": o.county_code,
                                "preferred_province_codes": [], "needed_from": today,
                                "needed_to": today + timedelta(days=90), "required_certifications": [],
                                "status": "open", "frequency": "one_off", "version": 1, "notes": ""})
    db.session.execute(sa.insert(Demand), demand_rows)
    db.session.commit()

    start = today + timedelta(days=30)
    fair = services.create_fair(official, {
        "title": "基准对接会", "region_code": "360000", "registration_opens_on": today,
        "registration_closes_on": start - timedelta(days=1), "starts_on": start, "ends_on": start + timedelta(days=2),
        "day_start": dtime(9), "day_end": dtime(17), "slot_minutes": 20, "max_meetings_per_day": 12,
        "meeting_link_template": "https://meet.example.org/harvestlink-{fair_id}-{meeting_id}"})
    db.session.execute(sa.update(Fair).where(Fair.id == fair.id).values(status="registration_closed"))
    regs = [{"fair_id": fair.id, "user_id": u, "role": "producer", "producer_id": p.id, "status": "approved",
             "reason": ""} for p, u in zip(profiles, producer_users, strict=True)]
    regs += [{"fair_id": fair.id, "user_id": u, "role": "buyer", "buyer_id": o.id, "status": "approved", "reason": ""}
             for o, u in zip(orgs, buyer_users, strict=True)]
    db.session.execute(sa.insert(Registration), regs)
    reg_of_producer = dict(db.session.execute(sa.select(Registration.producer_id, Registration.id)
                                              .where(Registration.role == "producer")).all())
    reg_of_buyer = dict(db.session.execute(sa.select(Registration.buyer_id, Registration.id)
                                           .where(Registration.role == "buyer")).all())
    items = [{"registration_id": reg_of_producer[pid], "listing_id": lid} for lid, pid in
             db.session.execute(sa.select(Listing.id, Listing.producer_id))]
    items += [{"registration_id": reg_of_buyer[bid], "demand_id": did} for did, bid in
              db.session.execute(sa.select(Demand.id, Demand.buyer_id))]
    db.session.execute(sa.insert(RegistrationItem), items)
    db.session.commit()
    return {"fair_id": fair.id, "official_id": official.id, "listings": len(listing_rows), "demands": len(demand_rows)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--producers", type=int, default=2000)
    parser.add_argument("--buyers", type=int, default=500)
    args = parser.parse_args()

    import matching
    from accounts.models import User
    from core import create_app, jobs
    from core.db import db
    from fairs import meetings, queries, report, suggestions
    from fairs.models import Fair, Meeting

    tmp = tempfile.mkdtemp(prefix="hl_bench_fairs_")
    url = args.database_url or f"sqlite:///{tmp}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://"),
                      "SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789", "UPLOAD_FOLDER": tmp,
                      "JOBS_INLINE": True, "REDIS_URL": None, "SERVER_NAME": "bench.local"})
    print(f"machine: {machine()}")
    print(f"database: {url.split('@')[-1]}")
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        info = populate(db, args.producers, args.buyers, random.Random(6))
        print(f"data: {args.producers} producers, {info['listings']} listings, {args.buyers} buyers, "
              f"{info['demands']} demands (generated in {time.perf_counter() - started:.1f} s)")
        official = db.session.get(User, info["official_id"])
        fair = db.session.get(Fair, info["fair_id"])

        # Baseline: matching.rank alone on the same records.
        listings, demands = suggestions.approved_records(fair.id)
        weights = suggestions.weights_for(fair)
        listing_objs = [matching.Listing.from_dict(suggestions._plain(r)) for _g, r in listings.values()]
        demand_objs = [matching.Demand.from_dict(suggestions._plain(r)) for _g, r in demands.values()]
        db.session.commit()
        t0 = time.perf_counter()
        matching.rank(demand_objs, listing_objs, top=suggestions.TOP_PER_DEMAND, weights=weights)
        baseline = time.perf_counter() - t0

        t0 = time.perf_counter()
        job = jobs.wait(suggestions.start(official, fair).id, timeout=600)
        t_job = time.perf_counter() - t0
        assert job.status == "finished", job.error
        fair = db.session.get(Fair, info["fair_id"])
        official = db.session.get(User, info["official_id"])
        t1 = time.perf_counter()
        suggestions.publish(official, fair)
        result = meetings.auto_schedule(official, fair)
        t_schedule = time.perf_counter() - t1
        total = t_job + t_schedule
        meetings_count = db.session.scalar(db.select(db.func.count()).select_from(Meeting))
        print(f"baseline matching.rank alone: {baseline:.2f} s")
        print(f"suggestions job (load + rank + allocate + save {job.result['pairs']} pairs): {t_job:.2f} s")
        print(f"publish + auto-schedule ({result['placed']} meetings placed, {result['unplaced']} pairs unplaced, "
              f"{meetings_count} meetings): {t_schedule:.2f} s")
        print(f"suggestions + allocation + timetable: {total:.2f} s (target < 30 s; {total / baseline:.1f}x baseline)"
              f" -> {'OK' if total < 30 else 'SLOW'}")

        db.session.expire_all()
        fair = db.session.get(Fair, info["fair_id"])
        t2 = time.perf_counter()
        queries.stats_json(fair.id)
        workbook = report.build_workbook(fair)
        t_report = time.perf_counter() - t2
        print(f"report (figures + XLSX, {len(workbook) / 1024:.0f} KiB): {t_report:.2f} s (target < 10 s) -> "
              f"{'OK' if t_report < 10 else 'SLOW'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
