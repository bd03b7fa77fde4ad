"""The reads and writes the API (issue 8) calls, without HTTP, and the fairs contract once fairs is merged."""
from decimal import Decimal

import pytest

from counties import outcomes, queries, services


def test_records_for_the_api(app, add_county, indicators, officials, make_user):
    xingguo, _jianshi = add_county("360732", 2015), add_county("422822", 2016)
    services.save_values(officials["xingguo"], xingguo, "2025Q3", {"village_coverage": "61.5", "trainees": "40"})
    assert [c.code for c in queries.counties_for(officials["jiangxi"])] == ["360732"]
    assert [c.code for c in queries.counties_for(make_user("admin"))] == ["360732", "422822"]
    assert queries.counties_for(make_user("buyer")) == []
    record = queries.county_record(xingguo)
    assert record["code"] == "360732" and record["full_name"] == "江西省 赣州市 兴国县"
    assert record["poverty_county"] is True and isinstance(record["central_allocated"], Decimal)
    values = {(v["indicator"], v["period"]): v["value"] for v in queries.indicator_records(xingguo)}
    assert values == {("village_coverage", "2025Q3"): Decimal("61.5"), ("trainees", "2025Q3"): Decimal(40)}
    assert queries.indicator_records(xingguo, period="2025Q2") == []


def test_the_real_fairs_source_is_used_once_fairs_is_merged(app):
    fairs_queries = pytest.importorskip("fairs.queries")
    assert outcomes.deal_source() is fairs_queries.deal_amounts_by_county
    assert outcomes.deal_amounts(["360732"]) == {"360732": outcomes.ZERO_DEALS}


def test_without_fairs_deal_amounts_are_not_available(app, monkeypatch):
    monkeypatch.setattr(outcomes, "_optional", lambda name: None)
    assert outcomes.deal_source() is None and outcomes.deal_amounts(["360732"]) is None
    assert outcomes.producer_counts(["360732"]) is None
