"""Writes for buyer organisations, contacts, members, demands and saved searches.

Every function performs one use case: it checks permission and input, writes, audits, and commits;
or raises BuyerError(field, message) / VersionConflict before anything is written.
"""
import logging
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _

from accounts.models import User
from buyers import credit_code as cc
from buyers import engine, queries
from buyers.models import (
    BUYER_TYPES,
    CERTIFICATIONS,
    DEMAND_STATUSES,
    FREQUENCIES,
    BuyerContact,
    BuyerMember,
    BuyerOrg,
    Demand,
    SavedSearch,
)
from core import audit, regions, signals
from core.db import db, utcnow

log = logging.getLogger(__name__)

QUANTITY_UNITS = ("斤", "公斤", "千克", "kg", "吨", "箱", "件", "个", "头", "只")
PRICE_UNITS = ("元/斤", "元/公斤", "元/千克", "元/kg", "元/吨", "元/箱", "元/件", "元/个", "元/头", "元/只")
ORG_FIELDS = ("name", "type", "credit_code", "county_code", "address", "annual_volume_tons",
              "products_of_interest", "preferred_origin_codes", "delivery_region_codes", "source")
DEMAND_FIELDS = ("product_name", "variety", "spec", "quantity_min", "quantity_max", "unit", "price_max",
                 "price_unit", "delivery_county_code", "preferred_province_codes", "needed_from", "needed_to",
                 "required_certifications", "frequency", "notes")


class BuyerError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class VersionConflict(Exception):
    """The record changed since the user loaded it (HTTP 409)."""


class PermissionDenied(Exception):
    pass


# ---------------------------------------------------------------- validation helpers

def credit_code_message(reason: str) -> str:
    return {
        "length": _("A unified social credit code has 18 characters."),
        "forbidden": _("A unified social credit code never contains the letters I, O, Z, S or V."),
        "characters": _("A unified social credit code has only digits and capital letters."),
        "region": _("Characters 3 to 8 of the credit code must be a region code (digits)."),
        "check_digit": _("The check character of this credit code is wrong: please check for a typo."),
    }[reason]


def clean_credit_code(value) -> str | None:
    code = cc.normalise(value)
    if not code:
        return None
    reason = cc.problem(code)
    if reason:
        raise BuyerError("credit_code", credit_code_message(reason))
    return code


def _decimal(field: str, value, *, positive=True, required=True) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise BuyerError(field, _("Please fill this in."))
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise BuyerError(field, _("Enter a number."))
    if not number.is_finite() or (positive and number <= 0) or number < 0:
        raise BuyerError(field, _("Enter a number greater than zero.") if positive else _("Enter a number ≥ 0."))
    if number >= Decimal("1e11"):
        raise BuyerError(field, _("This number is too large."))
    return number


def _date(field: str, value) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise BuyerError(field, _("Enter a date as YYYY-MM-DD."))


def _text(field: str, value, max_len: int, required=False) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise BuyerError(field, _("Please fill this in."))
    if len(text) > max_len:
        raise BuyerError(field, _("At most %(n)d characters.", n=max_len))
    return text


def _codes(field: str, values, level_ok) -> list[str]:
    if isinstance(values, str):
        values = values.replace("，", ",").replace(" ", ",").split(",")
    codes = []
    for value in values or []:
        code = str(value).strip()
        if not code:
            continue
        if not level_ok(code):
            raise BuyerError(field, _("Unknown region code: %(code)s", code=code))
        if code not in codes:
            codes.append(code)
    return codes


def _list_of_words(values, max_items=50) -> list[str]:
    if isinstance(values, str):
        values = values.replace("，", ",").replace("、", ",").split(",")
    words = []
    for value in values or []:
        word = " ".join(str(value).split())[:50]
        if word and word not in words:
            words.append(word)
    return words[:max_items]


def _county(field: str, value) -> str:
    code = str(value or "").strip()
    if not code:
        raise BuyerError(field, _("Choose a region."))
    if not regions.is_leaf(code):
        raise BuyerError(field, _("Choose a county (or a city without counties), not a province or city."))
    return code


# ---------------------------------------------------------------- organisations

def clean_org(data: dict) -> dict:
    """Validated organisation fields (the import uses the same rules, row by row)."""
    clean = {
        "name": _text("name", data.get("name"), 200, required=True),
        "type": data.get("type"),
        "credit_code": clean_credit_code(data.get("credit_code")),
        "county_code": _county("county_code", data.get("county_code")),
        "address": _text("address", data.get("address"), 300),
        "annual_volume_tons": _decimal("annual_volume_tons", data.get("annual_volume_tons"), positive=False,
                                       required=False),
        "products_of_interest": _list_of_words(data.get("products_of_interest")),
        "preferred_origin_codes": _codes("preferred_origin_codes", data.get("preferred_origin_codes"),
                                         lambda c: regions.get(c) is not None),
        "delivery_region_codes": _codes("delivery_region_codes", data.get("delivery_region_codes"),
                                        lambda c: regions.get(c) is not None),
        "source": _text("source", data.get("source") or "manual", 200) or "manual",
    }
    if clean["type"] not in BUYER_TYPES:
        raise BuyerError("type", _("Choose the type of buyer."))
    return clean


def _check_unique_code(code: str | None, own_id: int | None = None) -> None:
    if not code:
        return
    other = db.session.scalar(sa.select(BuyerOrg).where(BuyerOrg.credit_code == code))
    if other is not None and other.id != own_id:
        raise BuyerError("credit_code", _("Another buyer already has this credit code (record %(id)d).",
                                          id=other.id))


def org_snapshot(org: BuyerOrg) -> dict:
    """The fields of an organisation as plain JSON (audit before/after)."""
    return {
        "name": org.name, "type": org.type, "credit_code": org.credit_code, "county_code": org.county_code,
        "address": org.address,
        "annual_volume_tons": None if org.annual_volume_tons is None else str(org.annual_volume_tons),
        "products_of_interest": list(org.products_of_interest or []),
        "preferred_origin_codes": list(org.preferred_origin_codes or []),
        "delivery_region_codes": list(org.delivery_region_codes or []), "source": org.source,
        "active": org.active, "verified_at": org.verified_at.isoformat() if org.verified_at else None,
        "merged_into_id": org.merged_into_id,
    }


def apply_org(org: BuyerOrg, clean: dict) -> None:
    for key, value in clean.items():
        setattr(org, key, value)
    org.province_code = regions.province_code(org.county_code) or org.county_code
    org.name_norm = engine.normalise_company_name(org.name)[:200]


def _may_create_org(user) -> None:
    if user.role == "buyer":
        if queries.org_for_user(user) is not None:
            raise BuyerError("name", _("You already act for an organisation."))
    elif user.role not in ("official", "admin"):
        raise PermissionDenied()


def create_org(user, data: dict, contacts: list[dict] | None = None) -> BuyerOrg:
    """A buyer user sets up their organisation (and becomes its member); officials add records in scope."""
    _may_create_org(user)
    clean = clean_org(data)
    if user.role == "official" and not queries.can_administer_region(user, clean["county_code"]):
        raise BuyerError("county_code", _("This region is outside your area."))
    _check_unique_code(clean["credit_code"])
    if user.role == "buyer":
        clean["source"] = "self_registered"
    org = BuyerOrg()
    apply_org(org, clean)
    db.session.add(org)
    db.session.flush()
    for contact in contacts or []:
        org.contacts.append(BuyerContact(**clean_contact(contact)))
    if user.role == "buyer":
        db.session.add(BuyerMember(buyer_id=org.id, user_id=user.id))
    audit.record("buyer.create", "buyer", org.id, after=org_snapshot(org), actor=user)
    db.session.commit()
    log.info("buyer %s created by user %s", org.id, user.id)
    return org


def update_org(user, org: BuyerOrg, data: dict, expected_version: int) -> BuyerOrg:
    if not queries.can_edit_org(user, org):
        raise PermissionDenied()
    if expected_version != org.version:
        raise VersionConflict()
    clean = clean_org({**data, "source": data.get("source") or org.source})
    if user.role == "official" and not queries.can_administer_region(user, clean["county_code"]):
        raise BuyerError("county_code", _("This region is outside your area."))
    _check_unique_code(clean["credit_code"], org.id)
    before = org_snapshot(org)
    identity_changed = (clean["name"], clean["credit_code"]) != (org.name, org.credit_code)
    apply_org(org, clean)
    if identity_changed and not queries.can_manage_org(user, org):
        # an official verified the old name and code; the organisation's own edit needs a new check
        org.verified_at, org.verified_by_id = None, None
    audit.record("buyer.update", "buyer", org.id, before=before, after=org_snapshot(org), actor=user)
    _commit_versioned()
    return org


def _commit_versioned() -> None:
    try:
        db.session.commit()
    except sa.orm.exc.StaleDataError:
        db.session.rollback()
        raise VersionConflict()


def verify_org(user, org: BuyerOrg, verified: bool = True) -> None:
    if not queries.can_manage_org(user, org):
        raise PermissionDenied()
    before = org_snapshot(org)
    org.verified_at = utcnow() if verified else None
    org.verified_by_id = user.id if verified else None
    audit.record("buyer.verify" if verified else "buyer.unverify", "buyer", org.id, before=before,
                 after=org_snapshot(org), actor=user)
    db.session.commit()


def set_active(user, org: BuyerOrg, active: bool) -> None:
    if not queries.can_manage_org(user, org):
        raise PermissionDenied()
    before = org_snapshot(org)
    org.active = active
    audit.record("buyer.activate" if active else "buyer.deactivate", "buyer", org.id, before=before,
                 after=org_snapshot(org), actor=user)
    db.session.commit()


# ---------------------------------------------------------------- contacts and members

def clean_contact(data: dict) -> dict:
    phone = _text("phone", data.get("phone"), 32)
    if phone and not all(ch.isdigit() or ch in "+-() " for ch in phone):
        raise BuyerError("phone", _("A phone number has only digits, spaces, + - and brackets."))
    email = _text("email", data.get("email"), 254)
    if email and ("@" not in email or " " in email):
        raise BuyerError("email", _("Enter a valid e-mail address."))
    return {"name": _text("name", data.get("name"), 100, required=True),
            "role": _text("role", data.get("role"), 100), "phone": phone, "email": email,
            "private": bool(data.get("private"))}


def add_contact(user, org: BuyerOrg, data: dict) -> BuyerContact:
    if not queries.can_edit_org(user, org):
        raise PermissionDenied()
    contact = BuyerContact(buyer_id=org.id, **clean_contact(data))
    db.session.add(contact)
    db.session.flush()
    audit.record("buyer.contact_add", "buyer", org.id, after={"contact_id": contact.id, "name": contact.name},
                 actor=user)
    db.session.commit()
    return contact


def delete_contact(user, contact: BuyerContact) -> None:
    org = contact.buyer
    if not queries.can_edit_org(user, org):
        raise PermissionDenied()
    audit.record("buyer.contact_delete", "buyer", org.id, before=clean_contact_snapshot(contact), actor=user)
    db.session.delete(contact)
    db.session.commit()


def clean_contact_snapshot(contact: BuyerContact) -> dict:
    return {"contact_id": contact.id, "name": contact.name, "role": contact.role, "phone": contact.phone,
            "email": contact.email, "private": contact.private}


def add_member(user, org: BuyerOrg, email: str) -> BuyerMember:
    """An organisation's user (or an official in scope) links another buyer account to the organisation."""
    if not queries.can_edit_org(user, org):
        raise PermissionDenied()
    account = db.session.scalar(sa.select(User).where(User.email == (email or "").strip().lower()))
    if account is None or account.role != "buyer":
        raise BuyerError("email", _("No buyer account has this e-mail address."))
    if queries.org_for_user(account) is not None:
        raise BuyerError("email", _("This account already acts for an organisation."))
    member = BuyerMember(buyer_id=org.id, user_id=account.id)
    db.session.add(member)
    audit.record("buyer.member_add", "buyer", org.id, after={"user_id": account.id}, actor=user)
    db.session.commit()
    return member


# ---------------------------------------------------------------- demands

def clean_demand(data: dict) -> dict:
    clean = {
        "product_name": _text("product_name", data.get("product_name") or data.get("product"), 100,
                              required=True),
        "variety": _text("variety", data.get("variety"), 100),
        "spec": _text("spec", data.get("spec"), 200),
        "quantity_min": _decimal("quantity_min", data.get("quantity_min")),
        "quantity_max": _decimal("quantity_max", data.get("quantity_max")),
        "unit": data.get("unit"),
        "price_max": _decimal("price_max", data.get("price_max"), required=False),
        "price_unit": data.get("price_unit") or None,
        "delivery_county_code": _county("delivery_county_code", data.get("delivery_county_code")),
        "preferred_province_codes": _codes(
            "preferred_province_codes", data.get("preferred_province_codes"),
            lambda c: getattr(regions.get(c), "level", None) == "province"),
        "needed_from": _date("needed_from", data.get("needed_from")),
        "needed_to": _date("needed_to", data.get("needed_to")),
        "required_certifications": list(data.get("required_certifications") or []),
        "frequency": data.get("frequency") or "one_off",
        "notes": _text("notes", data.get("notes"), 2000),
    }
    _check_demand(clean)
    return clean


def _check_demand(clean: dict) -> None:
    if clean["unit"] not in QUANTITY_UNITS:
        raise BuyerError("unit", _("Choose a unit."))
    if clean["quantity_max"] < clean["quantity_min"]:
        raise BuyerError("quantity_max", _("The maximum quantity must not be below the minimum."))
    if clean["price_max"] is not None and clean["price_unit"] not in PRICE_UNITS:
        raise BuyerError("price_unit", _("Choose the unit of the price ceiling."))
    if clean["price_max"] is None:
        clean["price_unit"] = None
    if clean["needed_to"] < clean["needed_from"]:
        raise BuyerError("needed_to", _("The end of the window must not be before its start."))
    if any(code not in CERTIFICATIONS for code in clean["required_certifications"]):
        raise BuyerError("required_certifications", _("Unknown certification."))
    if clean["frequency"] not in FREQUENCIES:
        raise BuyerError("frequency", _("Choose how often you buy."))


def _apply_demand(demand: Demand, clean: dict) -> None:
    resolved = engine.resolve_product(clean["product_name"])
    # looked up before any attribute changes: an autoflush in between would write (and version) twice
    product_id = queries.product_id_for_code(resolved[0] if resolved else None)
    for key, value in clean.items():
        setattr(demand, key, value)
    demand.product_code = resolved[0] if resolved else None
    demand.product_id = product_id
    demand.quantity_min_kg = engine.to_kg(demand.quantity_min, demand.unit)
    demand.quantity_max_kg = engine.to_kg(demand.quantity_max, demand.unit)
    demand.price_max_per_kg = (None if demand.price_max is None
                               else engine.price_per_kg(demand.price_max, demand.price_unit))


def demand_snapshot(demand: Demand) -> dict:
    record = queries.demand_record(demand)
    return {key: (str(value) if isinstance(value, Decimal) else value) for key, value in record.items()}


def create_demand(user, data: dict) -> Demand:
    """A buyer user posts a demand for the organisation they act for."""
    org = queries.org_for_user(user)
    if org is None or not org.active:
        raise BuyerError("product_name", _("Set up your organisation before posting demands."))
    return create_demand_for(org, data, actor=user)


def create_demand_for(org: BuyerOrg, data: dict, actor=None) -> Demand:
    """Posts a demand for an organisation (callers check who may; demo data and the API use it too)."""
    clean = clean_demand(data)
    demand = Demand(buyer_id=org.id, created_by_id=getattr(actor, "id", None), status="open")
    _apply_demand(demand, clean)
    db.session.add(demand)
    db.session.flush()
    audit.record("demand.create", "demand", demand.id, after=demand_snapshot(demand), actor=actor)
    db.session.commit()
    _after_demand_saved(demand, created=True)
    return demand


def update_demand(user, demand: Demand, data: dict, expected_version: int) -> Demand:
    if not queries.can_edit_demand(user, demand):
        raise PermissionDenied()
    if int(expected_version) != demand.version:
        raise VersionConflict()
    clean = clean_demand(data)
    before = demand_snapshot(demand)
    _apply_demand(demand, clean)
    audit.record("demand.update", "demand", demand.id, before=before, after=demand_snapshot(demand), actor=user)
    _commit_versioned()
    _after_demand_saved(demand, created=False)
    return demand


def set_demand_status(user, demand: Demand, status: str, expected_version: int | None = None) -> Demand:
    if not queries.can_edit_demand(user, demand):
        raise PermissionDenied()
    if status not in DEMAND_STATUSES:
        raise BuyerError("status", _("Unknown status."))
    if expected_version is not None and int(expected_version) != demand.version:
        raise VersionConflict()
    before = demand.status
    demand.status = status
    audit.record("demand.status", "demand", demand.id, before={"status": before}, after={"status": status},
                 actor=user)
    _commit_versioned()
    _after_demand_saved(demand, created=False)
    return demand


def _after_demand_saved(demand: Demand, created: bool) -> None:
    from buyers import matches

    matches.refresh_demand(demand.id)
    signals.demand_saved.send(demand, created=created)


# ---------------------------------------------------------------- saved searches

SEARCH_KEYS = ("q", "product", "province_code", "county_code", "certification", "verified", "kind")


def save_search(user, name: str, params: dict) -> SavedSearch:
    if user.role not in ("buyer", "official", "admin"):
        raise PermissionDenied()
    clean = {key: str(params[key]).strip()[:100] for key in SEARCH_KEYS if params.get(key)}
    if not clean.get("q") and not clean.get("product"):
        raise BuyerError("q", _("A saved search needs a product or search words."))
    name = _text("name", name, 100) or clean.get("product") or clean.get("q")
    resolved = engine.resolve_product(clean.get("product") or clean.get("q") or "")
    search = SavedSearch(user_id=user.id, name=name, params=clean, product_code=resolved[0] if resolved else None)
    db.session.add(search)
    db.session.commit()
    return search


def delete_saved_search(user, search: SavedSearch) -> None:
    if search.user_id != user.id:
        raise PermissionDenied()
    db.session.delete(search)
    db.session.commit()
