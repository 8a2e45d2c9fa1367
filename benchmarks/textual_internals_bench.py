"""What each use of a Textual private name buys, with and without it, in one process.

    uv run python -m benchmarks.textual_internals_bench [--runs 7]

- ``table``: painting a 500-row, 7-column table cold (every render cache dropped, as after a
  change of the table): every row (a 120x510 terminal) and one screenful (120x36), with the
  fast one-line cells of :class:`reviewtui.textual_internals.SteadyDataTable` and with
  DataTable's own ``_render_cell``;
- ``footer``: opening a vendor's page on the demo database (Pilot, until its KPIs and contacts
  show and every worker is done) with :class:`~reviewtui.textual_internals.QuietFooter` and
  with Textual's Footer behaviour (recompose on every bindings signal), and how many times the
  footer recomposed;
- (removed with what it measured) ``executor``: after opening and leaving six vendor pages,
  how many are still alive and how many objects the heap holds, with and without a
  fresh-context thread pool: 0 and 0 pages, about 17,200 objects either way (see
  docs/textual-upgrade.md).

Prints one JSON object (medians in ms). The figures of the last run are in
docs/textual-upgrade.md.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import sys
import tempfile
import time
import weakref
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("REVIEWTUI_NOW", "2026-11-28T09:00:00+00:00")

ROWS = 500
STATUSES = ("open", "done", "overdue", "cancelled")


def _row(i: int) -> tuple:
    from rich.text import Text

    return (
        str(1000 + i),
        f"Vendor {i % 37:02d} Ltd",
        f"Fix the escalation path for ticket {i:04d}",
        ("Jane Doe", "山田 太郎", "Олег Петров")[i % 3],
        f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
        Text(STATUSES[i % 4], style="bold red" if i % 4 == 2 else ""),
        "✓" if i % 5 == 0 else "",
    )


async def _paint_table(height: int, stock: bool, runs: int) -> list[float]:
    from textual.app import App, ComposeResult

    from reviewtui.widgets.table import Table

    class Tables(App):
        CSS = "Table { height: 1fr; }"

        def compose(self) -> ComposeResult:
            yield Table(cursor_type="row", zebra_stripes=True)

        def on_mount(self) -> None:
            table = self.query_one(Table)
            for name in ("Id", "Vendor", "Title", "Owner", "Due", "Status", "Plan"):
                table.add_column(name)
            for i in range(ROWS):
                table.add_row(*_row(i), key=str(i))

    app = Tables()
    out = []
    async with app.run_test(size=(120, height)) as pilot:
        await pilot.pause()
        await pilot.pause()
        table = app.query_one(Table)
        if stock:
            table._render_cell = table.stock_render_cell  # type: ignore[method-assign]
        for _ in range(runs):
            table.clear_render_caches()
            t0 = time.perf_counter()
            lines = [table.render_line(y) for y in range(table.size.height)]
            out.append((time.perf_counter() - t0) * 1000)
            assert len(lines) == table.size.height
    return out


@contextmanager
def _stock_footer():
    from textual.widgets import Footer as TextualFooter

    from reviewtui.textual_internals import QuietFooter

    saved = QuietFooter.bindings_changed, QuietFooter.compose
    QuietFooter.bindings_changed = TextualFooter.bindings_changed  # type: ignore[method-assign]
    QuietFooter.compose = TextualFooter.compose  # type: ignore[method-assign]
    try:
        yield
    finally:
        QuietFooter.bindings_changed, QuietFooter.compose = saved  # type: ignore[method-assign]


def _demo_db(folder: Path) -> Path:
    from reviewtui.db import open_database
    from reviewtui.demo import seed

    path = folder / "demo.db"
    db = open_database(str(path), user="bench")
    with db.session() as s:
        seed(s)
    db.dispose()
    return path


async def _vendor_pages(db: Path, runs: int) -> dict:
    """Open (and leave) the vendor page ``runs`` times: ms each, footer recomposes, leftovers."""
    from benchmarks.tour import until
    from reviewtui import config
    from reviewtui.app import ReviewApp
    from reviewtui.screens.dashboard import DashboardScreen
    from reviewtui.screens.vendor import VendorScreen
    from reviewtui.widgets.footer import Footer

    recomposes = 0
    original = Footer.recompose

    async def counting(self):  # type: ignore[no-untyped-def]
        nonlocal recomposes
        recomposes += 1
        return await original(self)

    Footer.recompose = counting  # type: ignore[method-assign]
    settings = config.load()
    settings.user = "bench"
    app = ReviewApp(settings=settings, db_url=str(db))
    times: list[float] = []
    screens: list[weakref.ref] = []
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            from textual.widgets import DataTable

            def table(selector: str) -> DataTable:
                return app.screen.query_one(selector, DataTable)

            await until(
                pilot,
                lambda: isinstance(app.screen, DashboardScreen) and table("#vendors").row_count,
            )
            dash = app.screen
            vendor_ids = [int(k.value) for k in table("#vendors").rows]

            def ready() -> bool:
                return (
                    isinstance(app.screen, VendorScreen)
                    and table("#kpis").row_count > 0
                    and table("#contacts").row_count > 0
                )

            for i in range(runs):
                before = recomposes
                t0 = time.perf_counter()
                app.open_vendor(vendor_ids[i % len(vendor_ids)])
                await until(pilot, ready)
                times.append((time.perf_counter() - t0) * 1000)
                if i == 0:
                    first_recomposes = recomposes - before
                screens.append(weakref.ref(app.screen))
                app.pop_screen()
                await until(pilot, lambda: app.screen is dash)
            gc.collect()
            alive = sum(1 for ref in screens if ref() is not None)
            objects = len(gc.get_objects())
            collect = []
            for _ in range(5):
                t0 = time.perf_counter()
                gc.collect()
                collect.append((time.perf_counter() - t0) * 1000)
    finally:
        Footer.recompose = original  # type: ignore[method-assign]
    return {
        "open_ms": times,
        "footer_recomposes_first_open": first_recomposes,
        "vendor_pages_alive_after_leaving": alive,
        "objects_after_leaving": objects,
        "full_gc_ms": collect,
    }


def _median(xs: list[float]) -> float:
    return round(statistics.median(xs), 2)


async def run(runs: int) -> dict:
    out: dict = {}
    for label, height in (("table_all_500_rows", ROWS + 10), ("table_screenful", 36)):
        fast, stock = [], []
        for _ in range(3):  # alternate: a shared machine's load hits both alike
            fast += await _paint_table(height, False, runs)
            stock += await _paint_table(height, True, runs)
        out[label] = {"fast_ms": _median(fast), "stock_ms": _median(stock)}
    with tempfile.TemporaryDirectory() as tmp:
        db = _demo_db(Path(tmp))
        quiet, loud = [], []
        for _ in range(2):
            quiet.append(await _vendor_pages(db, runs))
            with _stock_footer():
                loud.append(await _vendor_pages(db, runs))
        out["footer_vendor_page_open"] = {
            "quiet_ms": _median([t for r in quiet for t in r["open_ms"][1:]]),
            "stock_ms": _median([t for r in loud for t in r["open_ms"][1:]]),
            "quiet_recomposes": quiet[0]["footer_recomposes_first_open"],
            "stock_recomposes": loud[0]["footer_recomposes_first_open"],
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args(argv)
    print(json.dumps(asyncio.run(run(args.runs)), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
