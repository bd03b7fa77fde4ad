"""What a listing card shows (templates/produce/_listing_card.html), read in one query.

A results page shows 20 cards. Loading them as ORM listings with their producer and photos took two round
trips and built every column of every object (a quarter of a search's time on a million rows); a card needs
a dozen columns, the producer's name and the first thumbnail, which one SELECT returns.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from core.db import db
from produce.models import Listing, ListingPhoto, ProducerProfile


@dataclass(frozen=True, slots=True)
class ListingCard:
    id: int
    product_name: str
    variety: str
    price: Decimal | None
    price_unit: str
    price_per_kg: Decimal | None
    quantity: Decimal
    unit: str
    county_code: str
    poverty_county: bool
    available_from: date
    available_to: date
    producer_name: str
    producer_verified: bool
    thumb: str | None  # the first photo's thumbnail file name


_first_thumb = (sa.select(ListingPhoto.thumb_filename).where(ListingPhoto.listing_id == Listing.id)
                .order_by(ListingPhoto.position, ListingPhoto.id).limit(1).correlate(Listing).scalar_subquery())

_CARD_COLUMNS = (Listing.id, Listing.product_name, Listing.variety, Listing.price, Listing.price_unit,
                 Listing.price_per_kg, Listing.quantity, Listing.unit, Listing.county_code, Listing.poverty_county,
                 Listing.available_from, Listing.available_to, ProducerProfile.name,
                 ProducerProfile.verified_at.is_not(None), _first_thumb)


def cards_for(ids: list[int]) -> list[ListingCard]:
    """The cards of these listings, in the order of `ids` (ids that no longer exist are skipped)."""
    if not ids:
        return []
    stmt = sa.select(*_CARD_COLUMNS).join(ProducerProfile, ProducerProfile.id == Listing.producer_id) \
        .where(Listing.id.in_(ids))
    by_id = {row[0]: ListingCard(*row) for row in db.session.execute(stmt)}
    return [by_id[i] for i in ids if i in by_id]


def card_of(listing: Listing) -> ListingCard:
    """The card of a listing already loaded (with its producer and photos)."""
    return ListingCard(
        listing.id, listing.product_name, listing.variety, listing.price, listing.price_unit, listing.price_per_kg,
        listing.quantity, listing.unit, listing.county_code, listing.poverty_county, listing.available_from,
        listing.available_to, listing.producer.name, listing.producer.verified_at is not None,
        listing.photos[0].thumb_filename if listing.photos else None)
