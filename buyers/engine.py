"""The one place buyers calls the matching library (units, names, catalogue, ranking, de-duplication).

matching is a pure library; this adapter turns app records (dicts with Decimal numbers) into its
records and back, so a change of the library's signatures touches one file.
"""
from decimal import Decimal

import matching
from matching import units


def catalogue() -> matching.Catalogue:
    return matching.Catalogue.load()  # cached by the library


def normalise_company_name(name: str) -> str:
    """The comparable core of a company name (region prefixes, legal suffixes, brackets removed)."""
    return matching.normalise_company(name or "").core


def to_kg(quantity, unit: str) -> Decimal | None:
    """Quantity in kg, None for count units (箱, 个...) that have no fixed weight."""
    value = units.to_kg(float(quantity), unit)
    return None if value is None else Decimal(str(round(value, 3)))


def price_per_kg(price, price_unit: str) -> Decimal | None:
    """Price ceiling in 元/公斤 (so 元/斤, 元/公斤 and 元/吨 compare correctly); None for count units."""
    value = units.price_per_kg(float(price), price_unit)
    return None if value is None else Decimal(str(round(value, 4)))


def resolve_product(text: str):
    """(code, category) for a product name, None when the catalogue does not know it."""
    found = catalogue().resolve(text or "")
    if not found.product_code:
        return None
    return found.product_code, found.category


def product_name(code: str) -> str:
    product = catalogue().products.get(code)
    return product.name if product else code


def codes_in_category(category: str) -> list[str]:
    return [code for code, product in catalogue().products.items() if product.category == category]


def suggest(text: str, n: int = 3) -> list[str]:
    return [name for _code, name, _score in catalogue().suggest(text, n)]


def _plain(record: dict) -> dict:
    """Decimals become floats for the library (it computes in floats; the app stores Decimals)."""
    return {key: (float(value) if isinstance(value, Decimal) else value) for key, value in record.items()}


def demand_obj(record: dict) -> matching.Demand:
    return matching.Demand.from_dict(_plain(record))


def listing_obj(record: dict) -> matching.Listing:
    return matching.Listing.from_dict(_plain(record))


def rank(demand_records: list[dict], listing_records: list[dict], top: int = 10) -> list[dict]:
    """[{"demand_id", "matches": [{"listing_id", "score", "reasons"}]}] for eligible pairs only."""
    return rank_listings(demand_records, [listing_obj(x) for x in listing_records], top=top)


def rank_listings(demand_records: list[dict], listings: list[matching.Listing], top: int = 10) -> list[dict]:
    """rank, for listings already made library records with listing_obj (a large import converts them batch
    by batch, so its app records are never all held at once)."""
    if not demand_records or not listings:
        return []
    return matching.rank([demand_obj(d) for d in demand_records], listings, top=top, catalogue=catalogue())


def explain(demand_record: dict, listing_record: dict) -> dict:
    return matching.explain(demand_obj(demand_record), listing_obj(listing_record), catalogue=catalogue())


def buyer_obj(record: dict) -> matching.BuyerRecord:
    return matching.BuyerRecord.from_dict(record)


def dedupe(existing: list, incoming: list) -> list[dict]:
    """Entity resolution of incoming buyer records against existing ones and each other."""
    return matching.dedupe(existing, incoming)
