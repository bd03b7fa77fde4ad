"""Buyer entity resolution: normalisation, credit codes, decisions, and the labelled set
(dedupe_set.json, built by make_dedupe_set.py) with precision and recall >= 0.95."""
import json
from pathlib import Path

import pytest

from matching import BuyerRecord, dedupe, normalise_company, valid_credit_code
from matching.company_names import branch_key
from matching.regions import places_agree

DATA = json.loads(Path(__file__).with_name("dedupe_set.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name, core, branch", [
    ("江西省赣州市绿源农业发展有限公司", "绿源农业发展", ""),
    ("绿源农业发展有限公司（江西）", "绿源农业发展", ""),
    ("绿源农业发展有限责任公司", "绿源农业发展", ""),
    ("ＡＢＣ貿易股份有限公司", "abc贸易", ""),
    ("永辉超市股份有限公司福州仓山分公司", "永辉超市", "福州仓山"),
    ("永辉超市（福州仓山）分公司", "永辉超市", "福州仓山"),
    ("兴国县富硒农民专业合作社", "富硒", ""),
    ("延边朝鲜族自治州长白山珍品集团有限公司", "长白山珍品", ""),
    # a trade name that is a region name elsewhere stays: 东方 (东方市) would leave 红 alone,
    # 青山 and 富民 are districts of other cities than the prefix before them
    ("成都东方红商贸股份有限公司", "东方红商贸", ""),
    ("泉州青山果蔬配送有限公司", "青山果蔬配送", ""),
    ("德州富民生鲜配送有限公司", "富民生鲜配送", ""),
    ("富民生鲜配送有限公司", "富民生鲜配送", ""),
    ("黔东南州凯里苗香米业有限公司", "苗香米业", ""),  # 黔东南州: how 黔东南苗族侗族自治州 is written
    ("中百仓储超市有限公司武汉洪山分公司", "中百仓储超市", "武汉洪山"),
])
def test_normalise_company(name, core, branch):
    got = normalise_company(name)
    assert (got.core, got.branch) == (core, branch)


def test_trade_words_beyond_the_common_ones_leave_the_trade_name():
    assert normalise_company("文山三七之乡药材贸易有限公司").brand == "三七之乡"
    assert normalise_company("琼海市椰风水产有限公司").brand == "椰风"


@pytest.mark.parametrize("a, b, same", [
    ("武汉洪山", "洪山", True),          # 洪山 is only Wuhan's district
    ("大连瓦房店", "瓦房店", True),
    ("南京鼓楼", "鼓楼", False),         # 鼓楼 is a district of four cities: the text must agree
    ("大连", "大连瓦房店", False),       # the city's branch is not the county's
])
def test_branches_compare_by_the_place_they_name(a, b, same):
    assert (branch_key(a) == branch_key(b)) is same


def test_a_branch_written_without_its_city_is_the_same_branch():
    address = "湖北省武汉市洪山区珞喻路456号"
    a = {"name": "中百仓储超市有限公司武汉洪山分公司", "county_code": "420111", "address": address}
    got = _decide_pair(a, {"name": "中百仓储超市洪山分公司", "county_code": "420111", "address": address})
    assert got["decision"] == "duplicate" and "branch" not in got["reasons"]
    other = {"name": "中百仓储超市有限公司武汉江岸分公司", "county_code": "420102", "address": "武汉市江岸区台北路"}
    assert _decide_pair(a, other)["decision"] == "new"


def test_the_same_premises_bring_a_typo_to_an_official():
    """No shared phone or name key: the address key makes the pair a candidate at all."""
    address = "辽宁省沈阳市铁西区兴华南街9号"
    a = {"name": "沈阳铁西鑫旺肉业有限公司", "county_code": "210106", "address": address}
    got = _decide_pair(a, {"name": "沈阳铁西鑫望肉业有限公司", "county_code": "210106", "address": address})
    assert (got["decision"], got["of"]) == ("possible", "a")


def test_name_places_keep_every_reading_of_an_ambiguous_region():
    assert normalise_company("江西省赣州市兴国县绿源农业发展有限公司").places == ("360732",)
    assert {"110105", "220104"} <= set(normalise_company("朝阳鲜丰超市有限公司").places)
    assert normalise_company("绿源农业发展有限公司").places == ()


@pytest.mark.parametrize("a, b, agree", [
    (("360700",), ("360732",), True),    # 赣州 holds 兴国
    (("360000",), ("360700",), True),    # 江西 holds 赣州
    (("360732",), ("360731",), False),   # 兴国 vs 于都
    (("360700",), ("360800",), False),   # 赣州 vs 吉安
    (("110105", "220104"), ("220100",), True),  # 朝阳 may be Changchun's district
])
def test_places_agree(a, b, agree):
    assert places_agree(a, b) is agree


def _decide_pair(a: dict, b: dict) -> dict:
    return dedupe(_records([{"id": "a", **a}]), _records([{"id": "b", **b}]))[0]


def test_same_name_in_another_city_of_the_province_is_new_unless_the_phone_agrees():
    a = {"name": "赣州绿源商贸有限公司", "county_code": "360702", "phones": ["13900000001"]}
    b = {"name": "吉安绿源商贸有限公司", "county_code": "360802", "phones": ["13900000002"]}
    got = _decide_pair(a, b)
    assert got["decision"] == "new"
    assert got["reasons"]["stated_regions"] == "different"
    assert _decide_pair(a, {**b, "phones": ["13900000001"]})["decision"] == "possible"


def test_the_address_states_the_city_when_the_name_does_not():
    a = {"name": "赣州绿源商贸有限公司", "county_code": "360702"}
    b = {"name": "绿源商贸有限公司", "county_code": "360802", "address": "江西省吉安市吉州区永叔路8号"}
    assert _decide_pair(a, b)["decision"] == "new"
    same_city = {**b, "county_code": "360702", "address": "江西省赣州市章贡区文清路8号"}
    assert _decide_pair(a, same_city)["reasons"]["stated_regions"] == "same"
    assert _decide_pair(a, same_city)["decision"] == "duplicate"
    street = {**same_city, "address": "中山路12号"}  # a street named after a city states no place
    assert _decide_pair(a, street)["reasons"]["stated_regions"] is None


def test_a_bare_trade_name_with_the_same_address_is_a_duplicate():
    address = "宁德市福安市农贸路159号"
    a = {"name": "宁德新禾农产品批发市场有限公司", "county_code": "350981", "address": address}
    got = _decide_pair(a, {"name": "宁德新禾", "county_code": "350981", "address": address})
    assert (got["decision"], got["of"], got["reasons"]["short_name"]) == ("duplicate", "a", True)
    assert got["reasons"]["name_similarity"] < 0.5  # the reasons say how far the names are apart
    elsewhere = {"name": "宁德新禾", "county_code": "350902", "address": "宁德市蕉城区八一路2号"}
    assert _decide_pair(a, elsewhere)["decision"] == "new"


def test_a_typo_with_the_same_phone_in_the_same_county_is_a_duplicate():
    a = {"name": "长沙鑫隆食品股份有限公司", "county_code": "430102", "phones": ["13184402438"],
         "address": "长沙市芙蓉区人民路163号"}
    b = {"name": "长沙鑫龙食品股份有限公司", "county_code": "430102", "phones": ["13184402438"]}
    assert _decide_pair(a, b)["decision"] == "duplicate"
    assert _decide_pair(a, {**b, "phones": ["13184400000"]})["decision"] != "duplicate"


def test_credit_code_check_character():
    assert valid_credit_code("91350100M000100Y43")
    assert not valid_credit_code("91350100M000100Y44")   # wrong check character
    assert not valid_credit_code("91350100M000100Y4")    # wrong length
    assert not valid_credit_code("91350100M000100I43")   # I is not in the code alphabet


def _records(rows):
    return [BuyerRecord.from_dict(r) for r in rows]


def test_credit_code_decides_and_regions_separate_namesakes():
    existing = _records([{"id": "e1", "name": "江西绿源农业发展有限公司", "county_code": "360732",
                          "credit_code": "91350100M000100Y43"},
                         {"id": "e2", "name": "湖北绿源农业发展有限公司", "county_code": "420102"}])
    incoming = _records([{"id": "n1", "name": "赣州新绿农业集团", "credit_code": "91350100m000100y43"},
                         {"id": "n2", "name": "绿源农业发展有限公司", "county_code": "440106"},
                         {"id": "n3", "name": "绿源农业发展有限公司", "county_code": "420102"},
                         {"id": "n4", "name": "绿源农业发展有限公司"}])
    got = {r["id"]: (r["decision"], r["of"]) for r in dedupe(existing, incoming)}
    assert got["n1"] == ("duplicate", "e1")
    assert got["n2"] == ("new", None)
    assert got["n3"] == ("duplicate", "e2")
    assert got["n4"][0] == "possible"  # no region, no evidence: an official decides


def test_incoming_duplicates_point_to_the_earlier_record():
    incoming = _records([{"id": "a", "name": "山野珍品农产品有限公司", "phones": ["13912345678"]},
                         {"id": "b", "name": "山野珍品农产品有限责任公司", "phones": ["+86 139 1234 5678"]}])
    decisions = dedupe([], incoming)
    assert [(d["decision"], d["of"]) for d in decisions] == [("new", None), ("duplicate", "a")]
    assert decisions[1]["reasons"]["phone"] is True


def _root(of, decisions):
    seen = set()
    while of in decisions and decisions[of]["decision"] != "new" and of not in seen:
        seen.add(of)
        of = decisions[of]["of"]
    return of


def _metrics(decisions, accept):
    tp = fp = fn = 0
    for rid, truth in DATA["truth"].items():
        d = decisions[rid]
        predicted = _root(d["of"], decisions) if d["decision"] in accept else None
        if predicted is not None and predicted == truth:
            tp += 1
        elif predicted is not None:
            fp += 1
        if truth is not None and predicted != truth:
            fn += 1
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1)


def test_labelled_set_precision_and_recall():
    assert len(DATA["pairs"]) >= 200
    decisions = {d["id"]: d for d in dedupe(_records(DATA["existing"]), _records(DATA["incoming"]))}
    precision, recall = _metrics(decisions, {"duplicate", "possible"})
    strict_p, strict_r = _metrics(decisions, {"duplicate"})
    # pair view: a labelled different pair must not be linked
    wrong_links = [p for p in DATA["pairs"] if not p["same"]
                   and decisions[p["incoming"]]["decision"] != "new"
                   and _root(decisions[p["incoming"]]["of"], decisions) == p["other"]]
    print(f"\n[dedupe] pairs={len(DATA['pairs'])} incoming={len(DATA['incoming'])} "
          f"precision={precision:.3f} recall={recall:.3f} (duplicate or possible counts as a link); "
          f"duplicate only: precision={strict_p:.3f} recall={strict_r:.3f}; "
          f"labelled-different pairs linked: {len(wrong_links)}")
    assert precision >= 0.95 and recall >= 0.95
    assert not wrong_links


def test_blocking_compares_few_pairs(monkeypatch):
    import random

    import matching.entity_resolution as mod
    rng = random.Random(3)
    chars = "绿源丰华金穗农鑫盛嘉禾田园兴果多鲜惠野青山红星大地富民康天润瑞中和益春晖佳宏达顺众聚德恒优鸿运"
    def name():
        return "".join(rng.choice(chars) for _ in range(3)) + "农业发展有限公司"
    existing = _records([{"id": i, "name": name(), "phones": [f"139{i:08d}"]} for i in range(3000)])
    incoming = _records([{"id": f"n{i}", "name": name()} for i in range(300)])
    calls = []
    original = mod.compare
    monkeypatch.setattr(mod, "compare", lambda a, b: calls.append(1) or original(a, b))
    mod.dedupe(existing, incoming)
    assert len(calls) < 300 * 30  # all pairs would be 900,000 (plus the incoming among themselves)
