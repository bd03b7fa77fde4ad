"""Bulk import of 100,000 listing rows (target: under 60 s), as a co-operative uploads them: the file is
read (CSV and XLSX), every row validated and resolved against the catalogue, then committed in one
transaction. Baseline in the same run: saving the first 1,000 rows one by one through create_listing
(what the import would cost as a loop over the form's service), extrapolated.

    python bench/bench_listing_import.py [--rows 100000] [--database-url ...] [--formats csv,xlsx]
                                         [--demands 0] [--saved-searches 0]

--demands/--saved-searches give a buyer that many open demands and saved searches first, so the signal
receivers (stored matches, notifications) have work to do; with none they have nothing to match.
"""
from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_search import machine  # noqa: E402
from gen_listings import make_app  # noqa: E402

NAMES = ["赣南脐橙", "脐橙", "红富士苹果", "苹果", "土豆", "马铃薯", "眉县猕猴桃", "五常大米", "库尔勒香梨", "大蒜",
         "生姜", "香菇", "鸡蛋", "安溪铁观音", "核桃", "西红柿", "大白菜", "辣椒", "洋葱", "玉米"]
UNITS = [("斤", "元/斤"), ("公斤", "元/公斤"), ("吨", "元/吨"), ("箱", "元/箱")]


def rows(n: int, county: str, seed: int = 3):
    rng = random.Random(seed)
    today = date.today()
    for _ in range(n):
        unit, price_unit = rng.choice(UNITS)
        yield [rng.choice(NAMES), rng.choice(["", "一级", "精品"]), "10斤/箱" if unit == "箱" else "统货",
               str(rng.randint(1, 500) * 10), unit, "", f"{rng.randint(100, 900) / 100:.2f}", price_unit, "",
               today.isoformat(), (today + timedelta(days=rng.randint(10, 120))).isoformat(), county,
               rng.choice(["", "绿色食品"]), "", "发布"]


def csv_file(n, county) -> bytes:
    from produce.importer import COLUMNS

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([zh for zh, _ in COLUMNS])
    writer.writerows(rows(n, county))
    return out.getvalue().encode("utf-8-sig")


def xlsx_file(n, county) -> bytes:
    import openpyxl

    from produce.importer import COLUMNS

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("供应信息")
    sheet.append([zh for zh, _ in COLUMNS])
    for values in rows(n, county):
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def setup_producer():
    from datetime import date as d

    import sqlalchemy as sa

    from accounts.services import create_user, find_by_email
    from core.db import db
    from produce.catalogue_services import load_catalogue
    from produce.models import ProducerCertification, ProducerMember, ProducerProfile

    db.create_all()
    load_catalogue()
    user = find_by_email("bench-coop@example.com") or create_user(
        "bench-coop@example.com", "bench import password 2026", "producer", producer_kind="cooperative")
    db.session.flush()
    if not db.session.scalar(sa.select(ProducerMember).where(ProducerMember.user_id == user.id)):
        profile = ProducerProfile(kind="cooperative", name="基准测试合作社", county_code="360732")
        db.session.add(profile)
        db.session.flush()
        db.session.add(ProducerMember(producer_id=profile.id, user_id=user.id, role="owner"))
        db.session.add(ProducerCertification(producer_id=profile.id, kind="green_food", number="LB-1",
                                             expires_on=d(2030, 1, 1)))
    db.session.commit()
    return user


def setup_buyer(demands: int, saved_searches: int) -> None:
    """A buyer organisation with open demands and saved searches spread over the file's product names."""
    from accounts.services import create_user, find_by_email
    from buyers import queries, services

    user = find_by_email("bench-buyer@example.com") or create_user(
        "bench-buyer@example.com", "bench import password 2026", "buyer")
    org = queries.org_for_user(user) or services.create_org(
        user, {"name": "深圳基准测试生鲜供应链有限公司", "type": "distributor", "county_code": "440305"}, [])
    today = date.today()
    for i in range(demands):
        services.create_demand_for(org, {
            "product_name": NAMES[i % len(NAMES)], "variety": "", "spec": "", "quantity_min": "10",
            "quantity_max": "1000", "unit": "吨", "price_max": "8", "price_unit": "元/斤",
            "delivery_county_code": "440305", "preferred_province_codes": "360000",
            "needed_from": today.isoformat(), "needed_to": (today + timedelta(days=60)).isoformat(),
            "frequency": "weekly", "notes": ""}, actor=user)
    for i in range(saved_searches):
        name = NAMES[i % len(NAMES)]
        services.save_search(user, f"{name} {i}", {"product": name, "province_code": "360000"})


def run(database_url: str, n: int, formats: list[str], demands: int = 0, saved_searches: int = 0) -> None:
    from core import bulk
    from core.db import db
    from produce import importer
    from produce.services import create_listing

    print(f"machine: {machine()}")
    app = make_app(database_url)
    with app.app_context():
        user = setup_producer()
        setup_buyer(demands, saved_searches)
        for fmt in formats:
            data = (csv_file if fmt == "csv" else xlsx_file)(n, "360732")
            started = time.perf_counter()
            with bulk.gc_paused():  # as the import jobs run (produce/import_jobs.py)
                result = importer.check_file(data, f"listings.{fmt}", user)
                checked = time.perf_counter()
                assert result.ok, result.errors[:3]
                # commit_rows in its two phases, so the signal receivers' share is visible
                new_ids = importer.insert_rows(result)
            inserted = time.perf_counter()
            del result  # the next format's run starts without this one's rows
            importer.announce(new_ids)
            done = time.perf_counter()
            print(f"{fmt}: {len(new_ids):,} rows ({len(data) / 1e6:.1f} MB): read+validate {checked - started:.1f} s, "
                  f"commit {done - checked:.1f} s (insert {inserted - checked:.1f} s, signal receivers "
                  f"{done - inserted:.1f} s), total {done - started:.1f} s  [target < 60 s]")
        sample = 1000
        values = list(rows(sample, "360732", seed=9))
        header = [name for _zh, name in importer.COLUMNS]
        started = time.perf_counter()
        for row in values:
            data = dict(zip(header, row, strict=True))
            data.update(certifications=[], status="active", price_unit=data["price_unit"])
            create_listing(user, data)
        per_row = (time.perf_counter() - started) / sample
        print(f"baseline: create_listing one row per transaction: {per_row * 1000:.1f} ms/row "
              f"-> {per_row * n:.0f} s for {n:,} rows")
        db.session.remove()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/hl_bench/import.db")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--demands", type=int, default=0, help="open demands of a buyer before the import")
    parser.add_argument("--saved-searches", type=int, default=0, help="saved searches before the import")
    args = parser.parse_args()
    Path("/tmp/hl_bench/uploads").mkdir(parents=True, exist_ok=True)
    run(args.database_url, args.rows, args.formats.split(","), args.demands, args.saved_searches)


if __name__ == "__main__":
    main()
