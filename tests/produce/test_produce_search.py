"""Search relevance (synonyms, pinyin, initials, traditional, typos, false friends), filters, sorting,
pagination, and the read-time expiry filter."""
from datetime import date, timedelta

import pytest

from produce.queries import search_listings


@pytest.fixture
def shelf(catalogue, make_producer, make_listing):
    """A few listings from two producers; returns {name: listing}."""
    user, _ = make_producer(county="360732")              # 兴国县, a poverty county in Jiangxi
    other, _ = make_producer(county="610326", certs=())   # 眉县, Shaanxi
    made = {}
    for name, owner, extra in [
        ("马铃薯", user, {}),
        ("红富士苹果", user, {"price": "4.00", "price_unit": "元/斤"}),
        ("烟台苹果", other, {"price": "6.00", "price_unit": "元/公斤", "certifications": [],
                          "county_code": "610326"}),
        ("延边苹果梨", user, {}),
        ("菠萝", other, {"certifications": [], "county_code": "610326"}),
        ("菠萝蜜", other, {"certifications": [], "county_code": "610326"}),
        ("眉县猕猴桃", other, {"certifications": [], "county_code": "610326", "price": "12", "price_unit": "元/公斤"}),
    ]:
        made[name] = make_listing(owner, product=name, **extra)
    return made


def names(page):
    return [listing.product_name for listing in page.items]


@pytest.mark.parametrize("query", ["土豆", "洋芋", "山药蛋", "马铃薯", "tudou"])
def test_synonyms_find_potatoes(shelf, query):
    assert names(search_listings(query))[:1] == ["马铃薯"]


@pytest.mark.parametrize("query", ["苹果", "pingguo", "pg", "蘋果", "平果", "PingGuo"])
def test_apple_by_name_pinyin_initials_traditional_and_typo(shelf, query):
    found = names(search_listings(query))
    assert set(found[:2]) == {"红富士苹果", "烟台苹果"}, found


def test_false_friend_apple_pear_ranks_below_apples(shelf):
    found = names(search_listings("苹果"))
    assert found.index("延边苹果梨") > max(found.index("红富士苹果"), found.index("烟台苹果"))
    page = search_listings("苹果")
    assert page.exact_count == 2


def test_apple_pear_query_finds_the_pear_not_apples(shelf):
    assert names(search_listings("苹果梨")) == ["延边苹果梨"]


def test_jackfruit_is_not_pineapple(shelf):
    assert names(search_listings("菠萝蜜"))[0] == "菠萝蜜"
    assert names(search_listings("菠萝"))[0] == "菠萝"


def test_typo_in_a_longer_name(shelf):
    assert names(search_listings("弥猴桃")) == ["眉县猕猴桃"]


def test_unknown_words_match_the_text(shelf):
    assert names(search_listings("眉县")) == ["眉县猕猴桃"]
    assert names(search_listings("不存在的东西")) == []


def test_extra_words_narrow_the_product(shelf):
    assert names(search_listings("烟台苹果")) == ["烟台苹果"]


def test_filters(shelf):
    assert set(names(search_listings("苹果", {"region": "360000"}))) == {"红富士苹果", "延边苹果梨"}
    assert names(search_listings("苹果", {"region": "610000"})) == ["烟台苹果"]
    assert "烟台苹果" not in names(search_listings("", {"certification": "green_food"}))
    assert set(names(search_listings("", {"poverty_only": True}))) >= {"马铃薯", "红富士苹果"}
    assert "眉县猕猴桃" not in names(search_listings("", {"poverty_only": True}))  # 眉县 is no poverty county
    assert set(names(search_listings("", {"category": "fruit"}))) >= {"烟台苹果", "菠萝"}
    assert "马铃薯" not in names(search_listings("", {"category": "fruit"}))


def test_price_ceiling_compares_per_kilogram(shelf):
    # 红富士 4 元/斤 = 8 元/公斤; 烟台 6 元/公斤; 苹果梨 3.80 元/斤 = 7.60 元/公斤
    assert names(search_listings("苹果", {"max_price": "7"})) == ["烟台苹果"]
    assert set(names(search_listings("苹果", {"max_price": "8"}))) == {"烟台苹果", "红富士苹果", "延边苹果梨"}
    assert names(search_listings("苹果", {"max_price": "3.5", "max_price_unit": "元/斤"})) == ["烟台苹果"]


def test_minimum_quantity_in_kilograms(shelf, make_listing, make_producer):
    user, _ = make_producer()
    make_listing(user, product="大米", quantity="2", unit="吨", price="4", price_unit="元/公斤", min_order="")
    make_listing(user, product="大米", quantity="100", unit="斤", min_order="")
    page = search_listings("大米", {"min_quantity_kg": "1000"})
    assert [(listing.quantity, listing.unit) for listing in page.items] == [(2, "吨")]


def test_available_in_a_date_range(shelf, make_listing, make_producer):
    user, _ = make_producer()
    later = date.today() + timedelta(days=100)
    make_listing(user, product="大蒜", available_from=later.isoformat(),
                 available_to=(later + timedelta(days=30)).isoformat())
    make_listing(user, product="大蒜")
    soon = {"available_from": date.today(), "available_to": date.today() + timedelta(days=10)}
    assert len(search_listings("大蒜", soon).items) == 1
    assert len(search_listings("大蒜", {"available_from": later}).items) == 1


def test_sort_by_price_and_newest(shelf):
    by_price = [listing.price_per_kg for listing in search_listings("", sort="price").items]
    priced = [p for p in by_price if p is not None]
    assert priced == sorted(priced) and by_price[: len(priced)] == priced
    newest = [listing.id for listing in search_listings("", sort="newest").items]
    assert newest == sorted(newest, reverse=True)


def test_pagination(shelf):
    first, second = search_listings("", page=1, per_page=3), search_listings("", page=2, per_page=3)
    assert first.total == len(shelf) and first.pages == 3
    assert not {x.id for x in first.items} & {x.id for x in second.items}
    assert first.has_next and not first.has_prev and second.prev_num == 1


def test_drafts_paused_and_ended_listings_are_not_found(shelf, make_listing, make_producer):
    from core.db import db

    user, _ = make_producer()
    make_listing(user, product="香菇", status="draft")
    ended = make_listing(user, product="香菇")
    ended.available_from = date.today() - timedelta(days=30)
    ended.available_to = date.today() - timedelta(days=1)  # ended, not yet flagged by the expiry job
    db.session.commit()
    assert search_listings("香菇").total == 0


def test_search_page_through_http(client, shelf):
    html = client.get("/produce/?q=tudou&region=360732").get_data(as_text=True)
    assert "马铃薯" in html and "烟台苹果" not in html
    assert client.get("/produce/?q=苹果&min_kg=abc&from=xx&region=12&page=-3&sort=zzz").status_code == 200


def test_a_category_filter_with_a_product_query(shelf):
    assert names(search_listings("苹果", {"category": "fruit"}))[:2] != []
    assert set(names(search_listings("苹果", {"category": "fruit"}))[:2]) == {"红富士苹果", "烟台苹果"}
    assert names(search_listings("苹果", {"category": "vegetables"})) == []
    assert names(search_listings("苹果", {"region": "999999"})) == []


def test_a_product_with_region_certification_and_poverty_filters(shelf):
    """Every facet counts through the anchored tokens (p<id>r36, p<id>zgreenfood...), in both tiers."""
    jiangxi_green = {"region": "360000", "certification": "green_food"}
    assert names(search_listings("苹果", jiangxi_green)) == ["红富士苹果", "延边苹果梨"]  # exact tier first
    assert names(search_listings("苹果", {**jiangxi_green, "poverty_only": True})) == ["红富士苹果", "延边苹果梨"]
    assert names(search_listings("苹果", {"region": "360700", "certification": "green_food"})) == \
        ["红富士苹果", "延边苹果梨"]  # a prefecture
    assert names(search_listings("苹果", {"region": "360732", "poverty_only": True})) == ["红富士苹果", "延边苹果梨"]
    assert names(search_listings("苹果", {"region": "360000", "certification": "organic"})) == []
    assert names(search_listings("苹果", {"region": "610000", "certification": "green_food"})) == []
    assert names(search_listings("苹果", {"region": "610326", "poverty_only": True})) == []


def test_initials_with_a_region_filter(shelf):
    assert names(search_listings("pg", {"region": "610000"})) == ["烟台苹果"]
    assert names(search_listings("pg", {"region": "360000", "certification": "green_food"})) == ["红富士苹果"]
    assert names(search_listings("pg", {"region": "360000", "certification": "organic"})) == []
