"""Meeting and agenda-item timers: elapsed against timebox, with a state and a text marker.

A timer is ``ok`` below 80 % of its timebox, ``warning`` from 80 % up to the timebox and
``overrun`` past it. Screens colour the states and always show the marker as well, so the state
can be read without colour.
"""

from __future__ import annotations

from datetime import datetime

OK, WARNING, OVERRUN = "ok", "warning", "overrun"
WARNING_AT = 0.8

MARKERS = {OK: "", WARNING: "NEAR", OVERRUN: "OVER"}


def state(elapsed_seconds: float, timebox_seconds: float) -> str:
    """The timer's state; a timebox of zero means "no timebox" and is always ok."""
    if timebox_seconds <= 0:
        return OK
    if elapsed_seconds > timebox_seconds:
        return OVERRUN
    if elapsed_seconds >= WARNING_AT * timebox_seconds:
        return WARNING
    return OK


def marker(st: str) -> str:
    """The text marker of a state (empty for ok)."""
    return MARKERS[st]


def elapsed(accumulated_seconds: int, running_since: datetime | None, now: datetime) -> int:
    """Seconds on a timer that has ``accumulated_seconds`` and may be running since a moment."""
    total = accumulated_seconds
    if running_since is not None:
        total += max(0, int((now - running_since).total_seconds()))
    return total


def clock_text(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss`` past an hour)."""
    s = int(max(0, seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def describe(elapsed_seconds: float, timebox_seconds: float) -> tuple[str, str]:
    """(``"4:10/5:00 NEAR"``, state): the text a timer shows, and its state for the colour."""
    st = state(elapsed_seconds, timebox_seconds)
    text = f"{clock_text(elapsed_seconds)}/{clock_text(timebox_seconds)}"
    if st == OVERRUN:
        text += f" OVER +{clock_text(elapsed_seconds - timebox_seconds)}"
    elif st == WARNING:
        text += " NEAR"
    return text, st
