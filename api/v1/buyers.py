"""The buyer database (采购商数据库): officials see and edit the organisations of their region, a buyer user
their own organisation; anyone signed in sees an active organisation's public page (like the web UI)."""
from contextlib import contextmanager
from functools import partial

import marshmallow as ma
from flask_login import current_user

from api.auth import require_role, require_user
from api.common import (
    BEARER,
    ApiBlueprint,
    DecimalString,
    JsonBool,
    PageQuery,
    non_negative,
    page_schema,
    paged_response,
)
from api.errors import fail
from api.v1 import serialise
from buyers import queries, services
from buyers.models import BUYER_TYPES, BuyerOrg
from core.db import db

blp = ApiBlueprint("api_v1_buyers", __name__, url_prefix="/api/v1/buyers",
                   description="Buyer organisations: wholesale markets, supermarkets, e-commerce, processors...")

ORG_ROLES = ("buyer", "official", "admin")


class Contact(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    role = ma.fields.String(validate=ma.validate.Length(max=100))
    phone = ma.fields.String(validate=ma.validate.Length(max=32))
    email = ma.fields.String(validate=ma.validate.Length(max=254))
    private = JsonBool(metadata={"description": "Only the organisation and officials see it"})


class ContactOut(Contact):
    id = ma.fields.Integer(required=True)


class BuyerOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    type = ma.fields.String(required=True, validate=ma.validate.OneOf(BUYER_TYPES))
    credit_code = ma.fields.String(required=True, allow_none=True)
    county_code = ma.fields.String(required=True)
    address = ma.fields.String(required=True)
    phones = ma.fields.List(ma.fields.String(), required=True)
    contacts = ma.fields.List(ma.fields.Nested(ContactOut), required=True)
    annual_volume_tons = DecimalString(required=True, allow_none=True)
    products_of_interest = ma.fields.List(ma.fields.String(), required=True)
    preferred_origin_codes = ma.fields.List(ma.fields.String(), required=True)
    delivery_region_codes = ma.fields.List(ma.fields.String(), required=True)
    verified = ma.fields.Boolean(required=True)
    active = ma.fields.Boolean(required=True)
    version = ma.fields.Integer(required=True)


def _org_fields(required: bool) -> dict:
    must = {"required": True} if required else {}
    return {
        "name": ma.fields.String(validate=ma.validate.Length(min=1, max=200), **must),
        "type": ma.fields.String(validate=ma.validate.OneOf(BUYER_TYPES), **must),
        "credit_code": ma.fields.String(allow_none=True, validate=ma.validate.Length(max=18),
                                        metadata={"description": "18 characters, GB 32100 check digit"}),
        "county_code": ma.fields.String(validate=ma.validate.Regexp(r"^\d{6}$"), metadata={"example": "360702"},
                                        **must),
        "address": ma.fields.String(validate=ma.validate.Length(max=300)),
        "annual_volume_tons": DecimalString(allow_none=True, validate=non_negative),
        "products_of_interest": ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=50)),
                                               validate=ma.validate.Length(max=50)),
        "preferred_origin_codes": ma.fields.List(ma.fields.String(validate=ma.validate.Regexp(r"^\d{6}$")),
                                                 validate=ma.validate.Length(max=50)),
        "delivery_region_codes": ma.fields.List(ma.fields.String(validate=ma.validate.Regexp(r"^\d{6}$")),
                                                validate=ma.validate.Length(max=50)),
    }


BuyerCreate = ma.Schema.from_dict({
    **_org_fields(required=True),
    "contacts": ma.fields.List(ma.fields.Nested(Contact), validate=ma.validate.Length(max=20)),
}, name="BuyerCreate")
BuyerUpdate = ma.Schema.from_dict({
    **_org_fields(required=False),
    "version": ma.fields.Integer(required=True, metadata={"description": "The version you read; stale -> 409"}),
}, name="BuyerUpdate")


class BuyerQuery(PageQuery):
    q = ma.fields.String(validate=ma.validate.Length(max=100),
                         metadata={"description": "Name, address, credit code, contact phone or name"})
    type = ma.fields.String(validate=ma.validate.OneOf(BUYER_TYPES))
    region = ma.fields.String(validate=ma.validate.Regexp(r"^\d{6}$"))
    verified = ma.fields.Boolean()
    active = ma.fields.Boolean()
    product = ma.fields.String(validate=ma.validate.Length(max=50))


class BuyerPath(ma.Schema):
    buyer_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**31 - 1),
                                 metadata={"example": 1})


BuyerPage = page_schema(BuyerOut, "BuyerPage")


def buyer_out(org: BuyerOrg, user) -> dict:
    contacts = queries.visible_contacts(user, org)
    return {
        "id": org.id, "name": org.name, "type": org.type, "credit_code": org.credit_code,
        "county_code": org.county_code, "address": org.address,
        "phones": [c.phone for c in contacts if c.phone],
        "contacts": [{"id": c.id, "name": c.name, "role": c.role, "phone": c.phone, "email": c.email,
                      "private": c.private} for c in contacts],
        "annual_volume_tons": org.annual_volume_tons,
        "products_of_interest": list(org.products_of_interest or []),
        "preferred_origin_codes": list(org.preferred_origin_codes or []),
        "delivery_region_codes": list(org.delivery_region_codes or []),
        "verified": org.verified_at is not None, "active": org.active, "version": org.version,
    }


@contextmanager
def buyer_service_errors(denied: str, stale: str = "", current_version=lambda: None):
    """buyers.services' refusals as API errors (organisations and demands alike): a field error is a 422 naming
    the field, a stale version a 409 with the version now stored, a refused permission a 403 saying `denied`."""
    try:
        yield
    except services.VersionConflict:
        db.session.rollback()
        serialise.version_conflict(stale, current_version())
    except services.BuyerError as error:
        db.session.rollback()
        serialise.service_error(error)
    except services.PermissionDenied:
        db.session.rollback()
        fail(403, denied)


def visible_org(buyer_id: int) -> BuyerOrg:
    user = require_user()
    org = db.session.get(BuyerOrg, buyer_id)
    if org is None or not queries.can_view_org(user, org):
        fail(404, "No such buyer.")
    return org


@blp.route("")
@blp.arguments(BuyerQuery, location="query", as_kwargs=True)
@blp.response(200, BuyerPage)
@blp.errors(403)
@blp.doc(security=BEARER)
def list_buyers(page: int, size: int, q=None, type=None, region=None, verified=None, active=None,
                product=None):
    """Officials: the buyer database of their region (admins: all). Buyer users: their own organisation."""
    user = require_role(*ORG_ROLES)
    render = partial(buyer_out, user=user)
    if user.role == "buyer":
        own = queries.org_for_user(user)
        return paged_response([own] if own is not None else [], render, page=page, size=size)
    stmt = queries.admin_search(user, q=q, type_=type, region=region, verified=verified, active=active,
                                product=product)
    found = db.paginate(stmt, page=page, per_page=size, error_out=False, max_per_page=size)
    return paged_response(found, render, page=page, size=size)


@blp.route("/<int:buyer_id>")
@blp.arguments(BuyerPath, location="path", as_kwargs=True)
@blp.response(200, BuyerOut)
@blp.errors(404)
@blp.doc(security=BEARER)
def get_buyer(buyer_id: int):
    """One organisation; private contacts only for its own users and officials in scope."""
    org = visible_org(buyer_id)
    return buyer_out(org, current_user)


@blp.route("", methods=["POST"])
@blp.arguments(BuyerCreate)
@blp.response(201, BuyerOut)
@blp.doc(security=BEARER)
def create_buyer(data):
    """A buyer user sets up their organisation; officials add one in their region."""
    user = require_role(*ORG_ROLES)
    contacts = data.pop("contacts", [])
    with buyer_service_errors("You may not create this organisation."):
        org = services.create_org(user, data, contacts)
    return buyer_out(org, user)


@blp.route("/<int:buyer_id>", methods=["PATCH"])
@blp.arguments(BuyerPath, location="path", as_kwargs=True)
@blp.arguments(BuyerUpdate)
@blp.response(200, BuyerOut)
@blp.errors(404, 409)
@blp.doc(security=BEARER)
def update_buyer(data, buyer_id: int):
    """Change an organisation's fields (its own users, officials in scope); send the `version` you read."""
    org = visible_org(buyer_id)
    user = current_user._get_current_object()
    if not queries.can_edit_org(user, org):
        fail(403, "You may not edit this organisation.")
    version = data.pop("version")
    current = {"name": org.name, "type": org.type, "credit_code": org.credit_code, "county_code": org.county_code,
               "address": org.address, "annual_volume_tons": org.annual_volume_tons,
               "products_of_interest": org.products_of_interest, "preferred_origin_codes": org.preferred_origin_codes,
               "delivery_region_codes": org.delivery_region_codes}
    with buyer_service_errors("You may not edit this organisation.",
                              "Someone else changed this organisation since you read it.",
                              lambda: db.session.get(BuyerOrg, buyer_id).version):
        services.update_org(user, org, {**current, **data}, version)
    return buyer_out(org, user)
