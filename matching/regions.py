"""County facts by GB/T 2260 code: hierarchy by code arithmetic, poverty-county and old
revolutionary base area flags, and region names (for stripping region prefixes from company
names). Files are looked up in refdata/ first, then the shared reference data as a fallback."""
from __future__ import annotations

import csv
import os
import re
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_SHARED = [Path(os.environ.get("HARVESTLINK_SHARED_DATA", ROOT.parent / "shared" / "data")),
           Path("/work/shared/data")]


def province_of(code: str | None) -> str | None:
    return code[:2] + "0000" if code and len(code) == 6 else None


def prefecture_of(code: str | None) -> str | None:
    return code[:4] + "00" if code and len(code) == 6 else None


def region_relation(a: str | None, b: str | None) -> str | None:
    """'county', 'prefecture', 'province' (the closest level shared) or 'none'; None if unknown."""
    if not a or not b:
        return None
    if a == b:
        return "county"
    if a[:4] == b[:4]:
        return "prefecture"
    if a[:2] == b[:2]:
        return "province"
    return "none"


def _first_existing(*candidates: Path) -> Path | None:
    return next((p for p in candidates if p.is_file()), None)


@lru_cache(maxsize=1)
def poverty_counties() -> frozenset[str]:
    """Codes of the 832 national poverty counties (refdata/poverty_counties.csv, else the shared
    file whose codes are floats like 360732.0)."""
    path = _first_existing(ROOT / "refdata" / "poverty_counties.csv",
                           *(d / "poverty_counties_832.csv" for d in _SHARED))
    if not path:
        return frozenset()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        return frozenset(str(int(float(row[0]))) for row in reader if row and row[0].strip())


@lru_cache(maxsize=1)
def old_revolutionary_areas() -> frozenset[str]:
    """No public data file exists (see shared SOURCES.md): officials import one as
    refdata/old_revolutionary_areas.csv (first column the code); empty otherwise."""
    path = ROOT / "refdata" / "old_revolutionary_areas.csv"
    if not path.is_file():
        return frozenset()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return frozenset(r[0].strip() for r in rows[1:] if r and r[0].strip().isdigit())


def is_poverty_county(code: str | None) -> bool:
    return bool(code) and code in poverty_counties()


def is_old_revolutionary_area(code: str | None) -> bool:
    return bool(code) and code in old_revolutionary_areas()


_ETHNIC = ("维吾尔|哈萨克|柯尔克孜|塔吉克|达斡尔|鄂温克|鄂伦春|布依|哈尼|傈僳|景颇|纳西|仫佬|毛南|仡佬|"
           "拉祜|普米|独龙|阿昌|德昂|基诺|布朗|门巴|珞巴|裕固|东乡|保安|撒拉|锡伯|土家|蒙古|朝鲜|各|"
           "壮|回|藏|苗|侗|彝|白|傣|羌|瑶|畲|黎|满|土|水|佤|怒|京")
_AUTONOMOUS = re.compile(rf"((?:{_ETHNIC})族?)*自治(?:区|州|县|旗)$")
_LEVEL_SUFFIX = re.compile(r"(特别行政区|地区|新区|林区|省|市|县|区|盟|旗)$")


def short_region_name(name: str) -> str | None:
    """江西省 -> 江西, 延边朝鲜族自治州 -> 延边, 兴国县 -> 兴国; None if under two characters."""
    short = _AUTONOMOUS.sub("", name)
    if len(short) < 2:  # 内蒙古自治区: the region name is itself an ethnic name
        short = re.sub(r"自治(?:区|州|县|旗)$", "", name)
    short = _LEVEL_SUFFIX.sub("", short) if short == name else short
    return short if len(short) >= 2 else None


def _region_rows() -> list[tuple[str, str]]:
    """(code, name) rows from refdata/regions.csv (columns code,name) if present, else the 2024 county list
    of the shared data; 市辖区 and 县 placeholders left out."""
    path = ROOT / "refdata" / "regions.csv"
    rows: list[tuple[str, str]] = []
    if path.is_file():
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = [(r.get("code", ""), r.get("name", "")) for r in csv.DictReader(fh)]
    else:
        txt = _first_existing(*(d / "areacodes" / "counties_2024.txt" for d in _SHARED))
        if txt:
            rows = [tuple(line.split(maxsplit=1)) for line in txt.read_text(encoding="utf-8").splitlines()
                    if len(line.split(maxsplit=1)) == 2]
    rows = [(code.strip(), name.strip()) for code, name in rows]
    return [(code, name) for code, name in rows if name and name not in ("市辖区", "县")]


@lru_cache(maxsize=4)
def region_codes(full_names_only: bool = False, abbreviations: bool = True) -> dict[str, tuple[str, ...]]:
    """Region names -> every code the name stands for (朝阳: Beijing's district, Changchun's district,
    Liaoning's city), the first row's code first. Short names (江西, 赣州, 兴国) are left out with
    full_names_only, for text such as addresses where 中山路 and 北京路 are streets. With abbreviations,
    an autonomous prefecture is also known as its short name with 州 (黔东南州, 恩施州, 红河州), the way
    company names and addresses write it."""
    codes: dict[str, list[str]] = {}
    rows = _region_rows()
    for code, name in rows:
        for key in (name,) if full_names_only else (name, short_region_name(name)):
            if key and code not in codes.setdefault(key, []):
                codes[key].append(code)
    for code, name in rows if abbreviations else ():
        short = short_region_name(name) if name.endswith("自治州") else None
        if short:
            codes.setdefault(short + "州", [code])
    for key in ("中国", "中华"):
        codes.setdefault(key, ["000000"])
    return {key: tuple(values) for key, values in codes.items()}


@lru_cache(maxsize=1)
def region_names() -> dict[str, str]:
    """Full and short region names -> code (province/prefecture/county): the first of region_codes()."""
    return {name: codes[0] for name, codes in region_codes(abbreviations=False).items()}


def within(code: str, scope: str) -> bool:
    """Is region `code` the region `scope` or inside it? 000000 (China) holds every region."""
    if scope == "000000" or code == scope:
        return True
    if scope.endswith("0000"):
        return code[:2] == scope[:2]
    return scope.endswith("00") and code[:4] == scope[:4]


def places_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Can two named places be one place? Each is the codes one name may stand for; they agree when
    some reading of one lies inside some reading of the other (赣州 and 兴国 agree, 兴国 and 于都 do not)."""
    if a == b:
        return True
    for x in a:
        for y in b:
            if within(x, y) or within(y, x):
                return True
    return False
