"""Admins define indicators and targets in the UI, without a code change; officials use them at once."""
from datetime import date
from decimal import Decimal

import pytest
from helpers import login

from core import audit
from counties import queries


@pytest.fixture
def admin(make_user):
    return make_user("admin")


def test_a_new_indicator_appears_on_the_values_form_and_can_be_entered(client, admin, officials, indicators,
                                                                        add_county):
    add_county("360732", 2015)
    login(client, admin)
    response = client.post("/counties/indicators", data={
        "code": "cold_chain_points", "name_zh": "冷链集配点数量", "name_en": "Cold-chain hubs", "kind": "count",
        "unit": "个", "definition": "期末在运营的冷链集配点。", "sort_order": "5", "active": "y"})
    assert response.status_code == 302
    assert [e.after["code"] for e in audit.history("indicator", "cold_chain_points")] == ["cold_chain_points"]
    login(client, officials["xingguo"])
    form = client.get("/counties/360732/values").get_data(as_text=True)
    assert "冷链集配点数量" in form and 'name="cold_chain_points"' in form
    assert client.post("/counties/360732/values", data={"period": "2025Q3", "cold_chain_points": "4"}).status_code == 302
    county = queries.county_by_code("360732")
    assert [(v.indicator.code, v.value) for v in queries.value_history(county)] == [("cold_chain_points", Decimal(4))]


@pytest.mark.parametrize(("data", "message"), [
    ({"code": "x y", "kind": "count", "unit": "个"}, "小写字母"),
    ({"code": "village_coverage", "kind": "percent", "unit": "%"}, "已有相同代码"),
    ({"code": "share", "kind": "percent", "unit": "个"}, "必须使用单位“%”"),
    ({"code": "sales2", "kind": "amount_wan", "unit": "元"}, "万元"),
    ({"code": "people", "kind": "count", "unit": ""}, "计量单位"),
])
def test_indicator_definitions_are_validated(client, admin, indicators, data, message):
    login(client, admin)
    before = len(queries.indicators(False))
    response = client.post("/counties/indicators", data={"name_zh": "某指标", "name_en": "Some", **data})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert len(queries.indicators(False)) == before


def test_only_admins_define_indicators_and_targets(client, officials, indicators):
    login(client, officials["jiangxi"])
    assert client.get("/counties/indicators").status_code == 200  # officials read the definitions
    assert client.post("/counties/indicators", data={"code": "x", "name_zh": "x", "name_en": "x",
                                                     "kind": "count", "unit": "个"}).status_code == 403
    assert client.post("/counties/targets", data={"indicator_id": indicators["trainees"].id, "kind": "at_least",
                                                  "threshold": "1"}).status_code == 403
    assert queries.targets() == []


def test_targets_are_added_in_the_ui_and_drive_the_status(client, admin, officials, indicators, add_county):
    county = add_county("360732", 2015)
    login(client, officials["xingguo"])
    client.post("/counties/360732/values", data={"period": "2025Q3", "trainees": "1200"})
    login(client, admin)
    response = client.post("/counties/targets", data={
        "indicator_id": indicators["trainees"].id, "kind": "at_least", "threshold": "1000",
        "due_on": "2027-06-30", "description": "培训不少于1000人次"})
    assert response.status_code == 302
    bad = client.post("/counties/targets", data={
        "indicator_id": indicators["village_coverage"].id, "kind": "at_least", "threshold": "120"})
    assert "0 到 100" in bad.get_data(as_text=True) and len(queries.targets()) == 1
    html = client.get("/counties/360732").get_data(as_text=True)
    assert 'data-status="met"' in html and "培训不少于1000人次" in html
    target = queries.targets()[0]
    assert target.due_on == date(2027, 6, 30)
    client.post(f"/counties/targets/{target.id}/delete")
    assert queries.targets() == []
    assert [e.action for e in audit.history("target", target.id)] == ["target.delete", "target.create"]
    assert county.code == "360732"
