"""Build refdata/catalogue.csv from the hand-curated seed (matching/tools/catalogue_seed.txt).

Adds the derived columns: `traditional` (OpenCC s2t of the name) and `pinyin` (toneless, space
separated syllables of the name, pypinyin with phrase context). Fails on a malformed line, an
unknown category, a duplicate code, or an alias that would name two products.

    /work/devenv/bin/python -m matching.tools.build_catalogue
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import opencc
from pypinyin import Style, lazy_pinyin

CATEGORIES = ("fruit", "vegetables", "grain_oil", "livestock", "aquatic",
              "tea", "fungi", "nuts_dried", "herbs", "processed")
COLUMNS = ("code", "category", "name", "aliases", "traditional", "pinyin", "english")
ROOT = Path(__file__).resolve().parents[2]
SEED = Path(__file__).with_name("catalogue_seed.txt")
OUT = ROOT / "refdata" / "catalogue.csv"


def parse_seed(path: Path = SEED) -> list[dict]:
    rows, seen_codes, seen_terms = [], set(), {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 5:
            raise ValueError(f"line {number}: expected 5 fields, got {len(parts)}")
        code, category, name, aliases, english = parts
        if category not in CATEGORIES:
            raise ValueError(f"line {number}: unknown category {category!r}")
        if code in seen_codes or not code.isascii():
            raise ValueError(f"line {number}: duplicate or non-ASCII code {code!r}")
        seen_codes.add(code)
        alias_list = [a for a in aliases.split() if a and a != name]
        for term in [name, *alias_list]:
            if term in seen_terms and seen_terms[term] != code:
                raise ValueError(f"line {number}: {term!r} already names {seen_terms[term]}")
            seen_terms[term] = code
        rows.append({"code": code, "category": category, "name": name,
                     "aliases": "|".join(dict.fromkeys(alias_list)),
                     "english": "|".join(e.strip() for e in english.split(";") if e.strip())})
    return rows


def add_derived(rows: list[dict]) -> list[dict]:
    s2t = opencc.OpenCC("s2t")
    for row in rows:
        row["traditional"] = s2t.convert(row["name"])
        row["pinyin"] = " ".join(lazy_pinyin(row["name"], style=Style.NORMAL))
    return rows


def main(out: Path = OUT) -> int:
    rows = add_derived(parse_seed())
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    counts = {c: sum(r["category"] == c for r in rows) for c in CATEGORIES}
    print(f"wrote {len(rows)} products to {out}: {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
