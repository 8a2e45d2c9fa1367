"""Reading a CSV or XLSX file into numbered rows of cells, keyed by lower-case column name.

Line numbers are what a person sees: the CSV line (header = 1) or the spreadsheet row number.
openpyxl is imported only when an XLSX file is read.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewtui.db.errors import UserError


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an import file, printed as ``FILE:LINE: column: what is wrong``."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


class ImportFailed(UserError):
    """The file has bad rows; nothing was written."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        rows = len({p.line for p in problems})
        super().__init__(f"{file}: {rows} bad row{'s' if rows != 1 else ''}, nothing was imported")
        self.file = file
        self.problems = problems


EXTRA = "\0extra"  # key of the count of cells beyond the header in a CSV row


@dataclass
class Table:
    """The rows of a file: ``rows`` holds (line number, {column: cell}) for non-empty rows."""

    file: str
    columns: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def read(path: Path, name: str | None = None) -> Table:
    """Read ``path`` (.csv, .xlsx or .xlsm); ``name`` is how messages call the file."""
    name = name or str(path)
    if not path.is_file():
        raise UserError(f"{name}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, name)
    if suffix in (".csv", ".txt", ""):
        return _read_csv(path, name)
    raise UserError(f"{name}: not a CSV or XLSX file (.csv, .xlsx)")


def _header(cells: list[Any]) -> list[str]:
    return ["" if c is None else str(c).strip().lower() for c in cells]


def _read_csv(path: Path, name: str) -> Table:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"{name}: not UTF-8 text (save the CSV as UTF-8): {exc.reason}") from None
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    lines = list(reader)
    if not lines:
        raise UserError(f"{name}: the file is empty (the first line names the columns)")
    table = Table(name, _header(lines[0]))
    for i, cells in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        row: dict[str, Any] = {
            col: (cells[j] if j < len(cells) else "") for j, col in enumerate(table.columns)
        }
        if len(cells) > len(table.columns) and any(c.strip() for c in cells[len(table.columns) :]):
            row[EXTRA] = len(cells) - len(table.columns)
        table.rows.append((i, row))
    return table


def _read_xlsx(path: Path, name: str) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise UserError(f"{name}: not a readable XLSX workbook ({exc})") from None
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows()
        header = next(rows, None)
        if header is None:
            raise UserError(f"{name}: the first sheet is empty (row 1 names the columns)")
        table = Table(name, _header([c.value for c in header]))
        for cells in rows:
            values = []
            line = None
            for c in cells:
                line = line or getattr(c, "row", None)
                v = c.value
                # A cell shown as 95.5% holds 0.955: take the number people see.
                fmt = getattr(c, "number_format", "") or ""
                if isinstance(v, int | float) and not isinstance(v, bool) and "%" in fmt:
                    v = round(v * 100, 10)
                values.append(v)
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            row = {
                col: (values[j] if j < len(values) else None) for j, col in enumerate(table.columns)
            }
            table.rows.append((line or 0, row))
    finally:
        wb.close()
    return table


def row_shape(table: Table, line: int, row: dict[str, Any]) -> list[Problem]:
    """A problem when a CSV row has more cells than the header names."""
    if EXTRA in row:
        n = row[EXTRA]
        return [
            Problem(table.file, line, "row", f"{n} more cell{'s' if n > 1 else ''} than the header")
        ]
    return []


def check_columns(
    table: Table, required: tuple[str, ...], optional: tuple[str, ...]
) -> list[Problem]:
    """Problems with the header: missing required columns, unknown or repeated ones."""
    out = []
    seen: set[str] = set()
    for col in table.columns:
        if not col:
            continue
        if col in seen:
            out.append(Problem(table.file, 1, col, "the column appears twice in the header"))
        seen.add(col)
        if col not in required and col not in optional:
            out.append(
                Problem(
                    table.file,
                    1,
                    col,
                    f"unknown column (columns: {','.join(required + optional)})",
                )
            )
    for col in required:
        if col not in seen:
            out.append(Problem(table.file, 1, col, "missing column (it is required)"))
    return out
