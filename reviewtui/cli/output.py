"""Printing rows as a rich table (for people), JSON or CSV (for scripts: stable, documented)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from typing import Any

import click

FORMATS = ("table", "json", "csv")


def format_option(*choices: str):
    """The ``--format`` option with the given choices (default: table)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices or FORMATS),
        default="table",
        show_default=True,
        help="table for people; json and csv for scripts.",
    )


def emit(
    rows: Sequence[dict[str, Any]],
    fmt: str,
    columns: Sequence[tuple[str, str]],
    *,
    title: str | None = None,
    empty: str = "nothing to show",
) -> None:
    """Print ``rows`` (dicts) in ``fmt``; ``columns`` are (key, heading) pairs for table and csv."""
    if fmt == "json":
        click.echo(json.dumps(list(rows), indent=2, ensure_ascii=False))
        return
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([k for k, _ in columns])
        for r in rows:
            writer.writerow(["" if r.get(k) is None else r.get(k) for k, _ in columns])
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not rows:
        console.print(f"[dim]{empty}[/dim]")
        return
    table = Table(title=title, show_lines=False, header_style="bold")
    for _, heading in columns:
        table.add_column(heading)
    for r in rows:
        table.add_row(*["" if r.get(k) is None else str(r.get(k)) for k, _ in columns])
    console.print(table)
