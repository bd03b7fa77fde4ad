"""Online matchmaking fairs (网上购销对接会): the fairs, their registrations and report (meetings and agreements
are in api/v1/meetings.py).

Reads and writes go through fairs.queries / fairs.services with fairs.access deciding who sees what, exactly as
on the fair pages: drafts only for organisers, registrations and the report for organisers (officials and
admins of the fair's region), meetings and agreements for their two parties and the organisers.
"""
import marshmallow as ma
from flask_login import current_user

from api.auth import require_role, require_user
from api.common import BEARER, OPTIONAL_BEARER, ApiBlueprint, DecimalString, PageQuery, page_schema, paged_response
from api.errors import fail
from core.db import db
from fairs import access, queries, services
from fairs.errors import FairError
from fairs.models import (
    FAIR_STATES,
    REGISTRATION_STATES,
    Fair,
)

blp = ApiBlueprint("api_v1_fairs", __name__, url_prefix="/api/v1",
                   description="Online matchmaking fairs with their registrations and reports.")

ID = {"required": True, "validate": ma.validate.Range(min=1, max=2**31 - 1), "metadata": {"example": 1}}


class FairPath(ma.Schema):
    fair_id = ma.fields.Integer(**ID)


class FairOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    theme = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    region_code = ma.fields.String(required=True)
    categories = ma.fields.List(ma.fields.String(), required=True)
    target_region_codes = ma.fields.List(ma.fields.String(), required=True)
    registration_opens_on = ma.fields.Date(required=True)
    registration_closes_on = ma.fields.Date(required=True)
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(required=True)
    day_start = ma.fields.Time(required=True)
    day_end = ma.fields.Time(required=True)
    slot_minutes = ma.fields.Integer(required=True)
    max_meetings_per_day = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(FAIR_STATES))


class RegistrationOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    fair_id = ma.fields.Integer(required=True)
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(("producer", "buyer")))
    producer_id = ma.fields.Integer(required=True, allow_none=True)
    buyer_id = ma.fields.Integer(required=True, allow_none=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(REGISTRATION_STATES))
    reason = ma.fields.String(required=True)
    listing_ids = ma.fields.List(ma.fields.Integer(), required=True)
    demand_ids = ma.fields.List(ma.fields.Integer(), required=True)


class RegistrationIn(ma.Schema):
    listing_ids = ma.fields.List(ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1)),
                                 validate=ma.validate.Length(max=100), metadata={"description": "Producers"})
    demand_ids = ma.fields.List(ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1)),
                                validate=ma.validate.Length(max=100), metadata={"description": "Buyers"})


class AmountRow(ma.Schema):
    key = ma.fields.String(required=True, allow_none=True)
    name = ma.fields.String(required=True, allow_none=True)
    intent_amount = DecimalString(required=True)
    deal_amount = DecimalString(required=True)
    deals = ma.fields.Integer(required=True)


class FairReport(ma.Schema):
    registrations = ma.fields.Integer(required=True)
    approved = ma.fields.Integer(required=True)
    approved_producers = ma.fields.Integer(required=True)
    approved_buyers = ma.fields.Integer(required=True)
    suggested_pairs = ma.fields.Integer(required=True)
    meetings_requested = ma.fields.Integer(required=True)
    meetings_confirmed = ma.fields.Integer(required=True)
    meetings_held = ma.fields.Integer(required=True)
    agreements = ma.fields.Integer(required=True)
    agreements_verified = ma.fields.Integer(required=True)
    intent_amount = DecimalString(required=True, metadata={"description": "意向金额, 元, verified agreements"})
    deal_amount = DecimalString(required=True, metadata={"description": "成交金额, 元, verified agreements"})
    poverty_amount = DecimalString(required=True)
    poverty_share = DecimalString(required=True, metadata={"description": "0..1"})
    by_province = ma.fields.List(ma.fields.Nested(AmountRow), required=True)
    by_county = ma.fields.List(ma.fields.Nested(AmountRow), required=True)
    by_product = ma.fields.List(ma.fields.Nested(AmountRow), required=True)


FairPage = page_schema(FairOut, "FairPage")
RegistrationPage = page_schema(RegistrationOut, "RegistrationPage")


def fair_out(fair: Fair) -> dict:
    return {name: getattr(fair, name) for name in FairOut._declared_fields}


def registration_out(reg) -> dict:
    return {"id": reg.id, "fair_id": reg.fair_id, "role": reg.role, "producer_id": reg.producer_id,
            "buyer_id": reg.buyer_id, "status": reg.status, "reason": reg.reason,
            "listing_ids": [i.listing_id for i in reg.items if i.listing_id],
            "demand_ids": [i.demand_id for i in reg.items if i.demand_id]}


def visible_fair(fair_id: int) -> Fair:
    fair = db.session.get(Fair, fair_id)
    if fair is None or not access.can_see_fair(current_user, fair):
        fail(404, "No such fair.")
    return fair


def organised_fair(fair_id: int) -> Fair:
    require_role("official", "admin")
    fair = visible_fair(fair_id)
    if not access.can_organise(current_user, fair):
        fail(403, "Only the fair's organisers (officials of its region) may do this.")
    return fair


@blp.route("/fairs")
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, FairPage)
@blp.doc(security=OPTIONAL_BEARER)
def list_fairs(page: int, size: int):
    """Fairs, newest first: every published fair, plus drafts for their organisers (as on the fairs page)."""
    found = queries.fairs_for(current_user, page=page, per_page=size)
    return paged_response(found, fair_out, page=page, size=size)


@blp.route("/fairs/<int:fair_id>")
@blp.arguments(FairPath, location="path", as_kwargs=True)
@blp.response(200, FairOut)
@blp.errors(404)
@blp.doc(security=OPTIONAL_BEARER)
def get_fair(fair_id: int):
    """One fair."""
    return fair_out(visible_fair(fair_id))


@blp.route("/fairs/<int:fair_id>/registrations")
@blp.arguments(FairPath, location="path", as_kwargs=True)
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, RegistrationPage)
@blp.errors(403, 404)
@blp.doc(security=BEARER)
def list_registrations(fair_id: int, page: int, size: int):
    """Organisers: every registration. Producers and buyers: their own."""
    user = require_user()
    fair = visible_fair(fair_id)
    if access.can_organise(user, fair):
        return paged_response(queries.registrations(fair.id), registration_out, page=page, size=size)
    if user.role not in ("producer", "buyer"):
        fail(403, "Only the fair's organisers see its registrations.")
    mine = access.registration_of(user, fair.id)
    return paged_response([mine] if mine is not None else [], registration_out, page=page, size=size)


@blp.route("/fairs/<int:fair_id>/registrations", methods=["POST"])
@blp.arguments(FairPath, location="path", as_kwargs=True)
@blp.arguments(RegistrationIn)
@blp.response(201, RegistrationOut)
@blp.errors(404)
@blp.doc(security=BEARER)
def register(data, fair_id: int):
    """Register for an open fair with your active listings (producers) or open demands (buyers)."""
    user = require_role("producer", "buyer")
    fair = visible_fair(fair_id)
    try:
        reg = services.register(user, fair, data.get("listing_ids", []), data.get("demand_ids", []))
    except FairError as error:
        db.session.rollback()
        field = error.field or "_schema"
        fail(422, error.message, fields={field: [error.message]})
    return registration_out(reg)


@blp.route("/fairs/<int:fair_id>/report")
@blp.arguments(FairPath, location="path", as_kwargs=True)
@blp.response(200, FairReport)
@blp.errors(403, 404)
@blp.doc(security=BEARER)
def fair_report(fair_id: int):
    """The figures of the dashboard and the final report (organisers), over verified agreements."""
    fair = organised_fair(fair_id)
    return queries.stats_json(fair.id)
