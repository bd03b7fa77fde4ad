"""Matchmaking outcomes read from produce's tables (merged): producers and publicly visible listings per
county, on the county page and in the ranking, equal to the rows."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from helpers import login

from core.db import db
from counties import outcomes

produce_models = pytest.importorskip("produce.models")


def _producer(code, name):
    producer = produce_models.ProducerProfile(kind="cooperative", name=name, county_code=code)
    db.session.add(producer)
    db.session.flush()
    return producer


def _listing(producer, status="active", ends_in_days=30, code=None):
    today = date.today()
    db.session.add(produce_models.Listing(
        producer_id=producer.id, product_name="脐橙", quantity=Decimal(1000), unit="公斤", status=status,
        available_from=today - timedelta(days=60), available_to=today + timedelta(days=ends_in_days),
        county_code=code or producer.county_code))


@pytest.fixture
def produce_rows(add_county, indicators, fake_deals):
    add_county("360732", 2015), add_county("360735", 2016)
    coop = _producer("360732", "兴国县富民脐橙专业合作社")
    farm = _producer("360732", "兴国县高兴镇家庭农场")
    shicheng = _producer("360735", "石城县白莲合作社")
    _producer("110101", "北京某公司")  # not a demonstration county
    _listing(coop), _listing(coop), _listing(farm)  # three visible
    _listing(coop, status="draft"), _listing(farm, status="paused"), _listing(farm, status="sold_out")
    _listing(coop, ends_in_days=-1)  # active but its window has ended: hidden from the public search
    _listing(shicheng)
    db.session.commit()


def test_counts_come_from_produce_tables(app, produce_rows):
    assert outcomes.producer_counts(["360732", "360735", "360734"]) == {
        "360732": {"producers": 2, "active_listings": 3},
        "360735": {"producers": 1, "active_listings": 1},
        "360734": {"producers": 0, "active_listings": 0},
    }


def test_county_page_and_ranking_show_the_counts(client, make_user, produce_rows):
    login(client, make_user("admin"))
    html = client.get("/counties/360732").get_data(as_text=True)
    assert 'data-testid="producers">2<' in html and 'data-testid="active-listings">3<' in html
    ranking = client.get("/counties/?sort=active_listings&dir=desc").get_data(as_text=True)
    table = ranking.split('data-testid="table-ranking"')[1]
    assert table.index("360732") < table.index("360735")
