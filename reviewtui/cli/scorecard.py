"""``reviewtui scorecard``: a vendor's KPIs against target, or the whole portfolio."""

from __future__ import annotations

import csv
import json
import sys

import click

from reviewtui.cli.context import CliContext, fail
from reviewtui.cli.output import emit, format_option, script_value
from reviewtui.domain.figures import short

pass_ctx = click.make_pass_decorator(CliContext)

PORTFOLIO_COLUMNS = [
    ("vendor", "Vendor"),
    ("score", "Score"),
    ("status", "Status"),
    ("red", "Red"),
    ("amber", "Amber"),
    ("green", "Green"),
    ("no_data", "No data"),
    ("escalate", "Escalate"),
]

MARK = {"green": "✓ green", "amber": "! amber", "red": "✗ red", "no data": "· no data"}
STYLE = {"green": "green", "amber": "yellow", "red": "bold red", "no data": "dim"}
ARROW = {"improving": "↑", "worsening": "↓", "flat": "→", "new": "new"}


def register(group: click.Group) -> None:
    group.add_command(scorecard)


@click.command()
@click.argument("vendor", required=False)
@click.option("--all", "all_", is_flag=True, help="Every vendor (the portfolio).")
@click.option(
    "--period",
    metavar="P",
    callback=lambda _c, p, v: _check_period(v, p),
    help="The scorecard as at this period: 2026-03, 'Mar 2026', 2026-Q1, 2026-W09 or a date. "
    "Each KPI is shown at its latest period that ends by P's last day (as at 2026-11 a "
    "quarterly KPI is at 2026-Q3). Default: each KPI's latest period with a value.",
)
@format_option()
@pass_ctx
def scorecard(
    ctx: CliContext, vendor: str | None, all_: bool, period: str | None, fmt: str
) -> None:
    """A vendor's scorecard: each KPI against its target, with gap, status and trend.

    JSON: {vendor, score, status, kpis: [{kpi, period, unit, direction, target, threshold,
    weight, actual, source, vendor_value, independent_value, discrepancy_pct, discrepancy, gap,
    gap_pct, status, attainment, trend, consecutive_misses, escalate}]}; with --all, a list of
    those, one per vendor. CSV: one row per KPI with a leading vendor column. The rules are in
    docs/scorecard.md.
    """
    if all_ == bool(vendor):
        fail("give a VENDOR name or --all", code=2)
    cards = _load(ctx, vendor, all_, period)
    if fmt == "json" and all_:
        _json_lines(cards)
    elif fmt == "json":
        click.echo(json.dumps(cards[0].as_json(), indent=2, ensure_ascii=False))
    elif fmt == "csv":
        _csv(cards)
    elif all_:
        emit(
            [_summary(c) for c in cards],
            fmt,
            PORTFOLIO_COLUMNS,
            title="Portfolio" + (f" at {period}" if period else ""),
            empty="no vendors yet: run `reviewtui demo` or import KPIs",
        )
    else:
        _table(cards[0], period)


def _check_period(value: str | None, param: click.Parameter) -> str | None:
    """A period that cannot be read is a usage error (exit 2), like any bad option value."""
    if value is not None:
        from reviewtui.domain import periods

        try:
            periods.normalise(value, "weekly")
        except periods.PeriodError as exc:
            raise click.BadParameter(str(exc), param=param) from None
    return value


def _load(ctx: CliContext, vendor: str | None, all_: bool, period: str | None) -> list:
    """The scorecards to print: one vendor's, or every one this session may see."""
    from reviewtui.db import firstrows
    from reviewtui.domain import clock

    scope = ctx.settings.vendor if ctx.settings.role == "vendor" else None
    if all_ and period is None and scope is None:
        # The whole portfolio on an SQLite file: the same SQL through stdlib sqlite3, without
        # importing SQLAlchemy (~0.4 s); None when only the data layer can tell.
        path = firstrows.sqlite_file(ctx.db_url) or firstrows.postgres_url(ctx.db_url)
        if path is not None:
            cards = firstrows.portfolio(path, ctx.settings, today=clock.today(), history=2)
            if cards is not None:
                return cards
    from reviewtui.db import scorecards
    from reviewtui.db import vendors as vendor_q
    from reviewtui.domain.text import fold

    with ctx.db.read() as s:
        if all_:
            ids: list[int] | None = None
            if scope is not None:
                ids = [int(vendor_q.get_by_name(scope, session=s).id or 0)]
            return scorecards.portfolio(
                session=s, period=period, settings=ctx.settings, vendor_ids=ids, history=2
            )
        assert vendor is not None
        if scope is not None and fold(vendor) not in fold(scope):
            fail(f"this session may only see {scope}")
        v = vendor_q.get_by_name(vendor, session=s)
        return [
            scorecards.vendor_scorecard(
                int(v.id or 0), session=s, period=period, settings=ctx.settings, history=2
            )
        ]


def _json_lines(cards) -> None:
    """The portfolio as one JSON array, a vendor a line, written as it is encoded.

    ``indent`` would switch ``json`` to its pure-Python encoder: at 500 vendors that alone took
    about a second. Compact vendors on lines of their own keep the C encoder and stay readable
    to ``grep`` and ``jq``.
    """
    out = sys.stdout
    out.write("[")
    for i, card in enumerate(cards):
        out.write(",\n" if i else "\n")
        out.write(json.dumps(card.as_json(), ensure_ascii=False))
    out.write("\n]\n" if cards else "]\n")
    out.flush()


def _csv(cards) -> None:
    from reviewtui.domain.scorecard import JSON_KEYS

    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["vendor", *JSON_KEYS])
    for c in cards:
        for k in c.kpis:
            d = k.as_json()
            w.writerow([c.vendor, *(script_value(d[key]) for key in JSON_KEYS)])


def _summary(card) -> dict:
    counts = {"red": 0, "amber": 0, "green": 0, "no data": 0}
    for k in card.kpis:
        counts[k.status] += 1
    return {
        "vendor": card.vendor,
        "score": "—" if card.score is None else f"{card.score:.1f}",
        "status": MARK[card.status],
        "red": counts["red"],
        "amber": counts["amber"],
        "green": counts["green"],
        "no_data": counts["no data"],
        "escalate": sum(1 for k in card.kpis if k.escalate),
    }


def _table(card, period: str | None) -> None:
    from rich.table import Table
    from rich.text import Text

    from reviewtui.cli.output import cell_text
    from reviewtui.cli.output import console as make_console
    from reviewtui.domain.text import printable

    console = make_console()
    score = "no data" if card.score is None else f"{card.score:.1f}"
    title = Text.assemble(
        (printable(card.vendor, multiline=False), "bold"),
        "  score ",
        (score, "bold"),
        "  ",
        (MARK[card.status], STYLE[card.status]),
    )
    if period:
        title.append(f"  at {period}")
    if not card.kpis:
        console.print(title)
        console.print(
            Text("no KPIs yet: add them in the app or `reviewtui import kpis FILE`", style="dim")
        )
        return
    t = Table(title=title, header_style="bold")
    for heading in (
        "KPI",
        "Period",
        "Status",
        "Actual",
        "Target",
        "Gap",
        "Attain.",
        "Trend",
        "Misses",
        "Flags",
    ):
        t.add_column(
            heading,
            justify="right"
            if heading in ("Actual", "Target", "Gap", "Attain.", "Misses")
            else "left",
        )
    for k in card.kpis:
        flags = []
        if k.escalate:
            flags.append("ESCALATE")
        if k.discrepancy:
            flags.append(f"DISCREPANCY {k.discrepancy_pct:+.1f}%")
        t.add_row(
            cell_text(k.kpi),
            k.period or "—",
            Text(MARK[k.status], STYLE[k.status]),
            short(k.actual, k.unit) + ("" if k.source != "vendor" else " (v)"),
            short(k.target, k.unit),
            short(k.gap),
            "—" if k.attainment is None else f"{k.attainment:.1f}",
            ARROW.get(k.trend or "", ""),
            str(k.consecutive_misses),
            " ".join(flags),
        )
    console.print(t)
    console.print(Text("(v) vendor-reported; otherwise independently measured", style="dim"))
