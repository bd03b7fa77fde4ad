"""Exports to CSV and XLSX with spreadsheet formula injection neutralised.

A cell whose text begins with = + - @ (or a tab / carriage return) would run as a formula when the file
is opened in Excel or WPS; such text is written with a leading single quote, and XLSX cells are always
written as strings (never formulas).
"""
import csv
import io
from datetime import date

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from buyers import columns
from core import regions

FORMATS = ("csv", "xlsx")
MAX_SEARCH_ROWS = 5000
DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text a spreadsheet will show, never evaluate; numbers and dates stay as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | date) or type(value).__name__ == "Decimal":
        return value
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS_FIRST) else text


def to_csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 Chinese correctly


def to_xlsx(rows, title: str = "export") -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=neutralise(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a string cell, even if it looks like a formula
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def send_rows(rows, fmt: str, basename: str) -> Response:
    rows = list(rows)
    if fmt == "xlsx":
        body = to_xlsx(rows, basename)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = to_csv(rows)
        mimetype = "text/csv; charset=utf-8"
    filename = f"{basename}-{date.today().isoformat()}.{fmt}"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "X-Content-Type-Options": "nosniff"})


def buyer_rows(orgs):
    """The buyer database in the import template's columns (so an export can be re-imported)."""
    yield [label for _key, label in columns.EXPORT_COLUMNS]
    for org in orgs:
        contacts = list(org.contacts)
        first = contacts[0] if contacts else None
        values = {
            "id": org.id, "name": org.name, "type": columns.TYPE_LABELS_ZH.get(org.type, org.type),
            "credit_code": org.credit_code or "", "county_code": org.county_code,
            "region_name": regions.full_name(org.county_code) or "", "address": org.address,
            "contact_name": first.name if first else "", "contact_role": first.role if first else "",
            "phone": "；".join(c.phone for c in contacts if c.phone), "email": first.email if first else "",
            "annual_volume_tons": org.annual_volume_tons, "products_of_interest": "、".join(org.products_of_interest),
            "source": org.source, "verified": org.verified_at is not None, "active": org.active,
        }
        yield [values[key] for key, _label in columns.EXPORT_COLUMNS]


def search_rows(kind: str, items):
    if kind == "producers":
        yield ["ID", "名称", "类型", "地区", "联系人", "已认证"]
        for p in items:
            yield [p.id, p.name, p.kind, regions.full_name(p.county_code) or "", p.contact_name,
                   p.verified_at is not None]
        return
    yield ["ID", "产品", "品种", "规格", "数量", "单位", "价格", "价格单位", "产地", "认证"]
    for x in items:
        yield [x.id, x.product_name, x.variety, x.spec, x.quantity, x.unit, x.price, x.price_unit,
               regions.full_name(x.county_code) or "", "、".join(x.certifications or [])]
