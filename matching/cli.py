"""Command line: the same code path as the app.

    python -m matching rank --listings L.jsonl --demands D.jsonl --top 10 [--catalogue FILE] > matches.jsonl
    python -m matching allocate --listings L.jsonl --demands D.jsonl [--top 10] [--matches M.jsonl] > allocation.jsonl
    python -m matching dedupe --existing E.jsonl --incoming N.jsonl > decisions.jsonl

Input: one JSON object per line (unknown fields ignored). A malformed line is reported on
stderr with its file and line number and skipped; the exit status is 1 if any line was skipped
(the output still covers every good line), 2 for a usage error, 0 otherwise.

Big inputs are ranked on both cores by forked worker processes when the cores are not
already busy (matching/parallel.py); MATCHING_WORKERS=1 keeps everything in one process. The
output is the same either way. `rank` stores its candidates in a cache keyed by the bytes of
the input files (matching/rankcache.py), so `allocate` on the same files does not rank again;
--no-cache turns that off.
"""
from __future__ import annotations

import argparse
import gc
import json
import sys

import orjson

from . import rankcache
from .allocation import allocate_tables
from .catalogue import Catalogue
from .entity_resolution import dedupe
from .prepare import demand_table, listing_table
from .rank import rank_tables
from .records import BuyerRecord, Demand, Listing, RecordError
from .scoring import merge_weights


class Reader:
    """Reads JSONL records, collecting line-numbered errors instead of failing."""

    def __init__(self):
        self.skipped = 0

    def read(self, path: str, cls) -> list:
        with open(path, encoding="utf-8-sig") as fh:
            lines = fh.read().splitlines()
        return self._records(path, lines, cls)

    def _records(self, path: str, lines: list[str], cls) -> list:
        parsed = _parse_all(lines)
        records, seen = [], set()
        for number, (line, data) in enumerate(zip(lines, parsed, strict=False), 1):
            if not line.strip():
                continue
            try:
                if data is _BAD:
                    json.loads(line)  # raises the decoder's own message
                record = cls.from_dict(data)
                if record.id in seen:
                    raise RecordError("id", f"duplicate id {record.id!r}")
                seen.add(record.id)
                records.append(record)
            except (ValueError, RecordError) as exc:  # JSONDecodeError is a ValueError
                self.skipped += 1
                print(f"{path}:{number}: skipped: {exc}", file=sys.stderr)
        return records

    def read_table(self, path: str, cls, table_fn, catalogue):
        """Records and their prepared table. (Parsing in worker processes was tried and
        dropped: shipping 100,000 records back cost more CPU than it saved on two cores.)"""
        records = self.read(path, cls)
        return records, table_fn(records, catalogue)


_BAD = object()
def _parse_all(lines: list[str]) -> list:
    """Parse every line; one json.loads call for the whole file when it is clean (much faster
    than one call per line), line by line otherwise."""
    stripped = [line.strip() for line in lines]
    if all(not t or (t[0] == "{" and t[-1] == "}") for t in stripped):
        text = "[" + ",".join(t or "null" for t in stripped) + "]"
        try:  # orjson is ~3x faster; it rejects NaN and lone surrogates, which json reads
            values = orjson.loads(text)
        except orjson.JSONDecodeError:
            values = None
        try:
            if values is None:
                values = json.loads(text)
            if len(values) == len(lines) and all(isinstance(v, dict) or not t
                                                 for v, t in zip(values, stripped, strict=False)):
                return values
        except ValueError:
            pass
    out = []
    for line in lines:
        try:
            out.append(json.loads(line) if line.strip() else None)
        except ValueError:
            out.append(_BAD)
    return out


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
    listings, lt = reader.read_table(args.listings, Listing, listing_table, catalogue)
    demands, dt = reader.read_table(args.demands, Demand, demand_table, catalogue)
    weights = _weights(args.weights)
    ranked = rank_tables(dt, lt, args.top, weights, reasons="json", parallel_ok=True)
    if not args.no_cache:  # for an `allocate` on the same files (see matching/rankcache.py)
        rankcache.save(_cache_key(args, weights), ranked)
    # written as text: the reasons are already JSON, which saves building 10 dicts per match
    ids = [json.dumps(x.id, ensure_ascii=False) for x in listings]
    out = sys.stdout
    for demand, items in zip(demands, ranked, strict=False):
        matches = ",".join(f'{{"listing_id":{ids[j]},"score":{round(s, 4)!r},"reasons":{r}}}'
                           for s, j, r in items)
        out.write(f'{{"demand_id":{json.dumps(demand.id, ensure_ascii=False)},"matches":[{matches}]}}\n')


def run_allocate(args, reader: Reader) -> None:
    catalogue = Catalogue.load(args.catalogue)
    listings, lt = reader.read_table(args.listings, Listing, listing_table, catalogue)
    demands, dt = reader.read_table(args.demands, Demand, demand_table, catalogue)
    if args.matches:  # reuse the candidates of an earlier `rank` run instead of ranking again
        ranked = _read_matches(args.matches, listings, demands, args.top, reader)
    else:
        weights = _weights(args.weights)
        ranked = None if args.no_cache else rankcache.load(_cache_key(args, weights), len(demands))
        if ranked is None:
            ranked = rank_tables(dt, lt, args.top, weights, reasons="none", parallel_ok=True)
    _write(allocate_tables(dt, lt, ranked))


def _cache_key(args, weights: dict | None) -> str:
    return rankcache.key(args.listings, args.demands, args.catalogue, args.top, merge_weights(weights))


def _read_matches(path: str, listings, demands, top: int, reader: Reader) -> list:
    listing_row = {x.id: i for i, x in enumerate(listings)}
    demand_row = {d.id: i for i, d in enumerate(demands)}
    ranked: list = [[] for _ in demands]
    with open(path, encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                d = demand_row[row["demand_id"]]
                ranked[d] = [(float(m["score"]), listing_row[m["listing_id"]], None)
                             for m in row["matches"][:top]]
            except (ValueError, KeyError, TypeError) as exc:
                reader.skipped += 1
                print(f"{path}:{number}: skipped: unknown id or bad match line ({exc!r})", file=sys.stderr)
    return ranked


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
        p.add_argument("--no-cache", action="store_true",
                       help="neither reuse nor store ranked candidates (matching/rankcache.py)")
        if name == "allocate":
            p.add_argument("--matches", default=None,
                           help="rank output to allocate over (skips ranking again)")
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
    # The cyclic garbage collector is paused for the command: reading 100,000 records makes
    # millions of objects and none of them form cycles, yet each collection scans them all
    # (measured: about a third of the reading time). Memory is freed by reference counting.
    collecting = gc.isenabled()
    gc.disable()
    try:
        args.func(args, reader)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        if collecting:
            gc.enable()
    return 1 if reader.skipped else 0
