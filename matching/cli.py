"""Command line: the same code path as the app.

    python -m matching rank --listings L.jsonl --demands D.jsonl --top 10 [--catalogue FILE] > matches.jsonl
    python -m matching allocate --listings L.jsonl --demands D.jsonl [--top 10] > allocation.jsonl
    python -m matching dedupe --existing E.jsonl --incoming N.jsonl > decisions.jsonl

Input: one JSON object per line (unknown fields ignored). A malformed line is reported on
stderr with its file and line number and skipped; the exit status is 1 if any line was skipped
(the output still covers every good line), 2 for a usage error, 0 otherwise.
"""
from __future__ import annotations

import argparse
import json
import sys

from .allocate import allocate_tables
from .catalogue import Catalogue
from .dedupe import dedupe
from .prepare import demand_table, listing_table
from .rank import rank_tables
from .records import BuyerRecord, Demand, Listing, RecordError
from .scoring import merge_weights


class Reader:
    """Reads JSONL records, collecting line-numbered errors instead of failing."""

    def __init__(self):
        self.skipped = 0

    def read(self, path: str, cls) -> list:
        records, seen = [], set()
        with open(path, encoding="utf-8-sig") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    record = cls.from_dict(json.loads(line))
                    if record.id in seen:
                        raise RecordError("id", f"duplicate id {record.id!r}")
                    seen.add(record.id)
                    records.append(record)
                except (ValueError, RecordError) as exc:  # JSONDecodeError is a ValueError
                    self.skipped += 1
                    print(f"{path}:{number}: skipped: {exc}", file=sys.stderr)
        return records


def _write(rows) -> None:
    out = sys.stdout
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for row in rows:
        out.write(dumps(row))
        out.write("\n")


def _weights(text: str | None) -> dict | None:
    if not text:
        return None
    try:
        return merge_weights(json.loads(text))
    except (ValueError, TypeError) as exc:
        raise SystemExit(f"--weights: {exc}") from None


def run_rank(args, reader: Reader) -> None:
    catalogue = Catalogue.load(args.catalogue)
    listings, demands = reader.read(args.listings, Listing), reader.read(args.demands, Demand)
    dt, lt = demand_table(demands, catalogue), listing_table(listings, catalogue)
    ranked = rank_tables(dt, lt, args.top, _weights(args.weights))
    _write({"demand_id": d.id,
            "matches": [{"listing_id": listings[j].id, "score": round(s, 4), "reasons": r}
                        for s, j, r in items]}
           for d, items in zip(demands, ranked))


def run_allocate(args, reader: Reader) -> None:
    catalogue = Catalogue.load(args.catalogue)
    listings, demands = reader.read(args.listings, Listing), reader.read(args.demands, Demand)
    dt, lt = demand_table(demands, catalogue), listing_table(listings, catalogue)
    _write(allocate_tables(dt, lt, rank_tables(dt, lt, args.top, _weights(args.weights))))


def run_dedupe(args, reader: Reader) -> None:
    existing = reader.read(args.existing, BuyerRecord)
    incoming = reader.read(args.incoming, BuyerRecord)
    _write(dedupe(existing, incoming))


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m matching", description=__doc__.splitlines()[0])
    sub = top.add_subparsers(dest="command", required=True)
    for name, func in (("rank", run_rank), ("allocate", run_allocate)):
        p = sub.add_parser(name)
        p.add_argument("--listings", required=True)
        p.add_argument("--demands", required=True)
        p.add_argument("--top", type=int, default=10)
        p.add_argument("--catalogue", default=None)
        p.add_argument("--weights", default=None, help='JSON, e.g. {"poverty_county": 0.2}')
        p.set_defaults(func=func)
    p = sub.add_parser("dedupe")
    p.add_argument("--existing", required=True)
    p.add_argument("--incoming", required=True)
    p.set_defaults(func=run_dedupe)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "top", 1) < 1:
        print("--top must be at least 1", file=sys.stderr)
        return 2
    reader = Reader()
    try:
        args.func(args, reader)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 1 if reader.skipped else 0
