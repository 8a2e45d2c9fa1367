"""UI fixtures: an app on a real SQLite file, settled before assertions."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewtui import config
from reviewtui.app import ReviewApp


async def settle(pilot) -> None:
    """Wait until every worker is done and the screen has stopped changing.

    ``pilot.pause()`` guesses idleness from CPU time, which a busy machine fools; so also wait
    for the same screen three times in a row.
    """
    app = pilot.app
    for _ in range(5):
        await pilot.pause()
        await app.workers.wait_for_complete()
    shots: list[str] = []
    for _ in range(100):
        await pilot.pause(0.03)
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
