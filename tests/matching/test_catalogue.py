import csv
import io
from collections import Counter
from pathlib import Path

import pytest

from matching import normalise_text, pinyin_forms
from matching.catalogue import CATEGORIES, Catalogue
from matching.tools import build_catalogue

ROOT = Path(__file__).resolve().parents[2]
GI_REGISTER = [ROOT.parent / "shared" / "data" / "gi_products_2008_2019.csv",
               Path("/work/shared/data/gi_products_2008_2019.csv")]
# GI register category -> catalogue categories that are consistent with it (the register files
# nuts under 果品, tubers under 粮食 and 蔬菜, cured meats under 肉类产品, bee products apart).
GI_ALLOWED = {
    "果品": {"fruit", "nuts_dried", "grain_oil"}, "蔬菜": {"vegetables", "grain_oil", "fungi", "nuts_dried"},
    "蔬菜类": {"vegetables", "grain_oil"}, "粮食": {"grain_oil", "vegetables"},
    "肉类产品": {"livestock", "processed"}, "水产动物": {"aquatic"}, "水产初级加工品": {"aquatic", "processed"},
    "水生植物": {"aquatic", "vegetables"}, "茶叶": {"tea"}, "药材": {"herbs", "fungi", "vegetables"},
    "药材类": {"herbs", "tea"}, "食用菌": {"fungi"}, "油料": {"grain_oil", "nuts_dried"},
    "蜂类产品": {"livestock", "processed"}, "蛋类产品": {"livestock", "processed"},
    "香料": {"nuts_dried", "herbs", "vegetables"}, "其它畜牧产品": {"livestock", "herbs"},
    "糖料": {"processed", "fruit", "vegetables"}, "奶制品": {"livestock", "processed"},
    "热带作物": {"processed", "fruit", "nuts_dried"},
}  # 花卉, 烟草, 棉麻蚕桑, 其它植物: not food, outside the catalogue


@pytest.mark.parametrize("text, expected", [
    ("ＦＵＪＩ 蘋果（一級）", "fuji苹果一级"), ("  Kiwi-Fruit! ", "kiwifruit"), ("菠蘿蜜", "菠萝蜜"),
    ("", ""), (None, ""),
])
def test_normalise_text(text, expected):
    assert normalise_text(text) == expected


def test_pinyin_forms():
    assert pinyin_forms("苹果") == ("pingguo", "pg")
    assert pinyin_forms("核桃") == ("hetao", "ht")
    assert pinyin_forms("蘋果") == ("pingguo", "pg")


@pytest.mark.parametrize("text, code", [
    ("红富士苹果", "apple"), ("延边苹果梨", "pear"), ("菠萝蜜", "jackfruit"), ("菠萝", "pineapple"),
    ("山核桃", "hickory"), ("核桃", "walnut"), ("花生油", "peanut_oil"), ("花生", "peanut"),
    ("弥猴桃", "kiwifruit"), ("平果", "apple"), ("香姑", "shiitake"), ("蘋果", "apple"), ("鳳梨", "pineapple"),
    ("pingguo", "apple"), ("ping guo", "apple"), ("mht", "kiwifruit"), ("Fuji Apples", "apple"),
    ("kiwi", "kiwifruit"), ("土豆", "potato"), ("山药蛋", "potato"), ("洋芋", "potato"), ("西红柿", "tomato"),
    ("地瓜", "sweet_potato"), ("番薯", "sweet_potato"), ("苹果 80mm 一级", "apple"), ("山药", "chinese_yam"),
    ("陕州红梨", "pear"), ("五常大米", "rice"), ("鸡蛋", "egg"), ("咸鸭蛋", "salted_egg"), ("田鸡", "bullfrog"),
])
def test_resolve(catalogue, text, code):
    assert catalogue.resolve(text).product_code == code


def test_resolution_details(catalogue):
    exact = catalogue.resolve("苹果")
    assert (exact.exact, exact.score, exact.category) == (True, 1.0, "fruit")
    inside = catalogue.resolve("烟台苹果")
    assert inside.exact and inside.score < 1.0 and inside.matched_term == "苹果"
    typo = catalogue.resolve("弥猴桃")
    assert not typo.exact and typo.matched_term == "猕猴桃"
    assert catalogue.resolve("").product_code is None
    assert catalogue.resolve("xyzzy qqq").product_code is None


def test_suggest_and_search_keys(catalogue):
    assert catalogue.suggest("苹菓")[0][0] == "apple"
    keys = catalogue.search_keys("马铃薯")
    assert {"马铃薯", "malingshu", "mls", "potato", "土豆", "tudou", "td"} <= set(keys)


def test_catalogue_file_shape(catalogue):
    with (ROOT / "refdata" / "catalogue.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 300
    assert list(rows[0]) == ["code", "category", "name", "aliases", "traditional", "pinyin", "english"]
    assert {r["category"] for r in rows} == set(CATEGORIES)
    assert len({r["code"] for r in rows}) == len(rows)
    assert all(r["code"].isascii() and r["english"] for r in rows)
    per_category = Counter(r["category"] for r in rows)
    assert min(per_category.values()) >= 10
    assert "土豆" in next(r for r in rows if r["code"] == "potato")["aliases"].split("|")


def test_catalogue_csv_is_built_from_the_seed():
    """refdata/catalogue.csv must equal a fresh build (no hand edits that the seed lacks)."""
    rows = build_catalogue.add_derived(build_catalogue.parse_seed())
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=build_catalogue.COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    assert buffer.getvalue() == (ROOT / "refdata" / "catalogue.csv").read_text(encoding="utf-8")


def test_seed_rejects_an_alias_naming_two_products(tmp_path):
    seed = tmp_path / "seed.txt"
    seed.write_text("a|fruit|苹果|富士|apple\nb|fruit|梨|富士|pear\n", encoding="utf-8")
    with pytest.raises(ValueError, match="already names"):
        build_catalogue.parse_seed(seed)


def test_gi_register_names_resolve_to_a_consistent_category(catalogue):
    path = next((p for p in GI_REGISTER if p.is_file()), None)
    if path is None:
        pytest.skip("shared GI register not present")
    with path.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["category"] in GI_ALLOWED]
    consistent = [r for r in rows if catalogue.resolve(r["product"]).category in GI_ALLOWED[r["category"]]]
    coverage = len(consistent) / len(rows)
    print(f"\n[gi] {len(consistent)}/{len(rows)} GI product names (food categories) resolve to a "
          f"consistent category: {coverage:.1%}")
    for name, code in [("眉县猕猴桃", "kiwifruit"), ("库尔勒香梨", "pear"), ("西吉马铃薯", "potato"),
                       ("烟台苹果", "apple"), ("金乡大蒜", "garlic"), ("五常大米", "rice"),
                       ("赣南脐橙", "navel_orange")]:
        assert catalogue.resolve(name).product_code == code
    assert coverage >= 0.9


@pytest.mark.parametrize(("name", "code"), [
    ("河田鸡", "chicken"),          # a chicken breed from 河田, not 田鸡 (frog)
    ("羊口咸蟹子", "crab"),          # 蟹子 is crab, not 蝎子 (scorpion) one typo away
    ("宁陕猪苓", "polyporus"),       # a medicinal fungus, not a pig
    ("江门牛大力", "millettia"),     # a medicinal root, not cattle
    ("柳下邑猪牙皂", "gleditsia"),
    ("遂昌菊米", "chrysanthemum"),   # chrysanthemum buds, not rice
    ("黄花云尖", "green_tea"),       # a green tea, not daylily
])
def test_registered_gi_names_that_end_in_another_products_word(name, code):
    """Geographical-indication names from ../shared/data whose last characters spell another product."""
    assert Catalogue.load().resolve(name).product_code == code
