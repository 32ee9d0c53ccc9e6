"""Every CSV and XLSX the product writes goes through here, so no cell can run as a formula.

A name, answer, template or partner name typed by a user may start with `=`, `+`, `-`, `@`, a tab
or a carriage return; a spreadsheet opening the file would run it (`=HYPERLINK(...)`, DDE). As
OWASP's CSV-injection guidance says, such a text cell is neutralised:

- CSV: prefixed with a single quote, which spreadsheets show as text and do not evaluate;
- XLSX: written as a string cell (never a formula) with Excel's "quote prefix" style, so the text
  reads exactly as typed and stays text even when someone edits the cell.

Numbers, dates and booleans are written as they are: they cannot carry a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.workbook import Workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


# --- CSV ---------------------------------------------------------------------------------------

def csv_cell(value):
    """A CSV value that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)  # also lazy translations
    return "'" + text if is_formula_like(text) else text


class SafeCsvWriter:
    """csv.writer whose every row is neutralised; `getvalue()` gives UTF-8 with a BOM for Excel."""

    def __init__(self) -> None:
        self._out = io.StringIO()
        self._writer = csv.writer(self._out)

    def writerow(self, values: Iterable) -> None:
        self._writer.writerow([csv_cell(v) for v in values])

    def getvalue(self) -> bytes:
        # A byte-order mark, so Excel on Windows shows the Chinese correctly.
        return ("\ufeff" + self._out.getvalue()).encode("utf-8")


# --- XLSX --------------------------------------------------------------------------------------

def _as_text(cell: Cell) -> Cell:
    cell.data_type = "s"  # openpyxl stores a str starting with "=" as a formula ("f")
    cell.quotePrefix = True
    return cell


def xlsx_cell(sheet, value, **style) -> Cell:
    """A cell for `sheet.append` (normal or write-only sheet); formula-like text stays text."""
    cell = WriteOnlyCell(sheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    if is_formula_like(value) or cell.data_type == "f":
        _as_text(cell)
    return cell


def xlsx_row(sheet, values: Iterable) -> list:
    """A row for `sheet.append`: formula-like text becomes a text cell, Cells and the rest pass through."""
    row = []
    for value in values:
        if isinstance(value, Cell):
            if value.data_type == "f":
                _as_text(value)
            row.append(value)
        elif is_formula_like(value):
            row.append(xlsx_cell(sheet, value))
        else:
            row.append(value)
    return row


def workbook_bytes(book: Workbook) -> bytes:
    """Save the workbook; in a normal (not write-only) book, any formula cell left is made text first."""
    if not book.write_only:
        for sheet in book.worksheets:
            for cells in sheet.iter_rows():
                for cell in cells:
                    # A MergedCell (the covered part of a merged range) holds no value.
                    if isinstance(cell, Cell) and (cell.data_type == "f" or is_formula_like(cell.value)):
                        _as_text(cell)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
