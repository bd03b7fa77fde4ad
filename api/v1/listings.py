"""Listings (供应信息): the public search of active listings, and a producer's own writes.

Reads go through produce.queries.search_listings / produce.permissions.can_view_listing, writes through
produce.services (which validates every field, checks the acting producer and the version), so the API and
the web pages obey the same rules. Unknown fields are rejected (422) before the service is called.
"""
import marshmallow as ma
from flask_login import current_user

from api.auth import require_role
from api.common import (
    BEARER,
    OPTIONAL_BEARER,
    ApiBlueprint,
    DecimalString,
    PageMeta,
    PageQuery,
    non_negative,
    paged_response,
)
from api.errors import fail
from api.v1 import serialise
from core.db import db
from produce import services
from produce.catalogue_services import CATEGORY_NAMES
from produce.models import CERTIFICATIONS, LISTING_STATUSES, Listing
from produce.permissions import can_edit_listing, can_view_listing
from produce.queries import listing_record, search_listings
from produce.search import SORTS
from produce.units import PRICE_UNITS, QUANTITY_UNITS

blp = ApiBlueprint("api_v1_listings", __name__, url_prefix="/api/v1/listings",
                   description="Produce offered by producers (供应信息).")

CERT = ma.fields.String(validate=ma.validate.OneOf(CERTIFICATIONS))


class ListingPath(ma.Schema):
    listing_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**31 - 1),
                                   metadata={"example": 1})


class ListingOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    producer_id = ma.fields.Integer(required=True)
    product = ma.fields.String(required=True, metadata={"example": "红富士苹果"})
    product_code = ma.fields.String(required=True, allow_none=True)
    category = ma.fields.String(required=True, allow_none=True)
    variety = ma.fields.String(required=True)
    spec = ma.fields.String(required=True)
    quantity = DecimalString(required=True)
    unit = ma.fields.String(required=True)
    net_weight_kg = DecimalString(required=True, allow_none=True)
    quantity_kg = DecimalString(required=True, allow_none=True)
    price = DecimalString(required=True, allow_none=True, metadata={"description": "null: negotiable (面议)"})
    price_unit = ma.fields.String(required=True)
    price_per_kg = DecimalString(required=True, allow_none=True)
    min_order = DecimalString(required=True, allow_none=True)
    available_from = ma.fields.Date(required=True)
    available_to = ma.fields.Date(required=True)
    county_code = ma.fields.String(required=True)
    certifications = ma.fields.List(CERT, required=True)
    poverty_county = ma.fields.Boolean(required=True)
    description = ma.fields.String(required=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(LISTING_STATUSES))
    version = ma.fields.Integer(required=True)
    created_at = ma.fields.DateTime(required=True)
    updated_at = ma.fields.DateTime(required=True)


class ListingPage(PageMeta):
    items = ma.fields.List(ma.fields.Nested(ListingOut), required=True)
    capped = ma.fields.Boolean(required=True, metadata={"description": "total stopped counting at the cap"})


class ListingSearch(PageQuery):
    q = ma.fields.String(validate=ma.validate.Length(max=50), metadata={"description": "Text: product, synonym, "
                                                                        "pinyin or initials", "example": "苹果"})
    category = ma.fields.String(validate=ma.validate.OneOf(tuple(CATEGORY_NAMES)))
    region = ma.fields.String(validate=ma.validate.Regexp(r"^\d{6}$"),
                              metadata={"description": "Province, prefecture or county code"})
    certification = CERT
    available_from = ma.fields.Date()
    available_to = ma.fields.Date()
    min_quantity_kg = DecimalString(validate=non_negative)
    max_price = DecimalString(validate=non_negative)
    max_price_unit = ma.fields.String(validate=ma.validate.OneOf(PRICE_UNITS), load_default="元/公斤")
    poverty_only = ma.fields.Boolean(load_default=False)
    producer_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1))
    sort = ma.fields.String(validate=ma.validate.OneOf(SORTS), load_default="relevance")


def _listing_fields(required: bool) -> dict:
    """The writable fields, in the matching vocabulary. Only their types are checked here; produce's own
    validation (units, windows, held certifications, county codes...) runs in the service."""
    must = {"required": True} if required else {}
    return {
        "product": ma.fields.String(validate=ma.validate.Length(min=1, max=60), metadata={"example": "红富士苹果"},
                                    **must),
        "variety": ma.fields.String(validate=ma.validate.Length(max=60)),
        "spec": ma.fields.String(validate=ma.validate.Length(max=120)),
        "quantity": DecimalString(metadata={"example": "5000"}, **must),
        "unit": ma.fields.String(validate=ma.validate.OneOf(QUANTITY_UNITS), metadata={"example": "公斤"}, **must),
        "net_weight_kg": DecimalString(allow_none=True),
        "price": DecimalString(allow_none=True, metadata={"description": "null: negotiable (面议)",
                                                          "example": "4.50"}),
        "price_unit": ma.fields.String(validate=ma.validate.OneOf(PRICE_UNITS), metadata={"example": "元/公斤"}),
        "min_order": DecimalString(allow_none=True),
        "available_from": ma.fields.Date(metadata={"example": "2026-12-01"}, **must),
        "available_to": ma.fields.Date(metadata={"example": "2027-01-31"}, **must),
        "county_code": ma.fields.String(validate=ma.validate.Regexp(r"^\d{6}$"), metadata={"example": "360732"}),
        "certifications": ma.fields.List(CERT, validate=ma.validate.Length(max=4)),
        "description": ma.fields.String(validate=ma.validate.Length(max=2000)),
    }


ListingCreate = ma.Schema.from_dict({
    **_listing_fields(required=True),
    "status": ma.fields.String(validate=ma.validate.OneOf(services.CREATE_STATUSES), load_default="draft"),
}, name="ListingCreate")

ListingUpdate = ma.Schema.from_dict({
    **_listing_fields(required=False),
    "version": ma.fields.Integer(required=True, metadata={"description": "The version you read; stale -> 409"}),
    "status": ma.fields.String(validate=ma.validate.OneOf(("draft", "active", "paused", "sold_out"))),
}, name="ListingUpdate")


def listing_out(listing: Listing) -> dict:
    record = listing_record(listing)
    return {**record, "available_from": listing.available_from, "available_to": listing.available_to,
            "description": listing.description, "created_at": listing.created_at, "updated_at": listing.updated_at}


def _visible_listing(listing_id: int) -> Listing:
    listing = db.session.get(Listing, listing_id)
    if listing is None or not can_view_listing(current_user, listing):
        fail(404, "No such listing.")
    return listing


def _own_listing(listing_id: int) -> Listing:
    """Like the web UI: 404 for a listing the user may not even see, 403 for one they see but may not edit."""
    require_role("producer")
    listing = _visible_listing(listing_id)
    if not can_edit_listing(current_user, listing):
        fail(403, "This listing belongs to another producer.")
    return listing


@blp.route("")
@blp.arguments(ListingSearch, location="query", as_kwargs=True)
@blp.response(200, ListingPage)
@blp.doc(security=OPTIONAL_BEARER)
def search(page: int, size: int, sort: str, q: str | None = None, **filters):
    """Search the active listings in their supply window (the web search: synonyms, pinyin, filters)."""
    found = search_listings(q, filters, sort=sort, page=page, per_page=size)
    return paged_response(found, listing_out, page=found.page, size=found.per_page, capped=found.capped)


@blp.route("/<int:listing_id>")
@blp.arguments(ListingPath, location="path", as_kwargs=True)
@blp.response(200, ListingOut)
@blp.errors(404)
@blp.doc(security=OPTIONAL_BEARER)
def get_listing(listing_id: int):
    """One listing: published ones for anyone; drafts and paused ones for their producer and the region's
    officials."""
    return listing_out(_visible_listing(listing_id))


@blp.route("", methods=["POST"])
@blp.arguments(ListingCreate)
@blp.response(201, ListingOut)
@blp.doc(security=BEARER)
def create(data):
    """Create a listing for your producer profile; `status` is `draft` (default) or `active`."""
    user = require_role("producer")
    try:
        listing = services.create_listing(user, data)
    except services.ListingError as error:
        db.session.rollback()
        serialise.service_error(error)
    return listing_out(listing)


@blp.route("/<int:listing_id>", methods=["PATCH"])
@blp.arguments(ListingPath, location="path", as_kwargs=True)
@blp.arguments(ListingUpdate)
@blp.response(200, ListingOut)
@blp.errors(404, 409)
@blp.doc(security=BEARER)
def update(data, listing_id: int):
    """Change fields and/or `status` (draft, active, paused, sold_out). Send the `version` you read:
    if someone saved in between you get 409 and nothing changes."""
    listing = _own_listing(listing_id)
    version, status = data.pop("version"), data.pop("status", None)
    user = current_user._get_current_object()
    if data and status is not None and status != listing.status and \
            status not in services.TRANSITIONS.get(listing.status, ()):
        # Refuse before the field update commits, so that a bad status never leaves half the change saved.
        fail(422, "This status change is not allowed.", fields={"status": [
            f"A listing cannot go from {listing.status} to {status}."]})
    try:
        if data:
            merged = {**listing_record(listing), "description": listing.description, **data}
            services.update_listing(user, listing, merged, version)
            version = None  # checked (and bumped) by the update
        elif listing.version != version:
            raise services.VersionConflict(listing.id, listing.version)
        if status is not None and status != listing.status:
            services.set_status(user, listing, status, version)
    except services.VersionConflict as conflict:
        db.session.rollback()
        serialise.version_conflict(conflict, db.session.get(Listing, listing_id).version)
    except services.ListingError as error:
        db.session.rollback()
        serialise.service_error(error)
    return listing_out(listing)


@blp.route("/<int:listing_id>", methods=["DELETE"])
@blp.arguments(ListingPath, location="path", as_kwargs=True)
@blp.response(204)
@blp.errors(404)
@blp.doc(security=BEARER)
def delete(listing_id: int):
    """Delete one of your listings."""
    listing = _own_listing(listing_id)
    services.delete_listing(current_user._get_current_object(), listing)
    return None
