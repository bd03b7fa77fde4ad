"""The product catalogue as the app uses it: built from the database rows (so admins' edits count),
cached per process and rebuilt when the catalogue version in the database moves on (so every gunicorn
worker sees an edit made in another one, at most CATALOGUE_CHECK_SECONDS later).
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, g, has_app_context
from sqlalchemy.orm import selectinload

from core.db import db
from matching.catalogue import Catalogue as Matcher
from matching.catalogue import Product as MatcherProduct
from matching.normalise import normalise_text, pinyin_forms
from produce.models import CatalogueVersion, Product

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_lock = threading.Lock()
_cached: DbCatalogue | None = None
_checked_at = float("-inf")  # time.monotonic() of the last version check


@dataclass(frozen=True)
class Resolved:
    product_id: int | None
    code: str | None
    category: str | None
    term: str | None
    exact: bool
    score: float


UNRESOLVED = Resolved(None, None, None, None, False, 0.0)


class DbCatalogue:
    """The matching library's catalogue plus the database ids of its products."""

    def __init__(self, version: str, products: list[Product]):
        self.version = version
        self.ids_by_code = {p.code: p.id for p in products}
        self.codes_by_id = {p.id: p.code for p in products}
        self.names_by_id = {p.id: p.name for p in products}
        self.matcher = Matcher([_matcher_product(p) for p in products]) if products else None
        self.terms: dict[str, int] = {}
        for product in products:
            for term in (product.name, product.traditional, *(a.alias for a in product.aliases)):
                norm = normalise_text(term)
                if norm and not norm.isascii():
                    self.terms.setdefault(norm, product.id)
        self.max_term = max((len(t) for t in self.terms), default=0)
        # Initials of canonical names: "pg" is 苹果 but also 椪柑 and 平菇, which the matching library
        # (rightly) refuses to pick between; search offers all of them.
        self.initials: dict[str, list[int]] = {}
        for product in products:
            initials = pinyin_forms(product.name)[1]
            if len(initials) >= 2:
                self.initials.setdefault(initials, []).append(product.id)

    def resolve(self, text: str | None, min_score: float = 0.0) -> Resolved:
        if not self.matcher or not text:
            return UNRESOLVED
        found = self.matcher.resolve(text)
        if not found.product_code or found.score < min_score:
            return UNRESOLVED
        return Resolved(self.ids_by_code[found.product_code], found.product_code, found.category,
                        found.matched_term, found.exact, found.score)

    def products_for_initials(self, text: str | None) -> list[int]:
        norm = normalise_text(text)
        return list(self.initials.get(norm, ())) if norm.isascii() and norm.isalpha() else []

    def suggest(self, text: str, n: int = 5) -> list[str]:
        """Names of the closest catalogue products, best first."""
        if not self.matcher:
            return []
        return [name for _code, name, _score in self.matcher.suggest(text, n)]

    def mentioned_products(self, text: str) -> set[int]:
        """Every product whose Chinese name or alias occurs anywhere in the text (苹果 in 延边苹果梨)."""
        found = set()
        for run in _HAN_RUN.findall(normalise_text(text)):
            for start in range(len(run)):
                for end in range(start + 1, min(len(run), start + self.max_term) + 1):
                    product_id = self.terms.get(run[start:end])
                    if product_id:
                        found.add(product_id)
        return found


def _matcher_product(product: Product) -> MatcherProduct:
    return MatcherProduct(
        code=product.code, category=product.category_code, name=product.name,
        aliases=tuple(a.alias for a in product.aliases if a.kind != "english"),
        traditional=product.traditional, pinyin=product.pinyin,
        english=tuple(e for e in product.english.split("|") if e)
        + tuple(a.alias for a in product.aliases if a.kind == "english"),
    )


def current_version() -> str:
    row = db.session.execute(
        sa.select(CatalogueVersion.version, CatalogueVersion.stamp).where(CatalogueVersion.id == 1)).first()
    return f"{row.version}:{row.stamp}" if row else "0:"


def get_catalogue() -> DbCatalogue:
    """The cached catalogue, rebuilt when another worker or request changed it. The version row is read at
    most once a request and once every CATALOGUE_CHECK_SECONDS: on PostgreSQL that round trip was a
    twentieth of a search. An edit in this process is seen at once (forget_cached)."""
    global _cached, _checked_at
    if has_app_context() and "produce_catalogue" in g:
        return g.produce_catalogue
    cached, now = _cached, time.monotonic()
    if cached is None or now - _checked_at >= _check_interval():
        version = current_version()
        if cached is None or cached.version != version:
            with _lock:
                products = list(db.session.scalars(
                    sa.select(Product).options(selectinload(Product.aliases)).order_by(Product.id)))
                cached = _cached = DbCatalogue(version, products)
        _checked_at = now
    if has_app_context():
        g.produce_catalogue = cached
    return cached


def _check_interval() -> float:
    return current_app.config.get("CATALOGUE_CHECK_SECONDS", 0) if has_app_context() else 0


def forget_cached() -> None:
    """Drop this process's copy (after an edit in this process, before the version moves on)."""
    global _cached
    _cached = None
    if has_app_context():
        g.pop("produce_catalogue", None)
