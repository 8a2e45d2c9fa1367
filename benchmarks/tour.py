"""Keypress-to-settled-screen timings and the peak memory of the TUI, in one process.

Drives the real app in-process with ``App.run_test()`` and Pilot on a database:

- Enter on a dashboard row: the vendor page with its scorecard, loaded;
- the actions list filtered to overdue (when the actions screen exists);
- Enter on meeting 1 (in progress, 30 agenda items) in the meeting list: the live meeting.

Each timing runs from just before the key press until the screen shows its data, no worker is
running and every widget of the screen has processed its pending messages. Then it visits every screen
once more and reads this process's peak RSS (``ru_maxrss``). Prints one JSON object.

    uv run python -m benchmarks.tour DB [--runs 7]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time
from collections.abc import Callable

os.environ.setdefault("REVIEWTUI_NOW", "2026-11-28T09:00:00+00:00")


def _quiet(ready: Callable[[], bool]) -> Callable[[], bool]:
    """``ready`` that says False while the screen is still being composed."""
    from textual.css.query import NoMatches

    def check() -> bool:
        try:
            return ready()
        except NoMatches:
            return False

    return check


async def until(pilot, ready: Callable[[], bool], limit: float = 60.0) -> None:
    """Wait until ``ready()`` holds, no worker runs and the message queues are empty."""
    app = pilot.app
    ready = _quiet(ready)
    deadline = time.perf_counter() + limit
    while True:
        await pilot.pause()
        busy = any(w.is_running for w in app.workers)
        if not busy and ready():
            await pilot.pause()
            if not any(w.is_running for w in app.workers) and ready():
                return
        if time.perf_counter() > deadline:
            raise RuntimeError(f"screen {app.screen!r} never settled")
        if busy:
            await app.workers.wait_for_complete()


async def timed(pilot, key: str, ready: Callable[[], bool], limit: float = 30.0) -> float:
    """Seconds from pressing ``key`` until ``ready()``, no worker running, the screen idle.

    The key goes in as the terminal would send it (``simulate_key``), not through
    ``pilot.press``, whose CPU-idle heuristic sleeps for tens of milliseconds by design; the end
    is polled every millisecond and confirmed with every widget of the screen having processed
    its pending messages.
    """
    from reviewtui.textual_internals import wait_for_screen

    app = pilot.app
    ready = _quiet(ready)
    t0 = time.perf_counter()
    app.simulate_key(key)
    while True:
        await asyncio.sleep(0.001)
        if ready() and not any(w.is_running for w in app.workers):
            await wait_for_screen(pilot)
            if ready() and not any(w.is_running for w in app.workers):
                elapsed = time.perf_counter() - t0
                break
        if time.perf_counter() - t0 > limit:
            raise RuntimeError(f"screen {app.screen!r} never settled")
    await until(pilot, ready)  # let the key's own bookkeeping finish before the next run
    return elapsed


def _table(screen, selector: str):
    from textual.widgets import DataTable

    return screen.query_one(selector, DataTable)


async def run(db: str, runs: int) -> dict:
    from reviewtui import config
    from reviewtui.app import ReviewApp
    from reviewtui.screens.dashboard import DashboardScreen
    from reviewtui.screens.meeting import MeetingScreen
    from reviewtui.screens.meetings import MeetingsScreen
    from reviewtui.screens.vendor import VendorScreen

    settings = config.load()
    settings.user = "bench"
    app = ReviewApp(settings=settings, db_url=db)
    out: dict[str, list[float]] = {"scorecard": [], "meeting": []}
    async with app.run_test(size=(120, 36)) as pilot:
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, DashboardScreen)
                and _table(app.screen, "#vendors").row_count > 0
            ),
        )
        dash = app.screen

        def vendor_ready() -> bool:
            s = app.screen
            if not isinstance(s, VendorScreen):
                return False
            return _table(s, "#kpis").row_count > 0 and _table(s, "#contacts").row_count > 0

        for i in range(runs):
            _table(dash, "#vendors").move_cursor(row=(i * 37) % _table(dash, "#vendors").row_count)
            # The cursor move (a scroll of the dashboard) is painted before the key is pressed,
            # as a user's own move would be: its repaint is not part of opening the vendor.
            await until(pilot, lambda: True)
            out["scorecard"].append(await timed(pilot, "enter", vendor_ready))
            await pilot.press("q")
            await until(pilot, lambda: app.screen is dash)

        actions = await _actions(app, pilot, runs)
        if actions is not None:
            out["actions_overdue"] = actions

        await pilot.press("m")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, MeetingsScreen)
                and _table(app.screen, "#meetings").row_count > 0
            ),
        )
        meetings = app.screen
        table = _table(meetings, "#meetings")
        row = table.get_row_index("1")

        def meeting_ready() -> bool:
            s = app.screen
            return (
                isinstance(s, MeetingScreen)
                and s.view is not None
                and s.agenda.option_count == len(s.view.items)
            )

        for _ in range(runs):
            table.move_cursor(row=row)
            await until(pilot, lambda: True)  # as above
            out["meeting"].append(await timed(pilot, "enter", meeting_ready))
            items = len(app.screen.view.items)  # type: ignore[attr-defined]
            await pilot.press("escape", "q")  # the notes have the focus: Esc, then back
            await until(pilot, lambda: app.screen is meetings)
        out["meeting_items"] = [float(items)]

        await _visit_every_screen(app, pilot, dash)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"timings": out, "peak_rss_mb": peak_kib / 1024}


async def _actions(app, pilot, runs: int) -> list[float] | None:
    """``o`` on the actions list (all actions, 50,000 on the large database): overdue only.

    None when the actions screen is not there (before issue 5).
    """
    try:
        from reviewtui.screens.actions import ActionsScreen
    except ImportError:
        return None
    dash = app.screen
    await pilot.press("A")
    await until(
        pilot,
        lambda: isinstance(app.screen, ActionsScreen) and _table(app.screen, "#actions").row_count,
    )
    screen = app.screen
    _table(screen, "#actions").focus()
    await until(pilot, lambda: True)

    def filtered(on: bool) -> Callable[[], bool]:
        def ready() -> bool:
            status = str(screen.query_one("#actions-status").render())
            return (
                screen.overdue_only == on
                and _table(screen, "#actions").row_count > 0
                and ("overdue only" in status) == on
            )

        return ready

    times = []
    for _ in range(runs):
        times.append(await timed(pilot, "o", filtered(True)))
        await pilot.press("o")
        await until(pilot, filtered(False))
    await pilot.press("q")
    await until(pilot, lambda: app.screen is dash)
    return times


async def _visit_every_screen(app, pilot, dash) -> None:
    """Dashboard, vendor page, KPI history, minutes, meetings, a meeting, help (and the
    actions list, visited by the timings)."""
    from reviewtui.screens.meeting import MeetingScreen
    from reviewtui.screens.vendor import VendorScreen

    async def back_to_dash() -> None:
        while app.screen is not dash:
            app.pop_screen()
            await pilot.pause()

    await back_to_dash()
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, VendorScreen))
    _table(app.screen, "#kpis").focus()
    await pilot.press("enter")  # KPI history
    await until(pilot, lambda: not isinstance(app.screen, VendorScreen))
    await back_to_dash()
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, VendorScreen))
    await pilot.press("M")  # minutes
    await until(pilot, lambda: True)
    await back_to_dash()
    await pilot.press("m")
    await until(pilot, lambda: True)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, MeetingScreen))
    await back_to_dash()
    await pilot.press("question_mark")
    await until(pilot, lambda: True)
    await back_to_dash()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("db")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args(argv)
    print(json.dumps(asyncio.run(run(args.db, args.runs))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
