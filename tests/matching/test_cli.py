import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "matching", *args], cwd=ROOT, capture_output=True, check=False,
                          text=True, encoding="utf-8", timeout=120, env={**os.environ, **(env or {})})


def write(path, rows):
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    return str(path)


LISTINGS = [
    {"id": "L1", "product": "红富士苹果", "quantity": 2, "unit": "吨", "price": 2.5, "price_unit": "元/斤",
     "available_from": "2026-09-01", "available_to": "2026-11-30", "county_code": "610321", "extra": "ignored"},
    {"id": "L2", "product": "延边苹果梨", "quantity": 800, "unit": "公斤", "price": 4, "price_unit": "元/公斤"},
    "{not json",
    {"id": "L3", "product": "苹果", "quantity": -5, "unit": "公斤"},
    {"id": "L4", "product": "蘋果", "quantity": 300, "unit": "公斤", "price": None},
]
DEMANDS = [{"id": "D1", "product": "苹果", "quantity_min": 500, "quantity_max": 1500, "unit": "公斤",
            "price_max": 6, "price_unit": "元/公斤", "needed_from": "2026-10-01", "needed_to": "2026-10-31"}]


def test_rank_cli(tmp_path):
    result = run("rank", "--listings", write(tmp_path / "l.jsonl", LISTINGS),
                 "--demands", write(tmp_path / "d.jsonl", DEMANDS), "--top", "10")
    assert result.returncode == 1  # two lines were skipped
    assert "l.jsonl:3:" in result.stderr and "l.jsonl:4: skipped: quantity" in result.stderr
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [x["demand_id"] for x in lines] == ["D1"]
    matches = lines[0]["matches"]
    assert [m["listing_id"] for m in matches][:2] == ["L1", "L4"]
    assert all(set(m) == {"listing_id", "score", "reasons"} for m in matches)


def test_allocate_cli_clean_input_exits_zero(tmp_path):
    good = [x for x in LISTINGS if isinstance(x, dict) and x["quantity"] > 0]
    result = run("allocate", "--listings", write(tmp_path / "l.jsonl", good),
                 "--demands", write(tmp_path / "d.jsonl", DEMANDS))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert sum(r["quantity_kg"] for r in rows) <= 1500 + 1e-6
    assert {r["listing_id"] for r in rows} <= {"L1", "L4"}
    assert all({"listing_id", "demand_id", "quantity_kg", "score"} == set(r) for r in rows)


def test_dedupe_cli(tmp_path):
    existing = [{"id": "E1", "name": "江西省绿源农业发展有限公司", "county_code": "360732", "phones": ["13800001111"]}]
    incoming = [{"id": "N1", "name": "绿源农业发展有限公司", "phones": ["138-0000-1111"], "unknown": 1},
                {"id": "N2", "name": "湖北绿源农业发展有限公司", "county_code": "420102"},
                {"id": "N3", "name": "湖北绿源农业发展有限公司", "county_code": "420102", "phones": ["02788886666"]},
                '{"id": "N4"}']
    result = run("dedupe", "--existing", write(tmp_path / "e.jsonl", existing),
                 "--incoming", write(tmp_path / "n.jsonl", incoming))
    assert result.returncode == 1 and "n.jsonl:4: skipped: name" in result.stderr
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert [(r["id"], r["decision"], r["of"]) for r in rows] == [
        ("N1", "duplicate", "E1"), ("N2", "new", None), ("N3", "duplicate", "N2")]
    assert all(set(r) == {"id", "decision", "of", "score", "reasons"} for r in rows)


def test_usage_errors(tmp_path):
    assert run("rank", "--listings", str(tmp_path / "missing.jsonl"), "--demands", "x").returncode == 2
    assert run("frobnicate").returncode == 2


def test_rank_cli_output_equals_the_library(tmp_path):
    from matching import Demand, Listing, rank
    good = [x for x in LISTINGS if isinstance(x, dict) and x["quantity"] > 0]
    result = run("rank", "--listings", write(tmp_path / "l.jsonl", good),
                 "--demands", write(tmp_path / "d.jsonl", DEMANDS), "--top", "3")
    assert result.returncode == 0, result.stderr
    cli_rows = [json.loads(x) for x in result.stdout.splitlines()]
    lib_rows = rank([Demand.from_dict(d) for d in DEMANDS], [Listing.from_dict(x) for x in good], top=3)
    assert cli_rows == json.loads(json.dumps(lib_rows, ensure_ascii=False))


def test_parallel_path_gives_the_same_output(tmp_path):
    rows = [{**x, "id": f"{x['id']}-{k}"} for k in range(6) for x in LISTINGS if isinstance(x, dict)]
    rows.insert(3, "{broken")
    demands = [{**DEMANDS[0], "id": f"D{k}"} for k in range(4)] + [{**DEMANDS[0], "id": "E", "product": "梨"}]
    files = ["--listings", write(tmp_path / "l.jsonl", rows), "--demands", write(tmp_path / "d.jsonl", demands)]
    small = {"MATCHING_PARALLEL_MIN_CELLS": "1"}
    for command in ("rank", "allocate"):
        one = run(command, *files, env={**small, "MATCHING_WORKERS": "1"})
        two = run(command, *files, env={**small, "MATCHING_WORKERS": "2"})
        assert one.returncode == two.returncode == 1
        assert one.stdout == two.stdout and one.stdout
        assert one.stderr == two.stderr and ":4: skipped" in one.stderr


def test_allocate_from_rank_output_equals_allocate(tmp_path):
    good = [x for x in LISTINGS if isinstance(x, dict) and x["quantity"] > 0]
    files = ["--listings", write(tmp_path / "l.jsonl", good), "--demands", write(tmp_path / "d.jsonl", DEMANDS)]
    ranked = run("rank", *files)
    (tmp_path / "m.jsonl").write_text(ranked.stdout, encoding="utf-8")
    direct = run("allocate", *files)
    reused = run("allocate", *files, "--matches", str(tmp_path / "m.jsonl"))
    assert direct.returncode == reused.returncode == 0
    assert direct.stdout == reused.stdout and direct.stdout
    (tmp_path / "bad.jsonl").write_text('{"demand_id": "nope", "matches": []}\n', encoding="utf-8")
    assert run("allocate", *files, "--matches", str(tmp_path / "bad.jsonl")).returncode == 1
