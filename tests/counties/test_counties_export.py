"""XLSX exports: open the produced workbook with openpyxl and compare with the rows; formulas never run."""
import io
from decimal import Decimal

import openpyxl
import pytest
from counties_helpers import deals
from helpers import login

from core.db import db
from counties import export
from counties.models import IndicatorValue, Target


def _book(response):
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return openpyxl.load_workbook(io.BytesIO(response.data))


def _records(sheet):
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def data(add_county, indicators, fake_deals):
    db.session.add(Target(indicator=indicators["rural_online_sales"], kind="at_least", threshold=Decimal(1000),
                          description="零售额不少于1000万元"))
    xingguo = add_county("360732", 2015, central_allocated=Decimal("2000.5"), notes="=HYPERLINK(\"x\")")
    add_county("422822", 2016, central_allocated=Decimal(900))
    for period, value in (("2025Q1", "1000"), ("2025Q2", "250.25")):
        db.session.add(IndicatorValue(county_id=xingguo.id, indicator_id=indicators["rural_online_sales"].id,
                                      period=period, value=Decimal(value)))
    db.session.commit()
    fake_deals.data["360732"] = deals("50", "30.5", 2)
    return xingguo


def test_ranking_export_holds_every_indicator_and_the_figures(client, make_user, data, indicators):
    login(client, make_user("admin"))
    book = _book(client.get("/counties/export.xlsx?table=ranking"))
    sheet = book.active
    records = {r["代码"]: r for r in _records(sheet)}
    assert set(records) == {"360732", "422822"}
    assert records["360732"]["农村网络零售额 (万元)"] == 1250.25
    assert records["360732"]["成交金额（元）"] == 30.5 and records["422822"]["成交金额（元）"] == 0
    assert records["360732"]["中央资金安排（万元）"] == 2000.5
    headers = [c.value for c in sheet[1]]
    assert all(f"{i.name_zh}" in " ".join(headers) for i in indicators.values())


def test_every_dashboard_table_exports_and_scope_is_respected(client, officials, data):
    login(client, officials["jiangxi"])
    book = _book(client.get("/counties/export.xlsx?table=all"))
    assert book.sheetnames == ["排名", "贫困县与其他县对比", "目标完成情况（按县统计）", "分地区情况", "名录"]
    assert [r["代码"] for r in _records(book["名录"])] == ["360732"]  # Hubei's county is outside the scope
    breakdown = _records(book["分地区情况"])
    assert [(r["区域"], r["县数"]) for r in breakdown] == [("江西省", 1), ("赣州市", 1)]
    assert _records(book["目标完成情况（按县统计）"]) == [
        {"目标": "零售额不少于1000万元", "已达成": 1, "按计划推进": 0, "滞后": 0, "无数据": 0}]
    assert client.get("/counties/export.xlsx?table=nope").status_code == 404


def test_formula_injection_is_neutralised(client, make_user, data):
    admin = make_user("admin")
    login(client, admin)
    client.post("/counties/indicators", data={"code": "evil", "name_zh": "=1+1", "name_en": "@SUM(A1)",
                                              "kind": "count", "unit": "个", "active": "y", "sort_order": "1"})
    registry = _book(client.get("/counties/export.xlsx?table=registry")).active
    notes = next(c for c in registry["A"] if c.value == "360732").row
    cell = registry.cell(row=notes, column=[c.value for c in registry[1]].index("备注") + 1)
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s" and cell.quotePrefix
    ranking = _book(client.get("/counties/export.xlsx?table=ranking")).active
    header = next(c for c in ranking[1] if str(c.value).startswith("=1+1"))
    assert header.data_type == "s" and header.quotePrefix


def test_workbook_writer_keeps_dangerous_text_as_text():
    book = openpyxl.load_workbook(io.BytesIO(export.workbook_bytes([
        ("t", ["a", "b", "c", "d", "e"], [["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "safe"],
                                           [Decimal("1.5"), 3, None, True, "-"]])])))
    sheet = book.active
    cells = sheet[2]
    assert [c.value for c in cells] == ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "safe"]
    assert [c.data_type for c in cells[:4]] == ["s", "s", "s", "s"]
    assert all(c.quotePrefix for c in cells[:4])
    assert [c.value for c in sheet[3]] == [1.5, 3, None, "是", "-"]


def test_county_values_export(client, officials, data):
    login(client, officials["ganzhou"])
    book = _book(client.get("/counties/360732/values.xlsx"))
    assert book.sheetnames == ["最新数据", "目标", "指标数据"]
    rows = _records(book["指标数据"])
    assert [(r["期间"], r["指标代码"], r["数值"]) for r in rows] == [
        ("2025Q2", "rural_online_sales", 250.25), ("2025Q1", "rural_online_sales", 1000)]
    latest = {r["指标代码"]: (r["期间"], r["数值"]) for r in _records(book["最新数据"])}
    assert latest["rural_online_sales"] == ("2025", 1250.25) and latest["trainees"] == (None, None)
    assert _records(book["目标"]) == [{"目标": "零售额不少于1000万元", "当前": 1250.25, "目标值": 1000,
                                     "截止": None, "状态": "已达成"}]


def test_public_export_needs_no_login(client, data):
    rows = _records(_book(client.get("/counties/public/export.xlsx")).active)
    assert {r["省份"]: r["县数"] for r in rows} == {"江西省": 1, "湖北省": 1}
    assert rows[0]["成交金额（元）"] == 30.5
