"""Checking a listing's fields (from a form, the API or an import row) into clean values.

One function for every entry point, so that the rules live in one place. Errors are collected per
field; the caller shows them next to the fields, as JSON, or in the import's row report.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from core import regions
from matching import units as mu
from produce.models import CERTIFICATIONS
from produce.units import PRICE_UNITS, QUANTITY_UNITS, is_count_unit

MAX_AMOUNT = Decimal("1e10")
MAX_WINDOW_DAYS = 366 * 2
TEXT_LIMITS = {"product": 60, "variety": 60, "spec": 120, "description": 2000}
FIELDS = ("product", "variety", "spec", "quantity", "unit", "net_weight_kg", "price", "price_unit", "min_order",
          "available_from", "available_to", "county_code", "certifications", "description")
NEGOTIABLE = {"", "面议", "negotiable", "议价"}


def _text(data, name, errors, required=False) -> str:
    value = data.get(name)
    value = "" if value is None else str(value).strip()
    if required and not value:
        errors[name] = _("This field is required.")
    elif len(value) > TEXT_LIMITS[name]:
        errors[name] = _("At most %(n)d characters.", n=TEXT_LIMITS[name])
    return value


def _decimal(data, name, errors, required=False, allow_zero=False) -> Decimal | None:
    raw = data.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            errors[name] = _("This field is required.")
        return None
    if isinstance(raw, bool | float):
        raw = str(raw) if isinstance(raw, float) else raw
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        errors[name] = _("Enter a number.")
        return None
    if not value.is_finite():
        errors[name] = _("Enter a number.")
    elif value < 0 or (value == 0 and not allow_zero):
        errors[name] = _("Must be more than zero.") if not allow_zero else _("Must not be negative.")
    elif value >= MAX_AMOUNT:
        errors[name] = _("The number is too large.")
    elif value.as_tuple().exponent < -3:
        errors[name] = _("At most three decimal places.")
    else:
        return value
    return None


def _date(data, name, errors) -> date | None:
    raw = data.get(name)
    if isinstance(raw, date):
        return raw
    if raw is None or not str(raw).strip():
        errors[name] = _("This field is required.")
        return None
    try:
        return date.fromisoformat(str(raw).strip()[:10])
    except ValueError:
        errors[name] = _("Enter a date like 2026-05-01.")
        return None


def _certifications(data, held, errors) -> list[str]:
    raw = data.get("certifications") or []
    if isinstance(raw, str):
        raw = list(raw.replace("，", ",").replace("|", ",").split(","))
    codes = sorted({str(c).strip() for c in raw if str(c).strip()})
    unknown = [c for c in codes if c not in CERTIFICATIONS]
    if unknown:
        errors["certifications"] = _("Unknown certification: %(codes)s.", codes=", ".join(unknown))
    elif held is not None and not set(codes) <= held:
        errors["certifications"] = _("Only certifications your profile holds (and that have not expired).")
    return codes


def _units(data, clean, errors) -> None:
    unit = str(data.get("unit") or "").strip()
    if unit not in QUANTITY_UNITS:
        errors["unit"] = _("Choose a unit: %(units)s.", units=" ".join(QUANTITY_UNITS))
    clean["unit"] = unit
    clean["net_weight_kg"] = _decimal(data, "net_weight_kg", errors)
    if clean["net_weight_kg"] is None and "net_weight_kg" not in errors and is_count_unit(unit):
        from_spec = mu.net_weight_from_spec(clean.get("spec"))
        clean["net_weight_kg"] = Decimal(str(from_spec)).quantize(Decimal("0.001")) if from_spec else None
    price_raw = data.get("price")
    negotiable = price_raw is None or (isinstance(price_raw, str) and price_raw.strip().lower() in NEGOTIABLE)
    clean["price"] = None if negotiable else _decimal(data, "price", errors, allow_zero=True)
    price_unit = str(data.get("price_unit") or "").strip() or (f"元/{unit}" if unit else "")
    if price_unit not in PRICE_UNITS:
        errors["price_unit"] = _("Choose a price unit such as 元/斤 or 元/公斤.")
    clean["price_unit"] = price_unit


def clean_listing(data: dict, *, default_county: str | None = None, held: set[str] | None = None,
                  today: date | None = None) -> tuple[dict, dict]:
    """(clean values, errors by field). `held`: the producer's certifications (None skips that check)."""
    today = today or date.today()
    errors: dict[str, str] = {}
    clean = {name: _text(data, name, errors, required=name == "product")
             for name in ("product", "variety", "spec", "description")}
    clean["quantity"] = _decimal(data, "quantity", errors, required=True)
    _units(data, clean, errors)
    clean["min_order"] = _decimal(data, "min_order", errors)
    if clean["min_order"] and clean["quantity"] and clean["min_order"] > clean["quantity"]:
        errors["min_order"] = _("The minimum order cannot exceed the quantity offered.")
    clean["available_from"] = _date(data, "available_from", errors)
    clean["available_to"] = _date(data, "available_to", errors)
    start, end = clean["available_from"], clean["available_to"]
    if start and end:
        if end < start:
            errors["available_to"] = _("The end of the supply window must not be before its start.")
        elif end < today:
            errors["available_to"] = _("The supply window has already ended.")
        elif (end - start) > timedelta(days=MAX_WINDOW_DAYS):
            errors["available_to"] = _("A supply window can be at most two years long.")
    county = str(data.get("county_code") or default_county or "").strip()
    if not regions.is_leaf(county):
        errors["county_code"] = _("Enter a valid six-digit county code.")
    clean["county_code"] = county
    clean["certifications"] = _certifications(data, held, errors)
    return clean, errors
