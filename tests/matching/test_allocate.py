from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import Demand, Listing, allocate, explain

WINDOW = {"available_from": "2026-09-01", "available_to": "2026-10-31"}
NEED = {"needed_from": "2026-09-10", "needed_to": "2026-09-30"}


def listing(id, qty, unit="公斤", **kw):
    return Listing.from_dict({"id": id, "product": "苹果", "quantity": qty, "unit": unit, **WINDOW, **kw})


def demand(id, qmax, unit="公斤", qmin=None, **kw):
    return Demand.from_dict({"id": id, "product": "苹果", "quantity_min": qmin, "quantity_max": qmax,
                             "unit": unit, **NEED, **kw})


def totals(rows):
    by_listing, by_demand = defaultdict(float), defaultdict(float)
    for r in rows:
        by_listing[r["listing_id"]] += r.get("quantity_kg", r.get("quantity", 0))
        by_demand[r["demand_id"]] += r.get("quantity_kg", r.get("quantity", 0))
    return by_listing, by_demand


def test_allocation_serves_demand_without_overcommitting(catalogue):
    ls = [listing("a", 1, unit="吨"), listing("b", 600)]
    ds = [demand("x", 800), demand("y", 700)]
    rows = allocate(ds, ls, catalogue=catalogue)
    by_listing, by_demand = totals(rows)
    assert by_listing["a"] <= 1000 + 1e-6 and by_listing["b"] <= 600 + 1e-6
    assert by_demand["x"] <= 800 + 1e-6 and by_demand["y"] <= 700 + 1e-6
    assert sum(by_demand.values()) == pytest.approx(1500)  # all demand is served
    assert all({"listing_id", "demand_id", "quantity_kg", "score"} <= set(r) for r in rows)


def test_count_units_allocate_in_units(catalogue):
    ls = [Listing.from_dict({"id": "pigs", "product": "生猪", "quantity": 30, "unit": "头", **WINDOW})]
    ds = [Demand.from_dict({"id": "want", "product": "猪", "quantity_max": 20, "unit": "头", **NEED})]
    assert allocate(ds, ls, catalogue=catalogue) == [
        {"listing_id": "pigs", "demand_id": "want", "quantity": 20.0, "unit": "头",
         "score": allocate(ds, ls, catalogue=catalogue)[0]["score"]}]


@pytest.mark.parametrize("milp_limit", [10_000, 0])  # exact MILP, then LP + repair
def test_minimum_order_is_respected(catalogue, monkeypatch, milp_limit):
    import matching.allocation as mod
    monkeypatch.setattr(mod, "MILP_MAX_EDGES", milp_limit)
    ls = [listing("big_min", 1000, min_order=400), listing("free", 300)]
    ds = [demand("x", 350), demand("y", 500)]
    rows = allocate(ds, ls, catalogue=catalogue)
    for r in rows:
        if r["listing_id"] == "big_min":
            assert r["quantity_kg"] >= 400 - 1e-6
    by_listing, by_demand = totals(rows)
    assert by_listing["big_min"] <= 1000 + 1e-6 and by_listing["free"] <= 300 + 1e-6
    assert by_demand["x"] <= 350 + 1e-6 and by_demand["y"] <= 500 + 1e-6
    assert sum(by_demand.values()) >= 800 - 1e-6  # 500 from big_min to y, 300 free to x


QTY = st.integers(1, 2000)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(QTY, st.sampled_from(["斤", "公斤", "吨"]), st.one_of(st.none(), st.integers(0, 800))),
                min_size=1, max_size=8),
       st.lists(st.tuples(QTY, st.sampled_from(["斤", "公斤"])), min_size=1, max_size=5),
       st.booleans())
def test_property_never_overcommits_and_respects_min_order(catalogue, raw_l, raw_d, exact):
    import matching.allocation as mod
    old = mod.MILP_MAX_EDGES
    mod.MILP_MAX_EDGES = 10_000 if exact else 0
    try:
        ls = [listing(f"L{i}", q, unit=u, min_order=m) for i, (q, u, m) in enumerate(raw_l)]
        ds = [demand(f"D{i}", q, unit=u) for i, (q, u) in enumerate(raw_d)]
        rows = allocate(ds, ls, catalogue=catalogue)
    finally:
        mod.MILP_MAX_EDGES = old
    kg = {"斤": 0.5, "公斤": 1.0, "吨": 1000.0}
    supply = {x.id: x.quantity * kg[x.unit] for x in ls}
    minimum = {x.id: (x.min_order or 0) * kg[x.unit] for x in ls}
    want = {d.id: d.quantity_max * kg[d.unit] for d in ds}
    by_listing, by_demand = totals(rows)
    for lid, q in by_listing.items():
        assert q <= supply[lid] * (1 + 1e-6) + 1e-6
    for did, q in by_demand.items():
        assert q <= want[did] * (1 + 1e-6) + 1e-6
    by_id = {x.id: x for x in ls}
    dem = {d.id: d for d in ds}
    for r in rows:
        assert r["quantity_kg"] > 0
        assert r["quantity_kg"] >= minimum[r["listing_id"]] - 1e-6
        assert explain(dem[r["demand_id"]], by_id[r["listing_id"]], catalogue=catalogue)["eligible"]
