"""The dashboard's first rows from the start-up child process (reviewtui.prefetch)."""

from __future__ import annotations

import os
import pickle
import time
from datetime import date
from pathlib import Path

from reviewtui import config, prefetch
from reviewtui.db import open_database
from reviewtui.db.portfolio import PortfolioRow, portfolio_overview
from reviewtui.screens.dashboard import FIRST_ROWS
from tests.ui.conftest import make_app, settle


def _settings() -> config.Settings:
    s = config.load()
    s.user = "tester"
    return s


def test_the_child_computes_the_rows_the_dashboard_would(demo_path: Path) -> None:
    child = prefetch.start(_settings(), str(demo_path))
    assert child is not None and child.pid != os.getpid()
    rows = child.rows()
    db = open_database(str(demo_path), user="tester")
    with db.read() as s:
        expected = portfolio_overview(session=s, settings=_settings())
    db.dispose()
    assert rows == expected
    assert [r.name for r in rows][:1] and len(rows) == len(expected) > 3
    # The child is reaped: no zombie left behind.
    try:
        os.waitpid(child.pid, os.WNOHANG)
        reaped = False
    except ChildProcessError:
        reaped = True
    assert reaped


def test_a_failing_child_gives_none_and_the_dashboard_queries_itself(tmp_path: Path) -> None:
    bad = tmp_path / "a-directory"
    bad.mkdir()
    child = prefetch.start(_settings(), str(bad))
    assert child is not None
    assert child.rows() is None


async def test_dashboard_shows_prefetched_rows(demo_path: Path) -> None:
    app = make_app(demo_path)
    app.prefetch = prefetch.start(app.settings, str(demo_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.prefetch is None  # taken, once
        table = app.screen.query_one("#vendors")
        assert table.row_count >= 4
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        # Keystone is marked for contract review (✱) by the scorecard rule.
        assert "✱ Keystone Precision Manufacturing" in names
        assert app._db is not None  # the data layer opened after the first rows


async def test_dashboard_falls_back_when_the_child_fails(demo_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "a-directory"
    bad.mkdir()
    app = make_app(demo_path)
    app.prefetch = prefetch.start(app.settings, str(bad))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#vendors").row_count >= 4


async def test_rows_already_there_go_on_the_first_frame(demo_path: Path) -> None:
    app = make_app(demo_path)
    app.prefetch = child = prefetch.start(app.settings, str(demo_path))
    assert child is not None
    for _ in range(3000):  # the child answers within a few ms; wait up to 30 s
        if child.ready():
            break
        time.sleep(0.01)
    async with app.run_test(size=(120, 36)):
        # No pause: the dashboard took the rows while mounting, without a worker.
        assert app.prefetch is None
        assert app.screen.query_one("#vendors").row_count >= 4
        assert not [w for w in app.workers if w.group == "db"]


def _rows(n: int) -> list[PortfolioRow]:
    return [
        PortfolioRow(
            vendor_id=1000 + i, name=f"Delayed Vendor {i:03d}", category="other",
            criticality="standard", score=90.0, status="amber", red=0, amber=1, green=3,
            no_data=0, escalate=0, discrepancies=0, worst=(), open_actions=i % 4,
            overdue_actions=0, last_review=None, next_review_due=date(2026, 12, 20),
            review_overdue=False, contract_review=False,
        )
        for i in range(n)
    ]  # fmt: skip


def _late_child(rows: list[PortfolioRow], delay: float) -> prefetch.Prefetch:
    """A real start-up child that answers after ``delay`` seconds, by the child's protocol."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(r)
            time.sleep(delay)
            data = pickle.dumps(("rows", rows), protocol=pickle.HIGHEST_PROTOCOL)
            view = memoryview(data)
            while view:
                view = view[os.write(w, view) :]
        finally:
            os._exit(0)
    os.close(w)
    return prefetch.Prefetch(pid, r)


async def test_rows_that_come_after_mount_are_taken_when_the_pipe_has_them(
    demo_path: Path,
) -> None:
    """One route: the UI thread takes the child's answer when its pipe is readable; no worker
    queries the database meanwhile (the made-up rows, not the demo's, are shown)."""
    app = make_app(demo_path)
    app.prefetch = _late_child(_rows(3), delay=2.0)
    async with app.run_test(size=(120, 36)) as pilot:
        assert app.prefetch is None  # taken by the dashboard at mount
        assert not [w for w in app.workers if w.group == "db"]
        for _ in range(600):
            await pilot.pause(0.05)
            if app.screen.query_one("#vendors").row_count:
                break
        await settle(pilot)
        table = app.screen.query_one("#vendors")
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == [
            "Delayed Vendor 000", "Delayed Vendor 001", "Delayed Vendor 002"
        ]  # fmt: skip


async def test_a_long_portfolio_shows_its_first_rows_first_then_every_row(demo_path: Path) -> None:
    """500 rows: the first FIRST_ROWS go on the first frame, the rest right after it, in order,
    once each."""
    rows = _rows(500)
    app = make_app(demo_path)
    app.prefetch = child = _late_child(rows, delay=0.0)
    for _ in range(3000):
        if child.ready():
            break
        time.sleep(0.01)
    async with app.run_test(size=(120, 36)) as pilot:
        table = app.screen.query_one("#vendors")
        assert table.row_count == FIRST_ROWS  # taken at mount; the rest after the first frame
        await settle(pilot)
        assert table.row_count == 500
        assert [table.get_row_at(i)[0].plain for i in (0, 79, 80, 499)] == [
            "Delayed Vendor 000", "Delayed Vendor 079", "Delayed Vendor 080", "Delayed Vendor 499"
        ]  # fmt: skip
        assert "500 vendors" in str(app.screen.query_one("#dash-status").render())
