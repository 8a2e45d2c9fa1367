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

    def __init__(self, file: str, problems: list[Problem], notes: list[str] | None = None) -> None:
        rows = len({p.line for p in problems})
        super().__init__(f"{file}: {rows} bad row{'s' if rows != 1 else ''}, nothing was imported")
        self.file = file
        self.problems = problems
        self.notes = notes or []


EXTRA = "\0extra"  # key of the count of cells beyond the header in a CSV row


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file, from the command line: ``None`` means find out."""

    header_row: int | None = None  # the line (row) of the header; else the first of 10 with it
    sheet: str | None = None  # XLSX: a sheet's name or its number (1 = the first)
    decimal: str | None = None  # "comma" or "dot"; else each number says which it uses
    strict: bool = False  # refuse unknown columns instead of ignoring them with a warning


HEADER_SEARCH = 10  # lines (rows) searched for the header: title rows above it are common


@dataclass
class Table:
    """The rows of a file: ``rows`` holds (line number, {column: cell}) for non-empty rows.

    ``notes`` are warnings for the user (the header found below line 1, columns ignored).
    """

    file: str
    columns: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    header_line: int = 1
    notes: list[str] = field(default_factory=list)
    options: ReadOptions = field(default_factory=ReadOptions)


def read(
    path: Path,
    name: str | None = None,
    *,
    required: tuple[str, ...] = (),
    options: ReadOptions | None = None,
    stdin: Any = None,
) -> Table:
    """Read ``path`` (.csv, .xlsx or .xlsm; ``-``: CSV from ``stdin``); ``name`` is how messages
    call the file; ``required`` columns find the header within the first lines."""
    options = options or ReadOptions()
    name = name or str(path)
    if str(path) == "-":
        import sys

        text = (stdin or sys.stdin).read()
        table = _read_csv_text(text.lstrip("\ufeff"), "<stdin>", required, options)
    else:
        if not path.is_file():
            raise UserError(f"{name}: no such file")
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            table = _read_xlsx(path, name, required, options)
        elif suffix in (".csv", ".txt", ""):
            if options.sheet is not None:
                raise UserError(f"{name}: --sheet is for XLSX workbooks; this is a CSV file")
            table = _read_csv(path, name, required, options)
        else:
            raise UserError(f"{name}: not a CSV or XLSX file (.csv, .xlsx)")
    table.options = options
    return table


def _header(cells: list[Any]) -> list[str]:
    return ["" if c is None else str(c).strip().lower() for c in cells]


def _find_header(
    rows: list[list[Any]], name: str, required: tuple[str, ...], options: ReadOptions
) -> int:
    """The index of the header row: the one asked for, else the first of the first lines that
    names every required column, else the first row."""
    if options.header_row is not None:
        if options.header_row < 1 or options.header_row > len(rows):
            raise UserError(
                f"{name}: --header-row {options.header_row}: the file has "
                f"{len(rows)} line{'s' if len(rows) != 1 else ''}"
            )
        return options.header_row - 1
    for i, cells in enumerate(rows[:HEADER_SEARCH]):
        names = set(_header(cells))
        if required and all(r in names for r in required):
            return i
    return 0


def _delimiter(lines: list[str]) -> str:
    """The delimiter used most in the first lines (``;`` files often hold decimal commas)."""
    sample = [ln for ln in lines[: HEADER_SEARCH + 5] if ln.strip()]
    counts = {d: sum(ln.count(d) for ln in sample) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_csv(path: Path, name: str, required: tuple[str, ...], options: ReadOptions) -> Table:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"{name}: not UTF-8 text (save the CSV as UTF-8): {exc.reason}") from None
    return _read_csv_text(text, name, required, options)


def _read_csv_text(text: str, name: str, required: tuple[str, ...], options: ReadOptions) -> Table:
    physical = text.splitlines()
    reader = csv.reader(physical, delimiter=_delimiter(physical))
    lines = list(reader)
    if not lines:
        raise UserError(f"{name}: the file is empty (the first line names the columns)")
    at = _find_header(lines, name, required, options)
    table = Table(name, _header(lines[at]), header_line=at + 1)
    if at:
        table.notes.append(
            f"{name}: the header is on line {at + 1} (the line{'s' if at > 1 else ''} above "
            "it skipped)"
        )
    for i, cells in enumerate(lines[at + 1 :], start=at + 2):
        if not any(c.strip() for c in cells):
            continue
        row: dict[str, Any] = {
            col: (cells[j] if j < len(cells) else "") for j, col in enumerate(table.columns)
        }
        if len(cells) > len(table.columns) and any(c.strip() for c in cells[len(table.columns) :]):
            row[EXTRA] = len(cells) - len(table.columns)
        table.rows.append((i, row))
    return table


def _sheet(wb: Any, name: str, options: ReadOptions) -> Any:
    sheets = wb.worksheets
    if options.sheet is None:
        return sheets[0]
    want = options.sheet.strip()
    if want.isdigit():
        n = int(want)
        if 1 <= n <= len(sheets):
            return sheets[n - 1]
    for ws in sheets:
        if ws.title.casefold() == want.casefold():
            return ws
    titles = ", ".join(repr(ws.title) for ws in sheets)
    raise UserError(f"{name}: no sheet {want!r} (sheets: {titles}; give a name or 1-{len(sheets)})")


def _read_xlsx(path: Path, name: str, required: tuple[str, ...], options: ReadOptions) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise UserError(f"{name}: not a readable XLSX workbook ({exc})") from None
    try:
        ws = _sheet(wb, name, options)
        grid: list[tuple[int, list[Any]]] = []
        for cells in ws.iter_rows():
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
            grid.append((line or len(grid) + 1, values))
        if not grid:
            others = [w.title for w in wb.worksheets if w is not ws]
            hint = f" (other sheets: {', '.join(others)}; pick one with --sheet)" if others else ""
            raise UserError(f"{name}: the sheet {ws.title!r} is empty{hint}")
        at = _find_header([v for _, v in grid], name, required, options)
        header_line = grid[at][0]
        table = Table(name, _header(grid[at][1]), header_line=header_line)
        if header_line != 1:
            table.notes.append(f"{name}: the header is on row {header_line} of {ws.title!r}")
        for line, values in grid[at + 1 :]:
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            row = {
                col: (values[j] if j < len(values) else None) for j, col in enumerate(table.columns)
            }
            table.rows.append((line, row))
        if required and not set(required) <= set(table.columns) and len(wb.worksheets) > 1:
            others = [w.title for w in wb.worksheets if w is not ws]
            table.notes.append(
                f"{name}: the sheet {ws.title!r} has no header naming {', '.join(required)} "
                f"(other sheets: {', '.join(others)}; pick one with --sheet)"
            )
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
    """Problems with the header: missing required columns, repeated ones, and unknown ones when
    the import is strict (otherwise they are ignored, with one note naming them)."""
    out = []
    seen: set[str] = set()
    unknown: list[str] = []
    line = table.header_line
    for col in table.columns:
        if not col:
            continue
        if col in seen:
            out.append(Problem(table.file, line, col, "the column appears twice in the header"))
        seen.add(col)
        if col not in required and col not in optional:
            unknown.append(col)
    if unknown and table.options.strict:
        for col in unknown:
            out.append(
                Problem(
                    table.file,
                    line,
                    col,
                    f"unknown column (columns: {','.join(required + optional)}; "
                    "without --strict it is ignored)",
                )
            )
    elif unknown:
        table.notes.append(
            f"{table.file}: ignored column{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(unknown)} (known: {','.join(required + optional)}; --strict refuses)"
        )
    for col in required:
        if col not in seen:
            out.append(Problem(table.file, line, col, "missing column (it is required)"))
    return out
