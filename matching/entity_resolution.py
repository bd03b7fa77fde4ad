"""Entity resolution for the buyer database: is an incoming buyer record new, a duplicate of
an existing (or earlier incoming) record, or a possible duplicate for an official to decide?

Pipeline (as in record-linkage tools): normalise -> block -> score candidate pairs -> decide,
with reasons. Company names are compared after removing region prefixes (江西省赣州市...),
bracketed regions ((江西), (中国)), company-form suffixes (有限公司, 有限责任公司, 股份有限公司,
集团, 合作社 ...) and full-width forms; a branch (...福州分公司) is kept apart and must agree.
Blocking keys: credit code, phone, normalised core name, and the brand (core without trade
words such as 农业发展/商贸) -- so each record meets a handful of candidates, not everyone.
Evidence: same credit code decides; phone, address, county and contact support a name match;
similar names in different provinces with no shared evidence are different companies.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from .normalise import to_simplified
from .records import BuyerRecord
from .regions import region_names, region_relation

LEGAL_SUFFIXES = ("集团股份有限公司", "集团有限责任公司", "集团有限公司", "股份有限公司", "有限责任公司",
                  "有限公司", "农民专业合作社联合社", "农民专业合作社", "专业合作社", "合作联社", "合作社",
                  "责任公司", "总公司", "集团", "公司", "经营部", "商行", "股份", "厂")
BRANCH_MARKERS = ("分公司", "分店", "营业部", "分部", "办事处")
TRADE_WORDS = ("农业发展", "农业开发", "农业科技", "农副产品", "农产品", "生态农业", "现代农业", "农业",
               "科技发展", "科技", "发展", "实业", "贸易", "商贸", "国际贸易", "进出口", "食品", "果蔬", "蔬菜",
               "水果", "超市", "连锁", "电子商务", "电商", "供应链管理", "供应链", "物流", "批发市场", "市场",
               "投资", "开发", "种植", "养殖", "生态", "管理", "服务", "餐饮", "配送", "网络", "信息技术")
_BRACKETS = re.compile(r"[(\[【〔]([^()\[\]【】〔〕]*)[)\]】〕]")
_NON_WORD = re.compile(r"[^0-9a-z\u3400-\u9fff]+")
_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
MAX_BLOCK = 200  # a name key shared by more records than this is too generic to block on


def valid_credit_code(code: str | None) -> bool:
    """GB 32100 unified social credit code: 18 characters with a mod-31 check character."""
    code = (code or "").strip().upper()
    if len(code) != 18 or any(c not in _CREDIT_CHARS for c in code):
        return False
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(code[:17], _CREDIT_WEIGHTS, strict=False))
    return _CREDIT_CHARS[(31 - total % 31) % 31] == code[17]


def normalise_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", str(phone)))
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 11:
            digits = digits[len(prefix):]
    return digits if len(digits) >= 7 else ""


@dataclass(frozen=True)
class CompanyName:
    core: str            # name without regions, brackets and company-form suffixes
    brand: str           # core without trailing trade words
    branch: str          # "福州仓山" of ...福州仓山分公司, else ""
    region_code: str     # most specific region named in the name, else ""


def _strip_region_prefix(text: str, names: dict) -> tuple[str, list[str]]:
    found = []
    changed = True
    while changed and text:
        changed = False
        for length in range(min(12, len(text) - 1), 1, -1):
            piece = text[:length]
            if piece in names:
                found.append(names[piece])
                text, changed = text[length:], True
                break
    return text, found


def _suffix_pattern(suffixes) -> re.Pattern:
    """Strips any run of the suffixes at the end, keeping at least one character."""
    alternatives = "|".join(sorted(map(re.escape, suffixes), key=len, reverse=True))
    return re.compile(rf"^(.+?)(?:{alternatives})+$")


_LEGAL_TAIL = _suffix_pattern(LEGAL_SUFFIXES)
_TRADE_TAIL = _suffix_pattern(TRADE_WORDS)
_BRANCH_TAIL = re.compile("(?:" + "|".join(BRANCH_MARKERS) + ")$")


def _strip_suffixes(text: str, pattern: re.Pattern) -> str:
    match = pattern.match(text)
    return match.group(1) if match else text


@lru_cache(maxsize=400_000)
def normalise_company(name: str) -> CompanyName:
    """绿源农业发展有限公司（江西） -> core 绿源农业发展, brand 绿源; see module docstring."""
    names = region_names()
    text = to_simplified(unicodedata.normalize("NFKC", name or "").lower())
    regions: list[str] = []

    def bracket(match):
        inner = _NON_WORD.sub("", match.group(1))
        if inner in names:
            regions.append(names[inner])
            return ""
        return inner
    has_branch = bool(_BRANCH_TAIL.search(_NON_WORD.sub("", text)))
    # a branch's bracketed region names the branch: 永辉超市（福州）分公司
    text = _NON_WORD.sub("", _BRACKETS.sub((lambda m: m.group(1)) if has_branch else bracket, text))
    branch = ""
    for marker in BRANCH_MARKERS:
        if text.endswith(marker) and len(text) > len(marker):
            body = text[: -len(marker)]
            cut = max((body.rfind(s) + len(s) for s in LEGAL_SUFFIXES[:6] if s in body), default=-1)
            if cut > 0:
                text, branch = body[:cut], body[cut:]
            else:
                rest, _ = _strip_region_suffix(body, names)
                text, branch = rest, body[len(rest):]
            branch = branch or marker
            break
    text, found = _strip_region_prefix(text, names)
    regions = found + regions
    core = _strip_suffixes(text, _LEGAL_TAIL) or text
    brand = _strip_suffixes(core, _TRADE_TAIL) or core
    specific = max((c for c in regions if c and c != "000000"),
                   key=lambda c: (c[4:] != "00", c[2:] != "0000"), default="")
    return CompanyName(core, brand, _strip_region_prefix(branch, {})[0], specific)


def _strip_region_suffix(text: str, names: dict) -> tuple[str, list[str]]:
    found = []
    changed = True
    while changed and len(text) > 2:
        changed = False
        for length in range(min(12, len(text) - 2), 1, -1):
            if text[-length:] in names:
                found.append(names[text[-length:]])
                text, changed = text[:-length], True
                break
    return text, found


@dataclass
class Prepared:
    record: BuyerRecord
    name: CompanyName
    credit: str
    phones: frozenset
    county: str | None
    address: str

    @classmethod
    def of(cls, record: BuyerRecord) -> Prepared:
        name = normalise_company(record.name)
        credit = record.credit_code if valid_credit_code(record.credit_code) else ""
        county = record.county_code or _county_like(name.region_code)
        address = _NON_WORD.sub("", to_simplified(unicodedata.normalize("NFKC", record.address).lower()))
        phones = frozenset(p for p in map(normalise_phone, record.phones) if p)
        return cls(record, name, credit, phones, county, address)

    def blocking_keys(self) -> list[str]:
        keys = [f"n:{self.name.core}|{self.name.branch}"]
        if len(self.name.brand) >= 2:
            keys.append(f"b:{self.name.brand}")
        if self.credit:
            keys.append(f"c:{self.credit}")
        keys.extend(f"p:{p}" for p in self.phones)
        return keys


def _county_like(code: str) -> str | None:
    """A region code from the name (province or prefecture) stands in for the county when the
    record has none; region_relation then compares at the level both know."""
    return code or None


def _relation(a: Prepared, b: Prepared) -> str | None:
    if not a.county or not b.county:
        return None
    rel = region_relation(a.county, b.county)
    # a province-level code (xx0000) only tells the province
    coarse = a.county.endswith("0000") or b.county.endswith("0000")
    half = a.county.endswith("00") or b.county.endswith("00")
    if rel in ("county", "prefecture") and coarse:
        return "province"
    if rel == "county" and half:
        return "prefecture"
    return rel


def compare(a: Prepared, b: Prepared) -> tuple[str, float, dict]:
    """Decision ('duplicate' | 'possible' | 'new'), score in [0, 1] and reasons for one pair."""
    name_sim = fuzz.ratio(a.name.core, b.name.core) / 100
    name_sim = max(name_sim, 0.97 * fuzz.ratio(a.name.brand, b.name.brand) / 100
                   if min(len(a.name.brand), len(b.name.brand)) >= 3 else 0.0)
    branch_conflict = a.name.branch != b.name.branch
    same_credit = bool(a.credit) and a.credit == b.credit
    diff_credit = bool(a.credit) and bool(b.credit) and a.credit != b.credit
    phone = bool(a.phones & b.phones)
    relation = _relation(a, b)
    address = (fuzz.ratio(a.address, b.address) / 100) if a.address and b.address else None
    contact = bool(a.record.contact_name) and a.record.contact_name == b.record.contact_name
    reasons = {"name_similarity": round(name_sim, 3), "core_names": [a.name.core, b.name.core],
               "credit_code": "same" if same_credit else ("different" if diff_credit else None),
               "phone": phone, "region": relation,
               "address_similarity": None if address is None else round(address, 3),
               "contact": contact}
    if branch_conflict:
        reasons["branch"] = [a.name.branch, b.name.branch]
    region_value = {"county": 1.0, "prefecture": 0.8, "province": 0.6, "none": 0.0, None: 0.4}[relation]
    score = (0.55 * name_sim + 0.2 * phone + 0.1 * (address or 0.0) + 0.1 * region_value + 0.05 * contact)
    if same_credit:
        return "duplicate", 1.0, reasons
    score = round(min(score, 0.99), 4)
    evidence = phone or (address is not None and address >= 0.85) or contact
    if diff_credit:
        return ("possible" if name_sim >= 0.95 and phone and not branch_conflict else "new"), score, reasons
    if branch_conflict and not phone:
        return "new", score, reasons
    if name_sim >= 0.9:
        if relation == "none" and not evidence:
            return "new", score, reasons
        if evidence or relation == "county":
            return "duplicate", score, reasons
        return "possible", score, reasons
    if name_sim >= 0.75:
        if evidence and relation != "none":
            return ("duplicate" if phone and (address or 0) >= 0.6 else "possible"), score, reasons
        if relation == "county":
            return "possible", score, reasons
        return "new", score, reasons
    if phone and name_sim >= 0.5:
        return "possible", score, reasons
    return "new", score, reasons


_RANK = {"duplicate": 2, "possible": 1, "new": 0}


class DedupeIndex:
    """Blocking index over prepared buyer records."""

    def __init__(self):
        self.records: list[Prepared] = []
        self.blocks: dict[str, list[int]] = defaultdict(list)

    def add(self, prepared: Prepared) -> None:
        position = len(self.records)
        self.records.append(prepared)
        for key in prepared.blocking_keys():
            self.blocks[key].append(position)

    def candidates(self, prepared: Prepared) -> list[int]:
        seen: dict[int, None] = {}
        for key in prepared.blocking_keys():
            block = self.blocks.get(key, ())
            if key[0] in "nb" and len(block) > MAX_BLOCK:
                continue
            for position in block:
                seen.setdefault(position, None)
        return list(seen)


def decide(prepared: Prepared, index: DedupeIndex) -> dict:
    best = ("new", 0.0, None, {})
    for position in index.candidates(prepared):
        other = index.records[position]
        decision, score, reasons = compare(prepared, other)
        if (_RANK[decision], score) > (_RANK[best[0]], best[1]):
            best = (decision, score, other.record.id, reasons)
    decision, score, of, reasons = best
    return {"id": prepared.record.id, "decision": decision,
            "of": of if decision != "new" else None, "score": round(score, 4), "reasons": reasons}


def dedupe(existing: list[BuyerRecord], incoming: list[BuyerRecord]) -> list[dict]:
    """One decision per incoming record, in input order:
    {"id", "decision": "new"|"duplicate"|"possible", "of": id or None, "score", "reasons"}.
    "of" names an existing record or an earlier incoming one (existing ones win ties)."""
    index = DedupeIndex()
    for record in existing:
        index.add(Prepared.of(record))
    by_id = {p.record.id: p for p in index.records}
    out = []
    for record in incoming:
        prepared = Prepared.of(record)
        decision = decide(prepared, index)
        out.append(decision)
        if decision["decision"] == "duplicate":  # a duplicate carries its twin's evidence
            twin = by_id[decision["of"]]
            prepared.county = prepared.county or twin.county
            prepared.phones = prepared.phones | twin.phones
            prepared.address = prepared.address or twin.address
        index.add(prepared)
        by_id.setdefault(record.id, prepared)
    return out
