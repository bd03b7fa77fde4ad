"""Input records with the issue's field names. `from_dict` validates and ignores unknown keys;
a bad value raises RecordError naming the field (the CLI reports it with the line number)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from datetime import date
from functools import lru_cache

from . import units

CERTIFICATIONS = frozenset({"green_food", "organic", "gi", "pollution_free"})
_UNIT_FAST = frozenset(units.KG_PER_UNIT) | units.COUNT_UNITS


class RecordError(ValueError):
    def __init__(self, field_name: str, message: str):
        super().__init__(f"{field_name}: {message}")
        self.field = field_name


def _number(data: dict, name: str, required: bool = False, minimum: float = 0.0) -> float | None:
    value = data.get(name)
    if (value.__class__ is int or value.__class__ is float) and minimum <= value < math.inf:
        return float(value)  # fast path for the common case
    if value is None or value == "":
        if required:
            raise RecordError(name, "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise RecordError(name, "must be a number")
    try:
        number = float(value)
    except ValueError:
        raise RecordError(name, f"{value!r} is not a number") from None
    if math.isnan(number) or math.isinf(number) or number < minimum:
        raise RecordError(name, f"must be a number >= {minimum:g}")
    return number


def _text(data: dict, name: str, required: bool = False) -> str:
    value = data.get(name)
    if value.__class__ is str:
        value = value.strip()
        if value or not required:
            return value
    if value is None:
        value = ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise RecordError(name, "must be text")
    value = str(value).strip()
    if required and not value:
        raise RecordError(name, "is required")
    return value


def _id(data: dict):
    value = data.get("id")
    if value is None or isinstance(value, (bool, list, dict, float)) or value == "":
        raise RecordError("id", "is required (a string or an integer)")
    return value


@lru_cache(maxsize=8192)
def _parse_date(text: str) -> date:
    return date.fromisoformat(text[:10])


def _date(data: dict, name: str) -> date | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    if value.__class__ is str:
        try:
            return _parse_date(value)
        except ValueError:
            pass
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise RecordError(name, f"{value!r} is not an ISO date (YYYY-MM-DD)") from None


def _county(data: dict, name: str) -> str | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    if value.__class__ is str and len(value) == 6 and value.isdigit():
        return value
    text = str(int(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value).strip()
    if len(text) != 6 or not text.isdigit():
        raise RecordError(name, f"{value!r} is not a six-digit GB/T 2260 code")
    return text


def _codes(data: dict, name: str, allowed: frozenset | None = None) -> tuple[str, ...]:
    value = data.get(name) or ()
    if not value:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise RecordError(name, "must be a list")
    out = []
    for item in value:
        text = str(item).strip()
        if allowed is not None and text not in allowed:
            raise RecordError(name, f"unknown code {text!r} (allowed: {', '.join(sorted(allowed))})")
        out.append(text)
    return tuple(dict.fromkeys(out))


def _flag(data: dict, name: str) -> bool | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise RecordError(name, "must be true or false")
    return value


def _unit(data: dict, name: str) -> str:
    value = data.get(name)
    if value.__class__ is str and value in _UNIT_FAST:
        return value
    try:
        return units.normalise_unit(_text(data, name, required=True))
    except units.UnitError as exc:
        raise RecordError(name, str(exc)) from None


def _price_unit(data: dict, name: str, price) -> str:
    text = _text(data, name)
    if not text:
        if price is None:
            return ""
        raise RecordError(name, "is required with a price")
    try:
        units.parse_price_unit(text)
    except units.UnitError as exc:
        raise RecordError(name, str(exc)) from None
    return text


def _net_weight(data: dict, spec: str) -> float | None:
    return _number(data, "net_weight_kg") or units.net_weight_from_spec(spec)


def _window(start: date | None, end: date | None, names: tuple[str, str]) -> None:
    if start and end and end < start:
        raise RecordError(names[1], f"is before {names[0]}")


@dataclass(slots=True)
class Listing:
    id: object
    product: str
    variety: str = ""
    spec: str = ""
    quantity: float = 0.0
    unit: str = "公斤"
    price: float | None = None
    price_unit: str = ""
    min_order: float | None = None
    available_from: date | None = None
    available_to: date | None = None
    county_code: str | None = None
    certifications: tuple[str, ...] = ()
    poverty_county: bool | None = None
    old_revolutionary_area: bool | None = None
    net_weight_kg: float | None = None  # per count unit; also read from spec ("10斤/箱")

    @classmethod
    def from_dict(cls, data: dict) -> Listing:
        if not isinstance(data, dict):
            raise RecordError("record", "must be a JSON object")
        price = _number(data, "price")
        spec = _text(data, "spec")
        start, end = _date(data, "available_from"), _date(data, "available_to")
        _window(start, end, ("available_from", "available_to"))
        return cls(
            id=_id(data), product=_text(data, "product", required=True),
            variety=_text(data, "variety"), spec=spec,
            quantity=_number(data, "quantity", required=True), unit=_unit(data, "unit"),
            price=price, price_unit=_price_unit(data, "price_unit", price),
            min_order=_number(data, "min_order"), available_from=start, available_to=end,
            county_code=_county(data, "county_code"),
            certifications=_codes(data, "certifications", CERTIFICATIONS),
            poverty_county=_flag(data, "poverty_county"),
            old_revolutionary_area=_flag(data, "old_revolutionary_area"),
            net_weight_kg=_net_weight(data, spec))


@dataclass(slots=True)
class Demand:
    id: object
    product: str
    variety: str = ""
    spec: str = ""
    quantity_min: float | None = None
    quantity_max: float | None = None
    unit: str = "公斤"
    price_max: float | None = None
    price_unit: str = ""
    needed_from: date | None = None
    needed_to: date | None = None
    delivery_county_code: str | None = None
    preferred_province_codes: tuple[str, ...] = ()
    required_certifications: tuple[str, ...] = ()
    net_weight_kg: float | None = None

    @classmethod
    def from_dict(cls, data: dict) -> Demand:
        if not isinstance(data, dict):
            raise RecordError("record", "must be a JSON object")
        price = _number(data, "price_max")
        spec = _text(data, "spec")
        qmin, qmax = _number(data, "quantity_min"), _number(data, "quantity_max")
        if qmin is not None and qmax is not None and qmax < qmin:
            raise RecordError("quantity_max", "is below quantity_min")
        start, end = _date(data, "needed_from"), _date(data, "needed_to")
        _window(start, end, ("needed_from", "needed_to"))
        provinces = _codes(data, "preferred_province_codes")
        for code in provinces:
            if len(code) != 6 or not code.isdigit():
                raise RecordError("preferred_province_codes", f"{code!r} is not a six-digit code")
        return cls(
            id=_id(data), product=_text(data, "product", required=True),
            variety=_text(data, "variety"), spec=spec, quantity_min=qmin, quantity_max=qmax,
            unit=_unit(data, "unit") if data.get("unit") or qmin is not None or qmax is not None else "公斤",
            price_max=price,
            price_unit=_price_unit(data, "price_unit", price), needed_from=start, needed_to=end,
            delivery_county_code=_county(data, "delivery_county_code"),
            preferred_province_codes=provinces,
            required_certifications=_codes(data, "required_certifications", CERTIFICATIONS),
            net_weight_kg=_net_weight(data, spec))


@dataclass(slots=True)
class BuyerRecord:
    id: object
    name: str
    credit_code: str = ""
    county_code: str | None = None
    address: str = ""
    phones: tuple[str, ...] = field(default_factory=tuple)
    contact_name: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> BuyerRecord:
        if not isinstance(data, dict):
            raise RecordError("record", "must be a JSON object")
        return cls(id=_id(data), name=_text(data, "name", required=True),
                   credit_code=_text(data, "credit_code").upper(),
                   county_code=_county(data, "county_code"), address=_text(data, "address"),
                   phones=_codes(data, "phones"), contact_name=_text(data, "contact_name"))


def field_names(cls) -> list[str]:
    return [f.name for f in fields(cls)]
