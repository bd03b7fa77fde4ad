"""Producers' public profiles (the fields the public producer page shows) and the buyers' producer search."""
import marshmallow as ma

from api.auth import require_role
from api.common import BEARER, OPTIONAL_BEARER, ApiBlueprint, PageQuery, page_schema, paged_response
from api.errors import fail
from buyers import queries as buyer_queries
from buyers.views_search import SEARCH_ROLES
from core.db import db
from produce.models import CERTIFICATIONS, PRODUCER_KINDS, ProducerProfile

blp = ApiBlueprint("api_v1_producers", __name__, url_prefix="/api/v1/producers",
                   description="Farmers, co-operatives, family farms and enterprises that sell produce.")


class ProducerOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(PRODUCER_KINDS))
    name = ma.fields.String(required=True)
    county_code = ma.fields.String(required=True)
    contact_name = ma.fields.String(required=True)
    introduction = ma.fields.String(required=True)
    certifications = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(CERTIFICATIONS)), required=True,
                                    metadata={"description": "Certifications held now"})
    verified = ma.fields.Boolean(required=True)
    verified_at = ma.fields.DateTime(required=True, allow_none=True)


class ProducerQuery(PageQuery):
    q = ma.fields.String(validate=ma.validate.Length(max=100), metadata={"description": "Product or name"})
    region = ma.fields.String(validate=ma.validate.Regexp(r"^\d{6}$"))
    certification = ma.fields.String(validate=ma.validate.OneOf(CERTIFICATIONS))
    verified = ma.fields.Boolean(load_default=False, metadata={"description": "Only verified producers"})


class ProducerPath(ma.Schema):
    producer_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**31 - 1),
                                    metadata={"example": 1})


ProducerPage = page_schema(ProducerOut, "ProducerPage")


def producer_out(producer: ProducerProfile) -> dict:
    return {"id": producer.id, "kind": producer.kind, "name": producer.name, "county_code": producer.county_code,
            "contact_name": producer.contact_name, "introduction": producer.introduction,
            "certifications": sorted(producer.held_certifications()), "verified": producer.verified_at is not None,
            "verified_at": producer.verified_at}


@blp.route("")
@blp.arguments(ProducerQuery, location="query", as_kwargs=True)
@blp.response(200, ProducerPage)
@blp.errors(403)
@blp.doc(security=BEARER)
def search(page: int, size: int, verified: bool, q: str | None = None, region: str | None = None,
           certification: str | None = None):
    """The supplier search's producer list (buyers, officials and admins, like the web page)."""
    require_role(*SEARCH_ROLES)
    params = {"q": q or "", "county_code": region or "", "certification": certification or "",
              "verified": "1" if verified else ""}
    found = buyer_queries.search_producers(params, page, size)
    return paged_response(found, producer_out, page=page, size=size)


@blp.route("/<int:producer_id>")
@blp.arguments(ProducerPath, location="path", as_kwargs=True)
@blp.response(200, ProducerOut)
@blp.errors(404)
@blp.doc(security=OPTIONAL_BEARER)
def get_producer(producer_id: int):
    """A producer's public profile (anyone, like the producer page)."""
    producer = db.session.get(ProducerProfile, producer_id)
    if producer is None:
        fail(404, "No such producer.")
    return producer_out(producer)


