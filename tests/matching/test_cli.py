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


def test_values_only_the_standard_json_module_reads_are_handled_like_before(tmp_path):
    """orjson parses clean files; a file it rejects (NaN, a lone surrogate) falls back to the
    json module, so such a line is still read and then judged by the record's own checks."""
    from matching.cli import Reader
    from matching.records import Listing
    path = tmp_path / "l.jsonl"
    path.write_text('{"id": "L1", "product": "苹果", "quantity": 5, "unit": "公斤"}\n'
                    '{"id": "L2", "product": "苹果", "quantity": NaN, "unit": "公斤"}\n'
                    '{"id": "L3", "product": "苹果\\ud800", "quantity": 7, "unit": "公斤"}\n', encoding="utf-8")
    reader = Reader()
    records = reader.read(str(path), Listing)
    assert [r.id for r in records] == ["L1", "L3"]
    assert reader.skipped == 1


def test_allocate_after_rank_reuses_the_cache_and_gives_the_same_output(tmp_path):
    rows = [{**x, "id": f"{x['id']}-{k}", "quantity": 300 + 100 * k}
            for k in range(5) for x in LISTINGS if isinstance(x, dict) and x["quantity"] > 0]
    demands = [{**DEMANDS[0], "id": f"D{k}", "quantity_max": 600 + 200 * k} for k in range(4)]
    files = ["--listings", write(tmp_path / "l.jsonl", rows), "--demands", write(tmp_path / "d.jsonl", demands)]
    fresh = run("allocate", *files, "--no-cache")
    cache = Path(os.environ["MATCHING_CACHE_DIR"])
    assert not cache.exists() or not list(cache.glob("*.npz"))  # --no-cache stores nothing
    assert run("rank", *files).returncode == 0
    assert len(list(cache.glob("*.npz"))) == 1
    cached = run("allocate", *files)
    assert cached.returncode == fresh.returncode == 0
    assert cached.stdout == fresh.stdout and fresh.stdout


def test_a_changed_input_file_does_not_use_the_old_cache(tmp_path):
    good = [x for x in LISTINGS if isinstance(x, dict) and x["quantity"] > 0]
    listings = tmp_path / "l.jsonl"
    files = ["--listings", write(listings, good), "--demands", write(tmp_path / "d.jsonl", DEMANDS)]
    assert run("rank", *files).returncode == 0
    write(listings, [good[0]])  # L1 only: an allocation from the old cache would name L4
    rows = [json.loads(x) for x in run("allocate", *files).stdout.splitlines()]
    assert rows and {r["listing_id"] for r in rows} == {"L1"}
    assert rows == [json.loads(x) for x in run("allocate", *files, "--no-cache").stdout.splitlines()]


def test_cache_key_follows_top_and_weights(tmp_path):
    from matching import rankcache
    from matching.scoring import merge_weights
    paths = [write(tmp_path / "l.jsonl", LISTINGS[:2]), write(tmp_path / "d.jsonl", DEMANDS)]
    base = rankcache.key(*paths, None, 10, merge_weights(None))
    assert base == rankcache.key(*paths, None, 10, merge_weights(None))
    assert base != rankcache.key(*paths, None, 5, merge_weights(None))
    assert base != rankcache.key(*paths, None, 10, merge_weights({"poverty_county": 0.3}))


def test_cache_key_follows_the_region_reference_data(tmp_path, monkeypatch):
    from matching import rankcache
    from matching.scoring import merge_weights
    paths = [write(tmp_path / "l.jsonl", LISTINGS[:2]), write(tmp_path / "d.jsonl", DEMANDS)]
    poverty = tmp_path / "poverty.csv"
    poverty.write_text("code\n610321\n", encoding="utf-8")
    monkeypatch.setattr(rankcache, "_reference_files", lambda: [poverty])
    before = rankcache.key(*paths, None, 10, merge_weights(None))
    poverty.write_text("code\n610322\n", encoding="utf-8")
    assert rankcache.key(*paths, None, 10, merge_weights(None)) != before
