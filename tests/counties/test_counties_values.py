"""Entering a period's values: validation with field messages, nothing half-written, every change audited."""
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa
from helpers import login

from core import audit
from core.db import db, utcnow
from counties import queries
from counties.models import IndicatorValue


@pytest.fixture
def xingguo(add_county, indicators, officials, client):
    county = add_county("360732", 2015)
    login(client, officials["xingguo"])
    return county


def _values(county):
    return {(v.indicator.code, v.period): v.value for v in queries.value_history(county)}


def test_entering_a_quarter_saves_values_and_shows_them(client, xingguo):
    response = client.post("/counties/360732/values", data={
        "period": "2025q3", "village_coverage": "62.5", "trainees": "320", "rural_online_sales": "12,345.60",
        "service_centre_built": "是", "online_shops": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith("/counties/360732")
    assert _values(xingguo) == {("village_coverage", "2025Q3"): Decimal("62.5"),
                                ("trainees", "2025Q3"): Decimal(320),
                                ("rural_online_sales", "2025Q3"): Decimal("12345.6"),
                                ("service_centre_built", "2025Q3"): Decimal(1)}
    html = client.get("/counties/360732").get_data(as_text=True)
    assert "62.5" in html and "12,345.6" in html
    series = client.get("/counties/360732/series.json").get_json()
    assert series["periods"] == ["2025Q3"]
    coverage = next(d for d in series["datasets"] if d["code"] == "village_coverage")
    assert coverage["values"] == ["62.500"] and coverage["unit"] == "%"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("village_coverage", "100.5", "0 到 100"),
    ("village_coverage", "-1", "不能为负"),
    ("trainees", "3.5", "整数"),
    ("trainees", "abc", "请输入数字"),
    ("service_centre_built", "maybe", "1（是）或 0（否）"),
])
def test_bad_values_get_a_field_message_and_nothing_is_saved(client, xingguo, field, value, message):
    response = client.post("/counties/360732/values", data={
        "period": "2025Q3", "online_shops": "12", field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert 'aria-invalid="true"' in html
    assert _values(xingguo) == {}  # the valid online_shops value was not saved either


@pytest.mark.parametrize(("period", "message"), [("2099Q1", "未来"), ("2025Q7", "2025Q3"), ("2010", "2014")])
def test_bad_periods_are_refused(client, xingguo, period, message):
    response = client.post("/counties/360732/values", data={"period": period, "trainees": "5"})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert _values(xingguo) == {}


def test_every_change_is_audited_with_who_when_old_and_new(client, xingguo, officials):
    client.post("/counties/360732/values", data={"period": "2025Q3", "village_coverage": "50"})
    client.post("/counties/360732/values", data={"period": "2025Q3", "village_coverage": "55.5"})
    client.post("/counties/360732/values", data={"period": "2025Q3", "village_coverage": "55.5"})  # no change
    entries = audit.history("demo_county", "360732")
    assert [(e.before, e.after) for e in entries] == [
        ({"indicator": "village_coverage", "period": "2025Q3", "value": "50.000"},
         {"indicator": "village_coverage", "period": "2025Q3", "value": "55.5", "source": "manual"}),
        (None, {"indicator": "village_coverage", "period": "2025Q3", "value": "50", "source": "manual"}),
    ]
    assert {e.actor_id for e in entries} == {officials["xingguo"].id}
    assert all(e.action == "county.value_set" and e.at is not None for e in entries)
    row = db.session.scalar(sa.select(IndicatorValue))
    assert row.entered_by_id == officials["xingguo"].id and row.value == Decimal("55.5")
    page = client.get("/counties/360732/history").get_data(as_text=True)
    assert "official.xingguo@example.com" in page and "50.000" in page and "55.5" in page


def test_registry_changes_are_audited_too(client, add_county, officials):
    county = add_county("360735", 2016)
    login(client, officials["jiangxi"])
    response = client.post("/counties/360735/edit", data={
        "batch_year": "2017", "poverty_override": "auto", "old_revolutionary_area": "y",
        "central_allocated": "1500", "central_disbursed": "1600", "local_allocated": "0", "local_disbursed": "0"})
    assert "不能超过" in response.get_data(as_text=True)  # disbursed > allocated
    response = client.post("/counties/360735/edit", data={
        "batch_year": "2017", "poverty_override": "0", "old_revolutionary_area": "y", "programme_flags": ["border"],
        "central_allocated": "1500", "central_disbursed": "1200.5", "local_allocated": "300",
        "local_disbursed": "0", "officials": "official.ganzhou@example.com"})
    assert response.status_code == 302
    db.session.refresh(county)
    assert county.batch_year == 2017 and county.poverty_override is False and not county.poverty_county
    assert county.central_disbursed == Decimal("1200.5") and [u.email for u in county.officials] == [
        "official.ganzhou@example.com"]
    (entry,) = audit.history("demo_county", "360735")
    assert entry.actor_id == officials["jiangxi"].id
    assert entry.before["batch_year"] == 2016 and entry.after["batch_year"] == 2017
    assert entry.before["poverty_override"] is None and entry.after["poverty_override"] is False


def test_registry_refuses_a_hubei_official_as_responsible_for_a_jiangxi_county(client, add_county, officials):
    add_county("360735", 2016)
    login(client, officials["jiangxi"])
    response = client.post("/counties/360735/edit", data={
        "batch_year": "2016", "poverty_override": "auto", "officials": "official.hubei@example.com"})
    assert response.status_code == 200 and "official.hubei@example.com" in response.get_data(as_text=True)
    assert audit.history("demo_county", "360735") == []


def test_adding_a_county_validates_the_code(client, officials):
    login(client, officials["jiangxi"])
    response = client.post("/counties/new", data={"code": "360799", "batch_year": "2016"})
    assert "GB/T 2260" in response.get_data(as_text=True)
    response = client.post("/counties/new", data={"code": "360735", "batch_year": "2016"})
    assert response.status_code == 302
    county = queries.county_by_code("360735")
    assert county.poverty_county is True and county.poverty_override is None  # from the national list


def test_an_earlier_period_opens_prefilled_for_correction(client, xingguo):
    client.post("/counties/360732/values", data={"period": "2025Q2", "village_coverage": "50", "trainees": "12"})
    form = client.get("/counties/360732/values").get_data(as_text=True)
    assert "?period=2025Q2" in form
    form = client.get("/counties/360732/values?period=2025Q2").get_data(as_text=True)
    assert 'name="village_coverage" type="text" value="50"' in form and 'value="12"' in form
    assert re.search(r'name="period"[^>]*value="2025Q2"', form)


def test_a_concurrent_first_write_is_retried_as_an_update(app, add_county, indicators, officials, monkeypatch):
    """Simulates the PostgreSQL race: another official's insert of the same cell lands between our read and
    our insert, so our commit hits the unique key; the service retries once and updates instead."""
    from sqlalchemy.exc import IntegrityError

    from counties import services

    county = add_county("360732", 2015)
    real = services._set_value
    calls = {"n": 0}

    def racing(county_, indicator, period, value, user, source):
        calls["n"] += 1
        if calls["n"] == 1:
            cell = {"county_id": county_.id, "indicator_id": indicator.id, "period": period}
            db.session.rollback()  # (SQLite's BEGIN IMMEDIATE would make the other writer wait for us)
            with db.engine.begin() as other:  # the other writer, committed first
                other.execute(IndicatorValue.__table__.insert().values(
                    **cell, value=Decimal(10), source="manual", created_at=utcnow(), updated_at=utcnow()))
            raise IntegrityError("INSERT", {}, Exception("duplicate key"))
        return real(county_, indicator, period, value, user, source)

    monkeypatch.setattr(services, "_set_value", racing)
    assert services.save_values(officials["xingguo"], county, "2025Q3", {"trainees": "25"}) == 1
    assert _values(county) == {("trainees", "2025Q3"): Decimal(25)}
    (entry,) = audit.history("demo_county", "360732")
    assert entry.before["value"] == "10.000" and entry.after["value"] == "25"
