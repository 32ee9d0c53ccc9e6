"""app.spreadsheets: the one place CSV and XLSX cells are neutralised (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from app.spreadsheets import SafeCsvWriter, csv_cell, workbook_bytes, xlsx_row

RISKY = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", RISKY)
def test_a_formula_like_csv_cell_is_quoted(text):
    assert csv_cell(text) == "'" + text


def test_plain_text_and_numbers_pass_unchanged():
    assert [csv_cell(v) for v in ("张三", "a=b", "", None, -5, Decimal("-1.50"), 2.5)] == [
        "张三", "a=b", "", "", -5, Decimal("-1.50"), 2.5]


def test_the_csv_writer_neutralises_every_row():
    writer = SafeCsvWriter()
    writer.writerow(RISKY)
    rows = list(csv.reader(io.StringIO(writer.getvalue().decode("utf-8-sig"), newline="")))
    assert rows[0] == ["'" + text for text in RISKY]


@pytest.mark.parametrize("write_only", [False, True])
def test_xlsx_cells_are_text_never_formulas(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s")
    sheet.append(xlsx_row(sheet, [*RISKY, 7, "ok"]))
    if not write_only:
        sheet.append(RISKY)  # appended without the helper: workbook_bytes still makes it text
    back = load_workbook(io.BytesIO(workbook_bytes(book)))["s"]
    rows = list(back.iter_rows())
    expected = [text.replace("\r", "\n") for text in RISKY]  # XML reads a lone CR back as LF
    assert [c.value for c in rows[0]] == [*expected, 7, "ok"]
    for row in rows:
        for cell in row:
            assert cell.data_type != "f"
            if cell.value in expected:
                assert cell.data_type == "s" and cell.quotePrefix
