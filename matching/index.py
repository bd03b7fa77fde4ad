"""Incremental matching: when one listing or demand changes, only its matches are recomputed.

A MatchIndex keeps the prepared rows of every listing and demand, grouped by product and
category, and the current top matches of each demand. Changing a listing scores it against
the demands of its product and category only, and re-ranks just the demands whose top list it
enters or leaves; changing a demand re-ranks that one demand against its block.
"""
from __future__ import annotations

from collections import defaultdict

from .catalogue import Catalogue
from .prepare import demand_table, listing_table
from .rank import rank_tables
from .records import Demand, Listing
from .scoring import merge_weights


class MatchIndex:
    def __init__(self, catalogue: Catalogue | None = None, weights: dict | None = None, top: int = 10):
        self.catalogue = catalogue or Catalogue.load()
        self.weights = merge_weights(weights)
        self.top = top
        self.listings: dict = {}
        self.demands: dict = {}
        self._listing_keys: dict = {}   # id -> (product, category)
        self._demand_keys: dict = {}
        self._by_product: dict = defaultdict(set)
        self._by_category: dict = defaultdict(set)
        self._demands_by_category: dict = defaultdict(set)
        self._matches: dict = {}        # demand id -> [{"listing_id", "score", "reasons"}]
        self.recomputed: int = 0        # demands re-ranked by the last update (for tests/metrics)

    # ----------------------------------------------------------- helpers
    def _keys(self, product_text: str) -> tuple:
        res = self.catalogue.resolve(product_text)
        return res.product_code, res.category

    def _candidate_listing_ids(self, demand: Demand) -> list:
        product, category = self._demand_keys[demand.id]
        ids = set(self._by_category.get(category, ())) if category else set(self._by_product.get(product, ()))
        if not category:  # unresolved demand: fuzzy fallback needs every listing
            ids = set(self.listings)
        return sorted(ids, key=str)

    def _rank_demand(self, demand_id) -> list:
        demand = self.demands[demand_id]
        ids = self._candidate_listing_ids(demand)
        self.recomputed += 1
        if not ids:
            self._matches[demand_id] = []
            return []
        listings = [self.listings[i] for i in ids]
        dt = demand_table([demand], self.catalogue)
        lt = listing_table(listings, self.catalogue)
        ranked = rank_tables(dt, lt, self.top, self.weights)[0]
        self._matches[demand_id] = [{"listing_id": listings[j].id, "score": round(s, 4), "reasons": r}
                                    for s, j, r in ranked]
        return self._matches[demand_id]

    # ----------------------------------------------------------- updates
    def upsert_demand(self, demand: Demand) -> list:
        """Add or replace a demand; returns its new matches."""
        self.remove_demand(demand.id)
        self.demands[demand.id] = demand
        keys = self._keys(demand.product)
        self._demand_keys[demand.id] = keys
        self._demands_by_category[keys[1]].add(demand.id)
        return self._rank_demand(demand.id)

    def remove_demand(self, demand_id) -> None:
        if demand_id in self.demands:
            self._demands_by_category[self._demand_keys[demand_id][1]].discard(demand_id)
            del self.demands[demand_id], self._demand_keys[demand_id]
            self._matches.pop(demand_id, None)

    def upsert_listing(self, listing: Listing) -> set:
        """Add or replace a listing; returns the ids of demands whose matches were recomputed."""
        affected = self._holders(listing.id)
        self._drop_listing(listing.id)
        self.listings[listing.id] = listing
        keys = self._keys(listing.product)
        self._listing_keys[listing.id] = keys
        self._by_product[keys[0]].add(listing.id)
        self._by_category[keys[1]].add(listing.id)
        affected |= self._would_enter(listing, keys)
        return self._rerank(affected)

    def remove_listing(self, listing_id) -> set:
        affected = self._holders(listing_id)
        self._drop_listing(listing_id)
        return self._rerank(affected)

    def _drop_listing(self, listing_id) -> None:
        if listing_id in self.listings:
            product, category = self._listing_keys.pop(listing_id)
            self._by_product[product].discard(listing_id)
            self._by_category[category].discard(listing_id)
            del self.listings[listing_id]

    def _holders(self, listing_id) -> set:
        """Demands whose current top list contains the listing."""
        if listing_id not in self.listings:
            return set()
        category = self._listing_keys[listing_id][1]
        return {d for d in self._demands_by_category.get(category, ())
                if any(m["listing_id"] == listing_id for m in self._matches.get(d, ()))}

    def _would_enter(self, listing: Listing, keys) -> set:
        """Demands of the listing's category whose top list the listing now enters."""
        demand_ids = sorted(self._demands_by_category.get(keys[1], ()), key=str)
        if not demand_ids:
            return set()
        demands = [self.demands[d] for d in demand_ids]
        dt = demand_table(demands, self.catalogue)
        lt = listing_table([listing], self.catalogue)
        ranked = rank_tables(dt, lt, 1, self.weights)
        entering = set()
        for demand_id, items in zip(demand_ids, ranked, strict=False):
            if not items:
                continue
            current = self._matches.get(demand_id, [])
            if len(current) < self.top or items[0][0] > current[-1]["score"]:
                entering.add(demand_id)
        return entering

    def _rerank(self, demand_ids: set) -> set:
        self.recomputed = 0
        for demand_id in demand_ids:
            if demand_id in self.demands:
                self._rank_demand(demand_id)
        return set(demand_ids)

    # ----------------------------------------------------------- reads
    def matches(self, demand_id) -> list:
        """Current top matches of a demand (best first)."""
        return list(self._matches.get(demand_id, []))

    def demands_for_listing(self, listing_id, top: int | None = None) -> list:
        """Demands that would take this listing, best first: [{"demand_id", "score", "reasons"}]
        (the producer's "buyers' demands matching my listing")."""
        listing = self.listings[listing_id]
        keys = self._listing_keys[listing_id]
        demand_ids = sorted(self._demands_by_category.get(keys[1], ()), key=str)
        if not demand_ids:
            return []
        demands = [self.demands[d] for d in demand_ids]
        ranked = rank_tables(demand_table(demands, self.catalogue),
                             listing_table([listing], self.catalogue), 1, self.weights)
        rows = [{"demand_id": d, "score": round(items[0][0], 4), "reasons": items[0][2]}
                for d, items in zip(demand_ids, ranked, strict=False) if items]
        rows.sort(key=lambda r: -r["score"])
        return rows[: top or self.top]

    def __len__(self) -> int:
        return len(self.listings)

