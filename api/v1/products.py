"""The product catalogue (categories, canonical products and their aliases): public read."""
import marshmallow as ma
import sqlalchemy as sa

from api.common import OPTIONAL_BEARER, ApiBlueprint, PageQuery, page_schema, paged_response
from api.errors import fail
from core.db import db
from produce.catalogue_services import CATEGORY_ENGLISH, CATEGORY_NAMES
from produce.models import Product, ProductAlias

blp = ApiBlueprint("api_v1_products", __name__, url_prefix="/api/v1/products",
                   description="The product catalogue with Chinese aliases, traditional characters, pinyin, English.")


class Alias(ma.Schema):
    alias = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)


class ProductOut(ma.Schema):
    code = ma.fields.String(required=True, metadata={"example": "apple"})
    category = ma.fields.String(required=True, validate=ma.validate.OneOf(tuple(CATEGORY_NAMES)))
    name = ma.fields.String(required=True, metadata={"example": "苹果"})
    traditional = ma.fields.String(required=True)
    pinyin = ma.fields.String(required=True)
    english = ma.fields.List(ma.fields.String(), required=True)
    aliases = ma.fields.List(ma.fields.Nested(Alias), required=True)


class Category(ma.Schema):
    code = ma.fields.String(required=True)
    name_zh = ma.fields.String(required=True)
    name_en = ma.fields.String(required=True)


class ProductQuery(PageQuery):
    q = ma.fields.String(validate=ma.validate.Length(max=30),
                         metadata={"description": "Part of a name, code, pinyin or alias", "example": "土豆"})
    category = ma.fields.String(validate=ma.validate.OneOf(tuple(CATEGORY_NAMES)))


class ProductPath(ma.Schema):
    code = ma.fields.String(required=True, validate=ma.validate.Length(max=48), metadata={"example": "potato"})


ProductPage = page_schema(ProductOut, "ProductPage")


def product_out(product: Product) -> dict:
    return {"code": product.code, "category": product.category_code, "name": product.name,
            "traditional": product.traditional, "pinyin": product.pinyin,
            "english": [e for e in product.english.split("|") if e],
            "aliases": [{"alias": a.alias, "kind": a.kind} for a in product.aliases]}


def _search(q: str | None, category: str | None):
    """The same text match as the catalogue page (name, code, pinyin or any alias)."""
    stmt = sa.select(Product).order_by(Product.category_code, Product.id)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(sa.or_(Product.name.like(like), Product.code.like(like), Product.pinyin.like(like),
                                 Product.id.in_(sa.select(ProductAlias.product_id).where(ProductAlias.alias.like(like)))))
    if category:
        stmt = stmt.where(Product.category_code == category)
    return stmt


@blp.route("")
@blp.arguments(ProductQuery, location="query", as_kwargs=True)
@blp.response(200, ProductPage)
@blp.doc(security=OPTIONAL_BEARER)
def list_products(page: int, size: int, q: str | None = None, category: str | None = None):
    """Catalogue products, by category then number."""
    found = db.paginate(_search(q.strip() if q else None, category), page=page, per_page=size, error_out=False,
                        max_per_page=size)
    return paged_response(found, product_out, page=page, size=size)


@blp.route("/categories")
@blp.response(200, Category(many=True))
@blp.doc(security=OPTIONAL_BEARER)
def categories():
    """The ten product categories."""
    return [{"code": code, "name_zh": zh, "name_en": CATEGORY_ENGLISH[code]} for code, (zh, _en) in
            CATEGORY_NAMES.items()]


@blp.route("/<string:code>")
@blp.arguments(ProductPath, location="path", as_kwargs=True)
@blp.response(200, ProductOut)
@blp.errors(404)
@blp.doc(security=OPTIONAL_BEARER)
def get_product(code: str):
    """One product with its aliases."""
    product = db.session.scalar(sa.select(Product).where(Product.code == code))
    if product is None:
        fail(404, "No product has this code.")
    return product_out(product)
