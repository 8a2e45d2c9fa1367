"""``reviewtui import kpis|measurements FILE``: spreadsheets in, all rows or none."""

from __future__ import annotations

from pathlib import Path

import click

from reviewtui.cli.context import CliContext, fail

pass_ctx = click.make_pass_decorator(CliContext)


def register(group: click.Group) -> None:
    group.add_command(import_group)


@click.group("import")
def import_group() -> None:
    """Import KPI definitions or KPI values from CSV or XLSX (all rows or none)."""


def _run(ctx: CliContext, kind: str, file: str, dry_run: bool, **how) -> None:
    from reviewtui.importers.reader import ImportFailed, ReadOptions

    if ctx.settings.role != "facilitator":
        fail(f"this session ({ctx.settings.role}) may not import")
    if kind == "kpis":
        from reviewtui.importers.kpis import import_kpis as run
    else:
        from reviewtui.importers.measurements import import_measurements as run
    options = ReadOptions(**how)
    extra = {} if kind == "kpis" else {"progress": _progress()}
    try:
        with ctx.db.session() as s:
            summary = run(
                Path(file), session=s, dry_run=dry_run, name=file, options=options, **extra
            )
    except ImportFailed as exc:
        for note in exc.notes:
            click.echo(f"note: {note}", err=True)
        for p in exc.problems:
            click.echo(str(p), err=True)
        fail(str(exc))
    for note in summary.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"{kind}: {summary}")


PROGRESS_FROM = 2000  # rows: a smaller file is written before anyone would look


def _progress():
    """A progress line on a terminal's stderr for a big file (nothing when piped)."""
    import sys

    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if total < PROGRESS_FROM:
            return
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\rwriting {done:,}/{total:,} values ({100 * done // total}%){end}")
        sys.stderr.flush()

    return show


def read_options(f):
    """The options saying how to read a vendor's file (see importers.reader.ReadOptions)."""
    for option in reversed(
        [
            click.option(
                "--dry-run", is_flag=True, help="Check the file and say what would change."
            ),
            click.option(
                "--header-row",
                type=click.IntRange(1),
                metavar="N",
                help="The header is on line (row) N. Default: the first of the first 10 lines "
                "that names the required columns.",
            ),
            click.option(
                "--sheet",
                metavar="NAME|N",
                help="XLSX: the sheet to read, by name or number (1 = the first, the default).",
            ),
            click.option(
                "--decimal",
                type=click.Choice(["comma", "dot"]),
                help="The decimal separator. Default: 94,1 and 94.1 both read as 94.1; an "
                "ambiguous 1,234 is refused with a hint.",
            ),
            click.option(
                "--strict", is_flag=True, help="Refuse unknown columns (default: ignore them)."
            ),
        ]
    ):
        f = option(f)
    return f


FILE = click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))


@import_group.command("kpis")
@FILE
@read_options
@pass_ctx
def import_kpis(ctx: CliContext, file: str, dry_run: bool, **how) -> None:
    """KPI definitions: vendor,kpi,unit,direction,target,threshold,weight,frequency,category.

    vendor, kpi, direction (higher|lower) and target are required. A vendor not yet known is
    created; an existing KPI (same vendor and name) is updated. A column left out keeps the
    stored value; an empty cell means the default (no threshold, weight 1, monthly, service).
    Every bad row is reported as FILE:LINE: column: what is wrong, and then nothing is written.
    FILE - reads CSV from stdin; ; and tab delimiters are found by themselves.
    """
    _run(ctx, "kpis", file, dry_run, **how)


@import_group.command("measurements")
@FILE
@read_options
@pass_ctx
def import_measurements(ctx: CliContext, file: str, dry_run: bool, **how) -> None:
    """KPI values: vendor,kpi,period,value,source,note.

    period is a period or a date in it (2026-03, 2026-03-15, Mar 2026, Jan-26, 2026-Q1, Q1 2026,
    2026-W09, a spreadsheet date), taken as the KPI's own period; source is vendor (the default)
    or independent; value may be 94,1 or 94.1, and 95% for a KPI in %. Importing the same
    vendor, KPI, period and source again updates the value. Every bad row is reported as
    FILE:LINE: column: what is wrong, and then nothing is written. FILE - reads CSV from stdin.
    """
    _run(ctx, "measurements", file, dry_run, **how)
