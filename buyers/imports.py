"""Import of buyer lists: validate every row, resolve entities against the database and the file,
stage a preview for the official, then commit all-or-nothing.

The staged import is a JSON file under UPLOAD_FOLDER/buyer_imports/<random id>.json plus a
buyer_imports row binding that id to the official who uploaded it.
"""
import logging
import time
from decimal import Decimal
from pathlib import Path

import orjson
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from accounts.permissions import can_administer_region
from buyers import columns, engine, importfile, services
from buyers.models import BuyerContact, BuyerImport, BuyerOrg
from core import audit, bulk, regions
from core.db import db, utcnow

log = logging.getLogger(__name__)
DECISIONS = ("new", "skip")


class ImportError_(ValueError):
    """The import cannot be committed; `errors` lists [(line, field, message)]."""

    def __init__(self, message: str, errors=None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


def file_error_message(code: str) -> str:
    return {
        "xlsx_invalid": _("This is not a readable XLSX file."),
        "xlsx_bomb": _("This XLSX file expands to far more data than a buyer list holds; it was refused."),
        "xlsx_unsafe": _("XLSX files cannot be read safely on this server; upload CSV instead."),
        "encoding": _("The CSV file must be UTF-8 or GB18030 (GBK) encoded."),
        "header": _("The first row must hold the column headers of the template (at least 名称)."),
        "empty": _("The file holds no buyer rows."),
        "too_many": _("At most %(n)d rows can be imported at once.", n=importfile.MAX_ROWS),
    }[code]


def _staging_dir() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / "buyer_imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def staged_path(token: str) -> Path:
    return _staging_dir() / f"{token}.json"


def _write(token: str, payload: dict) -> None:
    staged_path(token).write_bytes(orjson.dumps(payload))  # orjson: 100,000 rows in a fraction of a second


def _read(token: str) -> dict:
    with bulk.gc_paused():  # 100,000 rows of dicts: see core.bulk
        return orjson.loads(staged_path(token).read_bytes())


# ---------------------------------------------------------------- validation

def validate_row(user, values: dict) -> tuple[dict | None, list[tuple[str, str]]]:
    """Clean organisation + contact fields of one row, or the list of (field, message) problems."""
    data = dict(values)
    data["type"] = columns.TYPE_ALIASES.get((values.get("type") or "").strip(), values.get("type") or "")
    data["source"] = values.get("source") or "import"
    problems = []
    try:
        org = services.clean_org(data)
    except services.BuyerError as error:
        return None, [(error.field, error.message)]
    if not can_administer_region(user, org["county_code"]):
        problems.append(("county_code", _("This region is outside your area.")))
    contact = None
    if values.get("contact_name") or values.get("phone"):
        try:
            contact = services.clean_contact({"name": values.get("contact_name") or org["name"][:100],
                                              "role": values.get("contact_role"), "phone": values.get("phone"),
                                              "email": values.get("email")})
        except services.BuyerError as error:
            problems.append((error.field, error.message))
    if problems:
        return None, problems
    org["annual_volume_tons"] = None if org["annual_volume_tons"] is None else str(org["annual_volume_tons"])
    org["province_code"] = regions.province_code(org["county_code"]) or org["county_code"]
    org["name_norm"] = engine.normalise_company_name(org["name"])[:200]
    return {"org": org, "contact": contact}, []


# ---------------------------------------------------------------- entity resolution

def existing_records() -> list:
    """Every un-merged organisation as a matching BuyerRecord (two queries, not one per record)."""
    phones: dict[int, list[str]] = {}
    contact_names: dict[int, str] = {}
    for buyer_id, name, phone in db.session.execute(
            sa.select(BuyerContact.buyer_id, BuyerContact.name, BuyerContact.phone).order_by(BuyerContact.id)):
        if phone:
            phones.setdefault(buyer_id, []).append(phone)
        contact_names.setdefault(buyer_id, name)
    rows = db.session.execute(sa.select(BuyerOrg.id, BuyerOrg.name, BuyerOrg.credit_code, BuyerOrg.county_code,
                                        BuyerOrg.address).where(BuyerOrg.merged_into_id.is_(None)))
    return [engine.buyer_obj({"id": i, "name": n, "credit_code": c or "", "county_code": cc, "address": a or "",
                              "phones": phones.get(i, []), "contact_name": contact_names.get(i, "")})
            for i, n, c, cc, a in rows]


def incoming_record(line: int, clean: dict):
    org, contact = clean["org"], clean["contact"] or {}
    return engine.buyer_obj({"id": f"row{line}", "name": org["name"], "credit_code": org["credit_code"] or "",
                             "county_code": org["county_code"], "address": org["address"],
                             "phones": [contact["phone"]] if contact.get("phone") else [],
                             "contact_name": contact.get("name", "")})


# ---------------------------------------------------------------- stage (run by buyers.import_jobs)

def upload_path(token: str) -> Path:
    """The uploaded file, kept until the staging job has read it."""
    return _staging_dir() / f"{token}.upload"


def check_upload(user, filename: str, data: bytes) -> None:
    """Refuses, in the upload request, a file that cannot be read at all (ImportError_ with the reason)."""
    if user.role not in ("official", "admin"):
        raise services.PermissionDenied()
    try:
        importfile.preflight(filename, data)
    except importfile.ImportFileError as error:
        raise ImportError_(file_error_message(str(error)))


def stage_file(user, token: str, filename: str, data: bytes, progress) -> tuple[dict, dict]:
    """Reads, validates and de-duplicates a file and writes the preview; returns (counts, seconds per phase).
    Raises ImportError_ for a file that cannot be read. Writes no database row."""
    clock = _Clock()
    progress(5, "reading")
    try:
        rows = importfile.read_rows(filename, data)
    except importfile.ImportFileError as error:
        raise ImportError_(file_error_message(str(error)))
    clock.lap("read")
    progress(10, "validating")
    staged, errors = _validate_all(user, rows)
    clock.lap("validate")
    existing = existing_records()
    db.session.commit()  # end the read: SQLite's write lock is not held while matching computes
    clock.lap("load_existing")
    progress(30, "deduplicating")
    decisions = engine.dedupe(existing, [incoming_record(r["line"], r) for r in staged])
    clock.lap("dedupe")
    for row, decision in zip(staged, decisions, strict=True):
        _apply_decision(row, decision)
    progress(90, "saving")
    _write(token, {"rows": staged, "errors": errors, "filename": filename})
    clock.lap("store")
    counts = summarise(staged, errors)
    log.info("buyer import %s staged by user %s: %s in %s", token, user.id, counts, clock.laps)
    return counts, clock.laps


class _Clock:
    """Seconds per phase of a staging run (logged: where a slow import spends its time)."""

    def __init__(self):
        self.laps: dict[str, float] = {}
        self.mark = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self.mark, 2)
        self.mark = now


def _validate_all(user, rows) -> tuple[list[dict], list]:
    staged, errors = [], []
    for line, values in rows:
        clean, problems = validate_row(user, values)
        errors.extend((line, field, message) for field, message in problems)
        if clean is not None:
            staged.append({"line": line, **clean})
    return staged, errors


def _apply_decision(row: dict, decision: dict) -> None:
    row["decision"] = decision["decision"]
    row["of"] = decision["of"]
    row["score"] = decision["score"]
    # the reasons of a "new" row only describe its nearest miss: not kept (100,000 rows stay small)
    row["reasons"] = decision["reasons"] if decision["decision"] != "new" else {}
    # duplicates are skipped; possible ones wait for the official; new ones are created
    row["choice"] = {"new": "new", "duplicate": "skip", "possible": None}[decision["decision"]]


def summarise(rows: list[dict], errors: list) -> dict:
    counts = {"rows": len(rows) + len({e[0] for e in errors}), "errors": len(errors),
              "error_rows": len({e[0] for e in errors}), "new": 0, "duplicate": 0, "possible": 0, "undecided": 0}
    for row in rows:
        counts[row["decision"]] += 1
        counts["undecided"] += row["choice"] is None
    return counts


def owned(user, token: str) -> BuyerImport | None:
    """The import record, only for the official who uploaded it."""
    record = db.session.get(BuyerImport, token) if token and len(token) <= 43 else None
    return record if record is not None and record.user_id == user.id else None


def load(user, token: str) -> tuple[BuyerImport, dict] | None:
    """The staged import and its preview, only for the official who uploaded it."""
    record = owned(user, token)
    if record is None or not staged_path(token).exists():
        return None
    return record, _read(token)


def decide(user, token: str, choices: dict[str, str], rest: str | None = None) -> dict:
    """Records the official's choices for possible duplicates (by line); `rest` applies to undecided ones."""
    found = load(user, token)
    if found is None:
        raise services.PermissionDenied()
    record, payload = found
    if record.status != "staged":
        raise ImportError_(_("This import has been committed already."))
    for row in payload["rows"]:
        if row["decision"] != "possible":
            continue
        choice = choices.get(str(row["line"])) or (rest if row["choice"] is None else None)
        if choice in DECISIONS:
            row["choice"] = choice
    _write(token, payload)
    record.counts = summarise(payload["rows"], payload["errors"])
    db.session.commit()
    return record.counts


def store_problems(token: str, problems: list) -> None:
    """Keeps the problems of a refused commit with the staged import for the row-level error report."""
    payload = _read(token)
    payload["problems"] = [list(p) for p in problems]
    _write(token, payload)


# ---------------------------------------------------------------- commit

def _recheck(user, payload: dict) -> list[tuple[int, str, str]]:
    """Row problems that make the import refuse to commit (all-or-nothing)."""
    problems = [tuple(e) for e in payload["errors"]]
    to_create = [r for r in payload["rows"] if r["choice"] == "new"]
    codes = [r["org"]["credit_code"] for r in to_create if r["org"]["credit_code"]]
    taken = set()
    for start in range(0, len(codes), 500):
        taken.update(db.session.scalars(sa.select(BuyerOrg.credit_code).where(
            BuyerOrg.credit_code.in_(codes[start:start + 500]))))
    seen = set()
    for row in payload["rows"]:
        code = row["org"]["credit_code"]
        if row["choice"] is None:
            problems.append((row["line"], "decision", _("Decide whether this possible duplicate is new.")))
        elif row["choice"] == "new" and code and (code in taken or code in seen):
            problems.append((row["line"], "credit_code", _("Another buyer already has this credit code.")))
        if row["choice"] == "new" and code:
            seen.add(code)
    return sorted(problems)


def _reserve_ids(count: int) -> list[int]:
    """Primary keys for `count` new organisations, so rows and their contacts go in as plain executemany
    (RETURNING with sort_by_parameter_order is quadratic here for 100,000 rows)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return list(db.session.scalars(sa.text(
            "SELECT nextval(pg_get_serial_sequence('buyer_orgs', 'id')) FROM generate_series(1, :n)"), {"n": count}))
    # SQLite: a write transaction (BEGIN IMMEDIATE on every non-GET request) holds the database lock
    start = (db.session.scalar(sa.select(sa.func.max(BuyerOrg.id))) or 0) + 1
    return list(range(start, start + count))


def _volume(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _insert(payload: dict, token: str) -> int:
    to_create = [r for r in payload["rows"] if r["choice"] == "new"]
    if not to_create:
        return 0
    ids = _reserve_ids(len(to_create))
    org_rows = [{**row["org"], "id": buyer_id, "active": True, "version": 1,
                 "annual_volume_tons": _volume(row["org"]["annual_volume_tons"])}
                for buyer_id, row in zip(ids, to_create, strict=True)]
    bulk.insert_rows(BuyerOrg.__table__, org_rows)
    contacts = [{"buyer_id": buyer_id, **row["contact"]} for buyer_id, row in zip(ids, to_create, strict=True)
                if row["contact"]]
    bulk.insert_rows(BuyerContact.__table__, contacts)
    return len(ids)


def write(user, record: BuyerImport) -> int:
    """Creates every row chosen as new, in the caller's transaction; ImportError_ (with the row problems)
    when any row needs attention. The caller commits or rolls back: all or nothing."""
    payload = _read(record.id)
    problems = _recheck(user, payload)
    if problems:
        raise ImportError_(_("The import was not committed: %(n)d rows need attention. Nothing was written.",
                             n=len({p[0] for p in problems})), problems)
    created = _insert(payload, record.id)
    record.status = "committed"
    record.committed_at = utcnow()
    record.counts = {**record.counts, "created": created}
    audit.record("buyer.import", "buyer_import", record.id, after={"filename": record.filename, **record.counts},
                 actor=user)
    return created
