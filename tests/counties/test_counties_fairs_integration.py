"""With the real fairs package (once merged): verified agreements of a 兴国县 producer show on the county page
and in the ranking exactly as fairs.queries.deal_amounts_by_county sums them. Skipped while fairs is absent
(the other dashboard tests use a fake deal source)."""
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from helpers import login

from core.db import db

fairs_services = pytest.importorskip("fairs.services")
FAIR_DAY = date.today() + timedelta(days=20)


def _producer(make_user):
    from produce.models import Listing, ProducerMember, ProducerProfile

    user = make_user("producer", display_name="兴国县富民脐橙合作社")
    profile = ProducerProfile(kind="cooperative", name="兴国县富民脐橙合作社", county_code="360732")
    db.session.add(profile)
    db.session.flush()
    db.session.add(ProducerMember(producer_id=profile.id, user_id=user.id, role="owner"))
    listing = Listing(producer_id=profile.id, product_name="脐橙", quantity=Decimal(10000), unit="公斤",
                      quantity_kg=Decimal(10000), price=Decimal(6), price_unit="元/公斤", available_from=date.today(),
                      available_to=date.today() + timedelta(days=90), county_code="360732", status="active")
    db.session.add(listing)
    db.session.commit()
    return user, listing


def _buyer(make_user):
    from buyers.models import BuyerMember, BuyerOrg, Demand

    user = make_user("buyer", display_name="深圳鲜达")
    org = BuyerOrg(name="深圳鲜达生鲜供应链有限公司", type="supermarket", county_code="440304", province_code="440000")
    db.session.add(org)
    db.session.flush()
    db.session.add(BuyerMember(buyer_id=org.id, user_id=user.id))
    demand = Demand(buyer_id=org.id, product_name="脐橙", quantity_min=Decimal(2000), quantity_max=Decimal(5000),
                    unit="公斤", price_max=Decimal(8), price_unit="元/公斤", delivery_county_code="440304",
                    needed_from=date.today(), needed_to=date.today() + timedelta(days=60), status="open")
    db.session.add(demand)
    db.session.commit()
    return user, demand


def _verified_deal(make_user, amount: str):
    from fairs import meetings, models, outcomes

    official = make_user("official", region_code="360700")
    fair = fairs_services.create_fair(official, {
        "title": "赣南脐橙产销对接会", "theme": "脐橙上行", "description": "网上购销对接", "region_code": "360700",
        "categories": ["fruit"], "target_region_codes": ["360732"], "priority_poverty": True,
        "priority_old_revolutionary": False, "registration_opens_on": date.today() - timedelta(days=1),
        "registration_closes_on": FAIR_DAY - timedelta(days=2), "starts_on": FAIR_DAY, "ends_on": FAIR_DAY,
        "day_start": time(9, 0), "day_end": time(11, 0), "slot_minutes": 30, "max_meetings_per_day": 3,
        "meeting_link_template": "https://meet.example.org/{fair_id}-{meeting_id}"})
    fairs_services.transition(official, fair, "open")
    producer, listing = _producer(make_user)
    buyer, demand = _buyer(make_user)
    p_reg = fairs_services.register(producer, fair, listing_ids=[listing.id])
    b_reg = fairs_services.register(buyer, fair, demand_ids=[demand.id])
    fairs_services.decide(official, p_reg, True)
    fairs_services.decide(official, b_reg, True)
    slot = meetings.grid_of(fair).slots()[0].isoformat()
    meeting = meetings.request_meeting(buyer, fair, p_reg.id, [slot])
    meetings.respond(producer, meeting, "accept", slot=slot)
    fairs_services.transition(official, fair, "registration_closed")
    fairs_services.transition(official, fair, "running")
    meeting = meetings.mark_held(buyer, db.session.get(models.Meeting, meeting.id))
    deal = outcomes.record_agreement(buyer, meeting, {"kind": "deal", "product_name": "脐橙", "quantity": "3000",
                                                      "unit": "公斤", "amount": amount, "signed_on": FAIR_DAY})
    outcomes.confirm_agreement(producer, deal)
    outcomes.verify_agreement(official, deal)


def test_real_deal_amounts_reach_the_dashboards(client, make_user, add_county, indicators):
    add_county("360732", 2015)
    _verified_deal(make_user, "19500.50")
    from fairs.queries import deal_amounts_by_county

    assert deal_amounts_by_county(["360732"])["360732"]["deal_amount"] == Decimal("19500.50")
    login(client, make_user("admin"))
    html = client.get("/counties/360732").get_data(as_text=True)
    assert 'data-testid="deal-amount">19,500.5<' in html and 'data-testid="deals">1<' in html
    assert 'data-testid="producers">1<' in html and 'data-testid="active-listings">1<' in html
    public = client.get("/counties/public").get_data(as_text=True)
    assert 'data-testid="total-deals">19,500.5<' in public
