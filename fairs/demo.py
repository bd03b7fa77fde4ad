"""Demo fairs: one finished fair with meetings and verified deals, one fair open for registration.

Organised by the Ganzhou official of core/demo.py, with the demo producers' and the demo buyer's records from
produce/demo.py and buyers/demo.py. Idempotent: a fair is found by its title. Everything goes through the
services, so the demo obeys the same rules as the pages."""
from datetime import date, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from core.db import db

FINISHED_TITLE = "2026年赣南脐橙网上购销对接会"
OPEN_TITLE = "2027年春季江西农产品网上购销对接会"
ORGANISER = "official.ganzhou@demo.harvestlink.cn"
PRODUCERS = ("coop@demo.harvestlink.cn", "familyfarm@demo.harvestlink.cn", "enterprise@demo.harvestlink.cn",
             "farmer@demo.harvestlink.cn")
BUYER = "buyer@demo.harvestlink.cn"
LINK = "https://meet.example.org/harvestlink-{fair_id}-{meeting_id}"
# (producer email, kind, product, quantity, unit, amount in yuan)
OUTCOMES = [
    ("coop@demo.harvestlink.cn", "deal", "赣南脐橙 纽荷尔 一级果", "20000", "斤", "76000.00"),
    ("coop@demo.harvestlink.cn", "intent", "赣南脐橙 礼盒装", "3000", "箱", "204000.00"),
    ("familyfarm@demo.harvestlink.cn", "deal", "眉县猕猴桃 徐香", "5000", "公斤", "40000.00"),
    ("enterprise@demo.harvestlink.cn", "intent", "五常大米 稻花香2号", "50", "吨", "475000.00"),
]


def _fair_data(title: str, start: date, **extra) -> dict:
    data = {"title": title, "theme": "产销对接 助农增收", "description": "组织脱贫地区生产者与大型采购商线上洽谈。",
            "region_code": "360700", "categories": ["fruit", "grain_oil"], "target_region_codes": ["360700"],
            "priority_poverty": True, "priority_old_revolutionary": True,
            "registration_opens_on": start - timedelta(days=30), "registration_closes_on": start - timedelta(days=3),
            "starts_on": start, "ends_on": start + timedelta(days=1), "day_start": time(9), "day_end": time(17),
            "slot_minutes": 30, "max_meetings_per_day": 6, "meeting_link_template": LINK}
    data.update(extra)
    return data


def _users():
    from accounts.services import find_by_email

    return find_by_email(ORGANISER), [u for u in map(find_by_email, PRODUCERS) if u], find_by_email(BUYER)


def _register_all(fair, organiser, producers, buyer) -> dict:
    from buyers.models import Demand
    from buyers.queries import org_for_user
    from fairs import services
    from produce.models import Listing
    from produce.queries import producer_for_user

    regs = {}
    for user in producers:
        profile = producer_for_user(user)
        listing_ids = list(db.session.scalars(sa.select(Listing.id).where(
            Listing.producer_id == profile.id, Listing.status == "active").limit(3))) if profile else []
        if listing_ids:
            regs[user.email] = services.register(user, fair, listing_ids=listing_ids)
    org = org_for_user(buyer)
    demand_ids = list(db.session.scalars(sa.select(Demand.id).where(Demand.buyer_id == org.id,
                                                                    Demand.status == "open"))) if org else []
    if demand_ids:
        regs[buyer.email] = services.register(buyer, fair, demand_ids=demand_ids)
    for reg in regs.values():
        services.decide(organiser, reg, True)
    return regs


def _finished_fair(organiser, producers, buyer) -> str:
    from fairs import meetings, outcomes, services, suggestions
    from fairs.models import Meeting

    start = date(2026, 11, 10)
    fair = services.create_fair(organiser, _fair_data(FINISHED_TITLE, start))
    services.transition(organiser, fair, "open")
    regs = _register_all(fair, organiser, producers, buyer)
    if buyer.email not in regs or len(regs) < 2:
        return "fairs: finished demo fair has too few participants (produce/buyers demo missing?)"
    listings, demands = suggestions.approved_records(fair.id)
    suggestions.save_pairs(fair.id, suggestions.compute(listings, demands, suggestions.weights_for(fair)))
    # Every demo producer meets the buyer, whether or not matching paired them.
    for email, reg in regs.items():
        if email != buyer.email and not meetings.published_pair(fair.id, reg.id, regs[buyer.email].id):
            item = next(i for i in reg.items if i.listing_id)
            suggestions.add_pair(organiser, fair, item.listing_id, next(iter(demands)))
    suggestions.publish(organiser, fair)
    meetings.auto_schedule(organiser, fair, notify_parties=False)
    services.transition(organiser, fair, "registration_closed")
    services.transition(organiser, fair, "running")
    by_producer = {}
    for meeting in db.session.scalars(sa.select(Meeting).where(Meeting.fair_id == fair.id,
                                                               Meeting.status == "confirmed")):
        meetings.mark_held(organiser, meeting)
        by_producer[meeting.producer_reg.user.email] = meeting
    for email, kind, product, quantity, unit, amount in OUTCOMES:
        meeting = by_producer.get(email)
        if meeting is None:
            continue
        producer = regs[email].user
        agreement = outcomes.record_agreement(buyer, meeting, {
            "kind": kind, "product_name": product, "quantity": Decimal(quantity), "unit": unit,
            "amount": Decimal(amount), "signed_on": start})
        outcomes.confirm_agreement(producer, agreement)
        outcomes.verify_agreement(organiser, agreement)
    services.transition(organiser, fair, "finished")
    return f"fairs: finished fair with {len(by_producer)} meetings held"


def _open_fair(organiser, producers, buyer) -> str:
    from fairs import services

    start = date.today() + timedelta(days=60)
    fair = services.create_fair(organiser, _fair_data(OPEN_TITLE, start,
                                                      registration_opens_on=date.today() - timedelta(days=1)))
    services.transition(organiser, fair, "open")
    # The co-operative has registered already (pending review); the others can try registration themselves.
    coop = next((u for u in producers if u.email == PRODUCERS[0]), None)
    if coop is not None:
        from produce.models import Listing
        from produce.queries import producer_for_user

        profile = producer_for_user(coop)
        listing_id = db.session.scalar(sa.select(Listing.id).where(
            Listing.producer_id == profile.id, Listing.status == "active").limit(1)) if profile else None
        if listing_id:
            services.register(coop, fair, listing_ids=[listing_id])
    return "fairs: open fair accepting registrations"


def load() -> list[str]:
    from fairs.errors import FairError
    from fairs.models import Fair

    organiser, producers, buyer = _users()
    if organiser is None or buyer is None or not producers:
        return ["fairs: demo users missing, no demo fairs"]
    existing = set(db.session.scalars(sa.select(Fair.title).where(Fair.title.in_((FINISHED_TITLE, OPEN_TITLE)))))
    report = []
    try:
        report.append(_finished_fair(organiser, producers, buyer) if FINISHED_TITLE not in existing
                      else "fairs: finished fair already there")
        report.append(_open_fair(organiser, producers, buyer) if OPEN_TITLE not in existing
                      else "fairs: open fair already there")
    except FairError as error:
        db.session.rollback()
        report.append(f"fairs: demo stopped: {error.message}")
    return report
