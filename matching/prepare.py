"""Column tables of prepared listings and demands: everything a score needs (resolved product,
kg quantities and prices, date ordinals, region ints, certification bitmasks) is computed once
per record, so ranking is numpy arithmetic over blocks instead of per-pair Python."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import regions, units
from .catalogue import CATEGORIES, Catalogue
from .normalise import normalise_text
from .records import CERTIFICATIONS, Demand, Listing

CERT_BITS = {code: 1 << i for i, code in enumerate(sorted(CERTIFICATIONS))}
FAR_PAST, FAR_FUTURE = -(10 ** 9), 10 ** 9
_UNIT_IDS: dict[str, int] = {}


def unit_id(unit: str | None) -> int:
    """Small int per count unit (0 = no unit), for vectorised same-unit comparisons."""
    if not unit:
        return 0
    return _UNIT_IDS.setdefault(unit, len(_UNIT_IDS) + 1)


def cert_mask(codes) -> int:
    mask = 0
    for code in codes:
        mask |= CERT_BITS.get(code, 0)
    return mask


def province_bit(code: str | None) -> int:
    """Bit for a province (first two digits 11..82 -> bits 0..63 via code - 11, capped)."""
    if not code or len(code) < 2 or not code[:2].isdigit():
        return 0
    return 1 << min(max(int(code[:2]) - 11, 0), 62)


def _kg_or_nan(quantity, unit, net) -> float:
    value = units.to_kg(quantity, unit, net) if quantity is not None else None
    return np.nan if value is None else value


def _price_kg(price, price_unit, net) -> float:
    if price is None or not price_unit:
        return np.nan
    value = units.price_per_kg(price, price_unit, net)
    return np.nan if value is None else value


def _count_unit(unit: str) -> str:
    return unit if unit in units.COUNT_UNITS else ""


def _day(value, default: int) -> int:
    return value.toordinal() if value else default


def _county_int(code: str | None) -> int:
    return int(code) if code else 0


@dataclass
class Table:
    """Column arrays; `records` keeps the source objects (ids and explanations)."""
    records: list
    cols: dict

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, name: str):
        return self.cols[name]

    def take(self, index: np.ndarray) -> Table:
        return Table([self.records[i] for i in index],
                     {k: (v[index] if isinstance(v, np.ndarray) else [v[i] for i in index])
                      for k, v in self.cols.items()})


def _product_cols(names, catalogue: Catalogue) -> dict:
    codes = list(catalogue.products)
    code_index = {c: i for i, c in enumerate(codes)}
    cat_index = {c: i for i, c in enumerate(CATEGORIES)}
    prod, cat = [], []
    for name in names:
        res = catalogue.resolve(name)
        prod.append(code_index.get(res.product_code, -1))
        cat.append(cat_index.get(res.category, -1))
    return {"product": np.array(prod, dtype=np.int32), "category": np.array(cat, dtype=np.int16),
            "name": [normalise_text(n) for n in names]}


def listing_table(listings: list[Listing], catalogue: Catalogue) -> Table:
    cols = _product_cols([x.product for x in listings], catalogue)
    cols["variety"] = [normalise_text(f"{x.variety} {x.product}") for x in listings]
    cols["spec"] = [normalise_text(x.spec) for x in listings]
    cols["qty"] = np.array([x.quantity for x in listings], dtype=float)
    cols["qty_kg"] = np.array([_kg_or_nan(x.quantity, x.unit, x.net_weight_kg) for x in listings])
    cols["unit"] = np.array([unit_id(_count_unit(x.unit)) for x in listings], dtype=np.int32)
    cols["min_raw"] = np.array([x.min_order or 0.0 for x in listings], dtype=float)
    cols["min_kg"] = np.array([_kg_or_nan(x.min_order or 0.0, x.unit, x.net_weight_kg) for x in listings])
    cols["price_kg"] = np.array([_price_kg(x.price, x.price_unit, x.net_weight_kg) for x in listings])
    cols["price_raw"] = np.array([np.nan if x.price is None else x.price for x in listings])
    cols["price_unit"] = np.array([unit_id(_count_unit(units.parse_price_unit(x.price_unit)))
                                   if x.price_unit else 0 for x in listings], dtype=np.int32)
    cols["start"] = np.array([_day(x.available_from, FAR_PAST) for x in listings], dtype=np.int64)
    cols["end"] = np.array([_day(x.available_to, FAR_FUTURE) for x in listings], dtype=np.int64)
    cols["county"] = np.array([_county_int(x.county_code) for x in listings], dtype=np.int64)
    cols["certs"] = np.array([cert_mask(x.certifications) for x in listings], dtype=np.int64)
    cols["poverty"] = np.array([x.poverty_county if x.poverty_county is not None
                                else regions.is_poverty_county(x.county_code) for x in listings], dtype=bool)
    cols["old_rev"] = np.array([x.old_revolutionary_area if x.old_revolutionary_area is not None
                                else regions.is_old_revolutionary_area(x.county_code) for x in listings],
                               dtype=bool)
    cols["province_bit"] = np.array([province_bit(x.county_code) for x in listings], dtype=np.int64)
    return Table(list(listings), cols)


def demand_table(demands: list[Demand], catalogue: Catalogue) -> Table:
    cols = _product_cols([x.product for x in demands], catalogue)
    cols["variety"] = [normalise_text(x.variety) for x in demands]
    cols["spec"] = [normalise_text(x.spec) for x in demands]
    need = [x.quantity_min if x.quantity_min is not None else x.quantity_max for x in demands]
    cols["need_raw"] = np.array([np.nan if q is None else q for q in need], dtype=float)
    cols["need_kg"] = np.array([_kg_or_nan(q, x.unit, x.net_weight_kg) for q, x in zip(need, demands)])
    cols["max_raw"] = np.array([np.nan if x.quantity_max is None else x.quantity_max for x in demands])
    cols["max_kg"] = np.array([_kg_or_nan(x.quantity_max, x.unit, x.net_weight_kg) for x in demands])
    cols["unit"] = np.array([unit_id(_count_unit(x.unit)) for x in demands], dtype=np.int32)
    cols["ceil_kg"] = np.array([_price_kg(x.price_max, x.price_unit, x.net_weight_kg) for x in demands])
    cols["ceil_raw"] = np.array([np.nan if x.price_max is None else x.price_max for x in demands])
    cols["ceil_unit"] = np.array([unit_id(_count_unit(units.parse_price_unit(x.price_unit)))
                                  if x.price_unit else 0 for x in demands], dtype=np.int32)
    cols["start"] = np.array([_day(x.needed_from, FAR_PAST) for x in demands], dtype=np.int64)
    cols["end"] = np.array([_day(x.needed_to, FAR_FUTURE) for x in demands], dtype=np.int64)
    cols["county"] = np.array([_county_int(x.delivery_county_code) for x in demands], dtype=np.int64)
    cols["certs"] = np.array([cert_mask(x.required_certifications) for x in demands], dtype=np.int64)
    masks = []
    for x in demands:
        mask = 0
        for code in x.preferred_province_codes:
            mask |= province_bit(code)
        masks.append(mask)
    cols["preferred"] = np.array(masks, dtype=np.int64)
    return Table(list(demands), cols)
