"""Reads: the matching record of a listing, a user's producer, listings of a producer, the public search."""
from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from core import regions
from core.db import db
from produce.models import Listing, ProducerMember, ProducerProfile, Product
from produce.search import SearchFilters, SearchPage, search_listings, visible_condition

__all__ = ["SearchFilters", "SearchPage", "active_records", "listing_record", "listings_of_producer",
           "producer_for_user", "record_of", "search_listings", "visible_condition"]


def _num(value):
    return value  # Decimal stays Decimal: money and quantities are never floats


# The listing columns a matching record is built from (record_of reads exactly these, plus the product's
# code): a Core select of a large import names them so it never loads whole rows or ORM objects.
RECORD_COLUMNS = ("id", "product_name", "category_code", "variety", "spec", "quantity", "unit", "net_weight_kg",
                  "quantity_kg", "price", "price_unit", "price_per_kg", "min_order", "available_from",
                  "available_to", "county_code", "certifications", "status", "version", "producer_id")
RECORD_BATCH = 5000  # listings per Core query when many are read at once


def listing_record(listing: Listing) -> dict:
    """The listing in the matching vocabulary (see CONTRACTS.md), dates as ISO strings."""
    return record_of(listing, listing.product.code if listing.product else None)


def record_of(values, product_code: str | None) -> dict:
    """The matching record of a Listing or of a Core row with RECORD_COLUMNS: the one place both paths build
    it, so their keys cannot drift apart."""
    return {
        "id": values.id,
        "product": values.product_name,
        "product_code": product_code,
        "category": values.category_code,
        "variety": values.variety,
        "spec": values.spec,
        "quantity": _num(values.quantity),
        "unit": values.unit,
        "net_weight_kg": _num(values.net_weight_kg),
        "quantity_kg": _num(values.quantity_kg),
        "price": _num(values.price),
        "price_unit": values.price_unit,
        "price_per_kg": _num(values.price_per_kg),
        "min_order": _num(values.min_order),
        "available_from": values.available_from.isoformat(),
        "available_to": values.available_to.isoformat(),
        "county_code": values.county_code,
        "certifications": list(values.certifications or []),
        "poverty_county": regions.is_poverty_county(values.county_code),
        "old_revolutionary_area": None,  # no vetted list of 革命老区 in refdata yet
        "status": values.status,
        "version": values.version,
        "producer_id": values.producer_id,
    }


def active_records(listing_ids, batch: int | None = None) -> Iterator[list[dict]]:
    """Records of the active listings among listing_ids, in id order, one list per Core query of at most
    `batch` ids (RECORD_BATCH). The ids of an import are nearly one range, so each query reads an id range
    by primary key and drops the rows of other listings that fall inside it."""
    batch = batch or RECORD_BATCH
    wanted = sorted(set(listing_ids))
    columns = [Listing.__table__.c[name] for name in RECORD_COLUMNS]
    for start in range(0, len(wanted), batch):
        ids = wanted[start:start + batch]
        stmt = (sa.select(*columns, Product.code.label("product_code"))
                .outerjoin(Product, Product.id == Listing.product_id)
                .where(Listing.id.between(ids[0], ids[-1]), Listing.status == "active").order_by(Listing.id))
        chosen = set(ids)
        yield [record_of(row, row.product_code) for row in db.session.execute(stmt) if row.id in chosen]


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
