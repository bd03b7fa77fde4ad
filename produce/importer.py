"""Bulk import of listings from XLSX or CSV: template, parsing with size caps, row validation, commit.

Parsing defends against zip bombs and XML bombs with the guard every import shares
(core.spreadsheets.check_xlsx), then streams cells through defusedxml (produce/xlsx.py); openpyxl only
writes the template.
The commit is all or nothing: one bad row and nothing is written; the row report says why.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

import openpyxl
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from core import bulk, spreadsheets
from core.db import db, utcnow
from core.signals import listing_saved, listings_imported
from produce import xlsx
from produce.catalogue import get_catalogue
from produce.models import Listing, ProducerProfile
from produce.validation import clean_listing

MAX_ROWS = 100_000
SIGNAL_LIMIT = 1000                    # above this, one bulk signal replaces the per-listing ones

# Template column -> listing field. English field names are accepted as headers too.
COLUMNS = [
    ("产品名称", "product"), ("品种", "variety"), ("规格", "spec"), ("数量", "quantity"), ("单位", "unit"),
    ("每件净重(公斤)", "net_weight_kg"), ("价格", "price"), ("价格单位", "price_unit"), ("起订量", "min_order"),
    ("供应开始日期", "available_from"), ("供应结束日期", "available_to"), ("产地县代码", "county_code"),
    ("认证", "certifications"), ("描述", "description"), ("状态", "status"),
]
PRODUCER_COLUMN = ("生产者编号", "producer_id")
CERT_WORDS = {"绿色食品": "green_food", "有机": "organic", "有机产品": "organic", "地理标志": "gi",
              "地理标志产品": "gi", "无公害": "pollution_free", "无公害农产品": "pollution_free"}
STATUS_WORDS = {"": "active", "发布": "active", "上架": "active", "active": "active", "草稿": "draft",
                "draft": "draft"}
EXAMPLE = ["赣南脐橙", "纽荷尔", "80mm以上 一级果", "5000", "斤", "", "3.8", "元/斤", "500", "2026-11-01",
           "2027-01-31", "360732", "绿色食品|地理标志", "果园直供，支持视频看货", "发布"]


class ImportFileError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.field = "file"
        self.message = message


@dataclass
class RowError:
    row: int
    field: str
    message: str
    value: str = ""


@dataclass
class ImportResult:
    rows: int = 0
    valid: list = field(default_factory=list)      # (row number, listing values)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.rows > 0 and not self.errors


# ---------------------------------------------------------------- reading files

def _xlsx_rows(data: bytes):
    try:
        yield from xlsx.iter_rows(data)
    except spreadsheets.SpreadsheetRefused as refused:
        raise ImportFileError(refused.message)
    except (xlsx.BadWorkbook, ParseError, zipfile.BadZipFile, KeyError, IndexError, ValueError):
        raise ImportFileError(_("The XLSX workbook could not be read."))


def _csv_rows(data: bytes):
    try:
        yield from spreadsheets.csv_rows(data)
    except spreadsheets.SpreadsheetRefused as refused:
        raise ImportFileError(refused.message)


def read_rows(data: bytes, filename: str):
    """Header row, then data rows as lists; the kind is decided by content, not by the name."""
    if spreadsheets.looks_like_xlsx(data):
        return _xlsx_rows(data)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise ImportFileError(_("The file is not a valid XLSX workbook."))
    return _csv_rows(data)


def _header_map(header: list, with_producer: bool) -> dict[int, str]:
    names = dict(COLUMNS) | {name: name for _zh, name in COLUMNS}
    if with_producer:
        names |= {PRODUCER_COLUMN[0]: "producer_id", "producer_id": "producer_id"}
    mapping = {i: names[str(h).strip()] for i, h in enumerate(header) if str(h).strip() in names}
    missing = [zh for zh, name in COLUMNS[:5] if name not in mapping.values()]
    if with_producer and "producer_id" not in mapping.values():
        missing.append(PRODUCER_COLUMN[0])
    if missing:
        raise ImportFileError(_("Missing columns: %(cols)s. Start from the template.", cols=", ".join(missing)))
    return mapping


# ---------------------------------------------------------------- validation

def _cell(value) -> str:
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _row_values(row: list, mapping: dict[int, str]) -> dict:
    values = dict.fromkeys(mapping.values(), "")
    for i, name in mapping.items():
        if i < len(row):
            value = row[i]
            if name in ("available_from", "available_to"):
                value = xlsx.excel_date(value) or value  # a date cell arrives as an Excel serial number
            values[name] = _cell(value)
    certs = values.get("certifications", "").replace("，", "|").replace(",", "|").split("|")
    values["certifications"] = [CERT_WORDS.get(c.strip(), c.strip()) for c in certs if c.strip()]
    return values


class _Producers:
    """The producer a row is for: the importer's own, or (officials) one in their region by id."""

    def __init__(self, own: ProducerProfile | None, official=None):
        self.own, self.official, self.cache = own, official, {}

    def get(self, values: dict) -> tuple[ProducerProfile | None, str | None]:
        if self.official is None:
            return self.own, None
        from accounts.permissions import can_administer_region

        raw = values.get("producer_id", "")
        if not raw.isdigit():
            return None, _("Enter the producer's number.")
        if raw not in self.cache:
            self.cache[raw] = db.session.get(ProducerProfile, int(raw))
        producer = self.cache[raw]
        if producer is None or not can_administer_region(self.official, producer.county_code):
            return None, _("No producer with this number in your region.")
        return producer, None


def validate_rows(rows, producers: _Producers) -> ImportResult:
    catalogue = get_catalogue()
    result = ImportResult()
    try:
        header = next(rows)
    except StopIteration:
        raise ImportFileError(_("The file is empty."))
    mapping = _header_map(header, producers.official is not None)
    held_cache = {}
    for number, row in enumerate(rows, start=2):
        if not any(_cell(v) for v in row):
            continue
        result.rows += 1
        if result.rows > MAX_ROWS:
            raise ImportFileError(_("At most %(n)d rows per file.", n=MAX_ROWS))
        values = _row_values(row, mapping)
        producer, problem = producers.get(values)
        if problem:
            result.errors.append(RowError(number, "producer_id", problem, values.get("producer_id", "")))
            continue
        if producer.id not in held_cache:
            held_cache[producer.id] = producer.held_certifications()
        clean, errors = clean_listing(values, default_county=producer.county_code, held=held_cache[producer.id])
        status = STATUS_WORDS.get(values.get("status", "").lower())
        if status is None:
            errors["status"] = _("Status is 发布 (publish) or 草稿 (draft).")
        if "product" not in errors and not catalogue.resolve(clean["product"], min_score=0.85).product_id:
            names = "、".join(catalogue.suggest(clean["product"], 3))
            errors["product"] = (_("Unknown product. Did you mean: %(names)s?", names=names) if names
                                 else _("Unknown product."))
        for name, message in errors.items():
            shown = values.get(name, "")
            result.errors.append(RowError(number, name, message, "|".join(shown) if isinstance(shown, list)
                                          else str(shown)))
        if not errors:
            result.valid.append((number, producer.id, status, clean))
    return result


def _producers_for(user) -> _Producers:
    from produce.queries import producer_for_user

    own = producer_for_user(user)
    official = user if user.role in ("official", "admin") else None
    if official is None and own is None:
        raise ImportFileError(_("Create your producer profile first."))
    return _Producers(own, official)


def check_file(data: bytes, filename: str, user) -> ImportResult:
    return validate_rows(iter(read_rows(data, filename)), _producers_for(user))


def preflight(data: bytes, filename: str, user) -> None:
    """What the upload request checks before a job reads every row: who may import, the file's kind,
    archive safety (XLSX) and the header. ImportFileError with the reason."""
    producers = _producers_for(user)
    rows = iter(read_rows(data, filename))
    try:
        header = next(rows)
    except StopIteration:
        raise ImportFileError(_("The file is empty."))
    _header_map(header, producers.official is not None)


# ---------------------------------------------------------------- commit

def commit_rows(result: ImportResult) -> int:
    """Inserts every valid row in one transaction, then announces them; returns how many."""
    new_ids = insert_rows(result)
    announce(new_ids)
    return len(new_ids)


def insert_rows(result: ImportResult) -> list[int]:
    """Inserts every valid row in one transaction and commits; returns the new listings' ids.

    Rows are plain objects run through the same apply_fields as a form save, then inserted with one
    executemany (no ORM objects, no RETURNING): 100,000 rows stay well under a minute."""
    from types import SimpleNamespace

    from produce.services import apply_fields

    if not result.ok:
        raise ImportFileError(_("The file has errors; nothing was imported."))
    catalogue = get_catalogue()
    columns = [c.key for c in Listing.__table__.columns if c.key not in ("id", "created_at", "updated_at")]
    now = utcnow()
    records = []
    for _number, producer_id, status, clean in result.valid:
        row = SimpleNamespace()
        apply_fields(row, clean, catalogue)
        row.producer_id, row.status, row.version = producer_id, status, 1
        record = {key: getattr(row, key, None) for key in columns}
        record["created_at"] = record["updated_at"] = now
        records.append(record)
    producer_ids = {r["producer_id"] for r in records}
    before = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Listing.id), 0)))
    bulk.insert_rows(Listing.__table__, records)
    new_ids = list(db.session.scalars(sa.select(Listing.id).where(
        Listing.id > before, Listing.producer_id.in_(producer_ids)).order_by(Listing.id)))
    db.session.commit()
    return new_ids


def announce(listing_ids: list[int]) -> None:
    """Tells the other packages (matches, saved searches) about committed listings: one listing_saved per
    listing for a small import, one listings_imported with every id above the limit (config
    LISTING_SIGNAL_LIMIT), which the receivers handle in bulk."""
    if len(listing_ids) > current_app.config.get("LISTING_SIGNAL_LIMIT", SIGNAL_LIMIT):
        listings_imported.send(None, listing_ids=listing_ids)
        return
    for listing in db.session.scalars(sa.select(Listing).where(Listing.id.in_(listing_ids)).order_by(Listing.id)):
        listing_saved.send(listing, created=True)


def error_report_csv(result: ImportResult) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 CSV with Chinese correctly only with a BOM
    writer = csv.writer(out)
    writer.writerow(["行号 row", "字段 field", "问题 problem", "内容 value"])
    header_of = {name: zh for zh, name in [*COLUMNS, PRODUCER_COLUMN]}
    for error in result.errors:
        writer.writerow([error.row, header_of.get(error.field, error.field), error.message,
                         _safe_cell(error.value)])
    return out.getvalue()


def _safe_cell(value: str) -> str:
    """Spreadsheet formula injection: a cell starting with = + - @ is shown as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def template_xlsx(with_producer: bool = False) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "供应信息"
    header = [zh for zh, _name in COLUMNS] + ([PRODUCER_COLUMN[0]] if with_producer else [])
    sheet.append(header)
    sheet.append(EXAMPLE + (["1"] if with_producer else []))
    notes = workbook.create_sheet("说明")
    for line in (
        ["单位", "斤 公斤 吨 克 箱 头 只 个 袋 件 盒 筐（箱、头等计件单位请填每件净重）"],
        ["价格单位", "元/斤 元/公斤 元/吨 元/箱 …；价格留空或填“面议”表示面议"],
        ["认证", "绿色食品 有机 地理标志 无公害，多个用 | 分隔；只能填写本主体持有的认证"],
        ["日期", "YYYY-MM-DD，例如 2026-11-01"],
        ["产地县代码", "六位行政区划代码，例如 360732（兴国县）；留空则用主体所在县"],
        ["状态", "发布 或 草稿；留空为发布"],
    ):
        notes.append(line)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_csv(with_producer: bool = False) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([zh for zh, _name in COLUMNS] + ([PRODUCER_COLUMN[0]] if with_producer else []))
    writer.writerow(EXAMPLE + (["1"] if with_producer else []))
    return out.getvalue()
