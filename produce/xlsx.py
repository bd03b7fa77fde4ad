"""A small streaming reader for the first sheet of an XLSX workbook: cell values only.

Why not openpyxl here: its per-cell Python work made reading 100,000 rows x 15 columns take most of a minute.
This reader streams the parts straight out of the zip through defusedxml's iterparse (expat underneath) and
keeps only values. defusedxml's iterparse runs element building in Python where the stdlib one uses C: measured
on the 100,000-row benchmark file, reading took 8.5 s against 5.2-6.0 s with the stdlib C parser (about 10% of
the whole import, which stays well under its 60 s target). We pay that: the XML safety then comes from a
maintained library (no DTD, no entities, no external references) instead of our own byte checks, and the shared
guard (core.spreadsheets.check_xlsx: zip bomb caps, DTD/ENTITY refusal) runs before any part is parsed.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from datetime import date, timedelta
from functools import partial

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse as defused_iterparse

from core.spreadsheets import SpreadsheetRefused, check_xlsx

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"([A-Z]+)")
EXCEL_EPOCH = date(1899, 12, 30)
iterparse = partial(defused_iterparse, forbid_dtd=True)


class BadWorkbook(ValueError):
    """Not a workbook this reader understands."""


def _part(archive: zipfile.ZipFile, name: str):
    try:
        return archive.open(name)
    except KeyError as error:
        raise BadWorkbook(f"{name} missing") from error


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    first = None
    with _part(archive, "xl/workbook.xml") as workbook:
        for _event, element in iterparse(workbook):
            if element.tag == f"{NS}sheet":
                first = element.get(f"{REL_NS}id")
                break
    with _part(archive, "xl/_rels/workbook.xml.rels") as rels:
        for _event, element in iterparse(rels):
            if element.tag == f"{PKG_REL_NS}Relationship" and element.get("Id") == first:
                target = element.get("Target", "")
                return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    raise BadWorkbook("no first sheet")


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings = []
    with _part(archive, "xl/sharedStrings.xml") as part:
        for _event, element in iterparse(part):
            if element.tag == f"{NS}si":
                # plain <t>, or rich-text runs <r><t>; phonetic hints (<rPh>) are not part of the value
                phonetic = {id(t) for ph in element.iter(f"{NS}rPh") for t in ph.iter(f"{NS}t")}
                strings.append("".join(t.text or "" for t in element.iter(f"{NS}t") if id(t) not in phonetic))
                element.clear()
    return strings


def _column_index(ref: str | None) -> int | None:
    match = _CELL_REF.match(ref or "")
    if not match:
        return None
    index = 0
    for char in match.group(1):
        index = index * 26 + ord(char) - 64
    return index - 1


def _value(cell, strings: list[str]):
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{NS}t"))
    v = cell.find(f"{NS}v")
    text = v.text if v is not None else None
    if text is None:
        return ""
    if kind == "s":
        return strings[int(text)]
    if kind in ("str", "e"):
        return text
    if kind == "b":
        return text == "1"
    number = float(text)
    return int(number) if number.is_integer() else number


def iter_rows(data: bytes):
    """Rows of the first sheet as lists of values (str, int, float, bool; empty cells are "").

    SpreadsheetRefused for a zip or XML bomb, BadWorkbook (or the parser's ParseError) for anything else."""
    check_xlsx(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            strings = _shared_strings(archive)
            with _part(archive, _first_sheet_path(archive)) as sheet:
                yield from _sheet_rows(sheet, strings)
    except DefusedXmlException as error:  # the guard found no declaration, but the parser has the last word
        raise SpreadsheetRefused("declarations") from error


def _sheet_rows(sheet, strings: list[str]):
    for _event, element in iterparse(sheet):
        if element.tag != f"{NS}row":
            continue
        row: list = []
        for cell in element.iter(f"{NS}c"):
            index = _column_index(cell.get("r"))
            index = len(row) if index is None else index
            if index > 1000:
                raise BadWorkbook("too many columns")
            row.extend([""] * (index + 1 - len(row)))
            row[index] = _value(cell, strings)
        element.clear()
        yield row


def excel_date(value) -> date | None:
    """A date cell stored as an Excel serial number (days since 1899-12-30)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value < 2_958_466:
        return None
    return EXCEL_EPOCH + timedelta(days=int(value))
