"""The one place buyers calls the matching library (units, names, catalogue, ranking, de-duplication).

matching is a pure library; this adapter turns app records into its records and back, so a change of the
library's signatures touches one file.
"""
from decimal import Decimal
from functools import lru_cache


def _m():
    import matching

    return matching


@lru_cache(maxsize=1)
def catalogue():
    return _m().Catalogue.load()


def normalise_company_name(name: str) -> str:
    from matching import dedupe as dedupe_lib

    return dedupe_lib.normalise_company_name(name or "")


def to_kg(quantity, unit: str) -> Decimal | None:
    """Quantity in kg, None for count units (箱, 个...) that have no fixed weight."""
    from matching import units

    value = units.to_kg(float(quantity), unit)
    return None if value is None else Decimal(str(round(value, 3)))


def price_per_kg(price, price_unit: str) -> Decimal | None:
    from matching import units

    value = units.price_per_kg(float(price), price_unit)
    return None if value is None else Decimal(str(round(value, 4)))


def resolve_product(text: str):
    """(code, canonical name) for a product name, None when the catalogue does not know it."""
    found = catalogue().resolve(text)
    if not found:
        return None
    return found.code, found.name
