import math

import pytest

from matching import units


@pytest.mark.parametrize("qty, unit, kg", [(2, "斤", 1.0), (3, "公斤", 3.0), (3, "千克", 3.0), (3, "KG", 3.0),
                                           (1.5, "吨", 1500.0), (500, "克", 0.5), (4, "ｋｇ", 4.0)])
def test_to_kg(qty, unit, kg):
    assert units.to_kg(qty, unit) == pytest.approx(kg)


def test_count_units_need_a_net_weight():
    assert units.to_kg(10, "箱") is None
    assert units.to_kg(10, "箱", 5) == 50
    assert units.to_kg(3, "头", 120) == 360


@pytest.mark.parametrize("price, unit, per_kg", [(2.5, "元/斤", 5.0), (5, "元/公斤", 5.0), (5000, "元/吨", 5.0),
                                                 (0.005, "元/克", 5.0), (5, "元每公斤", 5.0), (5, "¥/kg", 5.0)])
def test_price_per_kg(price, unit, per_kg):
    assert units.price_per_kg(price, unit) == pytest.approx(per_kg)


def test_price_per_box_and_negotiable():
    assert units.price_per_kg(100, "元/箱", 10) == 10
    assert units.price_per_kg(100, "元/箱") is None
    assert units.price_per_kg(None, "元/斤") is None
    # the example: 元/斤 and 元/公斤 compared correctly
    assert units.price_per_kg(3, "元/斤") > units.price_per_kg(5.5, "元/公斤")


@pytest.mark.parametrize("spec, kg", [("10斤/箱", 5.0), ("净重2.5kg", 2.5), ("每箱20公斤", 20.0),
                                      ("500g/袋", 0.5), ("80mm 一级", None), ("", None)])
def test_net_weight_from_spec(spec, kg):
    got = units.net_weight_from_spec(spec)
    assert (got is None and kg is None) or math.isclose(got, kg)


@pytest.mark.parametrize("bad", ["", "bushel", "斤斤"])
def test_unknown_units_raise(bad):
    with pytest.raises(units.UnitError):
        units.normalise_unit(bad)


@pytest.mark.parametrize("bad", ["斤", "美元/斤", "元/桶桶"])
def test_bad_price_units_raise(bad):
    with pytest.raises(units.UnitError):
        units.parse_price_unit(bad)
