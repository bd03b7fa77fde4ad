"""HarvestLink matching: a pure library (no Flask, SQLAlchemy or app imports) that pairs
listings with demands, explains every score, allocates quantities, and de-duplicates buyers.

Public API (what the web packages call; everything else is internal):

Catalogue and text
    Catalogue.load(path=None) -> Catalogue            refdata/catalogue.csv by default, cached
    catalogue.resolve(text) -> Resolution(product_code, category, matched_term, exact, score)
    catalogue.suggest(text, n=5) -> [(code, name, score 0-100)]   for "did you mean" in imports
    catalogue.search_keys(text) -> [str]              store with a listing for search
    catalogue.products[code] -> Product(code, category, name, aliases, traditional, pinyin, english)
    normalise_text(text) -> str                       full/half width, case, punctuation, t2s
    pinyin_forms(text) -> (full, initials)            "苹果" -> ("pingguo", "pg")
    search_keys(text, catalogue=None) -> [str]

Units
    units.to_kg(quantity, unit, net_weight_kg=None) -> float | None
    units.price_per_kg(price, price_unit, net_weight_kg=None) -> float | None
    units.net_weight_from_spec(spec) -> float | None  "10斤/箱" -> 5.0
    units.UnitError (ValueError) for unknown units

Records (field names of the issue; from_dict ignores unknown keys, raises RecordError(field))
    Listing.from_dict(d), Demand.from_dict(d), BuyerRecord.from_dict(d)

Matching
    rank(demands, listings, top=10, weights=None, catalogue=None)
        -> [{"demand_id", "matches": [{"listing_id", "score", "reasons": {factor: contribution,
            "block"}}]}]
    explain(demand, listing, weights=None, catalogue=None)
        -> {"eligible", "violations": [{"constraint", "message"}], "score", "reasons"}
    allocate(demands, listings, top=10, weights=None, catalogue=None)
        -> [{"listing_id", "demand_id", "quantity_kg" | ("quantity", "unit"), "score"}]
    DEFAULT_WEIGHTS: product, variety, spec, quantity, price, date, region, poverty_county,
        old_revolutionary_area (any subset may be passed as `weights`)
    MatchIndex(catalogue=None, weights=None, top=10): upsert_listing(l) -> affected demand ids,
        remove_listing(id), upsert_demand(d) -> matches, remove_demand(id), matches(demand_id),
        demands_for_listing(listing_id, top=None)

Buyers
    dedupe(existing, incoming) -> [{"id", "decision": "new"|"duplicate"|"possible", "of",
        "score", "reasons"}]
    normalise_company(name) -> CompanyName(core, brand, branch, region_code, places)
    valid_credit_code(code) -> bool                   GB 32100 check character

Command line: python -m matching rank|allocate|dedupe (see matching/cli.py).
"""
from . import units
from .allocation import allocate
from .catalogue import CATEGORIES, Catalogue, Product, Resolution, search_keys
from .entity_resolution import CompanyName, dedupe, normalise_company, valid_credit_code
from .index import MatchIndex
from .normalise import normalise_text, pinyin_forms
from .rank import explain, rank
from .records import CERTIFICATIONS, BuyerRecord, Demand, Listing, RecordError
from .scoring import DEFAULT_WEIGHTS

__all__ = [
    "CATEGORIES", "CERTIFICATIONS", "DEFAULT_WEIGHTS", "BuyerRecord", "Catalogue", "CompanyName",
    "Demand", "Listing", "MatchIndex", "Product", "RecordError", "Resolution", "allocate", "dedupe",
    "explain", "normalise_company", "normalise_text", "pinyin_forms", "rank", "search_keys", "units",
    "valid_credit_code",
]
