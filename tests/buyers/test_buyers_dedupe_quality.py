"""De-duplication quality through the import (the app path): labelled pairs in tests/buyers/data.

Every pair's first record is put in the buyer database, every second record is imported in one CSV file;
the import's decisions are scored with buyers.quality. Guards: precision of automatic duplicates and
recall of flagged rows (duplicate or possible) both >= 0.95; the two different 绿源 companies stay apart.
"""
import csv
import io
import json
from pathlib import Path

import pytest
from helpers import finish_jobs

from buyers import import_jobs, imports, quality, services
from buyers.columns import IMPORT_COLUMNS

PAIRS = Path(__file__).parent / "data" / "dedupe_pairs.jsonl"


def load_pairs() -> list[dict]:
    return [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]


def to_csv(records: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _key, label in IMPORT_COLUMNS])
    for r in records:
        values = {"name": r["name"], "type": "经销商", "credit_code": r["credit_code"], "county_code": r["county_code"],
                  "address": r["address"], "contact_name": r["contact_name"], "phone": (r["phones"] or [""])[0]}
        writer.writerow([values.get(key, "") for key, _label in IMPORT_COLUMNS])
    return buffer.getvalue().encode("utf-8")


def put_in_database(admin, record: dict):
    contact = [{"name": record["contact_name"] or "联系人", "phone": record["phones"][0]}] if record["phones"] else []
    return services.create_org(admin, {**record, "type": "distributor"}, contact).id


@pytest.mark.slow
def test_labelled_pairs_precision_and_recall(admin):
    pairs = load_pairs()
    assert len(pairs) >= 200 and {p["kind"] for p in pairs} >= {"credit_code", "renamed_branch",
                                                               "same_brand_other_province"}
    a_ids = [put_in_database(admin, p["a"]) for p in pairs]
    staged = import_jobs.start_stage(admin, "pairs.csv", to_csv([p["b"] for p in pairs]))
    finish_jobs()
    _record, payload = imports.load(admin, staged.id)
    assert not payload["errors"] and len(payload["rows"]) == len(pairs)
    result = quality.evaluate(pairs, payload["rows"], a_ids)
    print(json.dumps(result, ensure_ascii=False))
    assert result["auto_precision"] >= 0.95, result
    assert result["flagged_recall"] >= 0.95, result
    lvyuan = [(p, row) for p, row in zip(pairs, payload["rows"], strict=True)
              if p["kind"] == "same_brand_other_province" and "绿源" in p["a"]["name"]]
    assert len(lvyuan) >= 2 and all(row["decision"] == "new" for _p, row in lvyuan)


def test_evaluate_counts_correctly():
    pairs = [{"same": True, "kind": "x"}, {"same": True, "kind": "y"}, {"same": False, "kind": "z"},
             {"same": False, "kind": "w"}]
    decisions = [{"decision": "duplicate", "of": 1}, {"decision": "new", "of": None},
                 {"decision": "duplicate", "of": 3}, {"decision": "possible", "of": 4}]
    result = quality.evaluate(pairs, decisions, [1, 2, 3, 4])
    assert result["auto_precision"] == 0.5 and result["auto_recall"] == 0.5
    assert result["flagged_recall"] == 0.5 and result["flagged_precision"] == round(1 / 3, 4)
    assert result["misses"] == ["y"] and result["false_alarms"] == ["z", "w"]
