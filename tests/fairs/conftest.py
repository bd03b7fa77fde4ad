"""Factories for fairs tests: producers with listings, buyers with demands, a fair at any state."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from fairs_support import FAIR_DAY, count, fair_data  # noqa: F401 (fixtures below use them)

from core.db import db


@pytest.fixture
def make_producer(make_user):
    from produce.models import Listing, ProducerMember, ProducerProfile

    def _make(name="兴国县富民脐橙合作社", county="360732", products=(("脐橙", "10000", "公斤", "6.00"),), email=None):
        user = make_user("producer", email=email, display_name=name)
        profile = ProducerProfile(kind="cooperative", name=name, county_code=county)
        db.session.add(profile)
        db.session.flush()
        db.session.add(ProducerMember(producer_id=profile.id, user_id=user.id, role="owner"))
        listings = []
        for product, quantity, unit, price in products:
            listing = Listing(producer_id=profile.id, product_name=product, quantity=Decimal(quantity), unit=unit,
                              quantity_kg=Decimal(quantity) if unit == "公斤" else None,
                              price=Decimal(price), price_unit=f"元/{unit}", available_from=date.today(),
                              available_to=date.today() + timedelta(days=90), county_code=county, status="active")
            db.session.add(listing)
            listings.append(listing)
        db.session.commit()
        return user, profile, listings

    return _make


@pytest.fixture
def make_buyer(make_user):
    from buyers.models import BuyerMember, BuyerOrg, Demand

    def _make(name="深圳鲜达生鲜供应链有限公司", county="440304", products=(("脐橙", "2000", "5000", "公斤", "8.00"),),
              email=None, interests=()):
        user = make_user("buyer", email=email, display_name=name)
        org = BuyerOrg(name=name, type="supermarket", county_code=county, province_code=county[:2] + "0000",
                       products_of_interest=list(interests))
        db.session.add(org)
        db.session.flush()
        db.session.add(BuyerMember(buyer_id=org.id, user_id=user.id))
        demands = []
        for product, qmin, qmax, unit, price in products:
            demand = Demand(buyer_id=org.id, product_name=product, quantity_min=Decimal(qmin),
                            quantity_max=Decimal(qmax), unit=unit, price_max=Decimal(price), price_unit=f"元/{unit}",
                            delivery_county_code=county, needed_from=date.today(),
                            needed_to=date.today() + timedelta(days=60), status="open")
            db.session.add(demand)
            demands.append(demand)
        db.session.commit()
        return user, org, demands

    return _make


@pytest.fixture
def make_fair(make_user):
    """make_fair(status='open', official=None, **fields) -> a fair moved along the state machine."""
    from fairs import services

    path = ["draft", "open", "registration_closed", "running", "finished", "archived"]

    def _make(status="open", official=None, **fields):
        official = official or make_user("official", region_code="360700")
        fair = services.create_fair(official, fair_data(**fields))
        for state in path[1:path.index(status) + 1]:
            services.transition(official, fair, state)
        return fair, official

    return _make


@pytest.fixture
def approved_pair(make_fair, make_producer, make_buyer):
    """An open fair with one approved producer and one approved buyer (and their registrations)."""
    from fairs import services

    def _make(**fair_fields):
        fair, official = make_fair(**fair_fields)
        p_user, _profile, listings = make_producer()
        b_user, _org, demands = make_buyer()
        p_reg = services.register(p_user, fair, listing_ids=[listings[0].id])
        b_reg = services.register(b_user, fair, demand_ids=[demands[0].id])
        services.decide(official, p_reg, True)
        services.decide(official, b_reg, True)
        return {"fair": fair, "official": official, "producer": p_user, "buyer": b_user, "p_reg": p_reg,
                "b_reg": b_reg, "listing": listings[0], "demand": demands[0]}

    return _make
