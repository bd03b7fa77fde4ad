"""Demands: units normalised to kg, price ceilings compared across 元/斤 / 元/公斤 / 元/吨, statuses,
versioned edits, bad input, and another organisation's users cannot read or edit them."""
from decimal import Decimal

import pytest
from helpers import login

from buyers import services
from buyers.models import Demand
from core.db import db


@pytest.fixture
def buyer_with_org(make_user, make_org):
    user = make_user("buyer")
    org = make_org("深圳鲜达生鲜供应链有限公司", county_code="440305", member=user)
    return user, org


def test_buyer_posts_a_demand_and_it_is_normalised(client, buyer_with_org, demand_data):
    user, org = buyer_with_org
    login(client, user)
    response = client.post("/buyers/demands/new", data={**demand_data(), "required_certifications": ["green_food"]})
    assert response.status_code == 302
    demand = db.session.scalar(db.select(Demand))
    assert demand.buyer_id == org.id and demand.status == "open" and demand.product_code == "navel_orange"
    assert demand.quantity_min_kg == Decimal("10000") and demand.quantity_max_kg == Decimal("20000")
    assert demand.price_max_per_kg == Decimal("7.0000")  # 3.5 元/斤 = 7 元/公斤
    assert demand.required_certifications == ["green_food"]
    page = client.get(f"/buyers/demands/{demand.id}").get_data(as_text=True)
    assert "脐橙" in page and "7.00 元/公斤" in page


@pytest.mark.parametrize(("price", "unit", "per_kg"), [
    ("3.5", "元/斤", "7"), ("7", "元/公斤", "7"), ("7000", "元/吨", "7"), ("2", "元/斤", "4"), ("5", "元/公斤", "5")])
def test_price_ceiling_is_compared_per_kg_across_units(buyer_with_org, demand_data, price, unit, per_kg):
    user, _org = buyer_with_org
    demand = services.create_demand(user, demand_data(price_max=price, price_unit=unit))
    assert demand.price_max_per_kg == Decimal(per_kg)


def test_ceilings_in_different_units_order_correctly(buyer_with_org, demand_data):
    user, _org = buyer_with_org
    per_jin = services.create_demand(user, demand_data(price_max="3", price_unit="元/斤"))     # 6 元/公斤
    per_kg = services.create_demand(user, demand_data(price_max="5", price_unit="元/公斤"))     # 5 元/公斤
    per_ton = services.create_demand(user, demand_data(price_max="5500", price_unit="元/吨"))  # 5.5 元/公斤
    ordered = sorted([per_jin, per_kg, per_ton], key=lambda d: d.price_max_per_kg)
    assert [d.id for d in ordered] == [per_kg.id, per_ton.id, per_jin.id]
    # a naive comparison of the numbers would put 3 (元/斤) below 5 (元/公斤)
    assert per_jin.price_max < per_kg.price_max and per_jin.price_max_per_kg > per_kg.price_max_per_kg


def test_count_unit_has_no_kg_figure(buyer_with_org, demand_data):
    user, _org = buyer_with_org
    demand = services.create_demand(user, demand_data(unit="箱", price_max="50", price_unit="元/箱"))
    assert demand.quantity_min_kg is None and demand.price_max_per_kg is None


@pytest.mark.parametrize(("field", "value", "message"), [
    ("product_name", "", "必填"),
    ("quantity_min", "-5", ""),
    ("quantity_max", "1", "最多数量不能小于最少数量"),
    ("needed_to", "2000-01-01", "截止日期不能早于开始日期"),
    ("needed_from", "soon", ""),
    ("price_unit", "", "最高价的单位"),
    ("delivery_county_code", "440000", "县级"),
    ("preferred_province_codes", "360700", "360700"),
    ("unit", "桶", ""),
    ("frequency", "daily", ""),
])
def test_bad_demand_input(client, buyer_with_org, demand_data, field, value, message):
    user, _org = buyer_with_org
    login(client, user)
    response = client.post("/buyers/demands/new", data=demand_data(**{field: value}))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'class="error"' in body and message in body
    assert db.session.scalar(db.select(db.func.count()).select_from(Demand)) == 0


def test_stale_version_gets_a_conflict_message(client, buyer_with_org, demand_data):
    user, _org = buyer_with_org
    demand = services.create_demand(user, demand_data())
    login(client, user)
    first = client.post(f"/buyers/demands/{demand.id}/edit", data=demand_data(quantity_max="30", version="1"))
    assert first.status_code == 302
    stale = client.post(f"/buyers/demands/{demand.id}/edit", data=demand_data(quantity_max="40", version="1"))
    assert stale.status_code == 409 and "他人已修改" in stale.get_data(as_text=True)
    db.session.refresh(demand)
    assert demand.quantity_max == Decimal("30") and demand.version == 2


def test_service_raises_version_conflict(buyer_with_org, demand_data):
    user, _org = buyer_with_org
    demand = services.create_demand(user, demand_data())
    with pytest.raises(services.VersionConflict):
        services.update_demand(user, demand, demand_data(), expected_version=demand.version + 1)


def test_status_changes(client, buyer_with_org, demand_data):
    user, _org = buyer_with_org
    demand = services.create_demand(user, demand_data())
    login(client, user)
    client.post(f"/buyers/demands/{demand.id}/status", data={"status": "paused", "version": demand.version})
    db.session.refresh(demand)
    assert demand.status == "paused"
    client.post(f"/buyers/demands/{demand.id}/status", data={"status": "gone", "version": demand.version})
    db.session.refresh(demand)
    assert demand.status == "paused"


def test_other_organisation_cannot_read_or_edit_demands(client, make_user, make_org, demand_data):
    owner, intruder = make_user("buyer"), make_user("buyer")
    make_org("甲公司", member=owner)
    make_org("乙公司", member=intruder)
    demand = services.create_demand(owner, demand_data())
    login(client, intruder)
    assert client.get(f"/buyers/demands/{demand.id}").status_code == 404
    assert client.get(f"/buyers/demands/{demand.id}/edit").status_code == 404
    assert client.post(f"/buyers/demands/{demand.id}/edit", data=demand_data(version="1")).status_code == 404
    assert client.post(f"/buyers/demands/{demand.id}/status", data={"status": "closed"}).status_code == 404
    assert client.get(f"/buyers/demands/{demand.id}/why-not?listing_id=1").status_code == 404
    assert "甲公司" not in client.get("/buyers/demands").get_data(as_text=True)
    with pytest.raises(services.PermissionDenied):
        services.update_demand(intruder, demand, demand_data(), demand.version)
    db.session.refresh(demand)
    assert demand.status == "open" and demand.version == 1


def test_buyer_without_org_is_sent_to_set_up(client, login_as, demand_data):
    user = login_as("buyer")
    assert "创建我的单位" in client.get("/buyers/demands").get_data(as_text=True)
    assert client.get("/buyers/demands/new").status_code == 302
    with pytest.raises(services.BuyerError):
        services.create_demand(user, demand_data())


def test_demand_record_uses_the_matching_vocabulary(buyer_with_org, demand_data):
    import matching
    from buyers.queries import demand_record

    user, _org = buyer_with_org
    record = demand_record(services.create_demand(user, demand_data()))
    parsed = matching.Demand.from_dict({k: (float(v) if isinstance(v, Decimal) else v) for k, v in record.items()})
    assert parsed.product == "脐橙" and parsed.price_unit == "元/斤" and parsed.delivery_county_code == "440305"
    assert record["preferred_province_codes"] == ["360000"]
