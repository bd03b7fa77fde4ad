"""Quantity and price units: weights convert to kilograms; count units (箱, 头, 只, 个, 袋, 件 ...)
convert only with a net weight per unit (given, or read from the spec: "10斤/箱", "净重5kg").

>>> to_kg(3, "吨")
3000.0
>>> price_per_kg(2.5, "元/斤")
5.0
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

KG_PER_UNIT = {
    "斤": 0.5, "市斤": 0.5, "公斤": 1.0, "千克": 1.0, "kg": 1.0, "kgs": 1.0, "公吨": 1000.0,
    "吨": 1000.0, "t": 1000.0, "克": 0.001, "g": 0.001, "两": 0.05, "磅": 0.45359237, "lb": 0.45359237,
}
COUNT_UNITS = frozenset(["箱", "头", "只", "个", "袋", "件", "盒", "筐", "条", "枚", "羽", "株", "把", "捆", "包", "瓶", "桶", "罐", "篮", "提", "份", "口"])
_CURRENCY = ("元", "rmb", "cny", "¥", "￥", "块")
_NET_WEIGHT = re.compile(r"(\d+(?:\.\d+)?)\s*(公斤|千克|kg|市斤|斤|克|g|吨)(?![a-z])")


class UnitError(ValueError):
    """An unknown quantity or price unit."""


@lru_cache(maxsize=4096)
def normalise_unit(unit: str | None) -> str:
    """Canonical spelling of a unit: NFKC, lower case, no spaces ("ＫＧ" -> "kg")."""
    text = unicodedata.normalize("NFKC", unit or "").strip().lower().replace(" ", "")
    if not text:
        raise UnitError("unit is missing")
    if text not in KG_PER_UNIT and text not in COUNT_UNITS:
        raise UnitError(f"unknown unit {unit!r}")
    return text


def is_count_unit(unit: str) -> bool:
    return normalise_unit(unit) in COUNT_UNITS


def kg_per_unit(unit: str, net_weight_kg: float | None = None) -> float | None:
    """Kilograms in one `unit`; None for a count unit without a net weight."""
    canon = normalise_unit(unit)
    if canon in KG_PER_UNIT:
        return KG_PER_UNIT[canon]
    return float(net_weight_kg) if net_weight_kg else None


def to_kg(quantity: float | None, unit: str, net_weight_kg: float | None = None) -> float | None:
    """Quantity in kilograms, or None when it cannot be known (count unit, no net weight)."""
    if quantity is None:
        return None
    factor = kg_per_unit(unit, net_weight_kg)
    return None if factor is None else float(quantity) * factor


@lru_cache(maxsize=4096)
def parse_price_unit(price_unit: str | None) -> str:
    """The quantity unit of a price unit: "元/斤" -> "斤", "元每公斤" -> "公斤", "/kg" -> "kg"."""
    text = unicodedata.normalize("NFKC", price_unit or "").strip().lower().replace(" ", "")
    for sep in ("/", "每"):
        if sep in text:
            currency, _, unit = text.partition(sep)
            if currency and currency not in _CURRENCY:
                raise UnitError(f"unknown currency in price unit {price_unit!r}")
            return normalise_unit(unit)
    raise UnitError(f"price unit {price_unit!r} is not like 元/斤")


def price_per_kg(price: float | None, price_unit: str, net_weight_kg: float | None = None) -> float | None:
    """Price in 元 per kilogram, or None (negotiable price, or a count unit with no net weight)."""
    if price is None:
        return None
    factor = kg_per_unit(parse_price_unit(price_unit), net_weight_kg)
    return None if factor is None else float(price) / factor


@lru_cache(maxsize=65536)
def net_weight_from_spec(spec: str | None) -> float | None:
    """Net weight per count unit written in a spec: "10斤/箱" -> 5.0, "净重2.5kg" -> 2.5."""
    text = unicodedata.normalize("NFKC", spec or "").lower()
    match = _NET_WEIGHT.search(text)
    if not match:
        return None
    return float(match.group(1)) * KG_PER_UNIT[match.group(2)]
