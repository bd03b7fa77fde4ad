from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from matching import DEFAULT_WEIGHTS, Demand, Listing, explain, rank


def listing(id, product="苹果", **kw):
    base = {"id": id, "product": product, "quantity": 5000, "unit": "公斤", "price": 4, "price_unit": "元/公斤",
            "available_from": "2026-09-01", "available_to": "2026-10-31", "county_code": "610321"}
    return Listing.from_dict({**base, **kw})


def demand(id="D1", product="苹果", **kw):
    base = {"id": id, "product": product, "quantity_min": 1000, "quantity_max": 5000, "unit": "公斤",
            "needed_from": "2026-09-10", "needed_to": "2026-09-30"}
    return Demand.from_dict({**base, **kw})


def ids(result):
    return [m["listing_id"] for m in result[0]["matches"]]


def test_price_ceiling_compares_units(catalogue):
    d = demand(price_max=6, price_unit="元/公斤")
    ls = [listing("cheap_jin", price=2.9, price_unit="元/斤"), listing("dear_jin", price=3.1, price_unit="元/斤"),
          listing("ton", price=5900, price_unit="元/吨"), listing("box", unit="箱", quantity=500, spec="20斤/箱",
                                                                 price=70, price_unit="元/箱")]
    got = ids(rank([d], ls, catalogue=catalogue))
    assert set(got) == {"cheap_jin", "ton"}
    why = explain(d, ls[1], catalogue=catalogue)
    assert not why["eligible"] and why["violations"][0]["constraint"] == "price"
    assert "元/斤" in why["violations"][0]["message"]


def test_date_window_certification_and_min_order(catalogue):
    d = demand(required_certifications=["organic"], quantity_min=500, quantity_max=800)
    ls = [listing("ok", certifications=["organic", "gi"]),
          listing("late", certifications=["organic"], available_from="2026-10-01", available_to="2026-11-01"),
          listing("no_cert", certifications=["gi"]),
          listing("big_min", certifications=["organic"], min_order=1, unit="吨", quantity=5),
          listing("small", certifications=["organic"], quantity=100)]
    assert set(ids(rank([d], ls, catalogue=catalogue))) == {"ok", "small"}
    reasons = {x.id: [v["constraint"] for v in explain(d, x, catalogue=catalogue)["violations"]] for x in ls}
    assert reasons == {"ok": [], "late": ["date"], "no_cert": ["certification"], "big_min": ["min_order"],
                       "small": []}


def test_a_small_listing_stays_but_scores_lower(catalogue):
    d = demand(quantity_min=4000)
    result = rank([d], [listing("small", quantity=1000), listing("big", quantity=8000)], catalogue=catalogue)
    assert ids(result) == ["big", "small"]
    small = result[0]["matches"][1]
    assert small["reasons"]["quantity"] < result[0]["matches"][0]["reasons"]["quantity"]


def test_reasons_add_up_to_the_score(catalogue):
    result = rank([demand(variety="红富士", delivery_county_code="610321")],
                  [listing("a", variety="红富士"), listing("b", product="蘋果")], catalogue=catalogue)
    for match in result[0]["matches"]:
        parts = [v for k, v in match["reasons"].items() if k != "block"]
        assert abs(sum(parts) - match["score"]) < 0.002
        assert set(match["reasons"]) >= set(DEFAULT_WEIGHTS) | {"block"}


def test_false_friends_are_not_product_matches(catalogue):
    result = rank([demand(product="苹果")], [listing("apple"), listing("pear", product="延边苹果梨")],
                  catalogue=catalogue)
    matches = result[0]["matches"]
    assert matches[0]["listing_id"] == "apple" and matches[0]["reasons"]["block"] == "product"
    assert all(m["reasons"]["block"] != "product" for m in matches if m["listing_id"] == "pear")
    why = explain(demand(product="花生"), listing("oil", product="花生油"), catalogue=catalogue)
    assert why["reasons"]["block"] != "product"
    why = explain(demand(product="苹果"), listing("egg", product="鸡蛋"), catalogue=catalogue)
    assert [v["constraint"] for v in why["violations"]] == ["product"]


def test_region_and_poverty_priority(catalogue):
    d = demand(delivery_county_code="360732")
    near, far = listing("near", county_code="360781"), listing("far", county_code="110105")
    assert ids(rank([d], [far, near], catalogue=catalogue)) == ["near", "far"]
    # 360732 兴国县 is a national poverty county: looked up when the flag is absent
    poor, rich = listing("poor", county_code="360732"), listing("rich", county_code="360702")
    plain = rank([demand()], [poor, rich], catalogue=catalogue)[0]["matches"]
    assert {m["listing_id"]: m["reasons"]["poverty_county"] > 0 for m in plain} == {"poor": True, "rich": False}
    flagged = listing("flagged", county_code="360702", poverty_county=True)
    heavy = rank([demand()], [rich, flagged], weights={"poverty_county": 1.0}, catalogue=catalogue)
    assert ids(heavy)[0] == "flagged"
    old = listing("old", county_code="110105", old_revolutionary_area=True)
    boosted = rank([demand()], [rich, old], weights={"old_revolutionary_area": 1.0}, catalogue=catalogue)
    assert ids(boosted)[0] == "old"


def test_preferred_origin(catalogue):
    d = demand(preferred_province_codes=["610000"])
    assert ids(rank([d], [listing("x", county_code="360781"), listing("y", county_code="610321")],
                    catalogue=catalogue)) == ["y", "x"]


def test_category_fallback_and_unresolved_names(catalogue):
    # no apple listing passes: other fruit come from the category block, scored lower
    result = rank([demand()], [listing("pear", product="梨"), listing("egg", product="鸡蛋")], catalogue=catalogue)
    assert ids(result) == ["pear"] and result[0]["matches"][0]["reasons"]["block"] == "category"
    fuzzy = rank([demand(product="zzq特产礼盒")], [listing("gift", product="zzq特产礼盒装"),
                                                  listing("apple")], catalogue=catalogue)
    assert ids(fuzzy) == ["gift"]


def test_top_limits_and_order(catalogue):
    ls = [listing(f"l{i}", price=3 + i / 10) for i in range(15)]
    result = rank([demand(price_max=10, price_unit="元/公斤")], ls, top=5, catalogue=catalogue)
    scores = [m["score"] for m in result[0]["matches"]]
    assert len(scores) == 5 and scores == sorted(scores, reverse=True)


PRODUCTS = ["苹果", "红富士苹果", "梨", "苹果梨", "土豆", "马铃薯", "鸡蛋", "花生", "花生油", "核桃"]
UNITS = ["斤", "公斤", "吨", "箱"]
PRICE_UNITS = ["元/斤", "元/公斤", "元/吨", "元/箱"]
CERTS = ["green_food", "organic", "gi", "pollution_free"]
day = st.integers(0, 120).map(lambda n: (date(2026, 1, 1) + timedelta(days=n)).isoformat())


@st.composite
def listings(draw, i):
    start = draw(st.integers(0, 100))
    return {"id": f"L{i}", "product": draw(st.sampled_from(PRODUCTS)), "quantity": draw(st.integers(1, 5000)),
            "unit": draw(st.sampled_from(UNITS)), "spec": draw(st.sampled_from(["", "10斤/箱"])),
            "price": draw(st.one_of(st.none(), st.floats(0.1, 50))), "price_unit": draw(st.sampled_from(PRICE_UNITS)),
            "min_order": draw(st.one_of(st.none(), st.integers(0, 3000))),
            "available_from": (date(2026, 1, 1) + timedelta(days=start)).isoformat(),
            "available_to": (date(2026, 1, 1) + timedelta(days=start + draw(st.integers(0, 60)))).isoformat(),
            "county_code": draw(st.sampled_from(["360732", "610321", "110105"])),
            "certifications": draw(st.lists(st.sampled_from(CERTS), unique=True, max_size=2))}


@st.composite
def demands(draw, i):
    start = draw(st.integers(0, 100))
    qmin = draw(st.integers(1, 3000))
    return {"id": f"D{i}", "product": draw(st.sampled_from(PRODUCTS)), "quantity_min": qmin,
            "quantity_max": qmin + draw(st.integers(0, 3000)), "unit": draw(st.sampled_from(UNITS)),
            "spec": draw(st.sampled_from(["", "10斤/箱"])),
            "price_max": draw(st.one_of(st.none(), st.floats(0.5, 40))), "price_unit": draw(st.sampled_from(PRICE_UNITS)),
            "needed_from": (date(2026, 1, 1) + timedelta(days=start)).isoformat(),
            "needed_to": (date(2026, 1, 1) + timedelta(days=start + draw(st.integers(0, 40)))).isoformat(),
            "required_certifications": draw(st.lists(st.sampled_from(CERTS), unique=True, max_size=1))}


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 12).flatmap(lambda n: st.tuples(*[listings(i) for i in range(n)])),
       st.integers(1, 4).flatmap(lambda n: st.tuples(*[demands(i) for i in range(n)])))
def test_property_scores_in_range_and_no_constraint_broken(catalogue, raw_listings, raw_demands):
    ls = [Listing.from_dict(x) for x in raw_listings]
    ds = [Demand.from_dict(x) for x in raw_demands]
    by_id = {x.id: x for x in ls}
    for d, row in zip(ds, rank(ds, ls, catalogue=catalogue), strict=False):
        for match in row["matches"]:
            assert 0.0 <= match["score"] <= 1.0
            verdict = explain(d, by_id[match["listing_id"]], catalogue=catalogue)
            assert verdict["eligible"], verdict["violations"]
            assert abs(verdict["score"] - match["score"]) < 1e-3


def test_ties_go_to_the_earlier_listing_whatever_the_chunking(catalogue, monkeypatch):
    import importlib
    rank_module = importlib.import_module("matching.rank")
    ls = [listing(f"l{i:02d}") for i in range(30)]
    ds = [demand(f"d{i}") for i in range(5)]
    expected = [[f"l{i:02d}" for i in range(3)]] * 5
    for cells in (1, 7, 10_000):
        monkeypatch.setattr(rank_module, "CHUNK_CELLS", cells)
        assert [[m["listing_id"] for m in r["matches"]] for r in rank(ds, ls, top=3, catalogue=catalogue)] == expected
