"""Builds dedupe_pairs.jsonl: labelled buyer-record pairs for the de-duplication quality test.

Each line: {"a": record, "b": record, "same": bool, "kind": str}. Records use the matching buyer vocabulary
(name, credit_code, county_code, address, phones, contact_name). Labels follow from construction: a
positive pair is one company written two ways (legal-form variants, region prefixes, brackets, full-width
forms, a renamed company keeping its credit code, a branch written with and without the parent's legal
form); a negative pair is two companies (the same trade name in another province, other branches of one
chain, neighbours in one county with different trade names). Run from the repository root:
    /work/devenv/bin/python tests/buyers/data/make_dedupe_pairs.py
"""
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from buyers.credit_code import complete  # noqa: E402
from core import regions  # noqa: E402

SEED = 20261128
PROVINCES = ["360000", "420000", "430000", "440000", "450000", "510000", "610000", "350000", "330000", "370000"]
BRANDS = ["绿源", "鲜果汇", "丰禾", "农润", "佳禾", "盛泰", "金穗", "优果", "恒信", "润丰", "永盛", "嘉禾", "鑫隆",
          "天润", "宏达", "富民", "兴农", "惠农", "田园", "绿野", "益农", "康源", "禾润", "金果", "蔬香", "鲜达", "聚丰",
          "万家福", "百味", "稻香", "果之源", "绿之洲", "丰泽", "瑞丰", "华润达", "明辉", "春晖", "山水", "乡味", "谷丰",
          "大地", "沃土", "晨光", "新禾", "红土地", "青山", "碧水", "金田", "银河", "东方红"]
TRADES = ["农产品批发市场", "商贸", "食品", "供应链管理", "农业发展", "果蔬配送", "超市", "电子商务", "餐饮管理",
          "进出口贸易", "生鲜配送", "粮油贸易"]
FORMS = ["有限公司", "有限责任公司", "股份有限公司"]
CHAINS = ["永辉超市", "华润万家", "步步高超市", "家家悦超市", "中百仓储", "红旗连锁", "物美超市", "联华超市"]
ROADS = ["人民路", "解放路", "建设路", "中山路", "胜利路", "农贸路", "工业大道", "滨江路", "新华路", "长征路"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "敏", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞", "平", "刚"]


def counties(province: str) -> list:
    found = [r for r in (regions.get(c) for c in sorted(regions.codes_within(province))) if r and r.level == "county"]
    return [r for r in found if regions.prefecture_code(r.code)]


class Maker:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.serial = 0
        self.by_province = {p: counties(p) for p in PROVINCES}

    def county(self, province=None):
        return self.rng.choice(self.by_province[province or self.rng.choice(PROVINCES)])

    def phone(self) -> str:
        return f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}"

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN) + self.rng.choice(["", *GIVEN])

    def code(self, county) -> str:
        self.serial += 1
        return complete(f"91{county.code}MA{self.serial:07d}")

    def address(self, county) -> str:
        prefecture = regions.get(regions.prefecture_code(county.code))
        return f"{prefecture.name}{county.name}{self.rng.choice(ROADS)}{self.rng.randrange(1, 300)}号"

    def company(self, province=None, brand=None, with_code=True) -> dict:
        county = self.county(province)
        prefecture = regions.get(regions.prefecture_code(county.code))
        brand, trade = brand or self.rng.choice(BRANDS), self.rng.choice(TRADES)
        name = f"{prefecture.short_name or prefecture.name}{brand}{trade}{self.rng.choice(FORMS)}"
        return {"name": name, "_trade": trade, "credit_code": self.code(county) if with_code else "", "county_code": county.code,
                "address": self.address(county), "phones": [self.phone()], "contact_name": self.person(),
                "_brand": brand, "_prefecture": prefecture}


def strip(record: dict) -> dict:
    return {k: v for k, v in record.items() if not k.startswith("_")}


def full_width(text: str) -> str:
    return text.replace("(", "（").replace(")", "）")


def positives(m: Maker) -> list:
    rng, out = m.rng, []
    for _ in range(25):  # renamed company keeps its credit code
        a = m.company()
        renamed = a["name"].replace(a["_trade"], rng.choice([t for t in TRADES if t != a["_trade"]]), 1)
        b = {**a, "name": renamed, "phones": [m.phone()], "address": "", "contact_name": ""}
        out.append((a, b, "credit_code"))
    for _ in range(25):  # legal form and region prefix differ, same county
        a = m.company(with_code=rng.random() < 0.5)
        core = a["name"].split(a["_brand"], 1)[1]
        form = next(f for f in sorted(FORMS, key=len, reverse=True) if core.endswith(f))
        other = rng.choice([f for f in FORMS if f != form])
        b = {**a, "name": a["_brand"] + core[: -len(form)] + other, "credit_code": "", "phones": [],
             "contact_name": ""}
        out.append((a, b, "legal_form"))
    for _ in range(20):  # bracketed region, full-width brackets, same phone
        a = m.company(with_code=False)
        core = a["name"].split(a["_brand"], 1)[1]
        b = {**a, "name": full_width(f"{a['_brand']}{core}({a['_prefecture'].short_name or a['_prefecture'].name})"),
             "address": "", "contact_name": ""}
        out.append((a, b, "brackets"))
    for _ in range(20):  # another district of the same city, same phone and contact
        a = m.company(with_code=False)
        siblings = [c for c in m.by_province[a["county_code"][:2] + "0000"]
                    if regions.prefecture_code(c.code) == a["_prefecture"].code and c.code != a["county_code"]]
        county = rng.choice(siblings) if siblings else regions.get(a["county_code"])
        b = {**a, "county_code": county.code, "address": m.address(county)}
        out.append((a, b, "moved_same_phone"))
    for _ in range(20):  # a branch written with and without the parent's legal form ("renamed branch")
        county = m.county()
        prefecture = regions.get(regions.prefecture_code(county.code))
        city = prefecture.short_name or prefecture.name
        chain = rng.choice(CHAINS)
        phone = m.phone()
        a = {"name": f"{chain}股份有限公司{city}{county.name}分公司", "credit_code": "", "county_code": county.code,
             "address": m.address(county), "phones": [phone], "contact_name": m.person()}
        b = {**a, "name": f"{chain}（{city}{county.name}）分公司", "address": "", "contact_name": ""}
        out.append((a, b, "renamed_branch"))
    typos = {"汇": "会", "源": "原", "禾": "和", "润": "闰", "盛": "胜", "隆": "龙", "康": "健", "丰": "峰", "达": "大"}
    for _ in range(15):  # a typo in the trade name, same phone
        a = m.company(brand=rng.choice([b for b in BRANDS if any(ch in typos for ch in b)]), with_code=False)
        char = next(ch for ch in a["_brand"] if ch in typos)
        b = {**a, "name": a["name"].replace(char, typos[char], 1), "address": "", "contact_name": ""}
        out.append((a, b, "typo_same_phone"))
    for index in range(15):  # a short name (city + trade name [+ trade]), same address, no phone
        a = m.company(with_code=False)
        city = a["_prefecture"].short_name or a["_prefecture"].name
        short = f"{city}{a['_brand']}" if index < 5 else f"{city}{a['_brand']}{a['_trade']}"
        b = {**a, "name": short, "phones": [], "contact_name": ""}
        out.append((a, b, "short_name_same_address"))
    return out


def negatives(m: Maker) -> list:
    rng, out = m.rng, []
    for index in range(30):  # the same trade name in another province (two 绿源 companies, ...)
        brand = "绿源" if index < 6 else rng.choice(BRANDS)
        first, second = rng.sample(PROVINCES, 2)
        a = m.company(first, brand)
        trade_form = a["name"].split(brand, 1)[1]
        county = m.county(second)
        province = regions.get(second)
        b = {"name": f"{province.short_name or province.name}{brand}{trade_form}", "credit_code": "",
             "county_code": county.code, "address": m.address(county), "phones": [m.phone()],
             "contact_name": m.person()}
        out.append((a, b, "same_brand_other_province"))
    for _ in range(30):  # other branches of one chain
        chain = rng.choice(CHAINS)
        province = rng.choice(PROVINCES)
        c1, c2 = rng.sample(m.by_province[province], 2)
        p1, p2 = (regions.get(regions.prefecture_code(c.code)) for c in (c1, c2))
        a = {"name": f"{chain}股份有限公司{p1.short_name or p1.name}{c1.name}分公司", "credit_code": "",
             "county_code": c1.code, "address": m.address(c1), "phones": [m.phone()], "contact_name": m.person()}
        b = {"name": f"{chain}股份有限公司{p2.short_name or p2.name}{c2.name}分公司", "credit_code": "",
             "county_code": c2.code, "address": m.address(c2), "phones": [m.phone()], "contact_name": m.person()}
        out.append((a, b, "other_branch"))
    for _ in range(30):  # neighbours: same county and trade, different trade names
        a = m.company()
        brand = rng.choice([x for x in BRANDS if x not in a["_brand"] and a["_brand"] not in x])
        county = regions.get(a["county_code"])
        b = {"name": a["name"].replace(a["_brand"], brand, 1), "credit_code": m.code(county),
             "county_code": county.code, "address": m.address(county), "phones": [m.phone()],
             "contact_name": m.person()}
        out.append((a, b, "neighbour"))
    for _ in range(15):  # the same name registered in another city of the province (赣州绿源商贸 / 吉安绿源商贸)
        a = m.company(with_code=False)
        others = [c for c in m.by_province[a["county_code"][:2] + "0000"]
                  if regions.prefecture_code(c.code) != a["_prefecture"].code]
        county = rng.choice(others)
        prefecture = regions.get(regions.prefecture_code(county.code))
        b = {"name": a["name"].replace(a["_prefecture"].short_name or a["_prefecture"].name,
                                       prefecture.short_name or prefecture.name, 1),
             "credit_code": "", "county_code": county.code, "address": m.address(county), "phones": [m.phone()],
             "contact_name": m.person()}
        out.append((a, b, "same_name_other_city"))
    for _ in range(20):  # different credit codes, similar names, different cities
        a = m.company()
        b = m.company(a["county_code"][:2] + "0000", a["_brand"])
        if b["_prefecture"].code == a["_prefecture"].code:
            continue
        out.append((a, b, "different_codes"))
    return out


def main() -> None:
    maker = Maker(random.Random(SEED))
    pairs = [(a, b, kind, True) for a, b, kind in positives(maker)]
    pairs += [(a, b, kind, False) for a, b, kind in negatives(maker)]
    path = Path(__file__).with_name("dedupe_pairs.jsonl")
    with path.open("w", encoding="utf-8") as handle:
        for index, (a, b, kind, same) in enumerate(pairs):
            line = {"pair": index, "kind": kind, "same": same, "a": strip(a), "b": strip(b)}
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"{len(pairs)} pairs ({sum(p[3] for p in pairs)} same, {sum(not p[3] for p in pairs)} different) "
          f"-> {path}")


if __name__ == "__main__":
    main()
