"""Units as listings use them, in Decimal, on top of matching.units (which owns the conversions)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from matching import units as mu

WEIGHT_UNITS = ("斤", "公斤", "吨", "克")
COUNT_UNITS = ("箱", "头", "只", "个", "袋", "件", "盒", "筐")
QUANTITY_UNITS = WEIGHT_UNITS + COUNT_UNITS
PRICE_UNITS = tuple(f"元/{u}" for u in QUANTITY_UNITS)


def is_count_unit(unit: str) -> bool:
    return unit in COUNT_UNITS


def kg_factor(unit: str, net_weight_kg: Decimal | None = None) -> Decimal | None:
    """Kilograms in one unit, None for a count unit without a net weight."""
    factor = mu.kg_per_unit(unit, float(net_weight_kg) if net_weight_kg else None)
    if factor is None:
        return None
    if unit in COUNT_UNITS:
        return Decimal(net_weight_kg)
    return Decimal(str(factor))


def to_kg(quantity: Decimal | None, unit: str, net_weight_kg: Decimal | None = None) -> Decimal | None:
    factor = kg_factor(unit, net_weight_kg)
    if quantity is None or factor is None:
        return None
    return (Decimal(quantity) * factor).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def price_unit_quantity_unit(price_unit: str) -> str:
    """元/斤 -> 斤 (raises matching.units.UnitError for anything else)."""
    return mu.parse_price_unit(price_unit)


def price_per_kg_or_none(price: Decimal | None, price_unit: str,
                         net_weight_kg: Decimal | None = None) -> Decimal | None:
    if price is None:
        return None
    try:
        factor = kg_factor(price_unit_quantity_unit(price_unit), net_weight_kg)
    except mu.UnitError:
        return None
    if not factor:
        return None
    return (Decimal(price) / factor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
