"""Catalogue writes: loading refdata/catalogue.csv into the tables, and admins' edits of products and aliases.

Every write raises the catalogue version, so every worker rebuilds its cached catalogue, and re-resolves
the listings the edit may concern (found through the search tokens, never by scanning every listing).
"""
from __future__ import annotations

import csv
import re
import secrets
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core import audit
from core.db import db
from matching.catalogue import CATEGORIES, DEFAULT_PATH
from matching.normalise import normalise_text
from produce.catalogue import forget_cached, get_catalogue
from produce.models import ALIAS_KINDS, CatalogueVersion, Listing, Product, ProductAlias, ProductCategory
from produce.search import tokens_condition
from produce.tokens import listing_tokens, query_tokens

CATEGORY_NAMES = {
    "fruit": ("水果", _l("Fruit")),
    "vegetables": ("蔬菜", _l("Vegetables")),
    "grain_oil": ("粮油", _l("Grain and oil")),
    "livestock": ("畜禽蛋", _l("Livestock, poultry and eggs")),
    "aquatic": ("水产", _l("Aquatic products")),
    "tea": ("茶叶", _l("Tea")),
    "fungi": ("食用菌", _l("Edible fungi")),
    "nuts_dried": ("干果坚果", _l("Nuts and dried produce")),
    "herbs": ("中药材", _l("Chinese medicinal herbs")),
    "processed": ("加工食品", _l("Processed foods")),
}
CATEGORY_ENGLISH = {
    "fruit": "Fruit", "vegetables": "Vegetables", "grain_oil": "Grain and oil",
    "livestock": "Livestock, poultry and eggs", "aquatic": "Aquatic products", "tea": "Tea",
    "fungi": "Edible fungi", "nuts_dried": "Nuts and dried produce", "herbs": "Chinese medicinal herbs",
    "processed": "Processed foods",
}
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,47}$")
REFRESH_LIMIT = 20_000


class CatalogueError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def bump_version() -> None:
    row = db.session.get(CatalogueVersion, 1)
    if row is None:
        row = CatalogueVersion(id=1, version=0)
        db.session.add(row)
    row.version += 1
    row.stamp = secrets.token_hex(8)


def _ensure_categories() -> None:
    existing = set(db.session.scalars(sa.select(ProductCategory.code)))
    for position, code in enumerate(CATEGORIES):
        if code not in existing:
            db.session.add(ProductCategory(code=code, name_zh=CATEGORY_NAMES[code][0],
                                           name_en=CATEGORY_ENGLISH[code], position=position))


def load_catalogue(path: str | Path | None = None) -> dict:
    """Add the file's products and aliases that are missing (idempotent; admins' edits are kept)."""
    _ensure_categories()
    db.session.flush()
    with open(path or DEFAULT_PATH, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    products = {p.code: p for p in db.session.scalars(sa.select(Product))}
    aliases = {(a.product_id, a.alias) for a in db.session.scalars(sa.select(ProductAlias))}
    added_products = added_aliases = 0
    for row in rows:
        code = row["code"].strip()
        product = products.get(code)
        if product is None:
            product = Product(code=code, category_code=row["category"].strip(), name=row["name"].strip(),
                              traditional=(row.get("traditional") or "").strip(),
                              pinyin=(row.get("pinyin") or "").strip(), english=(row.get("english") or "").strip())
            db.session.add(product)
            db.session.flush()
            products[code] = product
            added_products += 1
        for alias in (a.strip() for a in (row.get("aliases") or "").split("|")):
            if alias and (product.id, alias) not in aliases:
                db.session.add(ProductAlias(product_id=product.id, alias=alias, kind="synonym"))
                aliases.add((product.id, alias))
                added_aliases += 1
    if added_products or added_aliases or db.session.get(CatalogueVersion, 1) is None:
        bump_version()
    db.session.commit()
    forget_cached()
    return {"products": added_products, "aliases": added_aliases, "total": len(products)}


def _clean_product(data: dict) -> dict:
    clean = {k: str(data.get(k) or "").strip() for k in ("code", "category_code", "name", "traditional", "pinyin",
                                                         "english")}
    if not _CODE.match(clean["code"]):
        raise CatalogueError("code", _("Use lower-case letters, digits and _ (e.g. navel_orange)."))
    if clean["category_code"] not in CATEGORIES:
        raise CatalogueError("category_code", _("Choose a category."))
    if not clean["name"] or len(clean["name"]) > 32 or clean["name"].isascii():
        raise CatalogueError("name", _("Enter the Chinese name (at most 32 characters)."))
    return clean


def save_product(admin, data: dict, product: Product | None = None) -> Product:
    clean = _clean_product(data)
    clash = db.session.scalar(sa.select(Product).where(Product.code == clean["code"]))
    if clash is not None and clash is not product:
        raise CatalogueError("code", _("Another product has this code."))
    before = None if product is None else {"name": product.name, "category_code": product.category_code}
    product = product or Product()
    for key, value in clean.items():
        setattr(product, key, value)
    db.session.add(product)
    db.session.flush()
    audit.record("product.save", "product", product.id, before=before,
                 after={"name": product.name, "category_code": product.category_code}, actor=admin)
    bump_version()
    db.session.commit()
    forget_cached()
    refresh_listings_mentioning(product.name)
    return product


def add_alias(admin, product: Product, alias: str, kind: str = "synonym") -> ProductAlias:
    alias = (alias or "").strip()
    if not alias or len(alias) > 32:
        raise CatalogueError("alias", _("Enter an alias of at most 32 characters."))
    if kind not in ALIAS_KINDS:
        raise CatalogueError("kind", _("Choose the kind of alias."))
    norm = normalise_text(alias)
    other = get_catalogue().terms.get(norm)
    if other is not None and other != product.id:
        raise CatalogueError("alias", _("This name already belongs to another product."))
    if any(a.alias == alias for a in product.aliases):
        raise CatalogueError("alias", _("The product has this alias already."))
    entry = ProductAlias(product_id=product.id, alias=alias, kind=kind)
    db.session.add(entry)
    db.session.flush()
    audit.record("product.alias_add", "product", product.id, after={"alias": alias, "kind": kind}, actor=admin)
    bump_version()
    db.session.commit()
    forget_cached()
    refresh_listings_mentioning(alias)
    return entry


def remove_alias(admin, alias: ProductAlias) -> None:
    text, product_id = alias.alias, alias.product_id
    audit.record("product.alias_remove", "product", product_id, before={"alias": text}, actor=admin)
    db.session.delete(alias)
    bump_version()
    db.session.commit()
    forget_cached()
    refresh_listings_mentioning(text)


def refresh_listings_mentioning(term: str) -> int:
    """Re-resolve the listings whose name or variety contains `term` (their product may have changed)."""
    tokens = query_tokens(term)
    if not tokens:
        return 0
    catalogue = get_catalogue()
    stmt = sa.select(Listing).where(tokens_condition(tokens)).limit(REFRESH_LIMIT)
    changed = 0
    for listing in db.session.scalars(stmt):
        resolved = catalogue.resolve(listing.product_name, min_score=0.85)
        if resolved.product_id != listing.product_id:
            listing.product_id = resolved.product_id
            listing.category_code = resolved.category
        tokens_now = listing_tokens(listing, catalogue)
        if tokens_now != listing.search_tokens:
            listing.search_tokens = tokens_now
            changed += 1
    db.session.commit()
    return changed
