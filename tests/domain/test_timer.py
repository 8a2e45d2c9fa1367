"""Timer states: ok below 80 % of the timebox, warning up to it, overrun past it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reviewtui.domain import timer


@pytest.mark.parametrize(
    ("elapsed", "box", "state", "text"),
    [
        (0, 300, "ok", "0:00/5:00"),
        (239, 300, "ok", "3:59/5:00"),
        (240, 300, "warning", "4:00/5:00 NEAR"),
        (300, 300, "warning", "5:00/5:00 NEAR"),
        (301, 300, "overrun", "5:01/5:00 OVER +0:01"),
        (3725, 1800, "overrun", "1:02:05/30:00 OVER +32:05"),
        (999, 0, "ok", "16:39/0:00"),
    ],
)
def test_describe(elapsed: int, box: int, state: str, text: str) -> None:
    assert timer.state(elapsed, box) == state
    assert timer.describe(elapsed, box) == (text, state)


def test_markers_are_text_not_only_colour() -> None:
    assert timer.marker(timer.OK) == ""
    assert timer.marker(timer.WARNING) == "NEAR"
    assert timer.marker(timer.OVERRUN) == "OVER"


def test_elapsed_adds_the_running_stretch() -> None:
    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    assert timer.elapsed(60, None, now) == 60
    assert timer.elapsed(60, now - timedelta(seconds=90), now) == 150
    assert timer.elapsed(0, now + timedelta(seconds=5), now) == 0  # clocks a little apart
