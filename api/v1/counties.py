"""E-commerce demonstration counties (示范县) and their indicator values, for officials of the region and admins
(as on the county dashboards: counties.permissions decides, counties.queries reads)."""
import marshmallow as ma
from flask_login import current_user

from api.auth import require_role
from api.common import BEARER, ApiBlueprint, DecimalString, PageQuery, page_schema, paged_response
from api.errors import fail
from api.v1 import serialise
from core.db import db
from counties import permissions, queries, services
from counties.models import FUND_FIELDS
from counties.validation import FieldError, FieldErrors

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


class IndicatorValuesIn(ma.Schema):
    period = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^\d{4}(Q[1-4])?$"),
                              metadata={"example": "2025Q3"})
    values = ma.fields.Dict(keys=ma.fields.String(validate=ma.validate.Length(max=40)),
                            values=DecimalString(), required=True, validate=ma.validate.Length(min=1, max=100),
                            metadata={"description": "Indicator code -> value", "example": {"trainees": "3200"}})


class SavedValues(ma.Schema):
    changed = ma.fields.Integer(required=True)


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
    return paged_response(queries.counties_in(scope), queries.county_record, page=page, size=size)


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


@blp.route("/<string:code>/indicators", methods=["POST"])
@blp.arguments(CountyPath, location="path", as_kwargs=True)
@blp.arguments(IndicatorValuesIn)
@blp.response(200, SavedValues)
@blp.errors(404)
@blp.doc(security=BEARER)
def save_indicator_values(data, code: str):
    """Enter one period's values (only officials of that county, as on the values page); every change is audited."""
    county = _readable(code)
    try:
        changed = services.save_values(current_user._get_current_object(), county, data["period"],
                                       {key: str(value) for key, value in data["values"].items()})
    except services.NotAllowed:
        db.session.rollback()
        fail(403, "Only the county's own officials enter its values.")
    except FieldErrors as invalid:
        db.session.rollback()
        fail(422, "Some values are invalid.", fields=_fields(invalid.errors))
    except FieldError as invalid:
        db.session.rollback()
        serialise.service_error(invalid)
    return {"changed": changed}


def _fields(errors) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        name = error.field if error.field == "period" else f"values.{error.field}"
        fields.setdefault(name, []).append(str(error.message))
    return fields
