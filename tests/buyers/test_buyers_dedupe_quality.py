"""De-duplication quality through the import (the app path): labelled pairs in tests/buyers/data.

Every pair's first record is put in the buyer database, every second record is imported in one CSV file;
the import's decisions are scored with buyers.quality. "Precision and recall" of issue #4 (see
buyers.quality): of the flagged rows (duplicate or possible, what the official sees) and of the automatic
duplicates; all four figures must stay >= 0.95 on dedupe_pairs.jsonl, and the two different 绿源 companies
stay apart. The hand-written held-out sets (dedupe_heldout*.jsonl) are reported apart.
"""
import csv
import io
import json
from pathlib import Path

import pytest
from helpers import finish_jobs

from buyers import import_jobs, imports, quality, services
from buyers.columns import IMPORT_COLUMNS

DATA = Path(__file__).parent / "data"
PAIRS = DATA / "dedupe_pairs.jsonl"
MEASURES = ("auto_precision", "auto_recall", "flagged_precision", "flagged_recall")


def load_pairs(path: Path = PAIRS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


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


def import_pairs(admin, pairs: list[dict]) -> tuple[dict, list[dict]]:
    """Puts each a in the database, imports every b in one file: (quality figures, the import's rows)."""
    a_ids = [put_in_database(admin, p["a"]) for p in pairs]
    staged = import_jobs.start_stage(admin, "pairs.csv", to_csv([p["b"] for p in pairs]))
    finish_jobs()
    _record, payload = imports.load(admin, staged.id)
    assert not payload["errors"] and len(payload["rows"]) == len(pairs)
    return quality.evaluate(pairs, payload["rows"], a_ids), payload["rows"]


@pytest.mark.slow
def test_labelled_pairs_precision_and_recall(admin):
    pairs = load_pairs()
    assert len(pairs) >= 200 and {p["kind"] for p in pairs} >= {"credit_code", "renamed_branch",
                                                               "same_brand_other_province", "same_name_other_city",
                                                               "short_name_same_address"}
    result, rows = import_pairs(admin, pairs)
    print(json.dumps(result, ensure_ascii=False))
    assert all(result[measure] >= 0.95 for measure in MEASURES), result
    lvyuan = [(p, row) for p, row in zip(pairs, rows, strict=True)
              if p["kind"] == "same_brand_other_province" and "绿源" in p["a"]["name"]]
    assert len(lvyuan) >= 2 and all(row["decision"] == "new" for _p, row in lvyuan)


# Hand-written sets nobody tuned the rules on when they were written (see their make_*.py): the figures estimate
# quality on unseen names. dedupe_heldout.jsonl was read pair by pair after its first measurement and guided
# the second round of rules, so dedupe_heldout2.jsonl (written before that round) is the honest one now. The
# floors guard against a regression below the level first measured after tuning; they are not targets.
HELD_OUT_FLOORS = {"dedupe_heldout.jsonl": 0.9, "dedupe_heldout2.jsonl": 0.7}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HELD_OUT_FLOORS))
def test_held_out_pairs_are_reported_apart(admin, name):
    pairs = load_pairs(DATA / name)
    assert len(pairs) >= 50
    result, _rows = import_pairs(admin, pairs)
    print(name, json.dumps(result, ensure_ascii=False))
    assert all(result[measure] >= HELD_OUT_FLOORS[name] for measure in MEASURES), result


def test_the_official_sees_why_a_row_is_only_possible(client, login_as, make_org):
    """Same trade name, another city of the province, one phone: possible, and the preview says the places
    differ (the reasons shown must be the ones that decided)."""
    make_org("赣州绿源商贸有限公司", county_code="360702", contacts=[{"name": "钟丽", "phone": "13907970011"}])
    login_as("official", region_code="360000")
    row = {"name": "吉安绿源商贸有限公司", "credit_code": "", "county_code": "360802", "address": "",
           "contact_name": "肖华", "phones": ["13907970011"]}
    response = client.post("/buyers/admin/import", data={"file": (io.BytesIO(to_csv([row])), "buyers.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    finish_jobs()  # the check runs as a background job
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "疑似重复" in page and "名称或地址所示地区不同" in page


def test_evaluate_counts_correctly():
    pairs = [{"same": True, "kind": "x"}, {"same": True, "kind": "y"}, {"same": False, "kind": "z"},
             {"same": False, "kind": "w"}]
    decisions = [{"decision": "duplicate", "of": 1}, {"decision": "new", "of": None},
                 {"decision": "duplicate", "of": 3}, {"decision": "possible", "of": 4}]
    result = quality.evaluate(pairs, decisions, [1, 2, 3, 4])
    assert result["auto_precision"] == 0.5 and result["auto_recall"] == 0.5
    assert result["flagged_recall"] == 0.5 and result["flagged_precision"] == round(1 / 3, 4)
    assert result["misses"] == ["y"] and result["false_alarms"] == ["z", "w"]
