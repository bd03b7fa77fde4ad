from datetime import date

import pytest

from matching import BuyerRecord, Demand, Listing, RecordError

LISTING = {"id": "L1", "product": "苹果", "quantity": 10, "unit": "吨", "price": 3, "price_unit": "元/斤",
           "available_from": "2026-09-01", "available_to": "2026-10-01", "county_code": "360732",
           "certifications": ["gi"]}


def test_listing_from_dict_ignores_unknown_fields():
    listing = Listing.from_dict({**LISTING, "producer_id": 99, "status": "active"})
    assert listing.quantity == 10.0 and listing.available_from == date(2026, 9, 1)
    assert listing.certifications == ("gi",) and listing.poverty_county is None


def test_net_weight_is_read_from_the_spec():
    listing = Listing.from_dict({**LISTING, "unit": "箱", "spec": "10斤/箱"})
    assert listing.net_weight_kg == 5.0


@pytest.mark.parametrize("change, field", [
    ({"quantity": -1}, "quantity"), ({"quantity": "many"}, "quantity"), ({"quantity": None}, "quantity"),
    ({"unit": "bushel"}, "unit"), ({"price_unit": "美元/斤"}, "price_unit"), ({"price_unit": ""}, "price_unit"),
    ({"available_from": "2026-02-30"}, "available_from"), ({"available_to": "2026-08-01"}, "available_to"),
    ({"county_code": "3607"}, "county_code"), ({"certifications": ["iso9001"]}, "certifications"),
    ({"product": " "}, "product"), ({"id": None}, "id"), ({"poverty_county": "yes"}, "poverty_county"),
    ({"price": float("inf")}, "price"), ({"min_order": -5}, "min_order"),
])
def test_listing_errors_name_the_field(change, field):
    with pytest.raises(RecordError) as info:
        Listing.from_dict({**LISTING, **change})
    assert info.value.field == field


def test_demand_from_dict_and_errors():
    demand = Demand.from_dict({"id": 7, "product": "梨", "quantity_min": 1, "quantity_max": 2, "unit": "吨",
                               "preferred_province_codes": ["360000"], "required_certifications": ["organic"]})
    assert demand.preferred_province_codes == ("360000",) and demand.required_certifications == ("organic",)
    with pytest.raises(RecordError, match="quantity_max"):
        Demand.from_dict({"id": 7, "product": "梨", "quantity_min": 3, "quantity_max": 2, "unit": "吨"})
    with pytest.raises(RecordError, match="preferred_province_codes"):
        Demand.from_dict({"id": 7, "product": "梨", "unit": "吨", "preferred_province_codes": ["jiangxi"]})
    with pytest.raises(RecordError, match="record"):
        Demand.from_dict(["not", "an", "object"])


def test_buyer_record():
    record = BuyerRecord.from_dict({"id": 1, "name": "绿源", "phones": ["138"], "credit_code": "abc", "x": 1})
    assert record.phones == ("138",) and record.credit_code == "ABC"
    with pytest.raises(RecordError, match="name"):
        BuyerRecord.from_dict({"id": 1})


def test_demand_without_quantities_needs_no_unit():
    assert Demand.from_dict({"id": 1, "product": "梨"}).quantity_max is None
    with pytest.raises(RecordError, match="unit"):
        Demand.from_dict({"id": 1, "product": "梨", "quantity_max": 5})
