"""Dashboard figures equal the underlying rows: indicator values, registry funds and deal amounts (from a fake
deal source standing in for fairs.queries.deal_amounts_by_county until fairs is merged)."""
import re
from datetime import date
from decimal import Decimal

import pytest
from counties_helpers import deals
from helpers import login

from core.db import db
from counties import demo, outcomes, queries
from counties.models import DemoCounty, IndicatorValue, Target


def _put(county, indicator, period, value):
    db.session.add(IndicatorValue(county_id=county.id, indicator_id=indicator.id, period=period,
                                  value=Decimal(value)))


@pytest.fixture
def programme(add_county, indicators, fake_deals):
    xingguo = add_county("360732", 2015, central_allocated=Decimal(2000), central_disbursed=Decimal(1500))
    shicheng = add_county("360735", 2016, central_allocated=Decimal(1500))
    poyang = add_county("361128", 2017, central_allocated=Decimal(1800), poverty_override=False)
    jianshi = add_county("422822", 2016, central_allocated=Decimal(900))
    sales, coverage, trainees = indicators["rural_online_sales"], indicators["village_coverage"], indicators["trainees"]
    for county, q1, q2, q3 in [(xingguo, "1000", "1200.5", "1300"), (shicheng, "800", "900", None),
                               (poyang, "3000", None, None), (jianshi, "500", "600", "700")]:
        for period, value in (("2025Q1", q1), ("2025Q2", q2), ("2025Q3", q3)):
            if value:
                _put(county, sales, period, value)
    _put(xingguo, sales, "2024", "2500")  # an older year: not part of the latest-year total
    _put(xingguo, coverage, "2025Q2", "48"), _put(xingguo, coverage, "2025Q3", "66.5")
    _put(shicheng, coverage, "2025Q3", "52")
    _put(xingguo, trainees, "2025Q1", "1800"), _put(xingguo, trainees, "2025Q2", "1500")
    db.session.add(Target(indicator=trainees, kind="at_least", threshold=Decimal(3000), due_on=date(2027, 6, 30)))
    db.session.add(Target(indicator=coverage, kind="at_least", threshold=Decimal(80), due_on=date(2027, 12, 31),
                          scope_code="360000"))
    db.session.commit()
    fake_deals.data.update({"360732": deals("120.50", "80.25", 3), "422822": deals("40", "10", 1)})
    return {"xingguo": xingguo, "shicheng": shicheng, "poyang": poyang, "jianshi": jianshi}


def _cells(html, testid):
    table = html.split(f'data-testid="{testid}"')[1].split("</table>")[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    cells = [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows]
    return [row for row in cells if row]


def test_county_page_shows_its_rows_and_its_deals(client, make_user, programme, fake_deals):
    login(client, make_user("admin"))
    html = client.get("/counties/360732").get_data(as_text=True)
    latest = {row[0]: row[1:] for row in _cells(html, "table-latest")}
    assert latest["农村网络零售额"][:2] == ["2025", "3,500.5"]  # 1000 + 1200.5 + 1300
    assert latest["建制村电商服务覆盖率"][:2] == ["2025Q3", "66.5"]
    assert 'data-testid="deal-amount">80.25<' in html and 'data-testid="intent-amount">120.5<' in html
    assert 'data-testid="deals">3<' in html
    assert fake_deals.calls == [["360732"]]
    targets = {row[0]: row for row in _cells(html, "table-targets")}
    assert targets["电商培训人次"][1:3] == ["3,300", "3,000"] and "已达成" in targets["电商培训人次"][4]
    # 48 (30 June) -> 66.5 (30 September 2025): +18.5 in 92 days, projected to 31 December 2027 -> far above 80
    assert "按计划推进" in targets["建制村电商服务覆盖率"][4]
    row = queries.county_rows("360732", date(2026, 11, 28))[0]
    coverage = next(p for p in row.progress if p.target.indicator.code == "village_coverage")
    expected = Decimal("66.5") + Decimal("18.5") / 92 * (date(2027, 12, 31) - date(2025, 9, 30)).days
    assert coverage.result.projected == expected.quantize(Decimal("0.01"))
    # 石城 has a single coverage figure (no trend) and is behind; 建始 (Hubei) is outside the Jiangxi target
    rows = {r.county.code: r for r in queries.county_rows(None, date(2026, 11, 28))}
    assert {p.target.indicator.code: p.result.status for p in rows["360735"].progress} == {
        "trainees": "no_data", "village_coverage": "behind"}
    assert [p.target.indicator.code for p in rows["422822"].progress] == ["trainees"]


def test_ranking_comparison_and_breakdown_equal_the_rows(client, make_user, programme):
    login(client, make_user("admin"))
    html = client.get("/counties/?sort=rural_online_sales&dir=desc").get_data(as_text=True)
    ranking = _cells(html, "table-ranking")
    assert [r[1] for r in ranking] == ["360732", "361128", "422822", "360735"]  # 3500.5, 3000, 1800, 1700
    by_code = {r[1]: r for r in ranking}
    assert by_code["422822"][6] == "1,800" and by_code["360735"][6] == "1,700"
    assert by_code["360732"][-2] == "80.25" and by_code["360735"][-2] == "0"
    html_asc = client.get("/counties/?sort=central_allocated&dir=asc").get_data(as_text=True)
    assert '<option value="central_allocated" selected>' in html_asc
    assert [r[1] for r in _cells(html_asc, "table-ranking")] == ["422822", "360735", "361128", "360732"]

    comparison = {r[0]: r[1:] for r in _cells(html, "table-comparison")}
    assert comparison["县数"] == ["3", "1"]  # 鄱阳 overridden to not poor
    assert comparison["成交金额（元）"] == ["90.25", "0"]
    assert comparison["中央资金安排（万元）"] == ["4,400", "1,800"]

    breakdown = {(r[0], r[1]): r[2:] for r in _cells(html, "table-breakdown")}
    assert breakdown[("江西省", "省份")][0] == "3" and breakdown[("赣州市", "地市")][0] == "2"
    assert breakdown[("江西省", "省份")][6] == "8,200.5"  # 3500.5 + 1700 + 3000
    assert breakdown[("湖北省", "省份")][7] == "10"


def test_ranking_without_fairs_says_deals_are_not_available(client, make_user, programme, monkeypatch):
    monkeypatch.setattr(outcomes, "deal_source", lambda: None)
    login(client, make_user("admin"))
    html = client.get("/counties/").get_data(as_text=True)
    assert "购销对接会开展后将显示成交金额" in html
    assert {r[-2] for r in _cells(html, "table-ranking")} == {"—"}


def test_public_summary_needs_no_login_and_shows_no_officials(client, programme, officials):
    county = programme["xingguo"]
    county.officials = [officials["xingguo"]]
    db.session.commit()
    response = client.get("/counties/public")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-testid="total-counties">4<' in html and 'data-testid="total-poverty">3<' in html
    assert 'data-testid="total-deals">90.25<' in html
    assert "official.xingguo" not in html and "@" not in html.split("<main")[1]
    provinces = {r[0]: r[1:] for r in _cells(html, "table-public")}
    assert provinces["江西省"][:2] == ["3", "2"] and provinces["湖北省"][3] == "1,800"
    # the navigation entry for everyone lands on the public summary when not an official
    assert client.get("/counties/").status_code == 200


def test_demo_data_loads_twice_without_duplicates(app, runner):
    from core.demo import load_users

    load_users()
    first = demo.load(date(2026, 11, 28))
    counts = (db.session.query(DemoCounty).count(), db.session.query(IndicatorValue).count(),
              db.session.query(Target).count())
    second = demo.load(date(2026, 11, 28))
    assert counts == (len(demo.COUNTIES), len(demo.COUNTIES) * 16 * 8, len(demo.TARGETS))
    assert (db.session.query(DemoCounty).count(), db.session.query(IndicatorValue).count(),
            db.session.query(Target).count()) == counts
    assert "12 demonstration counties" in first[0] and "0 demonstration counties, 0 indicator values" in second[0]
    xingguo = queries.county_by_code("360732")
    assert "official.xingguo@demo.harvestlink.cn" in [u.email for u in xingguo.officials]
    periods = {v.period for v in queries.value_history(xingguo)}
    assert periods == {"2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"}
    statuses = {p.result.status for r in queries.county_rows(None, date(2026, 11, 28)) for p in r.progress}
    assert {"met", "behind"} <= statuses  # the demo shows a spread of outcomes


def test_growth_target_compares_with_the_other_counties_of_the_province(app, add_county, indicators):
    sales = indicators["rural_online_sales"]
    growth = {"360732": ("100", "130"), "360735": ("200", "220"), "361128": ("100", "100"),
              "422822": ("100", "500"), "421127": ("100", None)}  # Hubei: other province; 黄梅 has no 2025Q3
    for code, (before, after) in growth.items():
        county = add_county(code, 2016)
        _put(county, sales, "2024Q3", before)
        if after:
            _put(county, sales, "2025Q3", after)
    db.session.add(Target(indicator=sales, kind="growth_above_average", threshold=Decimal(0)))
    db.session.commit()
    rows = {r.county.code: r.progress[0].result for r in queries.county_rows(None, date(2026, 11, 28))}
    # 兴国 +30% vs (石城 +10%, 鄱阳 0%) -> average 5 -> met; 石城 +10% vs (30, 0) -> 15 -> behind
    assert (rows["360732"].status, rows["360732"].current, rows["360732"].threshold) == (
        "met", Decimal("30.00"), Decimal("5.00"))
    assert (rows["360735"].status, rows["360735"].threshold) == ("behind", Decimal("15.00"))
    assert (rows["361128"].status, rows["361128"].threshold) == ("behind", Decimal("20.00"))
    # 建始 +400% is alone in Hubei with a growth figure: no regional average to beat
    assert rows["422822"].status == "no_data" and rows["421127"].status == "no_data"
