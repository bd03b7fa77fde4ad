"""Reads: fair lists, participants, schedules, and the figures behind the dashboard and the report (one source)."""
from collections import defaultdict
from decimal import Decimal

import sqlalchemy as sa

from core import regions
from core.db import db
from fairs.models import Agreement, Fair, Meeting, MeetingMessage, Registration, RegistrationItem, Suggestion

ZERO = Decimal("0.00")


def fairs_for(user, page: int = 1, per_page: int = 20):
    """Public fairs for everyone, plus the drafts of fairs the user may organise."""
    stmt = sa.select(Fair).order_by(Fair.starts_on.desc(), Fair.id.desc())
    if user.is_authenticated and user.role == "admin":
        pass
    elif user.is_authenticated and user.role == "official" and user.region_code:
        stmt = stmt.where(sa.or_(Fair.status != "draft", Fair.region_code.in_(regions.codes_within(user.region_code))))
    else:
        stmt = stmt.where(Fair.status != "draft")
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def registrations(fair_id: int, status: str | None = None, role: str | None = None) -> list[Registration]:
    stmt = sa.select(Registration).where(Registration.fair_id == fair_id).order_by(Registration.id)
    if status:
        stmt = stmt.where(Registration.status == status)
    if role:
        stmt = stmt.where(Registration.role == role)
    return list(db.session.scalars(stmt))


def party_names(reg_ids) -> dict[int, str]:
    """Registration id -> the producer's or buyer organisation's name."""
    from buyers.models import BuyerOrg
    from produce.models import ProducerProfile

    reg_ids = list(set(reg_ids))
    if not reg_ids:
        return {}
    rows = db.session.execute(
        sa.select(Registration.id, ProducerProfile.name, BuyerOrg.name)
        .outerjoin(ProducerProfile, ProducerProfile.id == Registration.producer_id)
        .outerjoin(BuyerOrg, BuyerOrg.id == Registration.buyer_id)
        .where(Registration.id.in_(reg_ids)))
    return {reg_id: producer or buyer or "" for reg_id, producer, buyer in rows}


def participant_rows(fair_id: int) -> list[dict]:
    """Every registration with its party's name, county and items (for the admin list and the report)."""
    from buyers.models import BuyerOrg, Demand
    from produce.models import Listing, ProducerProfile

    regs = registrations(fair_id)
    names = party_names(r.id for r in regs)
    counties = dict(db.session.execute(
        sa.select(Registration.id, sa.func.coalesce(ProducerProfile.county_code, BuyerOrg.county_code))
        .outerjoin(ProducerProfile, ProducerProfile.id == Registration.producer_id)
        .outerjoin(BuyerOrg, BuyerOrg.id == Registration.buyer_id)
        .where(Registration.fair_id == fair_id)).all())
    items = defaultdict(list)
    for reg_id, listing_name, demand_name in db.session.execute(
            sa.select(RegistrationItem.registration_id, Listing.product_name, Demand.product_name)
            .join(Registration).outerjoin(Listing, Listing.id == RegistrationItem.listing_id)
            .outerjoin(Demand, Demand.id == RegistrationItem.demand_id).where(Registration.fair_id == fair_id)):
        items[reg_id].append(listing_name or demand_name)
    return [{"registration": r, "name": names.get(r.id, ""), "county_code": counties.get(r.id),
             "items": items[r.id]} for r in regs]


def suggestions(fair_id: int, include_removed: bool = True, reg_id: int | None = None) -> list[Suggestion]:
    stmt = (sa.select(Suggestion).where(Suggestion.fair_id == fair_id)
            .order_by(Suggestion.removed, Suggestion.score.desc(), Suggestion.id))
    if not include_removed:
        stmt = stmt.where(Suggestion.removed.is_(False))
    if reg_id is not None:
        stmt = stmt.where(sa.or_(Suggestion.producer_reg_id == reg_id, Suggestion.buyer_reg_id == reg_id))
    return list(db.session.scalars(stmt))


def product_names(suggestion_list) -> dict:
    """{("listing", id) | ("demand", id): product name} for a list of suggestions, in two queries."""
    from buyers.models import Demand
    from produce.models import Listing

    listing_ids = {s.listing_id for s in suggestion_list}
    demand_ids = {s.demand_id for s in suggestion_list}
    names = {("listing", i): n for i, n in db.session.execute(
        sa.select(Listing.id, Listing.product_name).where(Listing.id.in_(listing_ids)))}
    names.update({("demand", i): n for i, n in db.session.execute(
        sa.select(Demand.id, Demand.product_name).where(Demand.id.in_(demand_ids)))})
    return names


def meetings_of_fair(fair_id: int) -> list[Meeting]:
    return list(db.session.scalars(sa.select(Meeting).where(Meeting.fair_id == fair_id)
                                   .order_by(Meeting.slot_start.is_(None), Meeting.slot_start, Meeting.id)))


def meetings_of_user(user, statuses=None) -> list[Meeting]:
    reg_ids = sa.select(Registration.id).where(Registration.user_id == user.id)
    stmt = (sa.select(Meeting).where(sa.or_(Meeting.producer_reg_id.in_(reg_ids), Meeting.buyer_reg_id.in_(reg_ids)))
            .order_by(Meeting.slot_start.is_(None), Meeting.slot_start, Meeting.id))
    if statuses:
        stmt = stmt.where(Meeting.status.in_(statuses))
    return list(db.session.scalars(stmt))


def messages_of(meeting_id: int) -> list[MeetingMessage]:
    return list(db.session.scalars(sa.select(MeetingMessage).where(MeetingMessage.meeting_id == meeting_id)
                                   .order_by(MeetingMessage.created_at, MeetingMessage.id)))


def agreements_of_meeting(meeting_id: int) -> list[Agreement]:
    return list(db.session.scalars(sa.select(Agreement).where(Agreement.meeting_id == meeting_id)
                                   .order_by(Agreement.id)))


def agreements_of_fair(fair_id: int, status: str | None = None) -> list[Agreement]:
    stmt = sa.select(Agreement).where(Agreement.fair_id == fair_id).order_by(Agreement.signed_on, Agreement.id)
    if status:
        stmt = stmt.where(Agreement.status == status)
    return list(db.session.scalars(stmt))


# ---- figures (dashboard, report, counties) -------------------------------------------------------------------

def _amounts(rows) -> dict:
    """rows of (key, kind, amount) -> {key: {"intent_amount", "deal_amount", "deals", "intents"}}."""
    out = defaultdict(lambda: {"intent_amount": ZERO, "deal_amount": ZERO, "deals": 0, "intents": 0})
    for key, kind, amount in rows:
        entry = out[key]
        if kind == "deal":
            entry["deal_amount"] += amount
            entry["deals"] += 1
        else:
            entry["intent_amount"] += amount
            entry["intents"] += 1
    return dict(out)


def verified_amount_rows(fair_id: int | None = None):
    stmt = sa.select(Agreement.producer_county_code, Agreement.product_name, Agreement.kind, Agreement.amount).where(
        Agreement.status == "verified")
    if fair_id is not None:
        stmt = stmt.where(Agreement.fair_id == fair_id)
    return db.session.execute(stmt).all()


def deal_amounts_by_county(county_codes=None) -> dict[str, dict]:
    """{county_code: {"intent_amount": Decimal, "deal_amount": Decimal, "deals": int}} over verified agreements
    of every fair, by the producer's county (the counties package calls this)."""
    stmt = (sa.select(Agreement.producer_county_code, Agreement.kind, sa.func.sum(Agreement.amount),
                      sa.func.count())
            .where(Agreement.status == "verified", Agreement.producer_county_code.isnot(None))
            .group_by(Agreement.producer_county_code, Agreement.kind))
    if county_codes is not None:
        stmt = stmt.where(Agreement.producer_county_code.in_(list(county_codes)))
    out: dict[str, dict] = {}
    for county, kind, total, count in db.session.execute(stmt):
        entry = out.setdefault(county, {"intent_amount": ZERO, "deal_amount": ZERO, "deals": 0})
        if kind == "deal":
            entry["deal_amount"] += Decimal(total or 0)
            entry["deals"] += count
        else:
            entry["intent_amount"] += Decimal(total or 0)
    return out


def _count(stmt) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0


def fair_stats(fair_id: int) -> dict:
    """Every figure the dashboard shows and the report prints."""
    reg = sa.select(Registration.id).where(Registration.fair_id == fair_id)
    meetings = sa.select(Meeting.id).where(Meeting.fair_id == fair_id)
    rows = verified_amount_rows(fair_id)
    by_county = _amounts((county, kind, amount) for county, _p, kind, amount in rows)
    by_product = _amounts((product, kind, amount) for _c, product, kind, amount in rows)
    by_province = _amounts((regions.province_code(county) if county else None, kind, amount)
                           for county, _p, kind, amount in rows)
    totals = _amounts(("all", kind, amount) for _c, _p, kind, amount in rows).get(
        "all", {"intent_amount": ZERO, "deal_amount": ZERO, "deals": 0, "intents": 0})
    poverty = _amounts(("poverty", kind, amount) for county, _p, kind, amount in rows
                       if county and regions.is_poverty_county(county)).get(
        "poverty", {"intent_amount": ZERO, "deal_amount": ZERO, "deals": 0, "intents": 0})
    whole = totals["intent_amount"] + totals["deal_amount"]
    return {
        "registrations": _count(reg),
        "approved": _count(reg.where(Registration.status == "approved")),
        "approved_producers": _count(reg.where(Registration.status == "approved", Registration.role == "producer")),
        "approved_buyers": _count(reg.where(Registration.status == "approved", Registration.role == "buyer")),
        "suggested_pairs": _count(sa.select(Suggestion.id).where(Suggestion.fair_id == fair_id,
                                                                 Suggestion.removed.is_(False))),
        "meetings_requested": _count(meetings),
        "meetings_confirmed": _count(meetings.where(Meeting.status.in_(("confirmed", "held")))),
        "meetings_held": _count(meetings.where(Meeting.status == "held")),
        "agreements": _count(sa.select(Agreement.id).where(Agreement.fair_id == fair_id)),
        "agreements_verified": len(rows),
        "intent_amount": totals["intent_amount"],
        "deal_amount": totals["deal_amount"],
        "poverty_amount": poverty["intent_amount"] + poverty["deal_amount"],
        "poverty_share": (poverty["intent_amount"] + poverty["deal_amount"]) / whole if whole else Decimal(0),
        "by_province": by_province,
        "by_county": by_county,
        "by_product": by_product,
    }


def stats_json(fair_id: int) -> dict:
    """fair_stats with names and decimals as strings (JSON never carries floats for money)."""
    stats = fair_stats(fair_id)

    def table(groups, name_of):
        ordered = sorted(groups.items(), key=lambda kv: -(kv[1]["deal_amount"] + kv[1]["intent_amount"]))
        return [{"key": key, "name": name_of(key), "intent_amount": str(v["intent_amount"]),
                 "deal_amount": str(v["deal_amount"]), "deals": v["deals"]} for key, v in ordered]

    out = {k: v for k, v in stats.items() if not k.startswith("by_")}
    for key in ("intent_amount", "deal_amount", "poverty_amount"):
        out[key] = str(stats[key])
    out["poverty_share"] = str(round(stats["poverty_share"], 4))
    region_name = lambda code: (regions.full_name(code) or code or "?") if code else "?"  # noqa: E731
    out["by_province"] = table(stats["by_province"], region_name)
    out["by_county"] = table(stats["by_county"], region_name)
    out["by_product"] = table(stats["by_product"], lambda name: name)
    return out
