"""Benchmark: importing 100,000 buyer rows against a database of 100,000 buyers, end to end through the
buyers import jobs as the pages run them (upload check, then the staging job: read CSV -> validate every
row -> matching.dedupe against the database and within the file -> staged preview; the official's
decisions; then the commit job: all-or-nothing insert), jobs run in-process and waited for, against the baseline of comparing every incoming
name with every existing name with rapidfuzz.fuzz.WRatio in a Python loop (timed on a sample of incoming
rows, extrapolated), in the same run. Also prints precision/recall on the labelled pairs in
tests/buyers/data/dedupe_pairs.jsonl.

    /work/devenv/bin/python bench/bench_buyer_import.py [--existing 100000] [--incoming 100000] [--sample 20]

Runs on a temporary SQLite database (the embedded default) unless --database-url is given.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402

from buyers.columns import IMPORT_COLUMNS  # noqa: E402
from buyers.credit_code import complete  # noqa: E402

CHARS = ("绿源丰禾农润佳盛泰金穗优果恒信永嘉鑫隆天宏达富民兴惠田园野益康禾蔬香鲜聚万福百味稻谷泽瑞华明辉春晖山水乡"
         "大地沃土晨光新红青碧银河东方诚德广安顺昌盈利鼎旺和美星月湖海江南北中西汇通远航创")
TRADES = ["农产品批发市场", "商贸", "食品", "供应链管理", "农业发展", "果蔬配送", "超市", "电子商务", "餐饮管理",
          "进出口贸易", "生鲜配送", "粮油贸易"]
FORMS = ["有限公司", "有限责任公司", "股份有限公司"]
TYPES = ["批发市场", "商超", "电商", "加工企业", "餐饮", "出口商", "经销商"]
ROADS = ["人民路", "解放路", "建设路", "中山路", "胜利路", "农贸路", "工业大道", "滨江路", "新华路", "长征路"]


def counties():
    from core import regions

    leaves = [r for r in (regions.get(c) for c in sorted(regions.codes_within("360000") | regions.codes_within(
        "420000") | regions.codes_within("440000") | regions.codes_within("510000") | regions.codes_within(
        "370000") | regions.codes_within("330000"))) if r and r.level == "county" and regions.prefecture_code(r.code)]
    return [(r.code, regions.get(regions.prefecture_code(r.code))) for r in leaves]


def make_company(rng, places, serial):
    code, prefecture = rng.choice(places)
    city = prefecture.short_name or prefecture.name
    brand = "".join(rng.sample(CHARS, 2 if rng.random() < 0.7 else 3))
    return {"name": f"{city}{brand}{rng.choice(TRADES)}{rng.choice(FORMS)}", "county_code": code,
            "credit_code": complete(f"91{code}MA{serial:07d}") if rng.random() < 0.7 else "",
            "address": f"{prefecture.name}{rng.choice(ROADS)}{rng.randrange(1, 500)}号",
            "phone": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}", "contact": "张" + rng.choice(CHARS),
            "_brand": brand, "_city": city}


def variant(rng, record):
    """The same company written another way (what a second list of the same buyers looks like)."""
    kind = rng.randrange(3)
    if kind == 0 and record["credit_code"]:
        return {**record, "name": record["name"].replace(record["_city"], "", 1), "address": ""}
    if kind == 1:
        form = next(f for f in sorted(FORMS, key=len, reverse=True) if record["name"].endswith(f))
        return {**record, "name": record["name"][: -len(form)] + "公司", "credit_code": ""}
    return {**record, "name": record["name"] + "（" + record["_city"] + "）", "credit_code": "", "address": ""}


def seed_existing(db, rng, places, n):
    from buyers.models import BuyerContact, BuyerOrg
    from core import regions

    records = [make_company(rng, places, i) for i in range(n)]
    seen, rows = set(), []
    for buyer_id, r in enumerate(records, start=1):
        if r["credit_code"] in seen:
            r["credit_code"] = ""
        seen.add(r["credit_code"])
        rows.append({"id": buyer_id, "name": r["name"], "name_norm": r["name"], "type": "distributor",
                     "credit_code": r["credit_code"] or None, "county_code": r["county_code"],
                     "province_code": regions.province_code(r["county_code"]), "address": r["address"],
                     "products_of_interest": [], "preferred_origin_codes": [], "delivery_region_codes": [],
                     "source": "bench", "active": True, "version": 1})
    db.session.execute(sa.insert(BuyerOrg.__table__), rows)
    ids = [row["id"] for row in rows]
    db.session.execute(sa.insert(BuyerContact.__table__), [{"buyer_id": i, "name": r["contact"], "phone": r["phone"], "role": "",
                                                 "email": "", "private": False} for i, r in zip(ids, records,
                                                                                                strict=True)])
    db.session.commit()
    return records


def incoming_rows(rng, places, existing, n):
    rows, originals, dup_existing, dup_file = [], [], 0, 0
    for i in range(n):
        roll = rng.random()
        if roll < 0.10:
            rows.append(variant(rng, rng.choice(existing)))
            dup_existing += 1
        elif roll < 0.12 and originals:
            rows.append(variant(rng, rng.choice(originals[-200:])))
            dup_file += 1
        else:
            originals.append(make_company(rng, places, 1_000_000 + i))
            rows.append(originals[-1])
    return rows, dup_existing, dup_file


def to_csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _k, label in IMPORT_COLUMNS])
    for r in rows:
        values = {"name": r["name"], "type": random.choice(TYPES), "credit_code": r["credit_code"],
                  "county_code": r["county_code"], "address": r["address"], "contact_name": r["contact"],
                  "phone": r["phone"]}
        writer.writerow([values.get(k, "") for k, _label in IMPORT_COLUMNS])
    return buffer.getvalue().encode("utf-8")


def baseline(incoming, existing, sample):
    """Every sampled incoming name against every existing name with WRatio in a Python loop."""
    names = [r["name"] for r in existing]
    started = time.perf_counter()
    for row in incoming[:sample]:
        best = 0.0
        for name in names:
            score = fuzz.WRatio(row["name"], name)
            if score > best:
                best = score
    elapsed = time.perf_counter() - started
    return elapsed, elapsed / sample * len(incoming)


def labelled_quality():
    from buyers import engine, quality

    path = ROOT / "tests" / "buyers" / "data" / "dedupe_pairs.jsonl"
    pairs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    existing = [engine.buyer_obj({**p["a"], "id": f"a{i}"}) for i, p in enumerate(pairs)]
    incoming = [engine.buyer_obj({**p["b"], "id": f"b{i}"}) for i, p in enumerate(pairs)]
    decisions = engine.dedupe(existing, incoming)
    result = quality.evaluate(pairs, decisions, [f"a{i}" for i in range(len(pairs))])
    return {k: v for k, v in result.items() if k not in ("misses", "false_alarms")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--existing", type=int, default=100_000)
    parser.add_argument("--incoming", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    from core import create_app
    from core.db import db

    load_start = f"{os.getloadavg()[0]:.1f}"
    tmp = tempfile.mkdtemp(prefix="bench-buyers-")
    url = args.database_url or f"sqlite:///{tmp}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://"),
                      "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789", "UPLOAD_FOLDER": tmp,
                      "ARGON2_PROFILE": "fast-insecure-for-tests", "APP_ENV": "testing", "JOBS_INLINE": True})
    rng = random.Random(2026)
    random.seed(2026)
    with app.app_context():
        db.drop_all()
        db.create_all()
        from accounts.services import create_user
        from buyers import import_jobs, imports
        from core import jobs

        admin = create_user("bench-admin@example.com", "bench password that is long 2026!", "admin")
        db.session.commit()
        places = counties()
        started = time.perf_counter()
        existing = seed_existing(db, rng, places, args.existing)
        seeded = time.perf_counter() - started
        rows, dup_existing, dup_file = incoming_rows(rng, places, existing, args.incoming)
        data = to_csv(rows)

        started = time.perf_counter()
        staged = import_jobs.start_stage(admin, "bench.csv", data)
        stage_job = jobs.wait(import_jobs.current_job(staged).id, timeout=1800)
        stage_time = time.perf_counter() - started
        assert stage_job.status == "finished" and stage_job.result["ok"], (stage_job.error, stage_job.result)
        counts = dict(stage_job.result["counts"])
        phases = dict(stage_job.result["timing"])
        started = time.perf_counter()
        imports.decide(admin, staged.id, {}, rest="new")
        import_jobs.start_commit(admin, staged.id)
        commit_job = jobs.wait(import_jobs.current_job(staged).id, timeout=1800)
        commit_time = time.perf_counter() - started
        assert commit_job.status == "finished" and commit_job.result["ok"], (commit_job.error, commit_job.result)
        result = commit_job.result
        total = stage_time + commit_time
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        base_sample, base_total = baseline(rows, existing, args.sample)
        quality = labelled_quality()

    print(f"machine: {platform.platform()} | python {platform.python_version()} | cpus {os.cpu_count()} | "
          f"load average at start {load_start} / at end {os.getloadavg()[0]:.1f} (the cores are shared)")
    print(f"database: {'sqlite (temporary file)' if not args.database_url else args.database_url.split('@')[-1]}")
    print(f"existing buyers: {args.existing:,} (seeded in {seeded:.1f} s) | incoming rows: {args.incoming:,} "
          f"({dup_existing:,} written as variants of existing buyers, {dup_file:,} repeated within the file)")
    print(f"decisions: {json.dumps(counts, ensure_ascii=False)} | created {result['created']:,}")
    print(f"import jobs: stage (check+read+validate+dedupe+preview) {stage_time:.1f} s + commit (decide+insert) "
          f"{commit_time:.1f} s "
          f"= {total:.1f} s end to end (target < 60 s) | peak RSS {peak_mb:,.0f} MB")
    print(f"stage phases (s): {json.dumps(phases)}")
    print(f"baseline WRatio loop: {args.sample} incoming x {args.existing:,} existing in {base_sample:.1f} s -> "
          f"{base_total:,.0f} s extrapolated to {args.incoming:,} rows")
    print(f"speed-up vs baseline: {base_total / total:,.0f}x (target >= 20x)")
    print(f"labelled pairs: {json.dumps(quality, ensure_ascii=False)}")


if __name__ == "__main__":
    main()
