"""The dashboard's first rows from the start-up child process (reviewtui.prefetch)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from reviewtui import config, prefetch
from reviewtui.db import open_database
from reviewtui.db.portfolio import portfolio_overview
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
