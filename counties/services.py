"""Writes: the registry, indicator values, indicator definitions and targets. Each use case validates
everything first, writes, audits (who, when, old -> new) and commits once; nothing is half-written."""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from accounts.models import User
from core import audit, regions
from core.db import db
from counties import permissions, validation
from counties.models import FUND_FIELDS, INDICATOR_KINDS, PROGRAMME_FLAGS, DemoCounty, Indicator, IndicatorValue, Target
from counties.seed import BUILTIN_INDICATORS
from counties.validation import FieldError

AUDIT_TYPE = "demo_county"
CENTS = Decimal("0.01")
FLAG_WORDS = {"边境县": "border", "民族地区": "ethnic", "乡村振兴重点帮扶县": "rural_revitalisation_key",
              "产粮大县": "major_grain", "西部地区": "western"}


class NotAllowed(Exception):
    """The user may not do this (views answer 403)."""


@dataclass
class RowError:
    row: int  # the spreadsheet row number (the header is row 1)
    field: str
    message: str


@dataclass
class ImportFailed(Exception):
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


# ------------------------------------------------------------------ indicators and targets

def ensure_indicators() -> int:
    """Adds the built-in indicators that are missing (by code); returns how many were added."""
    known = set(db.session.scalars(sa.select(Indicator.code)))
    added = 0
    for order, (code, zh, en, kind, unit, flow, definition) in enumerate(BUILTIN_INDICATORS):
        if code not in known:
            db.session.add(Indicator(code=code, name_zh=zh, name_en=en, kind=kind, unit=unit, flow=flow,
                                     definition=definition, sort_order=(order + 1) * 10))
            added += 1
    db.session.commit()
    return added


def _indicator_data(raw: dict, current: Indicator | None) -> dict:
    code = str(raw.get("code") or "").strip().lower()
    if not code.replace("_", "").isalnum() or not code.isascii() or len(code) > 40:
        raise FieldError("code", _("Use lower-case letters, digits and underscores."))
    clash = db.session.scalar(sa.select(Indicator).where(Indicator.code == code))
    if clash is not None and clash is not current:
        raise FieldError("code", _("An indicator with this code exists."))
    kind = raw.get("kind")
    if kind not in INDICATOR_KINDS:
        raise FieldError("kind", _("Choose a kind."))
    for name in ("name_zh", "name_en"):
        if not str(raw.get(name) or "").strip():
            raise FieldError(name, _("This field is required."))
    return {
        "code": code, "kind": kind, "unit": validation.kind_unit(kind, raw.get("unit") or ""),
        "name_zh": raw["name_zh"].strip(), "name_en": raw["name_en"].strip(),
        "definition": str(raw.get("definition") or "").strip(), "flow": bool(raw.get("flow")),
        "sort_order": int(raw.get("sort_order") or 100), "active": bool(raw.get("active", True)),
    }


def save_indicator(user, raw: dict, indicator: Indicator | None = None) -> Indicator:
    if not permissions.is_admin(user):
        raise NotAllowed
    data = _indicator_data(raw, indicator)
    if indicator is not None and indicator.kind != data["kind"] and _has_values(indicator):
        raise FieldError("kind", _("Values exist for this indicator: its kind cannot change."))
    before = _indicator_snapshot(indicator) if indicator else None
    indicator = indicator or Indicator()
    for key, value in data.items():
        setattr(indicator, key, value)
    db.session.add(indicator)
    db.session.flush()
    audit.record("indicator.save", "indicator", indicator.code, before=before, after=_indicator_snapshot(indicator),
                 actor=user)
    db.session.commit()
    return indicator


def _has_values(indicator: Indicator) -> bool:
    return db.session.scalar(sa.select(IndicatorValue.id).where(IndicatorValue.indicator_id == indicator.id)
                             .limit(1)) is not None


def _indicator_snapshot(indicator: Indicator) -> dict:
    return {k: getattr(indicator, k) for k in ("code", "name_zh", "name_en", "kind", "unit", "flow", "active")}


def save_target(user, raw: dict) -> Target:
    if not permissions.is_admin(user):
        raise NotAllowed
    indicator = db.session.get(Indicator, int(raw.get("indicator_id") or 0))
    if indicator is None:
        raise FieldError("indicator_id", _("Choose an indicator."))
    kind = raw.get("kind") or "at_least"
    if kind not in ("at_least", "growth_above_average"):
        raise FieldError("kind", _("Choose a kind."))
    minimum = None if kind == "growth_above_average" else Decimal(0)
    threshold = validation.decimal(raw.get("threshold"), "threshold", places=3, minimum=minimum)
    if kind == "at_least":
        validation.indicator_value(indicator, threshold, "threshold")
    scope = str(raw.get("scope_code") or "").strip() or None
    if scope is not None and regions.get(scope) is None:
        raise FieldError("scope_code", _("Unknown region code."))
    target = Target(indicator=indicator, kind=kind, threshold=threshold, due_on=raw.get("due_on"),
                    scope_code=scope, description=str(raw.get("description") or "").strip()[:200])
    db.session.add(target)
    db.session.flush()
    audit.record("target.create", "target", target.id, after=_target_snapshot(target), actor=user)
    db.session.commit()
    return target


def delete_target(user, target: Target) -> None:
    if not permissions.is_admin(user):
        raise NotAllowed
    audit.record("target.delete", "target", target.id, before=_target_snapshot(target), actor=user)
    db.session.delete(target)
    db.session.commit()


def _target_snapshot(target: Target) -> dict:
    return {"indicator": target.indicator.code, "kind": target.kind, "threshold": str(target.threshold),
            "due_on": target.due_on.isoformat() if target.due_on else None, "scope_code": target.scope_code}


# ------------------------------------------------------------------ registry

def county_snapshot(county: DemoCounty) -> dict:
    return {
        "code": county.code, "batch_year": county.batch_year, "poverty_override": county.poverty_override,
        "old_revolutionary_area": county.old_revolutionary_area, "programme_flags": list(county.programme_flags),
        **{name: str(Decimal(getattr(county, name)).quantize(CENTS)) for name in FUND_FIELDS},
        "officials": [user.email for user in county.officials], "notes": county.notes,
    }


def _poverty_override(value) -> bool | None:
    if value in (None, "", "auto"):
        return None
    if isinstance(value, bool):
        return value
    return validation.flag(value, "poverty_override")


def _programme_flags(value) -> list[str]:
    if isinstance(value, list | tuple):
        words = list(value)
    else:
        words = [w.strip() for w in str(value or "").replace("，", "|").replace(",", "|").split("|") if w.strip()]
    flags = []
    for word in words:
        flag = FLAG_WORDS.get(word, word)
        if flag not in PROGRAMME_FLAGS:
            raise FieldError("programme_flags", _("Unknown programme flag: %(flag)s.", flag=word))
        if flag not in flags:
            flags.append(flag)
    return flags


def _officials(value, code: str) -> list[User]:
    emails = value if isinstance(value, list | tuple) else str(value or "").replace("，", ";").replace(",", ";")
    emails = [e.strip().lower() for e in (emails.split(";") if isinstance(emails, str) else emails) if e.strip()]
    users = []
    for email in dict.fromkeys(emails):
        user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email))
        if user is None or user.role != "official" or not regions.is_within(code, user.region_code):
            raise FieldError("officials", _("%(email)s is not an official responsible for this county.", email=email))
        users.append(user)
    return users


def county_data(raw: dict, today: date | None = None) -> dict:
    """Validates a registry record (from a form, an import row or the API); raises FieldError on the first bad
    field."""
    code = validation.county_code(raw.get("code"))
    name = str(raw.get("name") or "").strip()
    if name and name not in (regions.get(code).name, regions.get(code).short_name):
        raise FieldError("name", _("The county name does not match code %(code)s (%(name)s).",
                                   code=code, name=regions.get(code).name))
    data = {
        "code": code,
        "batch_year": validation.batch_year(raw.get("batch_year"), today),
        "poverty_override": _poverty_override(raw.get("poverty_override")),
        "old_revolutionary_area": validation.flag(raw.get("old_revolutionary_area"), "old_revolutionary_area"),
        "programme_flags": _programme_flags(raw.get("programme_flags")),
        "notes": str(raw.get("notes") or "").strip()[:2000],
    }
    for name in FUND_FIELDS:
        data[name] = validation.decimal(raw.get(name) or 0, name)
    for source in ("central", "local"):
        if data[f"{source}_disbursed"] > data[f"{source}_allocated"]:
            raise FieldError(f"{source}_disbursed", _("Disbursed funds cannot exceed allocated funds."))
    data["officials"] = _officials(raw.get("officials"), code)
    return data


def _apply_county(county: DemoCounty, data: dict) -> bool:
    before = county_snapshot(county) if county.id else None
    for key, value in data.items():
        setattr(county, key, value)
    db.session.add(county)
    db.session.flush()
    after = county_snapshot(county)
    if before == after:
        return False
    audit.record("county.create" if before is None else "county.update", AUDIT_TYPE, county.code,
                 before=before, after=after)
    return True


def create_county(user, raw: dict, today: date | None = None) -> DemoCounty:
    data = county_data(raw, today)
    if not permissions.can_manage_registry(user, data["code"]):
        raise NotAllowed
    if db.session.scalar(sa.select(DemoCounty).where(DemoCounty.code == data["code"])) is not None:
        raise FieldError("code", _("This county is already in the registry."))
    county = DemoCounty()
    _apply_county(county, data)
    db.session.commit()
    return county


def update_county(user, county: DemoCounty, raw: dict, today: date | None = None) -> DemoCounty:
    if not permissions.can_manage_registry(user, county.code):
        raise NotAllowed
    data = county_data({**raw, "code": county.code}, today)
    _apply_county(county, data)
    db.session.commit()
    return county


def import_counties(user, rows: list[dict], today: date | None = None) -> ImportResult:
    """All or nothing: every row is validated first; any error -> nothing is written, every error reported."""
    errors, parsed, seen = [], [], {}
    for number, raw in rows:
        try:
            data = county_data(raw, today)
            if not permissions.can_manage_registry(user, data["code"]):
                raise FieldError("code", _("You may not manage counties outside your region."))
            if data["code"] in seen:
                raise FieldError("code", _("Duplicate of row %(row)d.", row=seen[data["code"]]))
            seen[data["code"]] = number
            parsed.append(data)
        except FieldError as error:
            errors.append(RowError(number, error.field, error.message))
    if errors or not parsed:
        raise ImportFailed(errors or [RowError(1, "file", _("The file has no data rows."))])
    result = ImportResult()
    existing = {c.code: c for c in db.session.scalars(
        sa.select(DemoCounty).where(DemoCounty.code.in_([d["code"] for d in parsed])))}
    for data in parsed:
        county = existing.get(data["code"])
        changed = _apply_county(county or DemoCounty(), data)
        if county is None:
            result.created += 1
        elif changed:
            result.updated += 1
        else:
            result.unchanged += 1
    db.session.commit()
    return result


# ------------------------------------------------------------------ indicator values

def _set_value(county: DemoCounty, indicator: Indicator, period: str, value: Decimal, user, source: str) -> str | None:
    """Writes one cell and audits it; returns 'created', 'updated' or None (the same value was there)."""
    row = db.session.scalar(sa.select(IndicatorValue).filter_by(
        county_id=county.id, indicator_id=indicator.id, period=period))
    if row is not None and row.value == value:
        return None
    before = None if row is None else {"indicator": indicator.code, "period": period, "value": str(row.value)}
    if row is None:
        row = IndicatorValue(county_id=county.id, indicator_id=indicator.id, period=period)
        db.session.add(row)
    row.value, row.source, row.entered_by_id = value, source, getattr(user, "id", None)
    audit.record("county.value_set", AUDIT_TYPE, county.code, before=before,
                 after={"indicator": indicator.code, "period": period, "value": str(value), "source": source},
                 actor=user)
    return "updated" if before else "created"


def save_values(user, county: DemoCounty, period_text, raw_values: dict, today: date | None = None) -> int:
    """One period's values for one county; blank fields are left as they are. Returns how many changed.
    Raises FieldErrors (one per bad field: 'period' or an indicator code) before writing anything."""
    if not permissions.can_enter_values(user, county.code):
        raise NotAllowed
    indicators = {i.code: i for i in db.session.scalars(sa.select(Indicator).where(Indicator.active))}
    errors, parsed, period = [], {}, None
    try:
        period = validation.period(period_text, today).code
    except FieldError as error:
        errors.append(error)
    for code, text in raw_values.items():
        try:
            if code not in indicators:
                raise FieldError(code, _("Unknown indicator."))
            if text is not None and str(text).strip() != "":
                parsed[code] = validation.indicator_value(indicators[code], text, code)
        except FieldError as error:
            errors.append(error)
    if errors:
        raise validation.FieldErrors(errors)
    cells = [(county, indicators[c], period, v) for c, v in parsed.items()]
    return sum(1 for outcome in _write_cells(cells, user, "manual") if outcome)


def _write_cells(cells, user, source: str) -> list[str | None]:
    """Writes and commits the cells. Two writers adding the same new cell at once (PostgreSQL lets both read
    "no row") make one commit fail on the unique key: that one rolls back and runs again, now updating."""
    for attempt in (1, 2):
        try:
            outcomes = [_set_value(county, indicator, period, value, user, source)
                        for county, indicator, period, value in cells]
            db.session.commit()
            return outcomes
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
    return []


def _indicator_by_text(text, indicators: dict) -> Indicator:
    key = str(text or "").strip()
    found = indicators.get(key.lower()) or next((i for i in indicators.values() if key in (i.name_zh, i.name_en)), None)
    if found is None:
        raise FieldError("indicator", _("Unknown indicator: %(name)s.", name=key or "—"))
    return found


def import_values(user, rows: list[tuple[int, dict]], today: date | None = None) -> ImportResult:
    """Long format, one value per row: county code, period, indicator (code or name), value, optional unit.
    Only the officials of each row's county may import it. All or nothing."""
    indicators = {i.code: i for i in db.session.scalars(sa.select(Indicator).where(Indicator.active))}
    counties = {c.code: c for c in db.session.scalars(sa.select(DemoCounty))}
    errors, parsed, seen = [], [], {}
    for number, raw in rows:
        try:
            code = validation.county_code(raw.get("code"))
            county = counties.get(code)
            if county is None:
                raise FieldError("code", _("This county is not in the registry."))
            if not permissions.can_enter_values(user, code):
                raise FieldError("code", _("Only the officials of this county may enter its values."))
            period = validation.period(raw.get("period"), today).code
            indicator = _indicator_by_text(raw.get("indicator"), indicators)
            validation.unit_matches(indicator, raw.get("unit"))
            value = validation.indicator_value(indicator, raw.get("value"), "value")
            key = (code, period, indicator.code)
            if key in seen:
                raise FieldError("indicator", _("Duplicate of row %(row)d.", row=seen[key]))
            seen[key] = number
            parsed.append((county, indicator, period, value))
        except FieldError as error:
            errors.append(RowError(number, error.field, error.message))
    if errors or not parsed:
        raise ImportFailed(errors or [RowError(1, "file", _("The file has no data rows."))])
    outcomes = _write_cells(parsed, user, "import")
    return ImportResult(created=outcomes.count("created"), updated=outcomes.count("updated"),
                        unchanged=outcomes.count(None))
