"""Reading an uploaded buyer list (CSV or XLSX) into rows of strings keyed by column, defensively.

XLSX files are ZIP archives of XML: before openpyxl opens one we check the archive (number of members,
total and per-member uncompressed size, compression ratio) so a zip bomb is refused, and openpyxl parses
the XML through defusedxml (no DTDs, no entity expansion: no billion-laughs, no external entities).
"""
import csv
import io
import zipfile

import openpyxl
import openpyxl.xml

from buyers import columns

MAX_ROWS = 100_000
MAX_ZIP_MEMBERS = 200
MAX_UNCOMPRESSED = 400 * 1024 * 1024
MAX_RATIO = 200
MAX_COLUMNS = 60


class ImportFileError(ValueError):
    """The file as a whole cannot be read (the message is shown to the official)."""


def detect_format(filename: str, head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if (filename or "").lower().endswith((".xlsx", ".xlsm")):
        raise ImportFileError("xlsx_invalid")
    return "csv"


def check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportFileError("xlsx_invalid")
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportFileError("xlsx_bomb")
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > MAX_UNCOMPRESSED or total > MAX_UNCOMPRESSED:
            raise ImportFileError("xlsx_bomb")
        if member.compress_size and member.file_size / member.compress_size > MAX_RATIO \
                and member.file_size > 1024 * 1024:
            raise ImportFileError("xlsx_bomb")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("encoding")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 360732.0 from a spreadsheet number cell
    return str(value).strip()


def _rows_from_csv(data: bytes):
    yield from csv.reader(io.StringIO(_decode(data), newline=""))


def _rows_from_xlsx(data: bytes):
    if not openpyxl.xml.DEFUSEDXML:
        raise ImportFileError("xlsx_unsafe")
    check_zip(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken or hostile file
        raise ImportFileError("xlsx_invalid")
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            yield [_cell(v) for v in row]
    except Exception:
        raise ImportFileError("xlsx_invalid")
    finally:
        workbook.close()


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
    rows = _rows_from_xlsx(data) if fmt == "xlsx" else _rows_from_csv(data)
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
