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


def _run(ctx: CliContext, kind: str, file: str, dry_run: bool) -> None:
    from reviewtui.importers.reader import ImportFailed

    if ctx.settings.role != "facilitator":
        fail(f"this session ({ctx.settings.role}) may not import")
    if kind == "kpis":
        from reviewtui.importers.kpis import import_kpis as run
    else:
        from reviewtui.importers.measurements import import_measurements as run
    try:
        with ctx.db.session() as s:
            summary = run(Path(file), session=s, dry_run=dry_run, name=file)
    except ImportFailed as exc:
        for p in exc.problems:
            click.echo(str(p), err=True)
        fail(str(exc))
    click.echo(f"{kind}: {summary}")


@import_group.command("kpis")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and say what would change.")
@pass_ctx
def import_kpis(ctx: CliContext, file: str, dry_run: bool) -> None:
    """KPI definitions: vendor,kpi,unit,direction,target,threshold,weight,frequency,category.

    vendor, kpi, direction (higher|lower) and target are required. A vendor not yet known is
    created; an existing KPI (same vendor and name) is updated. A column left out keeps the
    stored value; an empty cell means the default (no threshold, weight 1, monthly, service).
    Every bad row is reported as FILE:LINE: column: what is wrong, and then nothing is written.
    """
    _run(ctx, "kpis", file, dry_run)


@import_group.command("measurements")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and say what would change.")
@pass_ctx
def import_measurements(ctx: CliContext, file: str, dry_run: bool) -> None:
    """KPI values: vendor,kpi,period,value,source,note.

    period is a period or a date in it (2026-03, 2026-03-15, Mar 2026, 2026-Q1, 2026-W09), taken
    as the KPI's own period; source is vendor (the default) or independent. Importing the same
    vendor, KPI, period and source again updates the value. Every bad row is reported as
    FILE:LINE: column: what is wrong, and then nothing is written.
    """
    _run(ctx, "measurements", file, dry_run)
