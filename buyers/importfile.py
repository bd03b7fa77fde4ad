"""Reading an uploaded buyer list (CSV or XLSX) into rows of strings keyed by column, defensively.

The reading itself is core.spreadsheets (the zip/XML bomb guard every import shares, openpyxl through
defusedxml, CSV in UTF-8 or GB18030); this module keeps the buyer list's own error codes, which
buyers.imports turns into messages.
"""
from buyers import columns
from core import spreadsheets

MAX_ROWS = 100_000
MAX_COLUMNS = 60
# core.spreadsheets' reasons -> this module's error codes (buyers.imports.file_error_message words them)
REFUSALS = {"not_xlsx": "xlsx_invalid", "unreadable": "xlsx_invalid", "declarations": "xlsx_invalid",
            "too_many_parts": "xlsx_bomb", "too_large": "xlsx_bomb", "unsafe_parser": "xlsx_unsafe",
            "encoding": "encoding"}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (the message is shown to the official)."""


def detect_format(filename: str, head: bytes) -> str:
    if spreadsheets.looks_like_xlsx(head):
        return "xlsx"
    if (filename or "").lower().endswith((".xlsx", ".xlsm")):
        raise ImportFileError("xlsx_invalid")
    return "csv"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 360732.0 from a spreadsheet number cell
    return str(value).strip()


def _refused_as_import_error(rows):
    try:
        yield from rows
    except spreadsheets.SpreadsheetRefused as refused:
        raise ImportFileError(REFUSALS[refused.code]) from refused


def _rows_from_xlsx(data: bytes):
    for row in _refused_as_import_error(spreadsheets.workbook_rows(data, max_col=MAX_COLUMNS)):
        yield [_cell(v) for v in row]


def header_keys(header: list[str]) -> list[str | None]:
    keys = [columns.HEADER_ALIASES.get(str(h).strip().replace(" ", "")) for h in header]
    if "name" not in keys:
        raise ImportFileError("header")
    return keys


def _data_rows(rows, keys: list[str | None]):
    """(line number in the file, {key: text}) for every non-blank row after the header."""
    for line, row in enumerate(rows, start=2):
        values = {key: _cell(value) for key, value in zip(keys, row, strict=False) if key}
        if any(values.values()):
            yield line, values


def _open(filename: str, data: bytes):
    """The rows of the file and the column keys of its header; ImportFileError for the whole file."""
    fmt = detect_format(filename, data[:4])
    rows = _rows_from_xlsx(data) if fmt == "xlsx" else _refused_as_import_error(spreadsheets.csv_rows(data))
    header = next(rows, None)
    if header is None:
        raise ImportFileError("empty")
    return fmt, rows, header_keys(header)


def read_rows(filename: str, data: bytes) -> list[tuple[int, dict]]:
    """[(line number in the file, {key: text})], blank lines skipped; ImportFileError for the whole file."""
    _fmt, rows, keys = _open(filename, data)
    out = []
    for line, values in _data_rows(rows, keys):
        if len(out) >= MAX_ROWS:
            raise ImportFileError("too_many")
        out.append((line, values))
    if not out:
        raise ImportFileError("empty")
    return out


def preflight(filename: str, data: bytes) -> None:
    """The checks the upload request can afford before a job reads the whole file, so that an unreadable
    file is refused on the upload form: format, archive safety, header, at least one row. A CSV file is
    read whole (100,000 rows take well under a second); an XLSX file only up to its first row, because
    openpyxl needs tens of seconds for a large sheet (the job then reports a sheet with too many rows)."""
    if detect_format(filename, data[:4]) == "csv":
        read_rows(filename, data)
        return
    _fmt, rows, keys = _open(filename, data)
    try:
        if next(_data_rows(rows, keys), None) is None:
            raise ImportFileError("empty")
    finally:
        rows.close()  # closes the workbook


def template(fmt: str) -> bytes:
    """The downloadable template: the Chinese header row and one example row."""
    from buyers import exports

    example = ["赣州市鲜果汇农产品批发市场有限公司", "批发市场", "", "360702", "江西省赣州市章贡区水南镇农贸路8号",
               "张伟", "采购经理", "13907970001", "", "5000", "脐橙、蜜桔", "2026年赣州采购商名录"]
    rows = [[label for _k, label in columns.IMPORT_COLUMNS], example]
    return exports.to_xlsx(rows, "buyers") if fmt == "xlsx" else exports.to_csv(rows)
