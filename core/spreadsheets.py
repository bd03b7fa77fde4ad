"""Uploaded spreadsheets, read defensively: the one XLSX guard every import runs before any XML is parsed,
the openpyxl reading behind it, and the decoding of CSV files.

An XLSX file is a zip of XML parts, and two attacks hide in one:

- A zip bomb: a few kilobytes that inflate to gigabytes. `check_xlsx` first reads only the zip's directory and
  refuses too many members, a member or a total too large once inflated, and a large member compressed beyond
  any real sheet's ratio (real sheets are 5-30; a run of one byte reaches 1000). The declared sizes can be
  trusted: Python's zipfile, which openpyxl reads through too, stops inflating at a member's declared size and
  fails its CRC check when the member lied.
- An XML bomb ("billion laughs") or an external entity: both need a DTD. `check_xlsx` then streams every XML
  part once (about 0.15 s for a 100,000-row sheet) and refuses a DOCTYPE or ENTITY declaration, which no
  spreadsheet needs. The parsers behind the guard are defusedxml as well: openpyxl uses it when it is installed
  (`workbook_rows` insists on that) and produce/xlsx.py parses with defusedxml's iterparse.

The limits are app config (`SPREADSHEET_MAX_*`); the one default is in core/config.py.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile

from flask import current_app, has_app_context
from flask_babel import gettext as _

RATIO_APPLIES_ABOVE = 1024 * 1024  # small members cannot hold a bomb, and tiny XML compresses oddly well
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_OVERLAP = len(b"<!DOCTYPE") - 1  # a declaration cut across two chunks is still found
_CHUNK = 1024 * 1024
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 reads GBK and GB2312 files too


class SpreadsheetRefused(ValueError):
    """The file as a whole is refused. `code` says why (importers map it to their own wording if they must);
    `message` is the translated explanation for the user."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return _messages()[self.code]


def _messages() -> dict[str, str]:
    return {
        "not_xlsx": _("The file is not a valid XLSX workbook."),
        "unreadable": _("The XLSX workbook could not be read."),
        "too_many_parts": _("The workbook has too many parts."),
        "too_large": _("The workbook inflates to an unreasonable size; it is refused."),
        "declarations": _("The workbook contains XML declarations that are not allowed."),
        "unsafe_parser": _("XLSX files cannot be read safely on this server; upload CSV instead."),
        "encoding": _("The CSV file must be UTF-8 or GB18030 encoded."),
        "upload_too_large": _("The file is larger than %(mb)d MB.", mb=upload_limit() // (1024 * 1024)),
    }


def limit(name: str) -> int:
    """SPREADSHEET_MAX_<name> from the app config."""
    return _config(f"SPREADSHEET_MAX_{name}")


def upload_limit() -> int:
    return _config("UPLOAD_MAX_IMPORT_BYTES")


def _config(key: str) -> int:
    """The app's setting, or the one default (core/config.py) when no app is active (command line)."""
    from core.config import DEFAULTS

    return current_app.config.get(key, DEFAULTS[key]) if has_app_context() else DEFAULTS[key]


def read_upload(storage) -> bytes:
    """An import file's bytes, read no further than UPLOAD_MAX_IMPORT_BYTES (one byte more tells it is larger)."""
    data = storage.read(upload_limit() + 1)
    if len(data) > upload_limit():
        raise SpreadsheetRefused("upload_too_large")
    return data


def looks_like_xlsx(data: bytes) -> bool:
    """Decided by content, never by the file's name."""
    return data[:4] == b"PK\x03\x04"


def check_xlsx(data: bytes) -> None:
    """Refuse a zip bomb or an XML bomb before any parser sees the workbook (SpreadsheetRefused)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise SpreadsheetRefused("not_xlsx") from error
    with archive:
        members = archive.infolist()
        _check_sizes(members)
        for member in members:
            if member.filename.lower().endswith((".xml", ".rels", ".vml")):
                _check_declarations(archive, member)


def _check_sizes(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > limit("MEMBERS"):
        raise SpreadsheetRefused("too_many_parts")
    total, member_cap, total_cap, ratio_cap = 0, limit("MEMBER_BYTES"), limit("TOTAL_BYTES"), limit("RATIO")
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > member_cap or total > total_cap or (
                member.file_size > RATIO_APPLIES_ABOVE and ratio > ratio_cap):
            raise SpreadsheetRefused("too_large")


def _check_declarations(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    tail = b""
    try:
        with archive.open(member) as handle:
            while chunk := handle.read(_CHUNK):
                if _DECLARATION.search(tail + chunk):
                    raise SpreadsheetRefused("declarations")
                tail = chunk[-_OVERLAP:]
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as error:
        raise SpreadsheetRefused("not_xlsx") from error  # a broken member, a wrong CRC, an encrypted part


def workbook_rows(data: bytes, max_col: int | None = None):
    """Cell values of the first sheet, row by row, through openpyxl (read-only), after the guard."""
    import openpyxl
    import openpyxl.xml

    if not openpyxl.xml.DEFUSEDXML:
        raise SpreadsheetRefused("unsafe_parser")
    check_xlsx(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file; the user needs one message
        raise _refusal(error, "not_xlsx") from error
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True, max_col=max_col)
    except Exception as error:
        raise _refusal(error, "unreadable") from error
    finally:
        workbook.close()


def _refusal(error: BaseException, code: str) -> SpreadsheetRefused:
    """defusedxml's refusal, even when openpyxl wrapped it in an exception of its own, else `code`."""
    from defusedxml import DefusedXmlException

    while error is not None:
        if isinstance(error, DefusedXmlException):
            return SpreadsheetRefused("declarations")
        error = error.__cause__ or error.__context__
    return SpreadsheetRefused(code)


def decode_text(data: bytes) -> str:
    """A CSV file's text: UTF-8 (with or without the BOM Excel writes), else GB18030 (Chinese Excel's CSV)."""
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetRefused("encoding")


def csv_rows(data: bytes):
    """Rows of a CSV file as lists of strings; SpreadsheetRefused (on the first row) for an encoding we cannot
    read. A generator like workbook_rows, so a caller handles both kinds of file the same way."""
    yield from csv.reader(io.StringIO(decode_text(data), newline=""))
