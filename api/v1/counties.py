"""E-commerce demonstration counties (示范县) and their indicator values, for officials of the region and admins
(as on the county dashboards: counties.permissions decides, counties.queries reads)."""
import marshmallow as ma
from flask_login import current_user

from api.auth import require_role
from api.common import BEARER, ApiBlueprint, DecimalString, PageQuery, page_of, page_schema
from api.errors import fail
from counties import permissions, queries
from counties.models import FUND_FIELDS

blp = ApiBlueprint("api_v1_counties", __name__, url_prefix="/api/v1/counties",
                   description="Demonstration counties of the e-commerce-into-rural-areas programme, indicators.")

CODE = ma.validate.Regexp(r"^\d{6}$")


CountyOut = ma.Schema.from_dict({
    "code": ma.fields.String(required=True),
    "name": ma.fields.String(required=True),
    "full_name": ma.fields.String(required=True),
    "batch_year": ma.fields.Integer(required=True),
    "poverty_county": ma.fields.Boolean(required=True),
    "poverty_county_national_list": ma.fields.Boolean(required=True),
    "old_revolutionary_area": ma.fields.Boolean(required=True),
    "programme_flags": ma.fields.List(ma.fields.String(), required=True),
    **{fund: DecimalString(required=True, metadata={"description": "万元"}) for fund in FUND_FIELDS},
}, name="County")


class IndicatorValueOut(ma.Schema):
    indicator = ma.fields.String(required=True)
    name_zh = ma.fields.String(required=True)
    name_en = ma.fields.String(required=True)
    unit = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    period = ma.fields.String(required=True, metadata={"example": "2025Q3"})
    value = DecimalString(required=True)
    source = ma.fields.String(required=True, allow_none=True)
    updated_at = ma.fields.DateTime(required=True)


class CountyQuery(PageQuery):
    scope = ma.fields.String(validate=CODE, metadata={"description": "A region (default: yours; admins: all)"})


class CountyPath(ma.Schema):
    code = ma.fields.String(required=True, validate=CODE, metadata={"example": "360732"})


class IndicatorQuery(ma.Schema):
    period = ma.fields.String(validate=ma.validate.Regexp(r"^\d{4}(Q[1-4])?$"), metadata={"example": "2025Q3"})


CountyPage = page_schema(CountyOut, "CountyPage")


@blp.route("")
@blp.arguments(CountyQuery, location="query", as_kwargs=True)
@blp.response(200, CountyPage)
@blp.errors(403)
@blp.doc(security=BEARER)
def list_counties(page: int, size: int, scope: str | None = None):
    """The registry inside a region you may read, ordered by code."""
    user = require_role("official", "admin")
    scope = scope or permissions.reading_scope(user)
    if not permissions.can_read_scope(user, scope):
        fail(403, "This region is outside yours.")
    found = queries.counties_in(scope)
    return page_of([queries.county_record(c) for c in found[(page - 1) * size:page * size]], page=page,
                   size=size, total=len(found))


def _readable(code: str):
    require_role("official", "admin")
    county = queries.county_by_code(code)
    if county is None:
        fail(404, "This county is not in the programme.")
    if not permissions.can_view(current_user, code):
        fail(403, "This county is outside your region.")
    return county


@blp.route("/<string:code>")
@blp.arguments(CountyPath, location="path", as_kwargs=True)
@blp.response(200, CountyOut)
@blp.errors(403, 404)
@blp.doc(security=BEARER)
def get_county(code: str):
    """One demonstration county."""
    return queries.county_record(_readable(code))


@blp.route("/<string:code>/indicators")
@blp.arguments(CountyPath, location="path", as_kwargs=True)
@blp.arguments(IndicatorQuery, location="query", as_kwargs=True)
@blp.response(200, IndicatorValueOut(many=True))
@blp.errors(403, 404)
@blp.doc(security=BEARER)
def county_indicators(code: str, period: str | None = None):
    """The county's indicator values by period (quarter `2025Q3` or year `2025`)."""
    return queries.indicator_records(_readable(code), period)
