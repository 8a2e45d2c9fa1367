"""UI fixtures: an app on a real SQLite file, settled before assertions."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewtui import config
from reviewtui.app import ReviewApp


async def settle(pilot) -> None:
    """Wait until every worker is done and the screen has stopped changing.

    ``pilot.pause()`` guesses idleness from CPU time, which a busy machine fools; so also wait
    for the same screen three times in a row, with no worker left running. Each step ends as
    soon as it is met: most calls find the screen still after one round, where a fixed five
    rounds of pausing cost a quarter of a second each time, hundreds of times a run.
    """
    app = pilot.app

    async def workers_done() -> bool:
        """True when no worker was running; else waits for them (their results may start more)."""
        if all(w.is_finished for w in app.workers):
            return True
        await app.workers.wait_for_complete()
        await pilot.pause()
        return False

    await pilot.pause()
    for _ in range(5):
        if await workers_done():
            break
    shots: list[str] = []
    for _ in range(100):
        await pilot.pause(0.02)
        if not await workers_done():
            shots = []
            continue
        shots = [*shots[-2:], app.export_screenshot()]
        if len(shots) == 3 and len(set(shots)) == 1:
            break
    await pilot.pause()


def make_app(db_path: Path, **settings) -> ReviewApp:
    s = config.load()
    s.user = "tester"
    for k, v in settings.items():
        setattr(s, k, v)
    return ReviewApp(settings=s, db_url=str(db_path))


@pytest.fixture
def snap_compare(snap_compare):
    """The plugin's comparison with cursors that do not blink: a blink caught half-way made the
    same screen differ on a slow machine."""

    def compare(app: ReviewApp, *args, **kwargs) -> bool:
        app.blink_cursors = False
        return snap_compare(app, *args, **kwargs)

    return compare
