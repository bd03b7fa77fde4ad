"""Regions of mainland China by six-digit GB/T 2260 code: lookup, hierarchy, scoping and search.

Pure module: the standard library and the committed files under ``refdata/`` (built by
``scripts/build_refdata.py``; sources and dates in ``refdata/SOURCES.md``). The data is read once, on first use.

Hierarchy: province -> prefecture -> county. Districts of the four municipalities (北京 110105) and
province-direct county-level units (湖北 429004 仙桃市, 河南 419001 济源市, 海南 4690xx, 新疆 6590xx) have no
prefecture: their parent is the province. Four prefectures have no counties (东莞 441900, 中山 442000,
儋州 460400, 嘉峪关 620200): for them the prefecture is the smallest unit (see ``is_leaf``).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REFDATA_DIR = Path(__file__).resolve().parent.parent / "refdata"

PROVINCE = "province"
PREFECTURE = "prefecture"
COUNTY = "county"
LEVELS = (PROVINCE, PREFECTURE, COUNTY)

_CODE = re.compile(r"^\d{6}$")
_LATIN_NOISE = re.compile(r"[\s'’\-]")


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str
    parent_code: str | None
    pinyin: str
    initials: str
    short_name: str


@dataclass(frozen=True)
class _Index:
    by_code: dict[str, Region]
    children: dict[str | None, tuple[Region, ...]]
    poverty_exit_year: dict[str, int]
    successors: dict[str, tuple[str, ...]]


def _read(name: str) -> list[dict[str, str]]:
    with open(REFDATA_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def _index() -> _Index:
    by_code = {}
    children = defaultdict(list)
    for row in _read("regions.csv"):
        region = Region(
            code=row["code"], name=row["name"], level=row["level"], parent_code=row["parent_code"] or None,
            pinyin=row["pinyin"], initials=row["initials"], short_name=row["short_name"],
        )
        by_code[region.code] = region
        children[region.parent_code].append(region)
    # A listed unit without a GB/T 2260 code (大柴旦行委, see refdata/SOURCES.md) cannot be looked up by code.
    poverty = {row["code"]: int(row["exit_year"]) for row in _read("poverty_counties.csv") if row["code"]}
    successors = defaultdict(set)
    for row in _read("code_changes.csv"):
        successors[row["old_code"]].add(row["new_code"])
    return _Index(
        by_code=by_code,
        children={parent: tuple(sorted(kids, key=lambda r: r.code)) for parent, kids in children.items()},
        poverty_exit_year=poverty,
        successors={old: tuple(sorted(new)) for old, new in successors.items()},
    )


def _normalise_code(code: str | int | None) -> str | None:
    text = str(code).strip() if code is not None else ""
    return text if _CODE.match(text) else None


# ---------------------------------------------------------------- lookup and hierarchy

def get(code: str | int | None) -> Region | None:
    """The region with this current code, or None (unknown, abolished or malformed)."""
    key = _normalise_code(code)
    return _index().by_code.get(key) if key else None


def children(code: str | int | None = None) -> list[Region]:
    """Direct children ordered by code; ``None`` gives the 31 provinces."""
    if code is None:
        return list(_index().children[None])
    region = get(code)
    return list(_index().children.get(region.code, ())) if region else []


def ancestors(code: str | int | None) -> list[Region]:
    """Enclosing regions, province first, without the region itself."""
    chain = []
    region = get(code)
    while region and region.parent_code:
        region = _index().by_code[region.parent_code]
        chain.append(region)
    return chain[::-1]


def province_code(code: str | int | None) -> str | None:
    region = get(code)
    if region is None:
        return None
    return region.code if region.level == PROVINCE else ancestors(region.code)[0].code


def prefecture_code(code: str | int | None) -> str | None:
    """The prefecture a region lies in (itself for a prefecture); None for provinces, municipality districts
    and province-direct counties, which have none."""
    region = get(code)
    if region is None or region.level == PROVINCE:
        return None
    if region.level == PREFECTURE:
        return region.code
    parent = _index().by_code[region.parent_code]
    return parent.code if parent.level == PREFECTURE else None


def is_within(code: str | int | None, scope_code: str | int | None) -> bool:
    """True when region ``code`` is ``scope_code`` or lies inside it (the rule for officials' scope)."""
    region, scope = get(code), get(scope_code)
    if region is None or scope is None:
        return False
    return region.code == scope.code or any(a.code == scope.code for a in ancestors(region.code))


def codes_within(scope_code: str | int | None) -> frozenset[str]:
    """Every current code inside the scope, the scope included (for ``IN (...)`` filters); empty if unknown."""
    scope = get(scope_code)
    if scope is None:
        return frozenset()
    found, pending = {scope.code}, [scope.code]
    while pending:
        for child in _index().children.get(pending.pop(), ()):
            found.add(child.code)
            pending.append(child.code)
    return frozenset(found)


def full_name(code: str | int | None) -> str | None:
    """``江西省 赣州市 兴国县``; None for an unknown code."""
    region = get(code)
    if region is None:
        return None
    return " ".join(r.name for r in [*ancestors(region.code), region])


def is_valid_county(code: str | int | None) -> bool:
    region = get(code)
    return region is not None and region.level == COUNTY


def is_leaf(code: str | int | None) -> bool:
    """A smallest unit a location can be recorded at: a county, or a prefecture without counties (东莞)."""
    region = get(code)
    return region is not None and region.level != PROVINCE and not _index().children.get(region.code)


# ---------------------------------------------------------------- poverty counties and code changes

def is_poverty_county(code: str | int | None) -> bool:
    """One of the 832 national poverty counties (国家级贫困县), by current code."""
    key = _normalise_code(code)
    return key is not None and key in _index().poverty_exit_year


def poverty_exit_year(code: str | int | None) -> int | None:
    """Year the poverty county left the list (摘帽, 2016-2020), None if it is not one."""
    key = _normalise_code(code)
    return _index().poverty_exit_year.get(key) if key else None


def resolve_code(code: str | int | None) -> tuple[str, ...]:
    """Current code(s) for a code: itself when current, its successors when abolished (361121 -> 361104),
    empty when unknown. A code split on abolition gives several."""
    key = _normalise_code(code)
    if key is None:
        return ()
    if key in _index().by_code:
        return (key,)
    return _index().successors.get(key, ())


# ---------------------------------------------------------------- search

def _latin(text: str) -> str:
    return _LATIN_NOISE.sub("", text.lower()).replace("ü", "v")


def _rank(region: Region, term: str) -> int | None:
    """Lower is better; None when the region does not match."""
    if term.isdigit():
        return 0 if region.code.startswith(term) else None
    if term.isascii():
        latin = _latin(term)
        if not latin:
            return None
        if region.pinyin.startswith(latin):
            return 2
        if region.initials.startswith(latin):
            return 3
        return None
    if term in (region.name, region.short_name):
        return 0
    if region.name.startswith(term):
        return 1
    if term in region.name:
        return 4
    return None


def search(text: str | None, limit: int = 20) -> list[Region]:
    """Regions matching Chinese name, short name, pinyin or initials (prefix), or a code prefix.

    ``兴国``, ``xingguo`` and ``xg`` all find 兴国县. Several words narrow by enclosing region:
    ``北京 朝阳`` finds 北京's 朝阳区, not 长春's. Best matches first, then higher levels, then by code.
    """
    words = (text or "").split()
    if not words or limit <= 0:
        return []
    joined = _search(["".join(words)], limit)  # "xing guo" is one name, "北京 朝阳" two
    return joined if joined or len(words) == 1 else _search(words, limit)


def _search(words: list[str], limit: int) -> list[Region]:
    *outer, term = words
    hits = []
    for region in _index().by_code.values():
        rank = _rank(region, term)
        if rank is None:
            continue
        enclosing = ancestors(region.code)
        if all(any(_rank(a, word) is not None for a in enclosing) for word in outer):
            hits.append((rank, LEVELS.index(region.level), region.code, region))
    hits.sort(key=lambda hit: hit[:3])
    return [hit[3] for hit in hits[:limit]]
