"""Column tables of prepared listings and demands: everything a score needs (resolved product,
kg quantities and prices, date ordinals, region ints, certification bitmasks) is computed once
per record, so ranking is numpy arithmetic over blocks instead of per-pair Python."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np

from . import regions, units
from .catalogue import CATEGORIES, Catalogue
from .normalise import normalise_text
from .records import CERTIFICATIONS, Demand, Listing

CERT_BITS = {code: 1 << i for i, code in enumerate(sorted(CERTIFICATIONS))}
FAR_PAST, FAR_FUTURE = -(10 ** 9), 10 ** 9
_UNIT_IDS: dict[str, int] = {}
# Interned normalised strings: tables hold int ids, so blocks find their distinct names with a
# fast integer np.unique and rapidfuzz compares each distinct pair of strings once.
STRINGS: list[str] = [""]
_STRING_IDS: dict[str, int] = {"": 0}


def intern(text: str) -> int:
    found = _STRING_IDS.get(text)
    if found is None:
        found = _STRING_IDS[text] = len(STRINGS)
        STRINGS.append(text)
    return found


def interned(texts) -> np.ndarray:
    return np.fromiter((intern(t) for t in texts), dtype=np.int64)


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
        """Rows `index` (records are fetched lazily by `record(i)` via `rows`)."""
        return Table(_Rows(self.records, index), {k: v[index] for k, v in self.cols.items()})


class _Rows:
    """A lazy view of records[index] (building lists per block would cost O(n) Python)."""

    def __init__(self, records, index):
        self._records, self._index = records, np.asarray(index)

    def __len__(self) -> int:
        return len(self._index)

    def __getitem__(self, i):
        return self._records[int(self._index[i])]


class _Cache:
    """Per-catalogue memo of the values a record's fields map to (names, units and counties
    repeat heavily), so a table is built in one cheap pass over the records."""

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self.code_index = {c: i for i, c in enumerate(catalogue.products)}
        self.cat_index = {c: i for i, c in enumerate(CATEGORIES)}
        self.product = lru_cache(maxsize=None)(self._product)
        self.text = lru_cache(maxsize=None)(lambda t: intern(normalise_text(t)))
        self.pair = lru_cache(maxsize=None)(lambda a, b: intern(normalise_text(a) + normalise_text(b)))

    def _product(self, name: str) -> tuple[int, int, int]:
        res = self.catalogue.resolve(name)
        return (self.code_index.get(res.product_code, -1), self.cat_index.get(res.category, -1),
                intern(normalise_text(name)))


_CACHES: dict[int, _Cache] = {}


def _cache(catalogue: Catalogue) -> _Cache:
    found = _CACHES.get(id(catalogue))
    if found is None or found.catalogue is not catalogue:
        found = _CACHES[id(catalogue)] = _Cache(catalogue)
    return found


@cache
def _unit_info(unit: str, net) -> tuple[float, int]:
    factor = units.kg_per_unit(unit, net)
    return (np.nan if factor is None else factor), unit_id(_count_unit(unit))


@cache
def _price_info(price_unit: str, net) -> tuple[float, int]:
    if not price_unit:
        return np.nan, 0
    unit = units.parse_price_unit(price_unit)
    factor = units.kg_per_unit(unit, net)
    return (np.nan if factor is None else factor), unit_id(_count_unit(unit))


@cache
def _county_info(code: str | None) -> tuple[int, bool, bool]:
    return _county_int(code), regions.is_poverty_county(code), regions.is_old_revolutionary_area(code)


@cache
def _ordinal(value) -> int:
    return value.toordinal()


_cert_mask = lru_cache(maxsize=None)(cert_mask)
_NAN = float("nan")


def _province_bits(county: np.ndarray) -> np.ndarray:
    bits = np.left_shift(np.int64(1), np.clip(county // 10000 - 11, 0, 62).astype(np.int64))
    return np.where(county > 0, bits, 0)


def _columns(rows: list[tuple], names: tuple[str, ...], dtypes: dict) -> dict:
    array = np.array(rows, dtype=np.float64).reshape(len(rows), len(names))
    return {name: array[:, i].astype(dtypes.get(name, np.float64)) for i, name in enumerate(names)}


_LISTING_COLS = ("product", "category", "name", "variety", "spec", "qty", "qty_kg", "unit", "min_raw",
                 "min_kg", "price_kg", "price_raw", "price_unit", "start", "end", "county", "certs",
                 "poverty", "old_rev")
_INTS = {"product": np.int32, "category": np.int16, "name": np.int64, "variety": np.int64,
         "spec": np.int64, "unit": np.int32, "price_unit": np.int32, "ceil_unit": np.int32,
         "start": np.int64, "end": np.int64, "county": np.int64, "certs": np.int64,
         "poverty": bool, "old_rev": bool, "preferred": np.int64}


def _listing_row(x: Listing, cache: _Cache) -> tuple:
    product, category, name = cache.product(x.product)
    kg, unit = _unit_info(x.unit, x.net_weight_kg)
    price_factor, price_unit = _price_info(x.price_unit, x.net_weight_kg)
    county, poverty, old_rev = _county_info(x.county_code)
    if x.poverty_county is not None:
        poverty = x.poverty_county
    if x.old_revolutionary_area is not None:
        old_rev = x.old_revolutionary_area
    minimum = x.min_order or 0.0
    price = _NAN if x.price is None else x.price
    return (product, category, name, cache.pair(x.variety, x.product), cache.text(x.spec),
            x.quantity, x.quantity * kg, unit, minimum, minimum * kg, price / price_factor, price,
            price_unit, _ordinal(x.available_from) if x.available_from else FAR_PAST,
            _ordinal(x.available_to) if x.available_to else FAR_FUTURE, county,
            _cert_mask(x.certifications), poverty, old_rev)


def listing_table(listings: list[Listing], catalogue: Catalogue) -> Table:
    cache = _cache(catalogue)
    cols = _columns([_listing_row(x, cache) for x in listings], _LISTING_COLS, _INTS)
    cols["province_bit"] = _province_bits(cols["county"])
    return Table(list(listings), cols)


_DEMAND_COLS = ("product", "category", "name", "variety", "spec", "need_raw", "need_kg", "max_raw",
                "max_kg", "unit", "ceil_kg", "ceil_raw", "ceil_unit", "start", "end", "county", "certs",
                "preferred")


def _demand_row(x: Demand, cache: _Cache) -> tuple:
    product, category, name = cache.product(x.product)
    kg, unit = _unit_info(x.unit, x.net_weight_kg)
    price_factor, price_unit = _price_info(x.price_unit, x.net_weight_kg)
    need = x.quantity_min if x.quantity_min is not None else x.quantity_max
    need = _NAN if need is None else need
    most = _NAN if x.quantity_max is None else x.quantity_max
    ceiling = _NAN if x.price_max is None else x.price_max
    preferred = 0
    for code in x.preferred_province_codes:
        preferred |= province_bit(code)
    return (product, category, name, cache.text(x.variety), cache.text(x.spec), need, need * kg,
            most, most * kg, unit, ceiling / price_factor, ceiling, price_unit,
            _ordinal(x.needed_from) if x.needed_from else FAR_PAST,
            _ordinal(x.needed_to) if x.needed_to else FAR_FUTURE,
            _county_int(x.delivery_county_code), _cert_mask(x.required_certifications), preferred)


def demand_table(demands: list[Demand], catalogue: Catalogue) -> Table:
    cache = _cache(catalogue)
    rows = [_demand_row(x, cache) for x in demands]
    preferred = np.array([r[-1] for r in rows], dtype=np.int64)
    cols = _columns([r[:-1] for r in rows], _DEMAND_COLS[:-1], _INTS)
    cols["preferred"] = preferred
    return Table(list(demands), cols)
