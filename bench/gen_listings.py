"""Realistic synthetic listings for benchmarks: catalogue names, aliases, varieties, GI names
(农产品地理标志 register 2008-2019), real counties with poverty counties over-represented, a skewed
(Zipf) product frequency, and a mix of statuses and windows. Bulk inserts: executemany on SQLite,
COPY on PostgreSQL. Derived fields (product, kg, per-kg price, tokens) come from the app's own code,
computed once per distinct name.

    python bench/gen_listings.py --listings 100000 --database-url sqlite:////tmp/hl_bench/x.db
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GI_FILE = Path("/work/shared/data/gi_products_2008_2019.csv")
VARIETIES = ["", "", "", "一级", "精品", "特级", "有机", "农家", "新货", "高山", "富硒", "大果", "礼盒装"]
SPECS = ["", "一级果", "80mm以上", "10斤/箱", "5公斤/箱", "统货", "单果200g以上", "25公斤/袋"]
UNITS = [("斤", 0.5), ("公斤", 1), ("吨", 1000), ("箱", None)]
CERT_CHOICES = [[], [], [], ["green_food"], ["gi"], ["organic"], ["pollution_free"], ["green_food", "gi"]]
STATUSES = ["active"] * 17 + ["draft", "paused", "sold_out"]
PROVINCE_PREFIX = {}


def _province_codes():
    from core import regions

    return {r.short_name or r.name: r.code for r in regions.children(None)} | \
           {r.name: r.code for r in regions.children(None)}


@cache
def _counties():
    from core import regions

    counties, poverty = [], []
    for province in regions.children(None):
        for code in sorted(regions.codes_within(province.code)):
            if regions.is_leaf(code):
                (poverty if regions.is_poverty_county(code) else counties).append(code)
    return counties, poverty


def _gi_names():
    if not GI_FILE.exists():
        return []
    provinces = _province_codes()
    out = []
    with open(GI_FILE, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = provinces.get(row["province"]) or next((c for n, c in provinces.items()
                                                           if n.startswith(row["province"])), None)
            if code:
                out.append((row["product"], code))
    return out


def _names(catalogue, rng):
    """(name, province code or None) choices with Zipf-like weights over the catalogue's products."""
    products = list(catalogue.names_by_id.items())
    rng.shuffle(products)
    common = {"苹果", "脐橙", "马铃薯", "大米", "猕猴桃", "梨", "大蒜", "茶叶", "鸡蛋", "生猪", "香菇", "核桃"}
    products.sort(key=lambda p: p[1] not in common)
    import sqlalchemy as sa

    from core.db import db
    from produce.models import Product

    aliases = {}
    for product in db.session.scalars(sa.select(Product)):
        aliases[product.id] = [a.alias for a in product.aliases][:6]
    names, weights = [], []
    for rank, (pid, name) in enumerate(products, start=1):
        weight = 1.0 / rank ** 1.05
        forms = [name, *aliases.get(pid, [])]
        for form in forms:
            names.append((form, None))
            weights.append(weight / len(forms))
    gi = _gi_names()
    gi_weight = sum(weights) * 0.25 / max(len(gi), 1)  # a quarter of listings carry a GI name
    for name, province in gi:
        names.append((name, province))
        weights.append(gi_weight)
    return names, weights


def build_rows(n: int, producer_ids: list[int], seed: int = 7, today: date | None = None):
    """Listing column dicts (derived fields included), deterministic for a seed. The database reads
    happen here, before the first row, so that the caller can close its session before inserting."""
    from core.db import db

    rows = _rows(n, producer_ids, seed, today)
    next(rows)  # run the set-up
    db.session.commit()
    db.session.close()
    return rows


def _rows(n, producer_ids, seed, today):
    from core import regions
    from produce.catalogue import get_catalogue
    from produce.models import cert_flags
    from produce.tokens import listing_tokens
    from produce.units import price_per_kg_or_none, to_kg

    rng = random.Random(seed)
    today = today or date.today()
    catalogue = get_catalogue()
    names, weights = _names(catalogue, rng)
    counties, poverty = _counties()
    by_province: dict[str, list[str]] = {}
    for code in counties + poverty:
        by_province.setdefault(code[:2], []).append(code)
    resolved_cache = {}
    now = datetime.now(UTC).replace(tzinfo=None)
    picks = rng.choices(range(len(names)), weights=weights, k=n)
    yield None
    for i in range(n):
        name, province = names[picks[i]]
        variety = rng.choice(VARIETIES)
        if name not in resolved_cache:
            resolved_cache[name] = catalogue.resolve(name, min_score=0.85)
        resolved = resolved_cache[name]
        if province:
            county = rng.choice(by_province.get(province[:2]) or counties)
        else:
            county = rng.choice(poverty) if rng.random() < 0.3 else rng.choice(counties)
        unit, _kg = rng.choice(UNITS)
        net = Decimal(rng.choice([5, 10, 15])) if unit == "箱" else None
        quantity = Decimal(rng.choice([1, 2, 5, 10, 20, 50, 100, 500]) * (10 if unit in ("斤", "公斤") else 1))
        price = None if rng.random() < 0.1 else Decimal(rng.randint(80, 2500)) / 100
        price_unit = f"元/{unit}"
        start = today - timedelta(days=rng.randint(0, 90))
        end = start + timedelta(days=rng.randint(20, 240))
        certs = rng.choice(CERT_CHOICES)
        tokens = listing_tokens(SimpleNamespace(product_name=name, variety=variety, product_id=resolved.product_id,
                                                category_code=resolved.category, county_code=county,
                                                certifications=certs), catalogue)
        status = rng.choice(STATUSES)
        if end < today and status == "active" and rng.random() < 0.5:
            status = "expired"
        yield {
            "producer_id": producer_ids[i % len(producer_ids)], "product_id": resolved.product_id,
            "category_code": resolved.category, "product_name": name, "variety": variety,
            "spec": rng.choice(SPECS), "quantity": quantity, "unit": unit, "net_weight_kg": net,
            "quantity_kg": to_kg(quantity, unit, net), "price": price, "price_unit": price_unit,
            "price_per_kg": price_per_kg_or_none(price, price_unit, net), "min_order": None,
            "available_from": start, "available_to": end, "county_code": county,
            "poverty_county": regions.is_poverty_county(county), "certifications": certs,
            "cert_flags": cert_flags(certs), "description": "", "status": status, "version": 1,
            "search_tokens": tokens, "created_at": now, "updated_at": now,
        }


def ensure_producers(count: int, seed: int = 7) -> list[int]:
    import sqlalchemy as sa

    from core.db import db
    from produce.models import ProducerProfile

    existing = list(db.session.scalars(sa.select(ProducerProfile.id).order_by(ProducerProfile.id)))
    if len(existing) >= count:
        return existing[:count]
    rng = random.Random(seed)
    counties, poverty = _counties()
    now = datetime.now(UTC)
    rows = [{"kind": rng.choice(["farmer", "cooperative", "family_farm", "enterprise"]),
             "name": f"示例合作社{i:05d}", "county_code": rng.choice(poverty if i % 3 == 0 else counties),
             "address": "", "contact_name": "", "contact_phone": "", "introduction": "",
             "created_at": now, "updated_at": now} for i in range(len(existing), count)]
    db.session.execute(sa.insert(ProducerProfile), rows)
    db.session.commit()
    return list(db.session.scalars(sa.select(ProducerProfile.id).order_by(ProducerProfile.id)))


COLUMNS = ["producer_id", "product_id", "category_code", "product_name", "variety", "spec", "quantity", "unit",
           "net_weight_kg", "quantity_kg", "price", "price_unit", "price_per_kg", "min_order", "available_from",
           "available_to", "county_code", "poverty_county", "certifications", "cert_flags", "description", "status",
           "version", "search_tokens", "created_at", "updated_at"]


def insert_rows(rows, batch: int = 20_000) -> int:
    """Bulk insert through the driver: executemany on SQLite, COPY on PostgreSQL."""
    import json

    from core.db import db

    engine = db.engine
    total = 0
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY listings ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    row = dict(row, certifications=json.dumps(row["certifications"]))
                    copy.write_row([row[c] for c in COLUMNS])
                    total += 1
        else:
            # A bulk load, not a web request: a big page cache keeps the indexes' pages in memory while
            # rows arrive in random key order, and the file is synced once at the end.
            cursor.execute("PRAGMA cache_size = -1000000")
            cursor.execute("PRAGMA synchronous = OFF")
            sql = f"INSERT INTO listings ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
            buffer = []
            for row in rows:
                buffer.append(tuple(_sqlite_value(row[c]) for c in COLUMNS))
                if len(buffer) >= batch:
                    cursor.executemany(sql, buffer)
                    total += len(buffer)
                    buffer.clear()
            if buffer:
                cursor.executemany(sql, buffer)
                total += len(buffer)
        raw.commit()
    finally:
        raw.close()
    return total


def _sqlite_value(value):
    import json

    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return json.dumps(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def make_app(database_url: str):
    import re

    from core import create_app

    uri = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", database_url)
    return create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "bench-" + "x" * 40, "APP_ENV": "bench",
                       "UPLOAD_FOLDER": "/tmp/hl_bench/uploads", "TESTING": True, "WTF_CSRF_ENABLED": False,
                       # Every request must run the search: cached results would measure the cache.
                       "FRAGMENT_CACHE_SECONDS": 0})


def populate(n: int, producers: int = 20_000, seed: int = 7) -> dict:
    """Schema + catalogue + producers + n listings; returns timings."""
    import sqlalchemy as sa

    from core.db import db
    from produce.catalogue_services import load_catalogue
    from produce.models import Listing

    db.create_all()
    load_catalogue()
    have = db.session.scalar(sa.select(sa.func.count()).select_from(Listing))
    if have >= n:
        return {"listings": have, "generated": 0, "seconds": 0.0}
    producer_ids = ensure_producers(producers, seed)
    started = time.perf_counter()
    inserted = insert_rows(build_rows(n - have, producer_ids, seed + have))
    seconds = time.perf_counter() - started
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE listings")
        else:
            conn.exec_driver_sql("ANALYZE")
    if db.engine.dialect.name == "postgresql":  # VACUUM cannot run in a transaction
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE listings")
    return {"listings": have + inserted, "generated": inserted, "seconds": seconds}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--database-url", default="sqlite:////tmp/hl_bench/listings.db")
    args = parser.parse_args()
    Path("/tmp/hl_bench/uploads").mkdir(parents=True, exist_ok=True)
    app = make_app(args.database_url)
    with app.app_context():
        result = populate(args.listings)
    print(f"listings: {result['listings']} ({result['generated']} generated in {result['seconds']:.1f} s)")


if __name__ == "__main__":
    main()
