"""CSV and XLSX files: every text cell safe to open in a spreadsheet, numbers kept as numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from offerdesk.core.exports import csv_lines, csv_text, safe_cell, xlsx_bytes


@pytest.mark.parametrize("text", ["=1+1", "+49 30", "-2", "@SUM(A1)", "\t=x", "\r=x"])
def test_a_text_that_would_start_a_formula_gets_an_apostrophe(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Contoso", "Contoso"),
        ("a=b", "a=b"),
        (Decimal("-12.50"), Decimal("-12.50")),
        (-3, -3),
        (dt.date(2024, 2, 29), dt.date(2024, 2, 29)),
        (None, ""),
        (True, "yes"),
    ],
)
def test_other_values_pass_as_they_are(value: object, expected: object) -> None:
    assert safe_cell(value) == expected


def test_csv_is_streamed_line_by_line_and_reads_back_escaped() -> None:
    # Given a header and rows with a formula-like name and a negative amount
    rows = [['=HYPERLINK("http://x")', Decimal("-5.00")], ["Fabrikam, Inc.", Decimal("12.34")]]
    # When the CSV is written
    lines = list(csv_lines(["Partner", "USD"], rows))
    # Then each row is one piece, and reading it back gives the escaped text and the number as written
    assert len(lines) == 3
    read = list(csv.reader(io.StringIO("".join(lines))))
    assert read == [["Partner", "USD"], ['\'=HYPERLINK("http://x")', "-5.00"], ["Fabrikam, Inc.", "12.34"]]
    assert csv_text(["Partner", "USD"], rows) == "".join(lines)


def test_xlsx_keeps_numbers_and_escapes_text() -> None:
    # Given rows with a formula-like text, an amount, a date and a moment
    moment = dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.UTC)
    data = xlsx_bytes(
        ["Partner", "USD", "Payable", "At"], [["@cmd", Decimal("99.95"), dt.date(2024, 3, 1), moment]], sheet="Run 7"
    )
    # When the workbook is read back
    sheet = load_workbook(io.BytesIO(data), read_only=True)["Run 7"]
    header, row = list(sheet.iter_rows(values_only=True))
    # Then the text is escaped, the amount is a number and the dates are dates
    assert header == ("Partner", "USD", "Payable", "At")
    assert row[0] == "'@cmd"
    assert row[1] == pytest.approx(99.95)
    assert row[2].date() == dt.date(2024, 3, 1)
    assert row[3] == dt.datetime(2024, 3, 1, 9, 30)
