"""XLSX export of any dashboard table. Text that a spreadsheet would run as a formula (= + - @, also after
a tab or CR) is written as a plain string cell with the quote prefix, so opening the file runs nothing."""
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _put(cell, value) -> None:
    if isinstance(value, Decimal):
        value = float(value) if value == value.quantize(Decimal("0.001")) else str(value)
    if isinstance(value, bool):
        value = "是" if value else "否"
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        cell.quotePrefix = True


def workbook_bytes(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    """sheets: (title, headers, rows). Returns the .xlsx file's bytes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title=_sheet_title(title))
        for column_index, header in enumerate(headers, start=1):
            cell = sheet.cell(row=1, column=column_index)
            _put(cell, str(header))  # headers carry admin-defined indicator names: user text too
            cell.font = Font(bold=True)
        for row_index, row in enumerate(rows, start=2):
            for column_index, value in enumerate(row, start=1):
                _put(sheet.cell(row=row_index, column=column_index), value)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    cleaned = "".join(ch for ch in str(title) if ch not in "[]:*?/\\")
    return cleaned[:31] or "Sheet"
