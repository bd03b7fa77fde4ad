"""Labelled evaluation of ranking quality (eval_set.json, written by make_eval_set.py).

Metrics over the 66 demands, every listing of the set as the candidate pool, top 10:
precision@5, recall@10 (label >= 1 counts as relevant) and nDCG@10 (gain 2^label - 1).
Run with -s to see the figures. Also asserts that no returned pair breaks a hard constraint,
checked here independently of the library's own conversion code."""
import json
import math
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from matching import Demand, Listing, rank

DATA = json.loads(Path(__file__).with_name("eval_set.json").read_text(encoding="utf-8"))
KG = {"斤": 0.5, "公斤": 1.0, "吨": 1000.0, "克": 0.001}


@pytest.fixture(scope="module")
def results(catalogue):
    demands = [Demand.from_dict(d) for d in DATA["demands"]]
    listings = [Listing.from_dict(x) for x in DATA["listings"]]
    return rank(demands, listings, top=10, catalogue=catalogue)


def _labels():
    labels = defaultdict(dict)
    for j in DATA["judgements"]:
        labels[j["demand_id"]][j["listing_id"]] = j["label"]
    return labels


def _dcg(gains):
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def test_eval_set_is_big_enough():
    assert len(DATA["judgements"]) >= 300
    topics = {j["topic"] for j in DATA["judgements"]}
    assert {"synonym", "traditional", "pinyin", "initials", "english", "typo", "GI", "false friend",
            "price units", "certification", "dates"} <= topics


def test_ranking_quality(results):
    labels = _labels()
    p5, p5_attainable, r10, ndcg = [], [], [], []
    for row in results:
        truth = labels[row["demand_id"]]
        relevant = {lid for lid, g in truth.items() if g >= 1}
        ranked = [m["listing_id"] for m in row["matches"]]
        hits5 = sum(1 for lid in ranked[:5] if lid in relevant)
        p5.append(hits5 / 5)
        p5_attainable.append(hits5 / min(5, len(relevant)))
        r10.append(sum(1 for lid in ranked[:10] if lid in relevant) / len(relevant))
        gains = [2 ** truth.get(lid, 0) - 1 for lid in ranked[:10]]
        ideal = sorted((2 ** g - 1 for g in truth.values()), reverse=True)[:10]
        ndcg.append(_dcg(gains) / _dcg(ideal))
    def mean(xs):
        return sum(xs) / len(xs)
    print(f"\n[eval] demands={len(results)} judgements={len(DATA['judgements'])} "
          f"P@5={mean(p5):.3f} (P@5 over attainable min(5,|relevant|)={mean(p5_attainable):.3f}) "
          f"R@10={mean(r10):.3f} nDCG@10={mean(ndcg):.3f}")
    misses = [(r["demand_id"], round(n, 3)) for r, n in zip(results, ndcg, strict=False) if n < 0.9]
    print(f"[eval] demands with nDCG@10 < 0.9: {misses}")
    assert mean(ndcg) >= 0.95


def _kg(qty, unit, spec=""):
    if unit in KG:
        return qty * KG[unit]
    if "公斤/箱" in (spec or "") and unit == "箱":
        return qty * float(spec.split("公斤")[0])
    return None


def _price_per_kg(price, price_unit, unit_hint=None, spec=""):
    per = price_unit.split("/")[1]
    kg = _kg(1, per, spec)
    return None if kg is None else price / kg


def test_no_returned_match_breaks_a_hard_constraint(results):
    demands = {d["id"]: d for d in DATA["demands"]}
    listings = {x["id"]: x for x in DATA["listings"]}
    checked = 0
    for row in results:
        d = demands[row["demand_id"]]
        for m in row["matches"]:
            x = listings[m["listing_id"]]
            assert 0.0 <= m["score"] <= 1.0
            # date windows overlap
            assert date.fromisoformat(x["available_from"]) <= date.fromisoformat(d["needed_to"])
            assert date.fromisoformat(x["available_to"]) >= date.fromisoformat(d["needed_from"])
            # certifications held
            assert set(d.get("required_certifications", [])) <= set(x.get("certifications", []))
            # price within the ceiling, in one unit
            if d.get("price_max") is not None and x.get("price") is not None:
                lp = _price_per_kg(x["price"], x["price_unit"], spec=x.get("spec", ""))
                dp = _price_per_kg(d["price_max"], d["price_unit"])
                if lp is not None and dp is not None:
                    assert lp <= dp + 1e-9, (d["id"], x["id"])
                elif x["price_unit"] == d["price_unit"]:
                    assert x["price"] <= d["price_max"]
            # minimum order not above the demand's maximum
            if x.get("min_order"):
                lm, dm = _kg(x["min_order"], x["unit"]), _kg(d["quantity_max"], d["unit"])
                if lm is not None and dm is not None:
                    assert lm <= dm + 1e-9
            checked += 1
    assert checked > 100
