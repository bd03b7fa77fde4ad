"""Public search over active listings (designed for a million rows on SQLite and PostgreSQL).

The query is resolved through the catalogue first (synonyms, pinyin, initials, traditional characters,
typos), so most searches become ``product_id = ?``, walked newest first along a covering index that also
holds the filter columns. Relevance has two tiers: listings of the resolved product, then "partial"
listings whose name merely mentions it (苹果梨 for 苹果), found through one ``x<id>`` token. Region,
certification and poverty filters ask for anchored tokens (``p2r65``: 香梨 from Xinjiang), which are short
lists, instead of intersecting the product's list with a province's and a certification's. A query the
catalogue does not know matches the bigram tokens (FTS5 on SQLite, a GIN index over the token array on
PostgreSQL). Totals are counted up to ``SEARCH_MAX_RESULTS`` ("1000+"), as search engines do, so
that a common product never makes the first page count a hundred thousand rows.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import joinedload, selectinload

from core import regions
from core.db import db
from matching.catalogue import CATEGORIES
from matching.normalise import normalise_text
from produce.catalogue import get_catalogue
from produce.models import CERT_BITS, Listing
from produce.tokens import (
    POVERTY_TOKEN,
    anchored_token,
    category_token,
    certification_token,
    is_anchorable,
    mention_token,
    product_token,
    query_tokens,
    region_token,
)
from produce.units import price_per_kg_or_none

SORTS = ("relevance", "price", "newest")
DEFAULT_MAX_RESULTS = 1000
MAX_PER_PAGE = 100
NO_MATCH = "znomatch"  # a token no listing holds
MIN_QUERY_SCORE = 0.7  # initials (pg) resolve at 0.7; the fuzzy fallback below that is not trusted


@dataclass
class SearchFilters:
    category: str | None = None
    region: str | None = None          # a province, prefecture or county code
    certification: str | None = None
    available_from: date | None = None
    available_to: date | None = None
    min_quantity_kg: Decimal | None = None
    max_price: Decimal | None = None
    max_price_unit: str = "元/公斤"
    poverty_only: bool = False
    producer_id: int | None = None

    @classmethod
    def from_mapping(cls, data) -> SearchFilters:
        if isinstance(data, SearchFilters):
            return data
        data = dict(data or {})
        known = set(cls.__dataclass_fields__)
        clean = {k: v for k, v in data.items() if k in known and v not in (None, "")}
        for key in ("min_quantity_kg", "max_price"):  # strings from a query string or JSON become Decimals
            if key in clean:
                clean[key] = parse_decimal(clean[key])
        for key in ("available_from", "available_to"):
            if isinstance(clean.get(key), str):
                try:
                    clean[key] = date.fromisoformat(clean[key])
                except ValueError:
                    clean[key] = None
        if "poverty_only" in clean:
            clean["poverty_only"] = clean["poverty_only"] in (True, 1, "1", "true", "on")
        return cls(**clean)


@dataclass
class SearchPage:
    """What a Flask-SQLAlchemy Pagination offers the templates, plus how the query was understood."""

    items: list
    total: int
    page: int
    per_page: int
    capped: bool = False
    product_name: str | None = None
    exact_count: int = 0
    notes: dict = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def visible_condition(today: date | None = None):
    """Active and inside its window: a listing past its end is hidden before `flask listings expire` flags it."""
    return sa.and_(Listing.status == "active", Listing.available_to >= (today or date.today()))


def _facet_tokens(f: SearchFilters) -> list[str]:
    """Filters that are tokens in the search index (see produce/tokens.py)."""
    tokens = []
    if f.category:
        # Only a known code becomes a token: free text in a MATCH expression is FTS5 syntax, not a value.
        tokens.append(category_token(f.category) if f.category in CATEGORIES else NO_MATCH)
    if f.region:
        tokens.append(region_token(f.region) or NO_MATCH)
    if f.certification in CERT_BITS:
        tokens.append(certification_token(f.certification))
    if f.poverty_only:
        tokens.append(POVERTY_TOKEN)
    return tokens


def _filter_conditions(f: SearchFilters) -> list:
    """Column filters: the facets as columns (used where no token index applies) and the ranges."""
    conds = []
    if f.category:
        conds.append(Listing.category_code == f.category)
    if f.region:
        conds.append(Listing.county_code.in_(sorted(regions.codes_within(f.region)) or ["-"]))
    if f.certification in CERT_BITS:
        conds.append(Listing.cert_flags.op("&")(CERT_BITS[f.certification]) != 0)
    if f.poverty_only:
        conds.append(Listing.poverty_county.is_(True))
    return conds + _range_conditions(f)


def _range_conditions(f: SearchFilters) -> list:
    conds = []
    if f.available_from:
        conds.append(Listing.available_to >= f.available_from)
    if f.available_to:
        conds.append(Listing.available_from <= f.available_to)
    if f.min_quantity_kg is not None:
        conds.append(Listing.quantity_kg >= f.min_quantity_kg)
    if f.max_price is not None:
        conds.append(_price_ceiling(f.max_price, f.max_price_unit))
    if f.producer_id:
        conds.append(Listing.producer_id == f.producer_id)
    return conds


def _price_ceiling(value: Decimal, price_unit: str):
    """Per kilogram where both sides convert; otherwise the same price unit compared as it is."""
    per_kg = price_per_kg_or_none(value, price_unit)
    same_unit = sa.and_(Listing.price_per_kg.is_(None), Listing.price_unit == price_unit, Listing.price <= value)
    if per_kg is None:
        return sa.and_(Listing.price_unit == price_unit, Listing.price <= value)
    return sa.or_(Listing.price_per_kg <= per_kg, same_unit)


def _pg_tokens(all_of, any_of=()):
    # The ' ' must be a literal: the expression has to equal the indexed one even in a generic plan.
    array = sa.func.string_to_array(Listing.search_tokens, sa.literal_column("' '"))
    conds = []
    if all_of:
        conds.append(array.op("@>")(sa.cast(postgresql.array(list(all_of)), postgresql.ARRAY(sa.Text))))
    if any_of:
        conds.append(array.op("&&")(sa.cast(postgresql.array(list(any_of)), postgresql.ARRAY(sa.Text))))
    return sa.and_(*conds)


def fts_match(all_of, any_of=()) -> str:
    parts = [f'"{t}"' for t in all_of]
    if any_of:
        parts.append("(" + " OR ".join(f'"{t}"' for t in any_of) + ")")
    return " AND ".join(parts)


def tokens_condition(tokens, any_of=()):
    """Rows whose stored tokens include every one of `tokens` (and one of `any_of`): a WHERE condition."""
    tokens = [t for t in tokens if t]
    if db.engine.dialect.name == "postgresql":
        return _pg_tokens(tokens, any_of)
    if db.engine.dialect.name == "sqlite":
        return Listing.id.in_(sa.text("SELECT rowid FROM listings_fts WHERE listings_fts MATCH :fts_match")
                              .bindparams(fts_match=fts_match(tokens, any_of)))
    conds = [sa.func.concat(" ", Listing.search_tokens, " ").contains(f" {t} ") for t in tokens]
    return sa.and_(*conds)


_FACET_COLUMNS = {
    POVERTY_TOKEN: lambda: Listing.poverty_county.is_(True),
    **{certification_token(code): (lambda bit=bit: Listing.cert_flags.op("&")(bit) != 0)
       for code, bit in CERT_BITS.items()},
}


@dataclass
class _Tier:
    """One relevance tier: rows holding every token of `all_of` and one of `any_of`, plus SQL conditions."""

    all_of: list = field(default_factory=list)
    any_of: list = field(default_factory=list)
    conds: list = field(default_factory=list)
    # On PostgreSQL a lone product token is cheaper as the indexed product_id column
    product_id: int | None = None


@dataclass
class _Plan:
    tiers: list
    product_name: str | None = None


def _anchored(anchor: str, facets: list[str]) -> list[str]:
    """The tokens asking for `anchor` with these facets: region, certification and poverty as anchored tokens
    (``p2r65``, see produce/tokens.py), any other facet as it is."""
    joined = [anchored_token(anchor, f) for f in facets if is_anchorable(f)]
    return [*(joined or [anchor]), *(f for f in facets if not is_anchorable(f))]


def _plan(q: str | None, facets: list[str]) -> _Plan:
    norm = normalise_text(q)
    if not norm:
        return _Plan([_Tier(list(facets))])
    catalogue = get_catalogue()
    resolved = catalogue.resolve(q, min_score=MIN_QUERY_SCORE)
    if resolved.product_id:
        residual = []
        if resolved.exact and resolved.term and resolved.term in norm and resolved.term != norm:
            residual = list(query_tokens(norm.replace(resolved.term, " ", 1)))
        # The product implies its category: a category facet would only lengthen the intersection.
        # (Among facet tokens only categories start with "c".)
        asked = [t for t in facets if t.startswith("c")]
        exact_facets = [t for t in facets if not t.startswith("c")]
        if asked and asked != [category_token(resolved.category or "")]:
            exact_facets.append(NO_MATCH)  # another category asked for: nothing of this product qualifies
        as_columns = [_FACET_COLUMNS[t]() for t in exact_facets if t in _FACET_COLUMNS]
        columns_only = not residual and len(as_columns) == len(exact_facets)
        # Without a region or extra words, PostgreSQL walks the product's covering B-tree newest first and
        # checks certification/poverty inside it. SQLite always uses its FTS index.
        exact = _Tier([*_anchored(product_token(resolved.product_id), exact_facets), *residual],
                      conds=as_columns if columns_only else [],
                      product_id=resolved.product_id if columns_only else None)
        partial = _Tier([*_anchored(mention_token(resolved.product_id), facets), *residual])
        return _Plan([exact, partial], catalogue.names_by_id.get(resolved.product_id))
    text = list(query_tokens(q)) or [NO_MATCH]
    by_initials = catalogue.products_for_initials(q)
    if by_initials:
        others = sa.or_(Listing.product_id.is_(None), Listing.product_id.not_in(by_initials))
        return _Plan([_initials_tier(by_initials, facets), _Tier([*text, *facets], conds=[others])])
    return _Plan([_Tier([*text, *facets])])


def _initials_tier(product_ids, facets: list[str]) -> _Tier:
    """Any of the products whose initials were typed (pg: 苹果, 苹果梨...), the first anchorable facet anchored."""
    anchorable = [f for f in facets if is_anchorable(f)]
    if not anchorable:
        return _Tier(list(facets), [product_token(p) for p in product_ids])
    first = anchorable[0]
    return _Tier([f for f in facets if f != first], [anchored_token(product_token(p), first) for p in product_ids])


def _order(sort: str, newest):
    if sort == "price":
        return (Listing.price_per_kg.is_(None), Listing.price_per_kg.asc(), Listing.id.desc())
    return (newest.desc(),)


_FTS = sa.table("listings_fts", sa.column("rowid"))


def _tier_select(columns, tier: _Tier, base: list, sort: str):
    """SELECT `columns` for the tier, in the sort order, for this dialect."""
    dialect = db.engine.dialect.name
    conds = [*base, *tier.conds]
    if not (tier.all_of or tier.any_of):
        return sa.select(*columns).where(*conds), _order(sort, Listing.id)
    if dialect == "sqlite":
        # Drive the query from the FTS index, newest rowid first, and stop at the LIMIT.
        match = sa.text("listings_fts MATCH :fts_match").bindparams(fts_match=fts_match(tier.all_of, tier.any_of))
        stmt = sa.select(*columns).select_from(_FTS.join(Listing, Listing.id == _FTS.c.rowid)).where(match, *conds)
        return stmt, _order(sort, _FTS.c.rowid)
    if dialect == "postgresql" and tier.product_id:
        return sa.select(*columns).where(Listing.product_id == tier.product_id, *conds), _order(sort, Listing.id)
    return sa.select(*columns).where(tokens_condition(tier.all_of, tier.any_of), *conds), _order(sort, Listing.id)


def _ids(tier: _Tier, base: list, sort: str, limit: int) -> list[int]:
    """Up to `limit` ids of the tier in sort order: one query gives both the count and the page."""
    if limit <= 0:
        return []
    stmt, order_by = _tier_select([Listing.id], tier, base, sort)
    return list(db.session.scalars(stmt.order_by(*order_by).limit(limit)))


def _load(ids: list[int]) -> list[Listing]:
    if not ids:
        return []
    # The producer (many-to-one) comes in the same round trip; the photos (one-to-many) in a second one.
    stmt = (sa.select(Listing).where(Listing.id.in_(ids))
            .options(joinedload(Listing.producer), selectinload(Listing.photos)))
    by_id = {listing.id: listing for listing in db.session.scalars(stmt)}
    return [by_id[i] for i in ids if i in by_id]


def _merged(plan: _Plan) -> _Tier:
    """All tiers as one condition (for sorting by price or date across tiers)."""
    if len(plan.tiers) == 1:
        return plan.tiers[0]
    either = sa.or_(*(sa.and_(tokens_condition(t.all_of, t.any_of), *t.conds) for t in plan.tiers))
    return _Tier(conds=[either])


def search_listings(q: str | None = None, filters=None, sort: str = "relevance", page: int = 1,
                    per_page: int = 20, load=_load) -> SearchPage:
    """The public search: active listings in their window, text + filters, sorted and paginated. The page's
    items are what `load` makes of their ids: ORM listings by default (produce.cards.cards_for for cards)."""
    sort = sort if sort in SORTS else "relevance"
    per_page = max(1, min(int(per_page or 20), MAX_PER_PAGE))
    page = max(1, int(page or 1))
    cap = current_app.config.get("SEARCH_MAX_RESULTS", DEFAULT_MAX_RESULTS)
    f = SearchFilters.from_mapping(filters)
    plan = _plan(q, _facet_tokens(f))
    base = [visible_condition(), *_range_conditions(f)]
    tiers = plan.tiers if sort == "relevance" else [_merged(plan)]
    ids, counts = [], []
    for tier in tiers:
        found = _ids(tier, base, sort, cap - len(ids))
        counts.append(len(found))
        ids.extend(found)
    total = len(ids)
    offset = (page - 1) * per_page
    items = load(ids[offset:offset + per_page])
    return SearchPage(items=items, total=total, page=page, per_page=per_page, capped=total >= cap,
                      product_name=plan.product_name, exact_count=counts[0] if len(plan.tiers) > 1 else 0)


def parse_decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None
