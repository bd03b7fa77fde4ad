"""Entity resolution for the buyer database: is an incoming buyer record new, a duplicate of
an existing (or earlier incoming) record, or a possible duplicate for an official to decide?

Pipeline (as in record-linkage tools): normalise -> block -> score candidate pairs -> decide,
with reasons. Company names are compared after removing region prefixes (江西省赣州市...),
bracketed regions ((江西), (中国)), company-form suffixes (有限公司, 有限责任公司, 股份有限公司,
集团, 合作社 ...) and full-width forms (matching/company_names.py); a branch (...福州分公司) is
kept apart and must agree. Blocking keys: credit code, phone, normalised core name, and the brand
(core without trade words such as 农业发展/商贸) -- so each record meets a handful of candidates.
Evidence: same credit code decides; phone, address, county and contact support a name match;
places the records state (the region in the name, else the start of the address) that differ
are against it (赣州绿源商贸 / 吉安绿源商贸), and only a shared phone then asks an official;
a bare trade name (赣州绿源) with the same county or city and phone or address is a duplicate.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from .company_names import MIN_TRADE_NAME, NON_WORD, CompanyName, branch_key, normalise_company, region_prefix
from .normalise import to_simplified
from .records import BuyerRecord
from .regions import places_agree, region_relation

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
MAX_BLOCK = 200  # a name or address key shared by more records than this is too generic to block on
MIN_ADDRESS = 8  # characters: 江西省兴国县 alone names no premises


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
        address = NON_WORD.sub("", to_simplified(unicodedata.normalize("NFKC", record.address).lower()))
        phones = frozenset(p for p in map(normalise_phone, record.phones) if p)
        return cls(record, name, credit, phones, county, address)

    def blocking_keys(self) -> list[str]:
        keys = [f"n:{self.name.core}|{branch_key(self.name.branch)}"]
        if len(self.name.brand) >= 2:
            keys.append(f"b:{self.name.brand}")
        if self.credit:
            keys.append(f"c:{self.credit}")
        keys.extend(f"p:{p}" for p in self.phones)
        if len(self.address) >= MIN_ADDRESS:  # a typo in the name, the same premises
            keys.append(f"a:{self.address}")
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


@lru_cache(maxsize=200_000)
def _address_places(address: str) -> tuple:
    """The region an address starts with (江西省赣州市兴国县... -> 兴国县), computed only for near names;
    full region names only, as 中山路 or 北京路 starts many addresses."""
    return region_prefix(address, full_names_only=True)[1] if address else ()


def _stated_regions(a: Prepared, b: Prepared) -> str | None:
    """'same' or 'different' for the places the records state themselves (the region in the name, else the
    region the address starts with); None when either states none. Registration puts the region in the
    name, so 赣州绿源商贸 and 吉安绿源商贸 are two companies; the county column alone is weaker evidence."""
    mine = a.name.places or _address_places(a.address)
    theirs = b.name.places or _address_places(b.address) if mine else ()
    if not mine or not theirs:
        return None
    return "same" if places_agree(mine, theirs) else "different"


def _short_form(a: CompanyName, b: CompanyName) -> bool:
    """One name is the other's bare trade name: 赣州绿源 for 赣州绿源农业发展有限公司."""
    return len(a.brand) >= MIN_TRADE_NAME and a.brand == b.brand and (a.core == a.brand or b.core == b.brand)


def compare(a: Prepared, b: Prepared) -> tuple[str, float, dict]:
    """Decision ('duplicate' | 'possible' | 'new'), score in [0, 1] and reasons for one pair."""
    name_sim = fuzz.ratio(a.name.core, b.name.core) / 100
    name_sim = max(name_sim, 0.97 * fuzz.ratio(a.name.brand, b.name.brand) / 100
                   if min(len(a.name.brand), len(b.name.brand)) >= 3 else 0.0)
    short = name_sim < 0.75 and a.name.brand == b.name.brand and _short_form(a.name, b.name)
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
    if a.name.branch != b.name.branch and branch_key(a.name.branch) != branch_key(b.name.branch):
        reasons["branch"] = [a.name.branch, b.name.branch]
    if short:
        reasons["short_name"] = True
    if name_sim >= 0.75 or short:  # only near names need the places they state
        reasons["stated_regions"] = _stated_regions(a, b)
    if same_credit:
        return "duplicate", 1.0, reasons
    region_value = {"county": 1.0, "prefecture": 0.8, "province": 0.6, "none": 0.0, None: 0.4}[relation]
    name_value = max(name_sim, 0.9) if short else name_sim  # a bare trade name is a strong name match
    score = 0.55 * name_value + 0.2 * phone + 0.1 * (address or 0.0) + 0.1 * region_value + 0.05 * contact
    # most candidates (a shared brand, other trades) are far apart: _decide would say "new" too
    decision = "new" if name_sim < 0.5 and not short else _decide(reasons, name_sim, address, diff_credit)
    return decision, round(min(score, 0.99), 4), reasons


def _decide(reasons: dict, name_sim: float, address: float | None, diff_credit: bool) -> str:
    """The rules, from the reasons an official will see (credit codes already agreed or not given)."""
    phone, relation = reasons["phone"], reasons["region"]
    near = relation in ("county", "prefecture")
    evidence = phone or (address is not None and address >= 0.85) or reasons["contact"]
    if diff_credit:
        return "possible" if name_sim >= 0.95 and phone and "branch" not in reasons else "new"
    if "branch" in reasons and not phone:
        return "new"
    if reasons.get("stated_regions") == "different":  # 赣州X vs 吉安X: only a shared phone asks an official
        return "possible" if phone else "new"
    if reasons.get("short_name"):
        if near and (phone or (address or 0) >= 0.85):
            return "duplicate"
        return "possible" if phone or relation == "county" else "new"
    if name_sim >= 0.9:
        if relation == "none" and not evidence:
            return "new"
        return "duplicate" if evidence or relation == "county" else "possible"
    if name_sim >= 0.75:
        if evidence and relation != "none":
            # a typo in the name, the same phone, nothing against: the same company
            agree = (address or 0) >= 0.6 or (address is None and near)
            return "duplicate" if phone and agree else "possible"
        return "possible" if relation == "county" else "new"
    return "possible" if phone and name_sim >= 0.5 else "new"


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
            if key[0] in "nba" and len(block) > MAX_BLOCK:
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
