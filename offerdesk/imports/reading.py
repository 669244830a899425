"""Reading an import file (CSV or XLSX) into text rows numbered by their line, or refusing it precisely.

Every cell comes out as text, whatever the format: the same parsers (core/parsing, OD-IN-01) then read a CSV
and a spreadsheet alike. A file is refused before anything is read when it is larger than the size limit; a
spreadsheet also when it would unpack to more than that (a zip bomb) or compresses implausibly well."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from offerdesk.core import parsing
from offerdesk.core.errors import InvalidInput

FILE = "file"
MAX_RATIO = 100  # an honest worksheet compresses ten to twenty times; a bomb, thousands
_BOMS = (
    (codecs.BOM_UTF8, "UTF-8"),
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an import file: where (line 1 is the header; 0 the file as a whole), which column,
    and the parser's message."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class ImportRefused(InvalidInput):
    """An import refused as a whole: every problem found, by line and column; nothing was written."""

    shown_problems = 20

    def __init__(self, problems: list[Problem], *, rows: int = 0) -> None:
        self.problems = problems
        self.rows = rows
        listed = "; ".join(str(p) for p in problems[: self.shown_problems])
        more = len(problems) - self.shown_problems
        tail = f"; and {more:,} more problems" if more > 0 else ""
        super().__init__(f"nothing imported, {len(problems):,} problem(s): {listed}{tail}", rules=(parsing.RULE,))


def refuse_file(reason: str) -> ImportRefused:
    """The whole file refused for one reason."""
    return ImportRefused([Problem(0, "", f"{reason} ({parsing.RULE})")])


@dataclass
class Table:
    """A file's header and its rows, read lazily: each row as (line, cells) with every cell text."""

    path: Path
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    size: int
    read_bytes: Callable[[], int]  # how far the reader has got, for a progress bar


def sha256_of(path: Path) -> str:
    """The file's SHA-256, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_table(path: Path, *, max_bytes: int) -> Table:
    """Open a CSV or XLSX file (by its content, not its name) and read its header."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise refuse_file(f"cannot read {path.name}: {error.strerror or error}") from None
    if not path.is_file():
        raise refuse_file(f"{path.name} is not a file")
    if size > max_bytes:
        raise refuse_file(f"{path.name} holds {size:,} bytes; an import takes at most {max_bytes:,}")
    if size == 0:
        raise refuse_file(f"{path.name} is empty: it needs a header line and at least one row")
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, size=size, max_bytes=max_bytes)
    return _read_csv(path, size=size)


# ------------------------------------------------------------------------------------------------ CSV


def _read_csv(path: Path, *, size: int) -> Table:
    with path.open("rb") as handle:
        start = handle.read(4)
    for bom, encoding in _BOMS:
        if start.startswith(bom):
            raise refuse_file(
                f"{path.name} starts with a {encoding} byte-order mark; save it as UTF-8 without one (CSV UTF-8 "
                "without BOM)"
            )
    handle = path.open("rb")
    position = [0]

    def lines() -> Iterator[str]:
        for number, raw in enumerate(handle, start=1):
            position[0] += len(raw)
            if b"\0" in raw:
                raise refuse_file(f"line {number} holds a NUL byte: {path.name} is not a text (CSV) file")
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as error:
                byte = raw[error.start]
                hint = " (it looks like Latin-1 or Windows-1252: save it as UTF-8)" if byte >= 0x80 else ""
                raise refuse_file(
                    f"line {number} is not UTF-8: byte 0x{byte:02X} at position {error.start + 1}{hint}"
                ) from None

    reader = csv.reader(lines(), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        handle.close()
        raise refuse_file(f"line {reader.line_num} is not well-formed CSV: {error}") from None
    except ImportRefused:
        handle.close()
        raise
    if header is None or not any(cell.strip() for cell in header):
        handle.close()
        raise refuse_file(f"{path.name} has no header line")

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            while True:
                line = reader.line_num + 1  # the first physical line of the next record
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    raise refuse_file(f"line {reader.line_num} is not well-formed CSV: {error}") from None
                if cells:  # a blank line is no row
                    yield line, cells
        finally:
            handle.close()

    return Table(path=path, header=header, rows=rows(), size=size, read_bytes=lambda: position[0])


# ----------------------------------------------------------------------------------------------- XLSX


def _check_zip(path: Path, *, size: int, max_bytes: int) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise refuse_file(f"{path.name} is not a readable XLSX workbook: {error}") from None
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > max_bytes:
        raise refuse_file(
            f"{path.name} would unpack to {unpacked:,} bytes; an import takes at most {max_bytes:,} (a zip bomb?)"
        )
    packed = sum(entry.compress_size for entry in entries)
    if unpacked > 1 << 20 and unpacked > MAX_RATIO * max(packed, 1):
        raise refuse_file(
            f"{path.name} would unpack {unpacked // max(packed, 1):,} times its size; at most {MAX_RATIO} times "
            "is a workbook (a zip bomb?)"
        )
    if not any(entry.filename.startswith("xl/worksheets/") for entry in entries):
        raise refuse_file(f"{path.name} is a zip file but not an XLSX workbook (no worksheet)")


def cell_text(value: Any) -> str:
    """A spreadsheet cell (or a parsed value) as the text a CSV would hold: whole numbers without '.0', decimals
    without exponents, dates as YYYY-MM-DD, true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return str(Decimal(repr(value)))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _sheet_rows(path: Path) -> Iterator[list[Any]]:
    """The first worksheet's rows: python-calamine when it is installed, openpyxl (read-only) otherwise."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - calamine is a dependency; openpyxl is the fallback
        yield from _openpyxl_rows(path)
        return
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        yield from sheet.iter_rows()
    except Exception as error:  # calamine raises its own error types
        raise refuse_file(f"{path.name} is not a readable XLSX workbook: {error}") from None


def _openpyxl_rows(path: Path) -> Iterator[list[Any]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        raise refuse_file(f"{path.name} is not a readable XLSX workbook: {error}") from None
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _read_xlsx(path: Path, *, size: int, max_bytes: int) -> Table:
    _check_zip(path, size=size, max_bytes=max_bytes)
    source = _sheet_rows(path)
    header = [cell_text(v) for v in next(source, [])]
    while header and not header[-1].strip():
        header.pop()
    if not header:
        raise refuse_file(f"{path.name} has no header line in its first worksheet")
    done = [0]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for line, values in enumerate(source, start=2):
            cells = [cell_text(v) for v in values]
            done[0] = line
            if any(cells):
                yield line, cells

    return Table(path=path, header=header, rows=rows(), size=size, read_bytes=lambda: 0)
