"""Writes dedupe_set.json: the labelled buyer de-duplication set (test_dedupe.py).

Existing records are built from hand-picked brand, trade and county lists; incoming records
are hand-designed variants whose truth is known by construction: the same company written
differently (region prefix added or dropped, 有限公司 <-> 有限责任公司, bracketed region,
full-width and traditional forms, one-character typo with a shared phone, a renamed company
keeping its credit code, a branch written two ways), different companies with similar names
(the same brand in another province with no shared evidence -- e.g. the two 绿源 companies --,
another branch of the same chain, same name but a different credit code), unrelated new
companies, and duplicates inside the incoming file. Deterministic (seeded); regenerate with
    /work/devenv/bin/python tests/matching/make_dedupe_set.py
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from matching.normalise import normalise_text  # noqa: E402
from matching.regions import region_names  # noqa: E402

BRANDS = ["绿源", "丰华", "金穗", "农丰", "鑫盛", "嘉禾", "田园", "兴农", "果多多", "鲜丰", "惠农", "禾丰", "绿野",
          "青山", "红星", "山里红", "大地", "金农", "富民", "康源", "天润", "瑞丰", "中和", "益农", "春晖", "佳农",
          "宏达", "顺发", "众鑫", "聚丰", "德源", "恒丰", "鲜农", "优果", "鸿运", "福满多", "满园春", "林海", "湘农",
          "赣农", "楚天", "秦川", "巴蜀", "云岭", "黔香", "闽源", "粤鲜", "桂香", "川乡", "豫丰"]
TRADES = ["农业发展", "农产品", "商贸", "果蔬", "食品", "生态农业", "供应链管理", "电子商务", "农副产品"]
FORMS = ["有限公司", "有限责任公司", "股份有限公司"]
COUNTIES = ["360732", "360781", "360702", "420102", "421302", "350104", "350102", "610303", "530102",
            "520102", "430102", "440106", "510104", "410105", "370102", "450103", "220104", "620102"]
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
FULL = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ()"})


def credit_code(rng) -> str:
    body = "91" + "".join(rng.choice("0123456789") for _ in range(6)) + "".join(
        rng.choice(CREDIT_CHARS) for _ in range(9))
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(body, WEIGHTS, strict=False))
    return body + CREDIT_CHARS[(31 - total % 31) % 31]


def names_by_code() -> dict[str, str]:
    out: dict[str, str] = {}
    for name, code in sorted(region_names().items(), key=lambda kv: -len(kv[0])):
        out.setdefault(code, name)
    return out


def build(seed: int = 11) -> dict:
    rng = random.Random(seed)
    full_name = names_by_code()
    def prov(c):
        return full_name[c[:2] + "0000"]
    def pref(c):
        return full_name.get(c[:4] + "00", "")
    def phone():
        return "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))
    existing, incoming, truth, negatives = [], [], {}, {}
    companies = []
    for i, brand in enumerate(BRANDS):
        for k in range(2):  # two companies per brand, in different provinces
            county = COUNTIES[(i * 2 + k * 7) % len(COUNTIES)]
            trade = TRADES[(i + k) % len(TRADES)] if k == 0 else TRADES[i % len(TRADES)]
            rec = {"id": f"E{len(existing):03d}", "name": f"{pref(county)}{brand}{trade}{FORMS[i % 3]}",
                   "credit_code": credit_code(rng) if rng.random() < 0.6 else "", "county_code": county,
                   "address": f"{prov(county)}{pref(county)}{full_name.get(county, '')}人民路{rng.randrange(1, 300)}号",
                   "phones": [phone()], "contact_name": rng.choice(["王伟", "李娜", "张敏", "刘洋", "陈静"])}
            existing.append(rec)
            companies.append((brand, trade, rec))
    chains = [("永辉超市", "350104", "福州仓山"), ("永辉超市", "350102", "福州鼓楼"), ("华润万家", "440106", "广州天河"),
              ("中百仓储", "420102", "武汉江岸")]
    for brand, county, branch in chains:
        existing.append({"id": f"E{len(existing):03d}", "name": f"{brand}股份有限公司{branch}分公司",
                         "credit_code": credit_code(rng), "county_code": county, "address": "", "phones": [phone()],
                         "contact_name": ""})

    def add(rec, same_as=None, not_as=()):
        rec["id"] = f"N{len(incoming):03d}"
        incoming.append(rec)
        truth[rec["id"]] = same_as
        negatives[rec["id"]] = list(not_as)
        return rec["id"]

    for n, (brand, trade, e) in enumerate(companies):
        county = e["county_code"]
        kind = n % 8
        other = next(c for b, t, c in companies if b == brand and c is not e)
        base = {"credit_code": "", "county_code": None, "address": "", "phones": [], "contact_name": ""}
        if kind == 0:  # region prefix (province + prefecture) added, suffix changed, same county
            add({**base, "name": f"{prov(county)}{pref(county)}{brand}{trade}有限责任公司", "county_code": county},
                e["id"], [other["id"]])
        elif kind == 1:  # bracketed region, shared phone
            add({**base, "name": f"{brand}{trade}（{prov(county)[:2]}）有限公司", "phones": [e["phones"][0]]},
                e["id"], [other["id"]])
        elif kind == 2:  # full-width and spaces, same address
            add({**base, "name": f"{brand} {trade} {FORMS[0]}".translate(FULL), "address": e["address"],
                 "county_code": county}, e["id"], [other["id"]])
        elif kind == 3:  # traditional characters, same county
            add({**base, "name": _traditional(f"{pref(county)}{brand}{trade}有限公司"), "county_code": county},
                e["id"], [other["id"]])
        elif kind == 4:  # renamed, same credit code (or a shared phone when the record has none)
            if e["credit_code"]:
                add({**base, "name": f"{rng.choice(BRANDS)}新{trade}集团有限公司", "credit_code": e["credit_code"]},
                    e["id"])
            else:
                add({**base, "name": f"{brand}{trade}公司", "phones": ["+86 " + e["phones"][0]]}, e["id"], [other["id"]])
        elif kind == 5:  # the same brand in another province, no shared evidence: a different company
            far = COUNTIES[(COUNTIES.index(county) + 5) % len(COUNTIES)]
            while far[:2] in (county[:2], other["county_code"][:2]):
                far = COUNTIES[(COUNTIES.index(far) + 1) % len(COUNTIES)]
            add({**base, "name": f"{pref(far)}{brand}{trade}有限公司", "county_code": far, "phones": [phone()]},
                None, [e["id"], other["id"]])
        elif kind == 6:  # same name, different credit code: a different company
            if e["credit_code"]:
                add({**base, "name": e["name"], "credit_code": credit_code(rng), "county_code": county},
                    None, [e["id"]])
            else:
                add({**base, "name": f"{brand}{trade}{FORMS[0]}", "county_code": county,
                     "contact_name": e["contact_name"]}, e["id"], [other["id"]])
        else:  # one-character typo in the brand, shared phone and same county
            typo = brand[:-1] + rng.choice("原华穗峰鑫") if len(brand) > 1 else brand
            add({**base, "name": f"{typo}{trade}有限公司", "phones": [e["phones"][0]], "county_code": county},
                e["id"], [other["id"]])
    chain = {r["name"]: r["id"] for r in existing if "分公司" in r["name"]}
    add({"name": "永辉超市（福州仓山）分公司", "credit_code": "", "county_code": "350104", "address": "", "phones": [],
         "contact_name": ""}, chain["永辉超市股份有限公司福州仓山分公司"], [chain["永辉超市股份有限公司福州鼓楼分公司"]])
    add({"name": "永辉超市福州鼓楼分公司", "credit_code": "", "county_code": "350102", "address": "", "phones": [],
         "contact_name": ""}, chain["永辉超市股份有限公司福州鼓楼分公司"], [chain["永辉超市股份有限公司福州仓山分公司"]])
    add({"name": "永辉超市股份有限公司福州台江分公司", "credit_code": "", "county_code": "350103", "address": "",
         "phones": [], "contact_name": ""}, None, [chain["永辉超市股份有限公司福州仓山分公司"],
                                                   chain["永辉超市股份有限公司福州鼓楼分公司"]])
    add({"name": "华润万家有限公司广州天河分公司", "credit_code": "", "county_code": "440106", "address": "",
         "phones": [], "contact_name": ""}, chain["华润万家股份有限公司广州天河分公司"])
    add({"name": "中百仓储股份有限公司武汉江夏分公司", "credit_code": "", "county_code": "420115", "address": "",
         "phones": [], "contact_name": ""}, None, [chain["中百仓储股份有限公司武汉江岸分公司"]])
    # the two 绿源 companies: same brand, different provinces, and a third one that is new
    lv = [c for b, t, c in companies if b == "绿源"]
    add({"name": "湖南绿源农业发展有限公司", "credit_code": "", "county_code": "430102", "address": "",
         "phones": [phone()], "contact_name": ""}, None, [c["id"] for c in lv])
    # unrelated new companies, and duplicates inside the incoming file
    fresh = ["山野珍品", "乡味源", "稻香村坊", "桃花源", "北国粮仓", "南国果园", "高原牧场", "海滨渔港", "江南茶苑",
             "塞上枸杞", "大漠驼铃", "长白山珍", "黄河滩枣", "太行山货", "洞庭鱼米"]
    for i, brand in enumerate(fresh):
        county = COUNTIES[i % len(COUNTIES)]
        first = add({"name": f"{pref(county)}{brand}农产品有限公司", "credit_code": credit_code(rng) if i % 2 else "",
                     "county_code": county, "address": "", "phones": [phone()], "contact_name": ""})
        if i % 3 == 0:  # the same new company again in the same file
            rec = incoming[-1]
            add({"name": f"{brand}农产品有限责任公司", "credit_code": "", "county_code": None, "address": "",
                 "phones": list(rec["phones"]), "contact_name": ""}, first)
    pairs = [(i, t, True) for i, t in truth.items() if t] + [(i, e, False) for i, es in negatives.items() for e in es]
    return {"existing": existing, "incoming": incoming, "truth": truth,
            "pairs": [{"incoming": i, "other": o, "same": s} for i, o, s in pairs]}


def _traditional(text: str) -> str:
    import opencc
    return opencc.OpenCC("s2t").convert(text)


if __name__ == "__main__":
    data = build()
    assert all(normalise_text(r["name"]) for r in data["incoming"])
    path = Path(__file__).with_name("dedupe_set.json")
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    positives = sum(p["same"] for p in data["pairs"])
    print(f"{len(data['existing'])} existing, {len(data['incoming'])} incoming, {len(data['pairs'])} labelled "
          f"pairs ({positives} same, {len(data['pairs']) - positives} different) -> {path}")
