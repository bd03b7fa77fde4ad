"""Build the project's region reference data from the vendored public sources.

Inputs (read-only, see ``shared/data/SOURCES.md``):
  areacodes/counties_2024.txt   ministry code list as of 2024-12-31 (yescallop/areacodes, CC0)
  areacodes/code_history.csv    every code since 1981 with its successors (same repository)
  poverty_counties_832.csv      the 832 national poverty counties (Clebeech/ds_project)

Outputs (committed under ``refdata/``): regions.csv, poverty_counties.csv, code_changes.csv.

Usage:  python scripts/build_refdata.py [--data-dir DIR] [--out-dir DIR] [--check]
``--check`` rebuilds in memory and fails when the committed files differ (reproducibility).
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from pypinyin import Style, lazy_pinyin

REPO_ROOT = Path(__file__).resolve().parent.parent


def default_data_dir() -> Path:
    """The nearest ``shared/data`` beside the repository or one of its parents (worktrees sit deeper)."""
    for folder in REPO_ROOT.parents:
        if (folder / "shared" / "data" / "areacodes").is_dir():
            return folder / "shared" / "data"
    return REPO_ROOT.parent / "shared" / "data"

DEFAULT_OUT_DIR = REPO_ROOT / "refdata"

# Taiwan, Hong Kong and Macau carry codes in the list but are outside the platform's (mainland) scope.
NON_MAINLAND_PREFIXES = ("71", "81", "82")

# Characters whose reading in place names differs from pypinyin's general choice: 成都 and every 都 in a
# place name is du, 长 is chang (长宁, 长海, 子长), 什 is shi (喀什, 阿图什, 什邡), 乐 is le (南乐, 民乐).
CHAR_READINGS = {"都": "du", "长": "chang", "什": "shi", "乐": "le"}

# Whole runs of characters with their standard reading where pypinyin (or the rule above) is wrong.
PLACE_READINGS = {
    "长子": "zhang zi",
    "朝阳": "chao yang",
    "单县": "shan xian",
    "漯河": "luo he",
    "涡阳": "guo yang",
    "蚌山": "beng shan",
    "繁峙": "fan shi",
    "洪洞": "hong tong",
    "筠连": "jun lian",
    "乐亭": "lao ting",
    "乐清": "yue qing",
    "浚县": "xun xian",
    "马尾": "ma wei",
    "曾都": "zeng du",
    "龙圩": "long xu",
    "六合": "lu he",
}

# Suffixes stripped (longest first) to form the short name: 江西省 -> 江西, 兴国县 -> 兴国.
NAME_SUFFIXES = sorted(
    ["省", "市", "自治区", "特别行政区", "地区", "自治州", "盟", "州", "县", "自治县", "区", "新区", "林区",
     "特区", "矿区", "旗", "自治旗", "行委"],
    key=len,
    reverse=True,
)

# The 55 minority nationalities, stripped after the suffix so that 恩施土家族苗族自治州 -> 恩施.
NATIONALITIES = [
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克", "傣",
    "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗",
    "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京",
    "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
]
# 各族 (龙胜各族自治县) is stripped like a nationality.
NATIONALITY_NAMES = sorted([*NATIONALITIES, "各"], key=len, reverse=True)


REGION_FIELDS = ["code", "name", "level", "parent_code", "pinyin", "initials", "short_name"]
POVERTY_FIELDS = ["code", "name", "province", "exit_year", "listed_code", "listed_name", "fix"]
CHANGE_FIELDS = ["old_code", "old_name", "status", "start_year", "end_year", "new_code", "new_name"]


@dataclass(frozen=True)
class HistoryRow:
    code: str
    name: str
    province: str
    level: str
    status: str
    start: int
    end: int | None
    successors: tuple[tuple[str, int | None], ...]  # (code, year of the transfer when it differs from end)


# ---------------------------------------------------------------- regions

def read_current(data_dir: Path) -> dict[str, str]:
    """The 2024-12-31 list, mainland only: code -> name."""
    current = {}
    with open(data_dir / "areacodes" / "counties_2024.txt", encoding="utf-8-sig") as fh:
        for line in fh:
            code, name = line.split()
            if not code.startswith(NON_MAINLAND_PREFIXES):
                current[code] = name
    return current


def level_of(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


def parent_of(code: str, current: dict[str, str]) -> str:
    """Province for prefectures; the prefecture for counties when it exists, else the province.

    Municipality districts (1101xx, 5002xx, ...) and province-direct counties (4290xx 仙桃, 4190xx 济源,
    4690xx Hainan, 6590xx Xinjiang) have no prefecture code in the ministry list: their parent is the province.
    """
    level = level_of(code)
    if level == "province":
        return ""
    province = code[:2] + "0000"
    prefecture = code[:4] + "00"
    if level == "county" and prefecture in current:
        return prefecture
    return province


def strip_nationalities(stem: str, autonomy: bool) -> str:
    """Drop trailing nationality names (土家族苗族); before 自治 a name of two or more characters may come
    without 族 (新疆维吾尔自治区). Stops while two characters are left: 长白朝鲜族 -> 长白, not 长."""
    while True:
        for nationality in NATIONALITY_NAMES:
            forms = [nationality + "族"] + ([nationality] if autonomy and len(nationality) > 1 else [])
            form = next((f for f in forms if stem.endswith(f) and len(stem) - len(f) >= 2), None)
            if form:
                stem = stem[: -len(form)]
                break
        else:
            return stem


def short_name(name: str) -> str:
    """Name without its administrative suffix and the nationalities of an autonomy: 恩施土家族苗族自治州 -> 恩施."""
    for suffix in NAME_SUFFIXES:
        stem = name[: -len(suffix)]
        if not name.endswith(suffix) or len(stem) < 2:
            continue  # 金林区 is 金林 (区), not 金 (林区)
        stem = strip_nationalities(stem, autonomy=suffix.startswith("自治"))
        if stem.endswith("族") and len(stem) >= 3:
            stem = stem[:-1]  # 东乡族自治县 -> 东乡, 鄂温克族自治旗 -> 鄂温克
        return stem
    return name  # 城区, 和县, 泾县: nothing sensible is left without the suffix


def romanise(name: str) -> tuple[str, str]:
    """Full pinyin without tones or separators (ü as v, as typed) and the initial of each syllable."""
    syllables = lazy_pinyin(name, style=Style.NORMAL, errors="ignore", v_to_u=False)
    if len(syllables) != len(name):
        raise ValueError(f"cannot romanise {name!r} one syllable per character")
    syllables = [CHAR_READINGS.get(char, syl) for char, syl in zip(name, syllables, strict=True)]
    for phrase, reading in PLACE_READINGS.items():
        at = name.find(phrase)
        if at >= 0:
            syllables[at : at + len(phrase)] = reading.split()
    return "".join(syllables), "".join(s[0] for s in syllables)


def build_regions(current: dict[str, str]) -> list[dict[str, str]]:
    rows = []
    for code in sorted(current):
        name = current[code]
        full, initials = romanise(name)
        rows.append({
            "code": code, "name": name, "level": level_of(code), "parent_code": parent_of(code, current),
            "pinyin": full, "initials": initials, "short_name": short_name(name),
        })
    return rows


# ---------------------------------------------------------------- code history

SUCCESSOR = re.compile(r"^(\d{6})(?:\[(\d{4})\])?$")


def read_history(data_dir: Path) -> dict[str, list[HistoryRow]]:
    history: dict[str, list[HistoryRow]] = defaultdict(list)
    with open(data_dir / "areacodes" / "code_history.csv", encoding="utf-8-sig", newline="") as fh:
        for rec in csv.DictReader(fh):
            successors = []
            for item in filter(None, rec["新代码"].split(";")):
                match = SUCCESSOR.match(item)
                if not match:
                    raise ValueError(f"unparsable successor {item!r} for {rec['代码']}")
                successors.append((match[1], int(match[2]) if match[2] else None))
            row = HistoryRow(
                code=rec["代码"], name=rec["名称"], province=rec["一级行政区"], level=rec["级别"],
                status=rec["状态"], start=int(rec["启用时间"]),
                end=int(rec["变更/弃用时间"]) if rec["变更/弃用时间"] else None, successors=tuple(successors),
            )
            history[row.code].append(row)
    return history


def row_at(rows: list[HistoryRow], year: int) -> HistoryRow:
    """The incarnation of a (possibly reused) code that was in force in ``year``."""
    live = [r for r in rows if r.start <= year and (r.end is None or r.end >= year)]
    ended_later = [r for r in live if r.end is None or r.end > year]
    return (ended_later or live or sorted(rows, key=lambda r: r.start))[-1]


def main_successors(row: HistoryRow) -> list[tuple[str, int]]:
    """Successors that took the area when the code ended; earlier partial transfers only when nothing else."""
    at_end = [(code, row.end) for code, year in row.successors if year is None or year == row.end]
    return at_end or [(code, year) for code, year in row.successors]


def resolve(row: HistoryRow, history, current, seen=None) -> set[str]:
    """Current codes that an ended history row leads to (transitively)."""
    seen = set() if seen is None else seen
    if row.status == "在用":
        return {row.code} if row.code in current else set()
    found: set[str] = set()
    for code, year in main_successors(row):
        if (code, year) in seen or code not in history:
            continue
        seen.add((code, year))
        found |= resolve(row_at(history[code], year), history, current, seen)
    return found


def build_code_changes(history, current) -> list[dict[str, str]]:
    """One line per (ended code, current successor) for codes that are not in use today."""
    out = []
    for code in sorted(history):
        if code in current or code.startswith(NON_MAINLAND_PREFIXES):
            continue
        for row in sorted(history[code], key=lambda r: r.start):
            for new in sorted(resolve(row, history, current)):
                out.append({
                    "old_code": code, "old_name": row.name, "status": row.status,
                    "start_year": str(row.start), "end_year": str(row.end or ""),
                    "new_code": new, "new_name": current[new],
                })
    return out


# ---------------------------------------------------------------- poverty counties

# Listed units that neither the code list nor the code history can place; decided by hand, with the reason.
POVERTY_DECISIONS = {
    ("630104", "冷湖行委"): (
        "632803",
        "冷湖行委 has no county code (630104 is 西宁 城西区); merged with 茫崖行委 into 茫崖市 632803 in 2018",
    ),
    ("632825", "大柴旦行委"): (
        "",
        "大柴旦行委 has no GB/T 2260 code (632825 never existed): administered by 海西州 632800, in no county",
    ),
}


def county_by_name(name: str, province_code: str, regions_by_code) -> list[str]:
    """Counties of the province with exactly this name, else with the same short name."""
    counties = [
        r for r in regions_by_code.values() if r["level"] == "county" and r["code"][:2] == province_code[:2]
    ]
    exact = [r["code"] for r in counties if r["name"] == name]
    return exact or [r["code"] for r in counties if r["short_name"] == short_name(name)]


def names_ever(code: str, history) -> set[str]:
    """Every name this code carried in the history (a county renamed in place keeps its code)."""
    return {r.name for r in history.get(code, [])}


def fix_poverty_row(rec, regions_by_code, history, current, old_names) -> tuple[str, str]:
    """Return (current code, what was fixed) for one listed county."""
    code, name = rec["listed_code"], rec["listed_name"]
    if (code, name) in POVERTY_DECISIONS:
        return POVERTY_DECISIONS[(code, name)]
    region = regions_by_code.get(code)
    if region and region["level"] == "county":
        if region["name"] == name:
            return code, ""
        # old_names: names of ended codes that resolve to this one (上饶县 361121 -> 361104 广信区)
        if name in names_ever(code, history) or name in old_names.get(code, set()):
            return code, f"old name {name} (code history) -> current name {region['name']}"
        if region["name"].startswith(short_name(name)):
            return code, f"name variant {name} (same code, same short name) -> {region['name']}"
        raise ValueError(f"poverty county {code} {name}: name does not match {region['name']}")
    province_code = code[:2] + "0000"
    if code in history and not region:
        successors = set()
        for row in history[code]:
            successors |= resolve(row, history, current)
        if len(successors) == 1:
            new = successors.pop()
            return new, f"abolished code {code} -> {new} {current[new]} (code history)"
    matches = county_by_name(name, province_code, regions_by_code)
    if len(matches) == 1:
        return matches[0], f"wrong code {code} -> {matches[0]} (county named {name} in the list)"
    raise ValueError(f"poverty county {code} {name}: cannot place it ({matches})")


def read_poverty(data_dir: Path) -> list[dict[str, str]]:
    with open(data_dir / "poverty_counties_832.csv", encoding="utf-8-sig", newline="") as fh:
        records = []
        for rec in csv.DictReader(fh):
            if not rec["行政区划代码"].strip():
                continue  # the source's trailing watermark line
            records.append({
                "listed_code": str(int(float(rec["行政区划代码"]))),
                "listed_name": rec["县域名称"].strip(),
                "province": rec["所属省份"].strip(),
                "exit_year": str(int(float(rec["摘帽时间"]))),
            })
    return records


def build_poverty(data_dir, regions, history, current, changes) -> list[dict[str, str]]:
    regions_by_code = {r["code"]: r for r in regions}
    old_names = defaultdict(set)
    for change in changes:
        old_names[change["new_code"]].add(change["old_name"])
    out = []
    for rec in read_poverty(data_dir):
        code, fix = fix_poverty_row(rec, regions_by_code, history, current, old_names)
        if code and regions_by_code[code[:2] + "0000"]["name"] != rec["province"]:
            raise ValueError(f"{code} is not in {rec['province']}")
        out.append({
            "code": code, "name": current[code] if code else rec["listed_name"], "province": rec["province"],
            "exit_year": rec["exit_year"], "listed_code": rec["listed_code"], "listed_name": rec["listed_name"],
            "fix": fix,
        })
    if len(out) != 832:
        raise ValueError(f"expected 832 poverty counties, got {len(out)}")
    return out


# ---------------------------------------------------------------- output

def render_csv(fields: list[str], rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def build_all(data_dir: Path) -> dict[str, str]:
    current = read_current(data_dir)
    history = read_history(data_dir)
    regions = build_regions(current)
    changes = build_code_changes(history, current)
    poverty = build_poverty(data_dir, regions, history, current, changes)
    return {
        "regions.csv": render_csv(REGION_FIELDS, regions),
        "code_changes.csv": render_csv(CHANGE_FIELDS, changes),
        "poverty_counties.csv": render_csv(POVERTY_FIELDS, poverty),
    }


def summary(files: dict[str, str]) -> str:
    regions = list(csv.DictReader(io.StringIO(files["regions.csv"])))
    poverty = list(csv.DictReader(io.StringIO(files["poverty_counties.csv"])))
    levels = Counter(r["level"] for r in regions)
    years = Counter(r["exit_year"] for r in poverty)
    fixes = Counter(r["fix"].split(" ")[0] + " " + r["fix"].split(" ")[1] if r["fix"] else "none" for r in poverty)
    changes = files["code_changes.csv"].count("\n") - 1
    return (
        f"regions: {dict(levels)}\ncode changes: {changes}\npoverty counties: {len(poverty)}, "
        f"by exit year {dict(sorted(years.items()))}\npoverty fixes: {dict(fixes)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=default_data_dir())
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument("--check", action="store_true", help="fail when committed files differ")
    args = parser.parse_args(argv)
    files = build_all(args.data_dir)
    if args.check:
        stale = [n for n, text in files.items() if (args.out_dir / n).read_text(encoding="utf-8") != text]
        if stale:
            print(f"out of date: {', '.join(stale)}", file=sys.stderr)
            return 1
        print("refdata is up to date")
        return 0
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.out_dir / name).write_text(text, encoding="utf-8")
    print(summary(files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
