"""Reactions to other packages' signals: a saved listing refreshes its stored matches and notifies
buyers whose saved search or open demand it matches. Imported by buyers.views so it is connected once
the blueprint is registered."""
import logging

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from buyers import engine, matches, queries
from buyers.models import SavedSearch
from core import bulk, regions, signals
from core.db import db
from core.notifications import notify

log = logging.getLogger(__name__)


def _link(endpoint: str, **values) -> str | None:
    """A relative URL, also outside a request (a listing saved by a job or the CLI)."""
    try:
        return current_app.url_map.bind("", script_name="/").build(endpoint, values)
    except BuildError:
        return None


def search_matches_listing(params: dict, code: str | None, search_code: str | None, record: dict) -> bool:
    """Does an active listing (its matching record) fall inside a saved supplier search?"""
    words = (params.get("product") or params.get("q") or "").strip()
    if search_code:
        if search_code != code:
            return False
    elif words and words not in f"{record['product']} {record['variety'] or ''}":
        return False
    county = record["county_code"] or ""
    if params.get("province_code") and not regions.is_within(county, params["province_code"]):
        return False
    if params.get("county_code") and not regions.is_within(county, params["county_code"]):
        return False
    return not (params.get("certification") and params["certification"] not in (record["certifications"] or []))


def _product_code(name: str) -> str | None:
    resolved = engine.resolve_product(name)
    return resolved[0] if resolved else None


def _notify_one(search, record: dict) -> bool:
    """search: a SavedSearch or a row of queries.all_saved_searches."""
    message = _("New listing for your saved search “%(name)s”: %(product)s",
                name=search.name, product=record["product"])
    return notify(search.user_id, "saved_search", message, link=_link("produce.listing_detail", listing_id=record["id"]),
                  dedupe_key=f"saved-search:{search.id}:listing:{record['id']}")


def notify_saved_searches(record: dict) -> int:
    code = _product_code(record["product"])
    stmt = sa.select(SavedSearch).where(sa.or_(SavedSearch.product_code == code, SavedSearch.product_code.is_(None)))
    return sum(_notify_one(search, record) for search in db.session.scalars(stmt)
               if search_matches_listing(search.params, code, search.product_code, record))


class SavedSearchHits:
    """What a large import brings each saved search, gathered batch by batch (the import is never held at
    once): how many new listings match it and the first of them (lowest id, as batches come in id order)."""

    def __init__(self, searches: list):  # rows of queries.all_saved_searches
        self.searches = searches
        self.codes: dict[str, str | None] = {}  # product name -> catalogue code, resolved once per name
        self.counts = {search.id: 0 for search in searches}
        self.first: dict[int, dict] = {}

    def add(self, records: list[dict]) -> None:
        for name in {x["product"] for x in records} - self.codes.keys():
            self.codes[name] = _product_code(name)
        by_code: dict[str | None, list[dict]] = {}
        for record in records:
            by_code.setdefault(self.codes[record["product"]], []).append(record)
        for search in self.searches:
            candidates = by_code.get(search.product_code, []) if search.product_code else records
            for record in candidates:
                if search_matches_listing(search.params, self.codes[record["product"]], search.product_code, record):
                    self.counts[search.id] += 1
                    self.first.setdefault(search.id, record)

    def notify(self) -> int:
        """One notification per saved search naming how many new listings match it, not one per listing (an
        import may bring it thousands); a single hit reads like a saved listing's."""
        sent = 0
        for search in self.searches:
            count, first = self.counts[search.id], self.first.get(search.id)
            if count == 1:
                sent += _notify_one(search, first)
            elif count:
                message = _("%(n)d new listings for your saved search “%(name)s”, for example %(product)s",
                            n=count, name=search.name, product=first["product"])
                link = _link("buyers.supplier_search", **{k: v for k, v in search.params.items() if v})
                sent += notify(search.user_id, "saved_search", message, link=link,
                               dedupe_key=f"saved-search:{search.id}:import:{first['id']}")
        return sent


def notify_demand_owners(pairs: dict[int, list[tuple[int, float]]], products: dict[int, str]) -> int:
    """Every member of each matched demand's buyer hears of the new listing. pairs: {listing_id: [(demand_id,
    score)]}; products: {listing_id: product name}. The demands and members are read once for all pairs."""
    owners = queries.demand_owners({demand_id for found in pairs.values() for demand_id, _score in found})
    sent = 0
    for listing_id in sorted(pairs):
        for demand_id, score in pairs[listing_id]:
            if demand_id not in owners:
                continue
            product, members = owners[demand_id]
            message = _("A new listing matches your demand for %(product)s: %(listing)s (score %(score)d%%)",
                        product=product, listing=products[listing_id], score=round(score * 100))
            for user_id in members:
                sent += notify(user_id, "demand_match", message,
                               link=_link("buyers.demand_detail", demand_id=demand_id),
                               dedupe_key=f"demand:{demand_id}:listing:{listing_id}")
    return sent


def on_listing_saved(listing, created: bool = False, **_extra) -> None:
    """The listing is committed already: a failure here must not turn the producer's save into an error."""
    try:
        pairs = matches.refresh_listing(listing.id)
        if listing.status == "active":
            record = matches.listing_record(listing)
            with force_locale("zh_CN"):
                notify_saved_searches(record)
                notify_demand_owners({listing.id: pairs}, {listing.id: record["product"]})
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("refreshing matches and notifications for listing %s failed", listing.id)


def refresh_imported(listing_ids: list[int]) -> None:
    """Stored matches and notifications for the listings of a large import (committed already). The open
    demands and the saved searches are read first: with neither, nothing can match or be told, and the
    listings are not read at all. Otherwise the listings come in batches of plain records."""
    demands = queries.open_demands()
    searches = SavedSearchHits(queries.all_saved_searches())
    if not demands and not searches.searches:
        return
    ranked, products = [], {}
    with bulk.gc_paused():  # 100,000 records and library objects: no collector rescans while they are built
        for records in matches.imported_records(listing_ids):
            if demands:
                ranked.extend(engine.listing_obj(record) for record in records)
                products.update((record["id"], record["product"]) for record in records)
            searches.add(records)
    pairs = matches.store_imported(demands, ranked) if ranked else {}
    with force_locale("zh_CN"):
        searches.notify()
        notify_demand_owners(pairs, products)


def on_listings_imported(_sender, listing_ids=(), **_extra) -> None:
    """A large import committed (produce sends one signal with every id instead of one per listing): the
    stored matches and the notifications are computed in bulk."""
    try:
        refresh_imported(list(listing_ids))
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("refreshing matches and notifications for %d imported listings failed", len(listing_ids))


signals.listing_saved.connect(on_listing_saved)
signals.listings_imported.connect(on_listings_imported)
