"""Files for spreadsheets and payment systems: CSV and XLSX, every text cell safe to open (no formula injection).

A cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return) is read as a formula by Excel, Numbers
and LibreOffice; such a text is written with a leading apostrophe, as OWASP advises, so the file shows what was
stored. Numbers and dates are written as themselves: a negative Decimal stays a number."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet should receive it: a text that would start a formula gets a leading `'`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal | int | float | dt.date):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Line:
    """A file-like object that hands back what csv.writer wrote: one line at a time, for streaming."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text = text
        return len(text)


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text line by line (header first), every cell through `safe_cell`: nothing is held in memory."""
    line = _Line()
    writer = csv.writer(line, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    yield line.text
    for row in rows:
        writer.writerow([_csv_text(safe_cell(v)) for v in row])
        yield line.text


def _csv_text(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The whole CSV as one text (for a file attached or saved)."""
    return "".join(csv_lines(header, rows))


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str) -> bytes:
    """An XLSX workbook of one sheet (openpyxl's write-only mode: rows are not held twice), header in bold;
    Decimal amounts stay numbers, moments are written in UTC without their zone (a spreadsheet has none)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    ws = book.create_sheet(title=sheet[:31] or "Sheet")
    bold = Font(bold=True)
    head = []
    for h in header:
        cell = WriteOnlyCell(ws, value=safe_cell(h))
        cell.font = bold
        head.append(cell)
    ws.append(head)
    for row in rows:
        ws.append([_xlsx_value(safe_cell(v)) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value
