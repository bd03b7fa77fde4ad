"""Suggested pairs of a fair: matching over approved participants as a background job, then the organiser's
edits (remove, add) and publication to the participants."""
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

import matching
from core import audit, jobs
from core.db import db, utcnow
from core.notifications import notify
from fairs.access import can_organise
from fairs.errors import FairError, link
from fairs.models import Fair, Registration, RegistrationItem, Suggestion

JOB_KIND = "fairs.suggestions:run_suggestions_job"
TOP_PER_DEMAND = 5
SUGGESTION_FAIR_STATES = ("open", "registration_closed", "running")


def start(user, fair: Fair) -> jobs.Job:
    if not can_organise(user, fair):
        raise FairError(None, _("You do not organise this fair."))
    if fair.status not in SUGGESTION_FAIR_STATES:
        raise FairError(None, _("Suggestions are made while registration is open or closed, or the fair runs."))
    if fair.suggestions_published_at is not None:
        raise FairError(None, _("The suggestions are already published."))
    current = jobs.get(fair.suggestions_job_id) if fair.suggestions_job_id else None
    if current is not None and not current.done:
        raise FairError(None, _("Suggestions are already being computed."))
    job = jobs.enqueue(JOB_KIND, {"fair_id": fair.id}, user_id=user.id)
    fair.suggestions_job_id = job.id
    audit.record("fair.suggestions_started", "fair", fair.id, after={"job_id": job.id}, actor=user)
    db.session.commit()
    return job


def weights_for(fair: Fair) -> dict:
    weights = dict(matching.DEFAULT_WEIGHTS)
    if not fair.priority_poverty:
        weights["poverty_county"] = 0.0
    if not fair.priority_old_revolutionary:
        weights["old_revolutionary_area"] = 0.0
    return weights


def approved_records(fair_id: int) -> tuple[dict, dict]:
    """{listing_id: (registration_id, record)} and {demand_id: (registration_id, record)} of approved people."""
    from buyers.models import Demand
    from buyers.queries import demand_record
    from produce.models import Listing
    from produce.queries import listing_record

    approved = (sa.select(RegistrationItem, Registration.id).join(Registration)
                .where(Registration.fair_id == fair_id, Registration.status == "approved"))
    items = db.session.execute(approved).all()
    listing_ids = {i.listing_id: reg for i, reg in items if i.listing_id}
    demand_ids = {i.demand_id: reg for i, reg in items if i.demand_id}
    listings = db.session.scalars(sa.select(Listing).where(Listing.id.in_(listing_ids), Listing.status == "active")
                                  .options(selectinload(Listing.product))).all()
    demands = db.session.scalars(sa.select(Demand).where(Demand.id.in_(demand_ids), Demand.status == "open")).all()
    return ({x.id: (listing_ids[x.id], listing_record(x)) for x in listings},
            {x.id: (demand_ids[x.id], demand_record(x)) for x in demands})


def _plain(record: dict) -> dict:
    """Decimals become floats for the matching library (it computes in floats; the app stores Decimals)."""
    return {key: (float(value) if isinstance(value, Decimal) else value) for key, value in record.items()}


def compute(listings: dict, demands: dict, weights: dict, progress=lambda pct, msg=None: None) -> list[dict]:
    """Pure part: ranked pairs (top per demand) plus every allocated pair, with score, reasons, quantity."""
    listing_objs = [matching.Listing.from_dict(_plain(rec)) for _reg, rec in listings.values()]
    demand_objs = [matching.Demand.from_dict(_plain(rec)) for _reg, rec in demands.values()]
    progress(30, "ranking")
    ranked = matching.rank(demand_objs, listing_objs, top=TOP_PER_DEMAND, weights=weights)
    progress(60, "allocating")
    allocation = matching.allocate(demand_objs, listing_objs, top=TOP_PER_DEMAND, weights=weights)
    pairs = {}
    for row in ranked:
        for match in row["matches"]:
            pairs[(match["listing_id"], row["demand_id"])] = {"score": match["score"], "reasons": match["reasons"]}
    for row in allocation:
        pair = pairs.setdefault((row["listing_id"], row["demand_id"]), {"score": row["score"], "reasons": {}})
        if "quantity_kg" in row:
            pair["quantity"], pair["unit"] = row["quantity_kg"], "kg"
        else:
            pair["quantity"], pair["unit"] = row["quantity"], row["unit"]
    return [{"listing_id": lid, "demand_id": did, "producer_reg_id": listings[lid][0],
             "buyer_reg_id": demands[did][0], **pair} for (lid, did), pair in pairs.items()]


def run_suggestions_job(job_id: int, params: dict, progress) -> dict:
    fair_id = int(params["fair_id"])
    progress(5, "loading")
    fair = db.session.get(Fair, fair_id)
    weights = weights_for(fair)
    listings, demands = approved_records(fair_id)
    db.session.commit()  # release the read transaction (and SQLite's lock) while matching computes
    pairs = compute(listings, demands, weights, progress)
    progress(85, "saving")
    save_pairs(fair_id, pairs)
    allocated = sum(Decimal(str(p.get("quantity") or 0)) for p in pairs if p.get("unit") == "kg")
    return {"pairs": len(pairs), "listings": len(listings), "demands": len(demands),
            "allocated_kg": str(allocated)}


def save_pairs(fair_id: int, pairs: list[dict]) -> None:
    """Replaces the automatic pairs of an unpublished fair (manual additions stay)."""
    db.session.execute(sa.delete(Suggestion).where(Suggestion.fair_id == fair_id, Suggestion.source == "auto"))
    manual = {tuple(r) for r in db.session.execute(sa.select(Suggestion.listing_id, Suggestion.demand_id)
                                                   .where(Suggestion.fair_id == fair_id))}
    rows = [{"fair_id": fair_id, "listing_id": p["listing_id"], "demand_id": p["demand_id"],
             "producer_reg_id": p["producer_reg_id"], "buyer_reg_id": p["buyer_reg_id"],
             "score": float(p["score"]), "reasons": p["reasons"], "source": "auto", "removed": False,
             "allocated_quantity": None if p.get("quantity") is None else Decimal(str(p["quantity"])),
             "allocated_unit": p.get("unit")}
            for p in pairs if (p["listing_id"], p["demand_id"]) not in manual]
    if rows:
        db.session.execute(sa.insert(Suggestion), rows)
    db.session.commit()


def set_removed(user, suggestion: Suggestion, removed: bool) -> Suggestion:
    fair = db.session.get(Fair, suggestion.fair_id)
    if not can_organise(user, fair):
        raise FairError(None, _("You do not organise this fair."))
    if fair.suggestions_published_at is not None:
        raise FairError(None, _("The suggestions are already published."))
    suggestion.removed = removed
    audit.record("fair.suggestion_removed" if removed else "fair.suggestion_restored", "fair_suggestion",
                 suggestion.id, actor=user)
    db.session.commit()
    return suggestion


def add_pair(user, fair: Fair, listing_id: int, demand_id: int) -> Suggestion:
    """The organiser adds a pair matching did not propose; it is scored and explained all the same."""
    if not can_organise(user, fair):
        raise FairError(None, _("You do not organise this fair."))
    if fair.suggestions_published_at is not None:
        raise FairError(None, _("The suggestions are already published."))
    listings, demands = approved_records(fair.id)
    if listing_id not in listings:
        raise FairError("listing_id", _("Not an active listing of an approved producer of this fair."))
    if demand_id not in demands:
        raise FairError("demand_id", _("Not an open demand of an approved buyer of this fair."))
    existing = db.session.scalar(sa.select(Suggestion).where(
        Suggestion.fair_id == fair.id, Suggestion.listing_id == listing_id, Suggestion.demand_id == demand_id))
    if existing is not None:
        existing.removed = False
        db.session.commit()
        return existing
    explained = matching.explain(matching.Demand.from_dict(_plain(demands[demand_id][1])),
                                 matching.Listing.from_dict(_plain(listings[listing_id][1])), weights=weights_for(fair))
    reasons = dict(explained["reasons"], violations=explained["violations"])
    suggestion = Suggestion(fair_id=fair.id, listing_id=listing_id, demand_id=demand_id,
                            producer_reg_id=listings[listing_id][0], buyer_reg_id=demands[demand_id][0],
                            score=explained["score"], reasons=reasons, source="manual")
    db.session.add(suggestion)
    db.session.flush()
    audit.record("fair.suggestion_added", "fair_suggestion", suggestion.id, actor=user)
    db.session.commit()
    return suggestion


def publish(user, fair: Fair) -> int:
    if not can_organise(user, fair):
        raise FairError(None, _("You do not organise this fair."))
    if fair.suggestions_published_at is not None:
        raise FairError(None, _("The suggestions are already published."))
    rows = db.session.execute(sa.select(Suggestion.producer_reg_id, Suggestion.buyer_reg_id).where(
        Suggestion.fair_id == fair.id, Suggestion.removed.is_(False))).all()
    if not rows:
        raise FairError(None, _("There are no suggestions to publish."))
    fair.suggestions_published_at = utcnow()
    reg_ids = {r for pair in rows for r in pair}
    users = db.session.scalars(sa.select(Registration.user_id).where(Registration.id.in_(reg_ids)))
    for user_id in set(users):
        notify(user_id, "fair_suggestions", _("Suggested partners for %(fair)s are ready.", fair=fair.title),
               link=link("fairs.detail", fair_id=fair.id), dedupe_key=f"fair-suggestions:{fair.id}")
    audit.record("fair.suggestions_published", "fair", fair.id, after={"pairs": len(rows)}, actor=user)
    db.session.commit()
    return len(rows)
