"""Reading import files (CSV or XLSX with Chinese or English headers) safely, and their templates.

The file itself is read by core.spreadsheets: the zip/XML bomb guard every import shares, openpyxl through
defusedxml, CSV in UTF-8 or GB18030."""
from dataclasses import dataclass

from flask_babel import gettext as _

from core import spreadsheets

MAX_ROWS = 5000

COUNTY_COLUMNS = [
    # field, Chinese header, English header, example
    ("code", "县代码", "county code", "360732"),
    ("name", "县名称", "county name", "兴国县"),
    ("batch_year", "批次年份", "batch year", "2015"),
    ("poverty_override", "贫困县(留空按国家名单)", "poverty county (blank = national list)", ""),
    ("old_revolutionary_area", "革命老区", "old revolutionary base area", "是"),
    ("programme_flags", "其他项目标志", "programme flags", "乡村振兴重点帮扶县"),
    ("central_allocated", "中央资金安排(万元)", "central funds allocated (10k yuan)", "1500"),
    ("central_disbursed", "中央资金拨付(万元)", "central funds disbursed (10k yuan)", "1200"),
    ("local_allocated", "地方资金安排(万元)", "local funds allocated (10k yuan)", "500"),
    ("local_disbursed", "地方资金拨付(万元)", "local funds disbursed (10k yuan)", "300"),
    ("officials", "负责人邮箱", "responsible officials (emails)", "official.xingguo@demo.harvestlink.cn"),
    ("notes", "备注", "notes", ""),
]
VALUE_COLUMNS = [
    ("code", "县代码", "county code", "360732"),
    ("period", "期间", "period", "2025Q3"),
    ("indicator", "指标", "indicator", "village_coverage"),
    ("value", "数值", "value", "85.5"),
    ("unit", "单位", "unit", "%"),
]
REQUIRED = {"county": {"code", "batch_year"}, "values": {"code", "period", "indicator", "value"}}
COLUMNS = {"county": COUNTY_COLUMNS, "values": VALUE_COLUMNS}


@dataclass
class FileProblem(Exception):
    message: str


def _header_map(kind: str) -> dict[str, str]:
    mapping = {}
    for name, zh, en, _example in COLUMNS[kind]:
        for header in (name, zh, en, zh.split("(")[0]):
            mapping[_clean_header(header)] = name
    return mapping


def _clean_header(text) -> str:
    return str(text or "").strip().lower().replace("（", "(").replace("）", ")").replace(" ", "")


def _all_rows(rows) -> list[list]:
    """Every row of the file, at most MAX_ROWS of data; a refused file becomes a FileProblem with its message."""
    out = []
    try:
        for row in rows:
            out.append(["" if cell is None else cell for cell in row])
            if len(out) > MAX_ROWS + 1:
                raise FileProblem(_("At most %(n)d rows per import.", n=MAX_ROWS))
    except spreadsheets.SpreadsheetRefused as refused:
        raise FileProblem(refused.message) from refused
    return out


def read_upload(storage) -> bytes:
    """The uploaded file's bytes, at most UPLOAD_MAX_IMPORT_BYTES (FileProblem beyond)."""
    try:
        return spreadsheets.read_upload(storage)
    except spreadsheets.SpreadsheetRefused as refused:
        raise FileProblem(refused.message) from refused


def read_rows(filename: str, data: bytes, kind: str) -> list[tuple[int, dict]]:
    """(spreadsheet row number, {field: text}) for every non-empty data row; FileProblem for a bad file."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        rows = _all_rows(spreadsheets.workbook_rows(data))
    elif name.endswith(".csv"):
        rows = _all_rows(spreadsheets.csv_rows(data))
    else:
        raise FileProblem(_("Upload a .csv or .xlsx file."))
    if not rows:
        raise FileProblem(_("The file is empty."))
    mapping = _header_map(kind)
    fields = [mapping.get(_clean_header(header)) for header in rows[0]]
    missing = REQUIRED[kind] - set(fields)
    if missing:
        headers = {name: zh for name, zh, _en, _ex in COLUMNS[kind]}
        raise FileProblem(_("Missing columns: %(names)s.", names="、".join(headers[m] for m in sorted(missing))))
    out = []
    for number, row in enumerate(rows[1:], start=2):
        record = {f: str(v).strip() if not isinstance(v, int | float) else _number_text(v)
                  for f, v in zip(fields, row, strict=False) if f}
        if any(record.values()):
            out.append((number, record))
    return out


def _number_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def template_rows(kind: str) -> tuple[list[str], list[list[str]]]:
    columns = COLUMNS[kind]
    return [zh for _n, zh, _en, _ex in columns], [[example for *_rest, example in columns]]
