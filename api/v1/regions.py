"""GB/T 2260 regions: one region with its parent and children, or the children of a region."""
import marshmallow as ma

from api.common import ApiBlueprint, PageQuery, page_schema, paged_response
from api.errors import fail
from core import regions

blp = ApiBlueprint("api_v1_regions", __name__, url_prefix="/api/v1/regions",
                   description="Provinces, prefectures and counties by six-digit GB/T 2260 code.")

CODE = ma.validate.Regexp(r"^\d{6}$", error="A region code has six digits.")
LEVELS = ("province", "prefecture", "county")


class RegionRef(ma.Schema):
    code = ma.fields.String(required=True, metadata={"example": "360732"})
    name = ma.fields.String(required=True, metadata={"example": "兴国县"})
    level = ma.fields.String(required=True, validate=ma.validate.OneOf(LEVELS))


class RegionSummary(RegionRef):
    parent = ma.fields.String(required=True, allow_none=True, metadata={"description": "Parent code"})


class RegionDetail(RegionRef):
    full_name = ma.fields.String(required=True, metadata={"example": "江西省赣州市兴国县"})
    parent = ma.fields.Nested(RegionRef, required=True, allow_none=True)
    children = ma.fields.List(ma.fields.Nested(RegionRef), required=True)
    poverty_county = ma.fields.Boolean(required=True,
                                       metadata={"description": "One of the 832 national poverty counties"})


class RegionPath(ma.Schema):
    code = ma.fields.String(required=True, validate=CODE, metadata={"example": "360732"})


class RegionQuery(PageQuery):
    parent = ma.fields.String(validate=CODE, metadata={"description": "List this region's children "
                                                                      "(default: the provinces)",
                                                       "example": "360700"})


RegionPage = page_schema(RegionSummary, "RegionPage")


def _ref(region):
    return {"code": region.code, "name": region.name, "level": region.level}


@blp.route("")
@blp.arguments(RegionQuery, location="query", as_kwargs=True)
@blp.response(200, RegionPage)
@blp.errors(404)
def list_regions(page: int, size: int, parent: str | None = None):
    """Children of a region, ordered by code (the provinces without `parent`)."""
    if parent is not None and regions.get(parent) is None:
        fail(404, f"No region has the code {parent}.")
    return paged_response(regions.children(parent), lambda r: {**_ref(r), "parent": r.parent_code}, page=page,
                          size=size)


@blp.route("/<string:code>")
@blp.arguments(RegionPath, location="path", as_kwargs=True)
@blp.response(200, RegionDetail)
@blp.errors(404)
def get_region(code: str):
    """One region with its parent and children."""
    region = regions.get(code)
    if region is None:
        fail(404, f"No region has the code {code}.")
    parent = regions.get(region.parent_code) if region.parent_code else None
    return {**_ref(region), "full_name": regions.full_name(region.code),
            "parent": _ref(parent) if parent else None,
            "children": [_ref(child) for child in regions.children(region.code)],
            "poverty_county": regions.is_poverty_county(region.code)}
