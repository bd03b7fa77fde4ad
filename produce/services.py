"""Listing writes: create, update (optimistic locking), status changes, renew, delete.

Every function checks who acts, validates before writing anything, commits, then sends
``core.signals.listing_saved`` so buyers can refresh that one listing's matches.
"""
from __future__ import annotations

import logging
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from core import audit, regions
from core.db import db
from core.signals import listing_saved
from produce.catalogue import get_catalogue
from produce.models import Listing, cert_flags
from produce.permissions import can_edit_listing
from produce.queries import producer_for_user
from produce.tokens import listing_tokens
from produce.units import price_per_kg_or_none, to_kg
from produce.validation import clean_listing

log = logging.getLogger(__name__)

# Which statuses a producer may move a listing to, from each status ("expired" is set by the expiry job).
TRANSITIONS = {
    "draft": {"active"},
    "active": {"paused", "sold_out", "draft"},
    "paused": {"active", "sold_out"},
    "sold_out": {"active"},
    "expired": set(),  # renew_listing reopens an expired listing with a new window
}
CREATE_STATUSES = ("draft", "active")
RENEW_DAYS = 30


class ListingError(ValueError):
    """Bad input or a forbidden action; `errors` holds every field's message."""

    def __init__(self, field: str, message: str, errors: dict | None = None):
        super().__init__(message)
        self.field = field
        self.message = message
        self.errors = errors or {field: message}

    @classmethod
    def from_errors(cls, errors: dict) -> ListingError:
        field = next(iter(errors))
        return cls(field, errors[field], errors)


class VersionConflict(Exception):
    """Someone else saved the listing after this user loaded it."""

    def __init__(self, listing_id: int, current_version: int | None = None):
        super().__init__(_("Someone else changed this listing while you were editing it. "
                           "Reload it to see their changes, then make yours again."))
        self.listing_id = listing_id
        self.current_version = current_version


def _acting_producer(user):
    producer = producer_for_user(user)
    if producer is None:
        raise ListingError("producer", _("Create your producer profile first."))
    return producer


def apply_fields(listing: Listing, clean: dict, catalogue=None) -> None:
    """Copy clean values and compute what search and matching need (product, kg, per-kg price, tokens)."""
    catalogue = catalogue or get_catalogue()
    listing.product_name = clean["product"]
    for name in ("variety", "spec", "description", "unit", "net_weight_kg", "price", "price_unit", "min_order",
                 "available_from", "available_to", "county_code", "quantity"):
        setattr(listing, name, clean[name])
    listing.certifications = list(clean["certifications"])
    listing.cert_flags = cert_flags(clean["certifications"])
    resolved = catalogue.resolve(clean["product"], min_score=0.85)
    listing.product_id = resolved.product_id
    listing.category_code = resolved.category
    listing.quantity_kg = to_kg(clean["quantity"], clean["unit"], clean["net_weight_kg"])
    listing.price_per_kg = price_per_kg_or_none(clean["price"], clean["price_unit"], clean["net_weight_kg"])
    listing.poverty_county = regions.is_poverty_county(clean["county_code"])
    listing.search_tokens = listing_tokens(listing, catalogue)


def _validated(producer, data: dict) -> dict:
    clean, errors = clean_listing(data, default_county=producer.county_code, held=producer.held_certifications())
    if errors:
        raise ListingError.from_errors(errors)
    return clean


def create_listing(user, data: dict) -> Listing:
    """A new listing for the user's producer. `status` may be draft (default) or active; any other
    key that is not a listing field (producer_id, version, ...) is ignored."""
    producer = _acting_producer(user)
    status = str(data.get("status") or "draft")
    if status not in CREATE_STATUSES:
        raise ListingError("status", _("A new listing is a draft or active."))
    clean = _validated(producer, data)
    listing = Listing(producer_id=producer.id, status=status)
    apply_fields(listing, clean)
    db.session.add(listing)
    db.session.commit()
    log.info("listing %s created by user %s", listing.id, user.id)
    listing_saved.send(listing, created=True)
    return listing


def _check_version(listing: Listing, expected_version) -> None:
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise ListingError("version", _("The form is missing the listing's version; reload the page."))
    if expected != listing.version:
        raise VersionConflict(listing.id, listing.version)


def _commit_or_conflict(listing: Listing) -> None:
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise VersionConflict(listing.id)


def update_listing(user, listing: Listing, data: dict, expected_version) -> Listing:
    if not can_edit_listing(user, listing):
        raise PermissionError("not this producer's listing")
    _check_version(listing, expected_version)
    clean = _validated(listing.producer, data)
    apply_fields(listing, clean)
    _commit_or_conflict(listing)
    listing_saved.send(listing, created=False)
    return listing


def set_status(user, listing: Listing, status: str, expected_version=None) -> Listing:
    if not can_edit_listing(user, listing):
        raise PermissionError("not this producer's listing")
    if expected_version is not None:
        _check_version(listing, expected_version)
    if status not in TRANSITIONS.get(listing.status, set()):
        raise ListingError("status", _("A listing cannot go from %(old)s to %(new)s.", old=listing.status,
                                       new=status))
    if status == "active" and listing.available_to < date.today():
        raise ListingError("available_to", _("The supply window has ended: renew the listing instead."))
    listing.status = status
    _commit_or_conflict(listing)
    listing_saved.send(listing, created=False)
    return listing


def renew_listing(user, listing: Listing, days: int = RENEW_DAYS) -> Listing:
    """Reopen a listing for another `days` from today (quick renew from My listings)."""
    if not can_edit_listing(user, listing):
        raise PermissionError("not this producer's listing")
    if listing.status == "draft":
        raise ListingError("status", _("Publish the draft instead."))
    today = date.today()
    listing.available_to = max(listing.available_to, today + timedelta(days=days))
    listing.status = "active"
    _commit_or_conflict(listing)
    listing_saved.send(listing, created=False)
    return listing


def delete_listing(user, listing: Listing) -> None:
    from produce.photos import delete_photo_files

    if not can_edit_listing(user, listing):
        raise PermissionError("not this producer's listing")
    files = [name for photo in listing.photos for name in (photo.filename, photo.thumb_filename)]
    audit.record("listing.delete", "listing", listing.id, before={"product": listing.product_name,
                                                                  "status": listing.status}, actor=user)
    db.session.delete(listing)
    db.session.commit()
    delete_photo_files(files)


def expire_listings(today: date | None = None) -> int:
    """Flag active and paused listings whose window has ended as expired; returns how many."""
    import sqlalchemy as sa

    today = today or date.today()
    result = db.session.execute(
        sa.update(Listing)
        .where(Listing.status.in_(("active", "paused")), Listing.available_to < today)
        .values(status="expired", version=Listing.version + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount


def send_contact_request(buyer, listing: Listing, message: str) -> None:
    """A signed-in buyer's request about a listing, delivered to every member of its producer."""
    from flask import url_for

    from core.notifications import notify

    text = _("%(buyer)s (%(email)s %(phone)s) about %(product)s: %(message)s", buyer=buyer.display_name,
             email=buyer.email, phone=buyer.phone or "", product=listing.product_name, message=message.strip()[:1000])
    for member in listing.producer.members:
        notify(member.user_id, "listing.contact", text,
               link=url_for("produce.listing_detail", listing_id=listing.id))
    db.session.commit()
