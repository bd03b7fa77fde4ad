"""Stored matches between demands and listings (table demand_matches), refreshed incrementally.

When one listing is saved only its pairs are recomputed, against the open demands of its catalogue
category; when one demand is saved only its pairs are recomputed, against the active listings of its
category. Scores and reasons come from the matching library (buyers.engine); "why not" asks
matching.explain for a single pair.
"""
import logging
from collections.abc import Iterator

import sqlalchemy as sa

from buyers import engine, queries
from buyers.models import BuyerOrg, Demand, DemandMatch
from core.db import db, utcnow

log = logging.getLogger(__name__)

STORED_PER_DEMAND = 20      # a demand page shows at most this many suggestions
MAX_CANDIDATE_LISTINGS = 5000  # newest active listings of the category considered for one demand


def matches_for_demand(demand_id: int, top: int = 10) -> list[dict]:
    """Best stored matches of one demand: [{"listing_id", "score", "reasons"}], best first."""
    rows = db.session.scalars(sa.select(DemandMatch).where(DemandMatch.demand_id == demand_id)
                              .order_by(DemandMatch.score.desc(), DemandMatch.listing_id).limit(top))
    return [{"listing_id": row.listing_id, "score": row.score, "reasons": row.reasons} for row in rows]


def demands_for_listing(listing_id: int, top: int = 10) -> list[dict]:
    """Best stored matches of one listing among open demands: [{"demand_id", "score", "reasons"}]."""
    rows = db.session.scalars(
        sa.select(DemandMatch).join(Demand, Demand.id == DemandMatch.demand_id)
        .where(DemandMatch.listing_id == listing_id, Demand.status == "open")
        .order_by(DemandMatch.score.desc(), DemandMatch.demand_id).limit(top))
    return [{"demand_id": row.demand_id, "score": row.score, "reasons": row.reasons} for row in rows]


def match_counts(demand_ids: list[int]) -> dict[int, int]:
    if not demand_ids:
        return {}
    rows = db.session.execute(sa.select(DemandMatch.demand_id, sa.func.count()).where(
        DemandMatch.demand_id.in_(demand_ids)).group_by(DemandMatch.demand_id))
    return dict(rows.all())


def _produce():
    try:
        from produce import models
        from produce import queries as produce_queries
    except ImportError:  # the produce package is not installed in this build
        return None
    return models, produce_queries


def _category_codes(product_text: str) -> list[str] | None:
    resolved = engine.resolve_product(product_text)
    return engine.codes_in_category(resolved[1]) if resolved else None


def _store(pairs: list[tuple[int, int, float, dict]]) -> None:
    now = utcnow()
    for demand_id, listing_id, score, reasons in pairs:
        db.session.add(DemandMatch(demand_id=demand_id, listing_id=listing_id, score=float(score),
                                   reasons=reasons, computed_at=now))


def refresh_listing(listing_id: int) -> list[tuple[int, float]]:
    """Recomputes the stored matches of one listing and commits; returns [(demand_id, score)] now stored."""
    found = _produce()
    db.session.execute(sa.delete(DemandMatch).where(DemandMatch.listing_id == listing_id))
    listing = db.session.get(found[0].Listing, listing_id) if found else None
    if listing is None or listing.status != "active":
        db.session.commit()
        return []
    record = found[1].listing_record(listing)
    codes = _category_codes(record["product"])
    stmt = sa.select(Demand).join(BuyerOrg).where(Demand.status == "open", BuyerOrg.active.is_(True))
    stmt = stmt.where(sa.or_(Demand.product_code.in_(codes), Demand.product_code.is_(None))) if codes else stmt
    demands = list(db.session.scalars(stmt))
    ranked = engine.rank([queries.demand_record(d) for d in demands], [record], top=1)
    pairs = [(row["demand_id"], m["listing_id"], m["score"], m["reasons"]) for row in ranked for m in row["matches"]]
    _store(pairs)
    db.session.commit()
    return [(demand_id, score) for demand_id, _lid, score, _r in pairs]


def listing_record(listing) -> dict:
    """produce's matching record of one listing (a listing object means produce is installed)."""
    return _produce()[1].listing_record(listing)


def imported_records(listing_ids: list[int]) -> Iterator[list[dict]]:
    """The active listings of a large import as matching records, batch by batch: produce reads them with
    Core queries of the record's columns, not as ORM objects. Nothing when produce is absent."""
    found = _produce()
    return found[1].active_records(listing_ids) if found is not None and listing_ids else iter(())


def store_imported(demands: list[Demand], listings: list) -> dict[int, list[tuple[int, float]]]:
    """Stored matches of many new listings at once (a large import): the open demands are ranked against all
    the new active listings together (library records from engine.listing_obj); each demand keeps its best
    STORED_PER_DEMAND of them. New listings have no stored pairs yet, so nothing is deleted. Commits;
    returns {listing_id: [(demand_id, score)]}."""
    ranked = engine.rank_listings([queries.demand_record(d) for d in demands], listings, top=STORED_PER_DEMAND)
    now, rows, by_listing = utcnow(), [], {}
    for row in ranked:
        for match in row["matches"]:
            rows.append({"demand_id": row["demand_id"], "listing_id": match["listing_id"],
                         "score": float(match["score"]), "reasons": match["reasons"], "computed_at": now})
            by_listing.setdefault(match["listing_id"], []).append((row["demand_id"], float(match["score"])))
    if rows:
        db.session.execute(sa.insert(DemandMatch.__table__), rows)
    db.session.commit()
    return by_listing


def _candidate_listings(models, demand: Demand) -> list:
    """Active listings of the demand's catalogue category (or with a similar name when unresolved)."""
    Listing = models.Listing
    resolved = engine.resolve_product(demand.product_name)
    by_name = Listing.product_name.contains(demand.product_name[:20])
    stmt = sa.select(Listing).where(Listing.status == "active",
                                    sa.or_(Listing.category_code == resolved[1], by_name) if resolved else by_name)
    return list(db.session.scalars(stmt.order_by(Listing.id.desc()).limit(MAX_CANDIDATE_LISTINGS)))


def refresh_demand(demand_id: int) -> int:
    """Recomputes the stored matches of one demand and commits; returns how many are stored."""
    found = _produce()
    db.session.execute(sa.delete(DemandMatch).where(DemandMatch.demand_id == demand_id))
    demand = db.session.get(Demand, demand_id)
    if demand is None or demand.status != "open" or found is None:
        db.session.commit()
        return 0
    listings = _candidate_listings(found[0], demand)
    ranked = engine.rank([queries.demand_record(demand)], [found[1].listing_record(x) for x in listings],
                         top=STORED_PER_DEMAND)
    pairs = [(row["demand_id"], m["listing_id"], m["score"], m["reasons"]) for row in ranked for m in row["matches"]]
    _store(pairs)
    db.session.commit()
    return len(pairs)


def explain_pair(demand: Demand, listing_id: int, viewer) -> dict | None:
    """matching.explain for one demand and one listing the viewer may see (produce's rule); else None."""
    found = _produce()
    listing = db.session.get(found[0].Listing, listing_id) if found else None
    from produce.permissions import can_view_listing

    if listing is None or not can_view_listing(viewer, listing):
        return None
    result = engine.explain(queries.demand_record(demand), found[1].listing_record(listing))
    return {**result, "listing": listing}
