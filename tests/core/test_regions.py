"""Tests of core.regions and of the reference data it reads (refdata/)."""

import csv
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from core import regions

ROOT = Path(__file__).resolve().parents[2]
REFDATA = ROOT / "refdata"
BUILD_SCRIPT = ROOT / "scripts" / "build_refdata.py"


def read_csv(name):
    with open(REFDATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def shared_data_dir():
    for folder in ROOT.parents:
        if (folder / "shared" / "data" / "areacodes").is_dir():
            return folder / "shared" / "data"
    return None


# ---------------------------------------------------------------- counts and integrity

def test_thirty_one_provinces():
    provinces = regions.children()
    assert len(provinces) == 31
    assert {p.level for p in provinces} == {"province"}
    assert regions.get("710000") is None, "Taiwan, Hong Kong and Macau are outside the mainland data"


def test_level_counts_equal_the_data_file():
    rows = read_csv("regions.csv")
    reachable = set().union(*(regions.codes_within(p.code) for p in regions.children()))
    assert reachable == {r["code"] for r in rows}, "every region is reachable from a province"
    loaded = Counter(regions.get(code).level for code in reachable)
    assert loaded == Counter(r["level"] for r in rows)
    assert set(loaded) == {"province", "prefecture", "county"}


@pytest.mark.skipif(shared_data_dir() is None, reason="shared/data not present beside the repository")
def test_regions_are_the_mainland_part_of_the_2024_list():
    with open(shared_data_dir() / "areacodes" / "counties_2024.txt", encoding="utf-8-sig") as fh:
        source = dict(line.split() for line in fh)
    mainland = {c: n for c, n in source.items() if not c.startswith(("71", "81", "82"))}
    assert {r["code"]: r["name"] for r in read_csv("regions.csv")} == mainland


def test_codes_are_unique_and_parents_exist_with_the_right_level():
    rows = read_csv("regions.csv")
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    expected_parent_levels = {"province": set(), "prefecture": {"province"}, "county": {"province", "prefecture"}}
    for row in rows:
        region = regions.get(row["code"])
        if region.level == "province":
            assert region.parent_code is None
            continue
        parent = regions.get(region.parent_code)
        assert parent is not None, region
        assert parent.level in expected_parent_levels[region.level], region
        assert region.code.startswith(parent.code[:2 if parent.level == "province" else 4]), region


def test_every_county_has_a_province_ancestor():
    counties = [r for r in read_csv("regions.csv") if r["level"] == "county"]
    assert counties
    for row in counties:
        chain = regions.ancestors(row["code"])
        assert chain and chain[0].level == "province", row
        assert regions.province_code(row["code"]) == row["code"][:2] + "0000"


# ---------------------------------------------------------------- hierarchy and quirks

def test_xingguo_is_under_ganzhou_under_jiangxi():
    county = regions.get("360732")
    assert (county.name, county.level, county.parent_code) == ("兴国县", "county", "360700")
    assert [a.code for a in regions.ancestors("360732")] == ["360000", "360700"]
    assert regions.prefecture_code("360732") == "360700"
    assert regions.full_name(360732) == "江西省 赣州市 兴国县"
    assert county in regions.children("360700")


def test_municipality_district_hangs_on_the_municipality():
    assert regions.get("110105").parent_code == "110000"
    assert regions.is_within("110105", "110000")
    assert regions.prefecture_code("110105") is None
    assert regions.full_name("110105") == "北京市 朝阳区"
    assert regions.get("500229").parent_code == "500000", "重庆's counties too"


@pytest.mark.parametrize("county, province", [("429004", "420000"), ("419001", "410000"), ("469025", "460000"),
                                              ("659001", "650000")])
def test_province_direct_counties_lie_in_their_province(county, province):
    assert regions.is_valid_county(county)
    assert regions.get(county).parent_code == province
    assert regions.is_within(county, province)
    assert regions.prefecture_code(county) is None


def test_scope_does_not_cross_borders():
    assert not regions.is_within("360732", "420000")
    assert not regions.is_within("429004", "360000")
    assert not regions.is_within("110105", "120000")
    assert not regions.is_within("360732", "360100"), "a sibling prefecture is not a scope of it"
    assert not regions.is_within("360000", "360732"), "a province does not lie inside its county"
    assert not regions.is_within("360732", "361121"), "an abolished code is no scope"
    assert regions.is_within("360732", "360732")
    assert regions.is_within("360732", "360700")


def test_codes_within_matches_is_within():
    inside = regions.codes_within("420000")
    assert "429004" in inside and "420000" in inside and "360732" not in inside
    assert all(regions.is_within(code, "420000") for code in inside)
    assert regions.codes_within("999999") == frozenset()


def test_prefectures_without_counties_are_leaves():
    for code in ("441900", "442000", "460400", "620200"):
        assert regions.get(code).level == "prefecture"
        assert regions.children(code) == []
        assert regions.is_leaf(code)
        assert not regions.is_valid_county(code)
    assert not regions.is_leaf("360700") and regions.is_leaf("360732") and not regions.is_leaf("360000")


@pytest.mark.parametrize("bad", [None, "", "36073", "3607320", "abcdef", "999999", "361121"])
def test_unknown_or_malformed_codes(bad):
    assert regions.get(bad) is None
    assert regions.ancestors(bad) == []
    assert regions.full_name(bad) is None
    assert not regions.is_valid_county(bad)
    assert regions.province_code(bad) is None


# ---------------------------------------------------------------- search

@pytest.mark.parametrize("query", ["兴国县", "兴国", "xingguo", "XingGuo", "xing guo", "xg", "xgx"])
def test_search_finds_xingguo(query):
    assert "360732" in [r.code for r in regions.search(query, limit=50)]


def test_exact_chinese_name_ranks_first():
    assert regions.search("兴国")[0].code == "360732"
    assert regions.search("江西")[0].code == "360000"


def test_outer_words_narrow_by_enclosing_region():
    assert [r.code for r in regions.search("北京 朝阳")] == ["110105"]
    assert len(regions.search("朝阳")) > 1


def test_search_respects_limit_and_empty_input():
    assert len(regions.search("x", limit=5)) == 5
    assert regions.search("") == [] and regions.search("   ") == [] and regions.search(None) == []


def test_pinyin_uses_place_name_readings():
    assert regions.get("140400").pinyin == "changzhishi"  # 长治, not zhangzhi
    assert regions.get("510100").pinyin == "chengdushi"
    assert regions.get("371722").pinyin == "shanxian"  # 单县
    assert regions.get("140428").pinyin == "zhangzixian"  # 长子县 keeps zhang
    assert regions.get("422800").short_name == "恩施"
    assert regions.get("650000").short_name == "新疆"


# ---------------------------------------------------------------- poverty counties and code changes

OFFICIAL_SPLIT = {"云南省": 88, "西藏自治区": 74, "四川省": 66, "贵州省": 66, "甘肃省": 58, "陕西省": 56,
                  "河北省": 45, "青海省": 42, "湖南省": 40, "河南省": 38, "山西省": 36, "广西壮族自治区": 33,
                  "新疆维吾尔自治区": 32, "内蒙古自治区": 31, "湖北省": 28, "江西省": 24, "黑龙江省": 20,
                  "安徽省": 20, "重庆市": 14, "吉林省": 8, "宁夏回族自治区": 8, "海南省": 5}


def test_poverty_list_keeps_832_rows_and_the_official_split():
    rows = read_csv("poverty_counties.csv")
    assert len(rows) == 832
    assert Counter(r["province"] for r in rows) == OFFICIAL_SPLIT


def test_every_coded_poverty_county_is_a_current_county_in_its_province():
    rows = read_csv("poverty_counties.csv")
    uncoded = [r["listed_name"] for r in rows if not r["code"]]
    assert uncoded == ["大柴旦行委"], "the only listed unit without a GB/T 2260 code"
    for row in filter(lambda r: r["code"], rows):
        region = regions.get(row["code"])
        assert region is not None and region.level == "county", row
        assert region.name == row["name"], row
        assert regions.ancestors(row["code"])[0].name == row["province"], row
        assert regions.is_poverty_county(row["code"])
        assert regions.resolve_code(row["code"]) == (row["code"],)


@pytest.mark.parametrize("listed, current", [("532600", "532601"), ("622900", "622901"), ("540530", "540581"),
                                             ("540422", "540481"), ("361104", "361104")])
def test_known_flaws_are_fixed(listed, current):
    rows = {r["listed_code"]: r for r in read_csv("poverty_counties.csv")}
    assert rows[listed]["code"] == current
    assert regions.is_poverty_county(current)


def test_wrong_codes_of_the_source_are_not_poverty_counties():
    assert not regions.is_poverty_county("532600"), "文山州, not 文山市"
    assert not regions.is_poverty_county("630104"), "西宁 城西区 was listed for 冷湖行委"
    assert regions.is_poverty_county("632803"), "茫崖市 took in 茫崖行委 and 冷湖行委"
    assert regions.poverty_exit_year("360732") in range(2016, 2021)
    assert regions.poverty_exit_year("110105") is None


def test_resolve_code_follows_the_code_history():
    assert regions.resolve_code("361121") == ("361104",)  # 上饶县 -> 广信区
    assert regions.resolve_code(361121) == ("361104",)
    assert regions.resolve_code("360732") == ("360732",)
    assert set(regions.resolve_code("130421")) == {"130402", "130403"}  # 邯郸县 split
    assert regions.resolve_code("999999") == ()
    assert regions.resolve_code("abc") == ()


def test_every_code_change_points_to_a_current_code():
    rows = read_csv("code_changes.csv")
    assert rows
    for row in rows:
        assert regions.get(row["old_code"]) is None, row
        assert regions.get(row["new_code"]).name == row["new_name"], row


@pytest.mark.skipif(shared_data_dir() is None, reason="shared/data not present beside the repository")
def test_committed_refdata_is_what_the_script_builds():
    result = subprocess.run([sys.executable, str(BUILD_SCRIPT), "--check", "--data-dir", str(shared_data_dir())],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
