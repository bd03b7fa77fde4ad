"""Stored matches with their scores and reasons (buyers/matches.py), seen by whoever sees them on the web:
a demand's matches by those who may view the demand, a listing's matching demands by its producer."""
import marshmallow as ma
from flask_login import current_user

from api.auth import require_user
from api.common import BEARER, ApiBlueprint
from api.errors import fail
from api.v1.demands import DemandPath, visible_demand
from api.v1.listings import ListingOut, ListingPath, listing_out
from buyers import matches
from buyers.queries import listings_by_id
from core.db import db
from produce.models import Listing
from produce.permissions import can_edit_listing, can_view_listing

blp = ApiBlueprint("api_v1_matches", __name__, url_prefix="/api/v1",
                   description="Scored listing-demand pairs with the reasons for each score.")


class TopQuery(ma.Schema):
    top = ma.fields.Integer(load_default=10, validate=ma.validate.Range(min=1, max=20))


class ListingMatch(ma.Schema):
    listing_id = ma.fields.Integer(required=True)
    score = ma.fields.Float(required=True, metadata={"description": "0..1, a ranking score (not an amount)"})
    reasons = ma.fields.Dict(required=True, metadata={"description": "Each factor's contribution"})
    listing = ma.fields.Nested(ListingOut, required=True, allow_none=True)


class DemandMatch(ma.Schema):
    demand_id = ma.fields.Integer(required=True)
    score = ma.fields.Float(required=True)
    reasons = ma.fields.Dict(required=True)


@blp.route("/demands/<int:demand_id>/matches")
@blp.arguments(DemandPath, location="path", as_kwargs=True)
@blp.arguments(TopQuery, location="query", as_kwargs=True)
@blp.response(200, ListingMatch(many=True))
@blp.errors(404)
@blp.doc(security=BEARER)
def demand_matches(demand_id: int, top: int):
    """The best listings for one demand, best first."""
    demand = visible_demand(demand_id)
    found = matches.matches_for_demand(demand.id, top=top)
    listings = listings_by_id([m["listing_id"] for m in found])
    user = current_user._get_current_object()
    return [{**m, "listing": listing_out(listings[m["listing_id"]])
             if m["listing_id"] in listings and can_view_listing(user, listings[m["listing_id"]]) else None}
            for m in found]


@blp.route("/listings/<int:listing_id>/matches")
@blp.arguments(ListingPath, location="path", as_kwargs=True)
@blp.arguments(TopQuery, location="query", as_kwargs=True)
@blp.response(200, DemandMatch(many=True))
@blp.errors(403, 404)
@blp.doc(security=BEARER)
def listing_matches(listing_id: int, top: int):
    """The open demands that match one of your listings, best first (its producer only, like My listings)."""
    user = require_user()
    listing = db.session.get(Listing, listing_id)
    if listing is None or not can_view_listing(user, listing):
        fail(404, "No such listing.")
    if not can_edit_listing(user, listing):
        fail(403, "Only the listing's producer sees its matching demands.")
    return matches.demands_for_listing(listing.id, top=top)
