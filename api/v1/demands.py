"""Purchase demands (采购需求): the buyer's own organisation writes them; its users and officials of its region
read them (like the web pages). Writes go through buyers.services (validation, units, version, matches)."""
import marshmallow as ma
from flask_login import current_user

from api.auth import require_role, require_user
from api.common import BEARER, ApiBlueprint, DecimalString, PageQuery, non_negative, page_schema, paged_response
from api.errors import fail
from api.v1.buyers import buyer_service_errors, visible_org
from buyers import queries, services
from buyers.models import CERTIFICATIONS, DEMAND_STATUSES, FREQUENCIES, Demand
from core.db import db
from produce.units import PRICE_UNITS, QUANTITY_UNITS

blp = ApiBlueprint("api_v1_demands", __name__, url_prefix="/api/v1/demands",
                   description="What buyers want to purchase: product, quantity range, price ceiling, window.")

CERT = ma.fields.String(validate=ma.validate.OneOf(CERTIFICATIONS))


class DemandOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    buyer_id = ma.fields.Integer(required=True)
    product = ma.fields.String(required=True)
    product_code = ma.fields.String(required=True, allow_none=True)
    variety = ma.fields.String(required=True)
    spec = ma.fields.String(required=True)
    quantity_min = DecimalString(required=True)
    quantity_max = DecimalString(required=True)
    unit = ma.fields.String(required=True)
    quantity_min_kg = DecimalString(required=True, allow_none=True)
    quantity_max_kg = DecimalString(required=True, allow_none=True)
    price_max = DecimalString(required=True, allow_none=True)
    price_unit = ma.fields.String(required=True, allow_none=True)
    price_max_per_kg = DecimalString(required=True, allow_none=True)
    needed_from = ma.fields.Date(required=True)
    needed_to = ma.fields.Date(required=True)
    delivery_county_code = ma.fields.String(required=True)
    preferred_province_codes = ma.fields.List(ma.fields.String(), required=True)
    required_certifications = ma.fields.List(CERT, required=True)
    frequency = ma.fields.String(required=True, validate=ma.validate.OneOf(FREQUENCIES))
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(DEMAND_STATUSES))
    notes = ma.fields.String(required=True)
    version = ma.fields.Integer(required=True)


def _demand_fields(required: bool) -> dict:
    must = {"required": True} if required else {}
    return {
        "product": ma.fields.String(validate=ma.validate.Length(min=1, max=100), metadata={"example": "脐橙"}, **must),
        "variety": ma.fields.String(validate=ma.validate.Length(max=100)),
        "spec": ma.fields.String(validate=ma.validate.Length(max=200)),
        "quantity_min": DecimalString(validate=non_negative, metadata={"example": "1000"}, **must),
        "quantity_max": DecimalString(validate=non_negative, metadata={"example": "5000"}, **must),
        "unit": ma.fields.String(validate=ma.validate.OneOf(QUANTITY_UNITS), metadata={"example": "公斤"}, **must),
        "price_max": DecimalString(allow_none=True, validate=non_negative, metadata={"example": "6.00"}),
        "price_unit": ma.fields.String(allow_none=True, validate=ma.validate.OneOf(PRICE_UNITS)),
        "delivery_county_code": ma.fields.String(validate=ma.validate.Regexp(r"^\d{6}$"),
                                                 metadata={"example": "360702"}, **must),
        "preferred_province_codes": ma.fields.List(ma.fields.String(validate=ma.validate.Regexp(r"^\d{6}$")),
                                                   validate=ma.validate.Length(max=34)),
        "needed_from": ma.fields.Date(metadata={"example": "2026-12-01"}, **must),
        "needed_to": ma.fields.Date(metadata={"example": "2027-02-28"}, **must),
        "required_certifications": ma.fields.List(CERT, validate=ma.validate.Length(max=4)),
        "frequency": ma.fields.String(validate=ma.validate.OneOf(FREQUENCIES)),
        "notes": ma.fields.String(validate=ma.validate.Length(max=2000)),
    }


DemandCreate = ma.Schema.from_dict(_demand_fields(required=True), name="DemandCreate")
DemandUpdate = ma.Schema.from_dict({
    **_demand_fields(required=False),
    "version": ma.fields.Integer(required=True, metadata={"description": "The version you read; stale -> 409"}),
    "status": ma.fields.String(validate=ma.validate.OneOf(DEMAND_STATUSES)),
}, name="DemandUpdate")


class DemandQuery(PageQuery):
    status = ma.fields.String(validate=ma.validate.OneOf(DEMAND_STATUSES))
    buyer_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1),
                                 metadata={"description": "Officials: the demands of one organisation"})


class DemandPath(ma.Schema):
    demand_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**31 - 1),
                                  metadata={"example": 1})


DemandPage = page_schema(DemandOut, "DemandPage")


def demand_out(demand: Demand) -> dict:
    record = queries.demand_record(demand)
    return {**record, "needed_from": demand.needed_from, "needed_to": demand.needed_to, "notes": demand.notes}


def _service_data(demand: Demand | None, data: dict) -> dict:
    """The API speaks the matching vocabulary (`product`); buyers.services keeps `product_name`."""
    base = {}
    if demand is not None:
        base = {name: getattr(demand, name) for name in services.DEMAND_FIELDS}
    if "product" in data:
        data["product_name"] = data.pop("product")
    return {**base, **data}


def visible_demand(demand_id: int) -> Demand:
    user = require_user()
    demand = db.session.get(Demand, demand_id)
    if demand is None or not queries.can_view_demand(user, demand):
        fail(404, "No such demand.")
    return demand


@blp.route("")
@blp.arguments(DemandQuery, location="query", as_kwargs=True)
@blp.response(200, DemandPage)
@blp.errors(403, 404)
@blp.doc(security=BEARER)
def list_demands(page: int, size: int, status: str | None = None, buyer_id: int | None = None):
    """Buyer users: their organisation's demands. Officials and admins: one organisation's (`buyer_id`)."""
    user = require_role("buyer", "official", "admin")
    if user.role == "buyer":
        org = queries.org_for_user(user)
        if buyer_id is not None and (org is None or org.id != buyer_id):
            fail(404, "No such buyer.")
    else:
        if buyer_id is None:
            fail(422, "Officials list the demands of one organisation.", fields={"buyer_id": ["Required."]})
        org = visible_org(buyer_id)
        if not queries.can_see_private(user, org):
            fail(403, "Outside your region.")
    demands = queries.demands_of_org(org, [status] if status else None) if org is not None else []
    return paged_response(demands, demand_out, page=page, size=size)


@blp.route("/<int:demand_id>")
@blp.arguments(DemandPath, location="path", as_kwargs=True)
@blp.response(200, DemandOut)
@blp.errors(404)
@blp.doc(security=BEARER)
def get_demand(demand_id: int):
    """One demand (its organisation's users and officials of its region)."""
    return demand_out(visible_demand(demand_id))


@blp.route("", methods=["POST"])
@blp.arguments(DemandCreate)
@blp.response(201, DemandOut)
@blp.doc(security=BEARER)
def create_demand(data):
    """Post a demand for your organisation (buyer users)."""
    user = require_role("buyer")
    with buyer_service_errors("You may not post demands."):
        demand = services.create_demand(user, _service_data(None, data))
    return demand_out(demand)


@blp.route("/<int:demand_id>", methods=["PATCH"])
@blp.arguments(DemandPath, location="path", as_kwargs=True)
@blp.arguments(DemandUpdate)
@blp.response(200, DemandOut)
@blp.errors(404, 409)
@blp.doc(security=BEARER)
def update_demand(data, demand_id: int):
    """Change fields and/or `status` (open, paused, fulfilled, closed); send the `version` you read."""
    demand = visible_demand(demand_id)
    user = current_user._get_current_object()
    if not queries.can_edit_demand(user, demand):
        fail(403, "You may not edit this demand.")
    version, status = data.pop("version"), data.pop("status", None)
    with buyer_service_errors("You may not edit this demand.", "Someone else changed this demand since you read it.",
                              lambda: db.session.get(Demand, demand_id).version):
        if data:
            services.update_demand(user, demand, _service_data(demand, data), version)
            version = demand.version
        elif version != demand.version:
            raise services.VersionConflict()
        if status is not None and status != demand.status:
            services.set_demand_status(user, demand, status, version)
    return demand_out(demand)
