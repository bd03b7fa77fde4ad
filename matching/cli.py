"""Command line: the same code path as the app.

    python -m matching rank --listings L.jsonl --demands D.jsonl --top 10 [--catalogue FILE] > matches.jsonl
    python -m matching allocate --listings L.jsonl --demands D.jsonl [--top 10] > allocation.jsonl
    python -m matching dedupe --existing E.jsonl --incoming N.jsonl > decisions.jsonl

Input: one JSON object per line (unknown fields ignored). A malformed line is reported on
stderr with its file and line number and skipped; the exit status is 1 if any line was skipped
(the output still covers every good line), 2 for a usage error, 0 otherwise.

Big inputs are parsed and ranked on both cores by forked worker processes (matching/parallel.py);
MATCHING_WORKERS=1 keeps everything in one process. The output is the same either way.
"""
from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from . import parallel
from .allocation import allocate_tables
from .catalogue import Catalogue
from .entity_resolution import dedupe
from .prepare import STRINGS, Table, demand_table, interned, listing_table
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
        for number, (line, data) in enumerate(zip(lines, parsed), 1):
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
        """Records and their prepared table; big files are parsed on both cores."""
        with open(path, encoding="utf-8-sig") as fh:
            lines = fh.read().splitlines()
        if len(lines) < parallel.MIN_LINES or parallel.workers() <= 1:
            records = self._records(path, lines, cls)
            return records, table_fn(records, catalogue)
        half = len(lines) // 2
        results = parallel.run(_parse_part, [(0, half), (half, len(lines))],
                               {"lines": lines, "cls": cls, "table_fn": table_fn, "catalogue": catalogue})
        records, numbers, errors, tables = [], [], [], []
        for part_records, part_numbers, part_errors, part_table in results:
            records += part_records
            numbers += part_numbers
            errors += part_errors
            tables.append(part_table)
        seen, keep = set(), []
        for i, (record, number) in enumerate(zip(records, numbers)):
            if record.id in seen:
                errors.append((number, f"id: duplicate id {record.id!r}"))
            else:
                seen.add(record.id)
                keep.append(i)
        for number, message in sorted(errors):
            self.skipped += 1
            print(f"{path}:{number}: skipped: {message}", file=sys.stderr)
        table = _merge_tables(records, tables)
        if len(keep) < len(records):
            table = table.take(np.array(keep, dtype=np.int64))
            records = [records[i] for i in keep]
            table.records = records
        return records, table


_BAD = object()
_STRING_COLUMNS = ("name", "variety", "spec")


def _parse_part(bounds):
    """In a worker: parse lines[a:b] and build their table; strings travel as text."""
    shared = parallel.shared()
    a, b = bounds
    records, numbers, errors = [], [], []
    for offset, (line, data) in enumerate(zip(shared["lines"][a:b], _parse_all(shared["lines"][a:b]))):
        if not line.strip():
            continue
        try:
            if data is _BAD:
                json.loads(line)
            records.append(shared["cls"].from_dict(data))
            numbers.append(a + offset + 1)
        except (ValueError, RecordError) as exc:
            errors.append((a + offset + 1, str(exc)))
    table = shared["table_fn"](records, shared["catalogue"])
    cols = dict(table.cols)
    for name in _STRING_COLUMNS:
        cols[name] = [STRINGS[i] for i in cols[name]]
    return records, numbers, errors, cols


def _merge_tables(records, parts) -> Table:
    cols = {}
    for name in parts[0]:
        if name in _STRING_COLUMNS:
            cols[name] = interned(text for part in parts for text in part[name])
        else:
            cols[name] = np.concatenate([part[name] for part in parts])
    return Table(records, cols)


def _parse_all(lines: list[str]) -> list:
    """Parse every line; one json.loads call for the whole file when it is clean (much faster
    than one call per line), line by line otherwise."""
    stripped = [line.strip() for line in lines]
    if all(not t or (t[0] == "{" and t[-1] == "}") for t in stripped):
        try:
            values = json.loads("[" + ",".join(t or "null" for t in stripped) + "]")
            if len(values) == len(lines) and all(isinstance(v, dict) or not t
                                                 for v, t in zip(values, stripped)):
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
    ranked = rank_tables(dt, lt, args.top, _weights(args.weights), reasons="json",
                         parallel_ok=True)
    # written as text: the reasons are already JSON, which saves building 10 dicts per match
    ids = [json.dumps(x.id, ensure_ascii=False) for x in listings]
    out = sys.stdout
    for demand, items in zip(demands, ranked):
        matches = ",".join(f'{{"listing_id":{ids[j]},"score":{round(s, 4)!r},"reasons":{r}}}'
                           for s, j, r in items)
        out.write(f'{{"demand_id":{json.dumps(demand.id, ensure_ascii=False)},"matches":[{matches}]}}\n')


def run_allocate(args, reader: Reader) -> None:
    catalogue = Catalogue.load(args.catalogue)
    _listings, lt = reader.read_table(args.listings, Listing, listing_table, catalogue)
    _demands, dt = reader.read_table(args.demands, Demand, demand_table, catalogue)
    ranked = rank_tables(dt, lt, args.top, _weights(args.weights), reasons="none",
                         parallel_ok=True)
    _write(allocate_tables(dt, lt, ranked))


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
