from matching import Demand, Listing, MatchIndex, rank

WINDOW = {"available_from": "2026-09-01", "available_to": "2026-10-31"}
NEED = {"needed_from": "2026-09-10", "needed_to": "2026-09-30", "quantity_min": 100, "quantity_max": 900}


def listing(id, product="苹果", **kw):
    return Listing.from_dict({"id": id, "product": product, "quantity": 1000, "unit": "公斤", **WINDOW, **kw})


def demand(id, product="苹果", **kw):
    return Demand.from_dict({"id": id, "product": product, "unit": "公斤", **NEED, **kw})


def build(catalogue):
    index = MatchIndex(catalogue=catalogue, top=3)
    ls = [listing("a1", price=3, price_unit="元/公斤"), listing("a2", price=5, price_unit="元/公斤"),
          listing("p1", product="梨"), listing("e1", product="鸡蛋")]
    ds = [demand("da", price_max=4, price_unit="元/公斤"), demand("de", product="土鸡蛋"),
          demand("dp", product="梨")]
    for d in ds:
        index.upsert_demand(d)
    for x in ls:
        index.upsert_listing(x)
    return index, ls, ds


def same(index, ls, ds, catalogue):
    batch = rank(ds, ls, top=3, catalogue=catalogue)
    for row in batch:
        got = index.matches(row["demand_id"])
        assert [(m["listing_id"], m["score"]) for m in got] == \
               [(m["listing_id"], m["score"]) for m in row["matches"]]


def test_incremental_equals_batch(catalogue):
    index, ls, ds = build(catalogue)
    same(index, ls, ds, catalogue)


def test_listing_change_recomputes_only_its_demands(catalogue):
    index, ls, ds = build(catalogue)
    cheaper = listing("a2", price=2, price_unit="元/公斤")
    affected = index.upsert_listing(cheaper)
    # the apple demand and the pear demand (apples fill its short list from the fruit category)
    # are re-ranked; the egg demand is not touched
    assert affected == {"da", "dp"}
    assert index.matches("da")[0]["listing_id"] == "a2"
    ls = [cheaper if x.id == "a2" else x for x in ls]
    same(index, ls, ds, catalogue)
    # a listing whose price goes over the ceiling leaves the demand's list
    index.upsert_listing(listing("a1", price=9, price_unit="元/公斤"))
    assert "a1" not in [m["listing_id"] for m in index.matches("da")]
    assert index.remove_listing("e1") == {"de"}
    assert index.matches("de") == []


def test_demand_change_and_reverse_lookup(catalogue):
    index, _ls, _ds = build(catalogue)
    index.upsert_demand(demand("da", price_max=3.5, price_unit="元/公斤"))
    assert index.matches("da")[0]["listing_id"] == "a1"
    assert "a2" not in [m["listing_id"] for m in index.matches("da") if m["reasons"]["block"] == "product"]
    rows = index.demands_for_listing("e1")
    assert [r["demand_id"] for r in rows] == ["de"]
    index.remove_demand("de")
    assert index.demands_for_listing("e1") == []
