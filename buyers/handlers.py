"""Reactions to other packages' signals: a saved listing refreshes its stored matches and notifies
buyers whose saved search or open demand it matches. Imported by buyers.views so it is connected once
the blueprint is registered."""
import logging

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from buyers import engine, matches
from buyers.models import BuyerMember, Demand, SavedSearch
from core import regions, signals
from core.db import db
from core.notifications import notify

log = logging.getLogger(__name__)


def _link(endpoint: str, **values) -> str | None:
    """A relative URL, also outside a request (a listing saved by a job or the CLI)."""
    try:
        return current_app.url_map.bind("", script_name="/").build(endpoint, values)
    except BuildError:
        return None


def search_matches_listing(params: dict, code: str | None, search_code: str | None, listing) -> bool:
    """Does an active listing fall inside a saved supplier search?"""
    words = (params.get("product") or params.get("q") or "").strip()
    if search_code:
        if search_code != code:
            return False
    elif words and words not in f"{listing.product_name} {listing.variety or ''}":
        return False
    county = listing.county_code or ""
    if params.get("province_code") and not regions.is_within(county, params["province_code"]):
        return False
    if params.get("county_code") and not regions.is_within(county, params["county_code"]):
        return False
    return not (params.get("certification") and params["certification"] not in (listing.certifications or []))


def _product_code(name: str) -> str | None:
    resolved = engine.resolve_product(name)
    return resolved[0] if resolved else None


def _notify_one(search: SavedSearch, listing) -> bool:
    message = _("New listing for your saved search “%(name)s”: %(product)s",
                name=search.name, product=listing.product_name)
    return notify(search.user_id, "saved_search", message, link=_link("produce.listing_detail", listing_id=listing.id),
                  dedupe_key=f"saved-search:{search.id}:listing:{listing.id}")


def notify_saved_searches(listing) -> int:
    code = _product_code(listing.product_name)
    stmt = sa.select(SavedSearch).where(sa.or_(SavedSearch.product_code == code, SavedSearch.product_code.is_(None)))
    return sum(_notify_one(search, listing) for search in db.session.scalars(stmt)
               if search_matches_listing(search.params, code, search.product_code, listing))


def notify_saved_searches_bulk(listings: list) -> int:
    """A large import: every saved search is read once (one query) and gets one notification naming how many
    new listings match it, not one per listing (an import may bring it thousands)."""
    codes = {name: _product_code(name) for name in {x.product_name for x in listings}}  # once per product name
    by_code: dict[str | None, list] = {}
    for listing in listings:
        by_code.setdefault(codes[listing.product_name], []).append(listing)
    sent = 0
    for search in db.session.scalars(sa.select(SavedSearch).order_by(SavedSearch.id)):
        candidates = by_code.get(search.product_code, []) if search.product_code else listings
        hits = [x for x in candidates if search_matches_listing(search.params, codes[x.product_name],
                                                                search.product_code, x)]
        if len(hits) == 1:
            sent += _notify_one(search, hits[0])
        elif hits:
            message = _("%(n)d new listings for your saved search “%(name)s”, for example %(product)s",
                        n=len(hits), name=search.name, product=hits[0].product_name)
            link = _link("buyers.supplier_search", **{k: v for k, v in search.params.items() if v})
            sent += notify(search.user_id, "saved_search", message, link=link,
                           dedupe_key=f"saved-search:{search.id}:import:{hits[0].id}")
    return sent


def notify_demand_owners(listing, pairs: list[tuple[int, float]]) -> int:
    sent = 0
    for demand_id, score in pairs:
        demand = db.session.get(Demand, demand_id)
        members = db.session.scalars(sa.select(BuyerMember.user_id).where(BuyerMember.buyer_id == demand.buyer_id))
        message = _("A new listing matches your demand for %(product)s: %(listing)s (score %(score)d%%)",
                    product=demand.product_name, listing=listing.product_name, score=round(score * 100))
        for user_id in members:
            sent += notify(user_id, "demand_match", message,
                           link=_link("buyers.demand_detail", demand_id=demand.id),
                           dedupe_key=f"demand:{demand.id}:listing:{listing.id}")
    return sent


def on_listing_saved(listing, created: bool = False, **_extra) -> None:
    """The listing is committed already: a failure here must not turn the producer's save into an error."""
    try:
        pairs = matches.refresh_listing(listing.id)
        if listing.status == "active":
            with force_locale("zh_CN"):
                notify_saved_searches(listing)
                notify_demand_owners(listing, pairs)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("refreshing matches and notifications for listing %s failed", listing.id)


def on_listings_imported(_sender, listing_ids=(), **_extra) -> None:
    """A large import committed (produce sends one signal with every id instead of one per listing): the
    stored matches and the notifications are computed in bulk. The listings are committed already."""
    try:
        listings = matches.imported_listings(list(listing_ids))
        pairs = matches.refresh_listings(listings)
        active = [x for x in listings if x.status == "active"]
        with force_locale("zh_CN"):
            notify_saved_searches_bulk(active)
            for listing in active:
                notify_demand_owners(listing, pairs.get(listing.id, []))
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("refreshing matches and notifications for %d imported listings failed", len(listing_ids))


signals.listing_saved.connect(on_listing_saved)
signals.listings_imported.connect(on_listings_imported)
