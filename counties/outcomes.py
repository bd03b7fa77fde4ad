"""Matchmaking outcomes of a county's producers, read from produce and fairs when those packages exist.

Both are built in parallel with this one, so the imports are guarded: without produce the counts are None
("not available"), without fairs the deal amounts are None. Tests replace the sources with fakes."""
import importlib
from decimal import Decimal

import sqlalchemy as sa

from core.db import db

ZERO_DEALS = {"intent_amount": Decimal(0), "deal_amount": Decimal(0), "deals": 0}


def _optional(module_name: str):
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            return None
        raise


def deal_source():
    """fairs.queries.deal_amounts_by_county (CONTRACTS.md), or None before fairs exists."""
    module = _optional("fairs.queries")
    return getattr(module, "deal_amounts_by_county", None) if module else None


def deal_amounts(codes: list[str]) -> dict[str, dict] | None:
    """{county code: {intent_amount, deal_amount, deals}} in yuan (元, as fairs records agreements), with zeros for counties without deals; None when the
    fairs package is not installed."""
    source = deal_source()
    if source is None:
        return None
    found = source(list(codes)) or {}
    return {code: {**ZERO_DEALS, **found.get(code, {})} for code in codes}


def producer_counts(codes: list[str]) -> dict[str, dict] | None:
    """{county code: {producers, active_listings}}; None before produce exists."""
    produce_queries = _optional("produce.queries")
    counter = getattr(produce_queries, "counts_by_county", None) if produce_queries else None
    if counter is not None:
        found = counter(list(codes))
        return {code: {"producers": 0, "active_listings": 0, **found.get(code, {})} for code in codes}
    models = _optional("produce.models")
    if models is None:
        return None
    return _count_from_tables(models, codes)


def _count_from_tables(models, codes: list[str]) -> dict[str, dict]:
    """Read-only counts straight from produce's tables (grouped, one query each)."""
    out = {code: {"producers": 0, "active_listings": 0} for code in codes}
    if not codes:
        return out
    profile, listing = models.ProducerProfile, models.Listing
    producers = db.session.execute(
        sa.select(profile.county_code, sa.func.count()).where(profile.county_code.in_(codes))
        .group_by(profile.county_code))
    for code, count in producers:
        out[code]["producers"] = count
    search = _optional("produce.search")
    # "Active" as the public search sees it: active and inside its supply window.
    visible = search.visible_condition() if hasattr(search, "visible_condition") else listing.status == "active"
    listings = db.session.execute(
        sa.select(listing.county_code, sa.func.count())
        .where(listing.county_code.in_(codes), visible).group_by(listing.county_code))
    for code, count in listings:
        out[code]["active_listings"] = count
    return out
