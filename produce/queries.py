"""Reads: the matching record of a listing, a user's producer, listings of a producer, the public search."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from core import regions
from core.db import db
from produce.models import Listing, ProducerMember, ProducerProfile
from produce.search import SearchFilters, SearchPage, search_listings, visible_condition

__all__ = ["SearchFilters", "SearchPage", "listing_record", "listings_of_producer", "producer_for_user",
           "search_listings", "visible_condition"]


def _num(value):
    return value  # Decimal stays Decimal: money and quantities are never floats


def listing_record(listing: Listing) -> dict:
    """The listing in the matching vocabulary (see CONTRACTS.md), dates as ISO strings."""
    return {
        "id": listing.id,
        "product": listing.product_name,
        "product_code": listing.product.code if listing.product else None,
        "category": listing.category_code,
        "variety": listing.variety,
        "spec": listing.spec,
        "quantity": _num(listing.quantity),
        "unit": listing.unit,
        "net_weight_kg": _num(listing.net_weight_kg),
        "quantity_kg": _num(listing.quantity_kg),
        "price": _num(listing.price),
        "price_unit": listing.price_unit,
        "price_per_kg": _num(listing.price_per_kg),
        "min_order": _num(listing.min_order),
        "available_from": listing.available_from.isoformat(),
        "available_to": listing.available_to.isoformat(),
        "county_code": listing.county_code,
        "certifications": list(listing.certifications or []),
        "poverty_county": regions.is_poverty_county(listing.county_code),
        "old_revolutionary_area": None,  # no vetted list of 革命老区 in refdata yet
        "status": listing.status,
        "version": listing.version,
        "producer_id": listing.producer_id,
    }


def producer_for_user(user) -> ProducerProfile | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        sa.select(ProducerProfile).join(ProducerMember).where(ProducerMember.user_id == user.id)
        .options(selectinload(ProducerProfile.members), selectinload(ProducerProfile.certifications)))


def listings_of_producer(producer_id: int, statuses=None, public_only: bool = False, limit: int | None = None):
    stmt = (sa.select(Listing).where(Listing.producer_id == producer_id)
            .options(selectinload(Listing.photos)).order_by(Listing.updated_at.desc(), Listing.id.desc()))
    if statuses:
        stmt = stmt.where(Listing.status.in_(statuses))
    if public_only:
        stmt = stmt.where(visible_condition())
    if limit:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


def get_listing(listing_id: int) -> Listing | None:
    return db.session.get(Listing, listing_id)
