"""Fixtures for the counties tests: indicators, registry rows, officials at each level, a fake deal source."""

import pytest

from core.db import db
from counties import outcomes, services
from counties.models import DemoCounty


@pytest.fixture
def indicators(app):
    services.ensure_indicators()
    from counties import queries

    return {i.code: i for i in queries.indicators()}


@pytest.fixture
def add_county(app):
    def _add(code="360732", batch_year=2015, **fields):
        county = DemoCounty(code=code, batch_year=batch_year, **fields)
        db.session.add(county)
        db.session.commit()
        return county

    return _add


@pytest.fixture
def officials(make_user):
    """Officials at county (兴国, 石城), prefecture (赣州), province (江西, 湖北) level."""
    return {
        "xingguo": make_user("official", "official.xingguo@example.com", region_code="360732"),
        "shicheng": make_user("official", "official.shicheng@example.com", region_code="360735"),
        "ganzhou": make_user("official", "official.ganzhou@example.com", region_code="360700"),
        "jiangxi": make_user("official", "official.jiangxi@example.com", region_code="360000"),
        "hubei": make_user("official", "official.hubei@example.com", region_code="420000"),
    }


@pytest.fixture
def fake_deals(monkeypatch):
    """Stands in for fairs.queries.deal_amounts_by_county until fairs is merged; records the calls."""
    data = {}
    calls = []

    def deal_amounts_by_county(county_codes=None):
        calls.append(list(county_codes or []))
        return {code: value for code, value in data.items() if county_codes is None or code in county_codes}

    monkeypatch.setattr(outcomes, "deal_source", lambda: deal_amounts_by_county)
    deal_amounts_by_county.data = data
    deal_amounts_by_county.calls = calls
    return deal_amounts_by_county

