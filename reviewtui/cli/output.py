"""Printing rows as a rich table (for people), JSON or CSV (for scripts: stable, documented).

The script contract: CSV has exactly the columns JSON has keys (in the same order), booleans are
``true``/``false`` in both, nested values are JSON text in CSV, a missing value is an empty CSV
cell and ``null`` in JSON. Tables on a terminal fit the terminal; piped, they are as wide as
their content (or ``--width N``). User text never reaches the terminal as markup or escape
sequences: table cells are plain :class:`rich.text.Text`, and every stream a command writes to
passes control characters through :func:`reviewtui.domain.text.printable` (:class:`InertStream`).
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click

from reviewtui.domain.text import BIDI_CONTROLS, printable

FORMATS = ("table", "json", "csv")
WIDTH_KEY = "reviewtui.width"
# What JSON text escapes beyond C0 (which ``json`` escapes itself): DEL, C1, the bidi controls.
_JSON_ESCAPE = re.compile(rf"[\x7f-\x9f{BIDI_CONTROLS}]")


def _remember_width(ctx: click.Context, _param: click.Parameter, value: int | None) -> None:
    if value is not None:
        ctx.meta[WIDTH_KEY] = value


def width_option():
    """``--width N``: the width of a table (default: the terminal's, or the content's piped)."""
    return click.option(
        "--width",
        type=click.IntRange(20, 10_000),
        metavar="N",
        expose_value=False,
        callback=_remember_width,
        help="Table width in columns (default: the terminal's; piped: as wide as the content).",
    )


def format_option(*choices: str):
    """The ``--format`` option with the given choices (default: table), and ``--width``."""
    fmt = click.option(
        "--format",
        "fmt",
        type=click.Choice(choices or FORMATS),
        default="table",
        show_default=True,
        help="table for people; json and csv for scripts.",
    )

    def both(f):
        return fmt(width_option()(f))

    return both


def console():
    """A Rich console on the real stdout, with markup off and the width the contract says."""
    from rich.console import Console

    out = raw_stream(sys.stdout)
    ctx = click.get_current_context(silent=True)
    width = ctx.meta.get(WIDTH_KEY) if ctx is not None else None
    if width is None and not out.isatty():
        width = 100_000  # piped: a table takes the width of its content, not 80 columns
    return Console(file=out, width=width, markup=False, emoji=False, highlight=False)


def cell_text(value: Any):
    """A table cell: plain text (no markup), control characters made visible."""
    from rich.text import Text

    if isinstance(value, bool):
        value = "yes" if value else "no"
    return Text("" if value is None else printable(value))


def script_value(value: Any) -> Any:
    """A value as a CSV cell: true/false, JSON text for nested values, '' for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def dumps(data: Any, **kw: Any) -> str:
    """JSON text with DEL, C1 and the bidi controls escaped too (``json`` escapes only C0)."""
    text = json.dumps(data, ensure_ascii=False, **kw)
    return _JSON_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def write_csv(rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> None:
    """Rows as CSV with ``keys`` as the columns (the JSON keys, in order)."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(keys)
    for r in rows:
        writer.writerow([script_value(r.get(k)) for k in keys])


def emit(
    rows: Sequence[dict[str, Any]],
    fmt: str,
    columns: Sequence[tuple[str, str]],
    *,
    title: str | None = None,
    empty: str = "nothing to show",
    keys: Sequence[str] | None = None,
) -> None:
    """Print ``rows`` (dicts) in ``fmt``; ``columns`` are (key, heading) pairs for the table.

    CSV columns are the rows' keys (what JSON prints), or ``keys`` for an empty list.
    """
    if fmt == "json":
        click.echo(dumps(list(rows), indent=2))
        return
    if fmt == "csv":
        write_csv(rows, list(rows[0]) if rows else list(keys or [k for k, _ in columns]))
        return
    from rich.table import Table
    from rich.text import Text

    con = console()
    if not rows:
        con.print(Text(printable(empty), style="dim"))
        return
    table = Table(
        title=Text(printable(title)) if title else None, show_lines=False, header_style="bold"
    )
    for _, heading in columns:
        table.add_column(heading)
    for r in rows:
        table.add_row(*[cell_text(r.get(k)) for k, _ in columns])
    con.print(table)


class InertStream(io.TextIOBase):
    """A text stream that writes through :func:`printable`: no control character but newline
    and tab reaches the terminal from ``click.echo`` or ``print`` (Rich tables write to the
    stream underneath, :func:`raw_stream`, after making their cells plain)."""

    def __init__(self, raw: Any) -> None:
        super().__init__()
        self.raw = raw

    def write(self, s: str) -> int:
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        self.raw.write(printable(s))
        return len(s)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return self.raw.fileno()

    def writable(self) -> bool:
        return True

    # The two ignores: typeshed declares TextIOBase's encoding and errors as plain writable
    # attributes; at run time they are read-only descriptors, as these properties are.
    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.raw.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self.raw.errors

    @property
    def buffer(self) -> Any:
        # Binary output (a PDF to -o -) goes to the bytes underneath, unchanged.
        return self.raw.buffer


def raw_stream(stream: Any) -> Any:
    """The stream under an :class:`InertStream` (the stream itself otherwise)."""
    return stream.raw if isinstance(stream, InertStream) else stream


@contextmanager
def inert_output() -> Iterator[None]:
    """Run a command with stdout and stderr passing through :class:`InertStream`."""
    old_out, old_err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = InertStream(old_out), InertStream(old_err)
    try:
        yield
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        sys.stdout, sys.stderr = old_out, old_err
