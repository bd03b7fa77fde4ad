"""Benchmark: buyer de-duplication of 100,000 incoming records against 100,000 existing ones
through the CLI code path (python -m matching dedupe), against the baseline of comparing every
incoming name with every existing name with rapidfuzz.fuzz.WRatio in a Python loop, measured on
a sample of incoming rows in the same run and extrapolated to all pairs.

    /work/devenv/bin/python bench/bench_dedupe.py [--existing 100000] [--incoming 100000] [--sample 20]

Synthetic data: names from brand x trade x company-form lists with region prefixes of real
counties; 20% of incoming rows are variants of existing companies (prefix/suffix changes,
brackets, full-width, a shared phone or the credit code), 5% repeat earlier incoming rows.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz  # noqa: E402

from matching import cli  # noqa: E402
from matching.regions import region_names  # noqa: E402

OUT = ROOT / "bench" / "out"
SYLLABLES = list("绿源丰华金穗农鑫盛嘉禾田园兴果多鲜惠野青山红星大地富民康天润瑞中和益春晖佳宏达顺众聚德恒优鸿运福满林海湘赣楚秦巴蜀云岭黔闽粤桂川豫")
TRADES = ["农业发展", "农产品", "商贸", "果蔬", "食品", "生态农业", "供应链管理", "电子商务", "农副产品", "超市", "餐饮管理"]
FORMS = ["有限公司", "有限责任公司", "股份有限公司", "农民专业合作社"]
FULL = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789()"})


def generate(n_existing: int, n_incoming: int, seed: int = 5) -> tuple[Path, Path]:
    rng = random.Random(seed)
    regions = [(name, code) for name, code in region_names().items() if len(code) == 6 and code != "000000"]
    def phone():
        return "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))
    def company(i):
        name, code = rng.choice(regions)
        brand = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice([2, 2, 3])))
        return {"id": f"E{i}", "name": f"{name}{brand}{rng.choice(TRADES)}{rng.choice(FORMS)}",
                "credit_code": "", "county_code": code if not code.endswith("00") else None,
                "address": f"{name}人民路{rng.randrange(1, 500)}号", "phones": [phone()], "contact_name": ""}
    existing = [company(i) for i in range(n_existing)]
    incoming = []
    for i in range(n_incoming):
        roll = rng.random()
        if roll < 0.2:
            src = rng.choice(existing)
            name = src["name"].replace("有限公司", "有限责任公司") if rng.random() < 0.5 else src["name"]
            rec = {**src, "name": name.translate(FULL), "phones": src["phones"] if rng.random() < 0.5 else []}
        elif roll < 0.25 and incoming:
            rec = dict(rng.choice(incoming))
        else:
            rec = company(i)
        rec["id"] = f"N{i}"
        incoming.append(rec)
    OUT.mkdir(parents=True, exist_ok=True)
    paths = OUT / "buyers_existing.jsonl", OUT / "buyers_incoming.jsonl"
    for path, rows in zip(paths, (existing, incoming), strict=False):
        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return paths


def baseline_seconds_per_pair(epath: Path, npath: Path, sample: int) -> tuple[float, int]:
    names_e = [json.loads(x)["name"] for x in epath.open(encoding="utf-8")]
    names_n = [json.loads(x)["name"] for x in npath.open(encoding="utf-8")][:sample]
    start = time.perf_counter()
    best = 0.0
    for a in names_n:
        for b in names_e:  # the naive loop the issue asks to compare against
            score = fuzz.WRatio(a, b)
            best = max(best, score)
    elapsed = time.perf_counter() - start
    return elapsed / (len(names_n) * len(names_e)), len(names_n) * len(names_e)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--existing", type=int, default=100_000)
    parser.add_argument("--incoming", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=20)
    args = parser.parse_args()
    print(f"machine: {platform.platform()}, python {platform.python_version()}, cpus {os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.1f} (other processes share the cores)")
    epath, npath = generate(args.existing, args.incoming)
    start, cpu = time.perf_counter(), time.process_time()
    with (OUT / "decisions.jsonl").open("w", encoding="utf-8") as fh, contextlib.redirect_stdout(fh):
        status = cli.main(["dedupe", "--existing", str(epath), "--incoming", str(npath)])
    ours = time.perf_counter() - start
    cpu = time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts: dict[str, int] = {}
    for line in (OUT / "decisions.jsonl").open(encoding="utf-8"):
        decision = json.loads(line)["decision"]
        counts[decision] = counts.get(decision, 0) + 1
    print(f"dedupe {args.incoming} incoming vs {args.existing} existing: {ours:.2f} s wall, {cpu:.2f} s cpu (target < 60 s), "
          f"exit {status}, decisions {counts}, peak RSS {peak_mb:.0f} MB")
    per_pair, pairs = baseline_seconds_per_pair(epath, npath, args.sample)
    total_pairs = args.existing * args.incoming
    extrapolated = per_pair * total_pairs
    print(f"baseline WRatio loop: {pairs} pairs measured, {per_pair * 1e9:.0f} ns/pair -> "
          f"{extrapolated:.0f} s extrapolated for {total_pairs:.2e} pairs")
    print(f"speed-up: {extrapolated / ours:.0f}x (target >= 20x)")


if __name__ == "__main__":
    main()
