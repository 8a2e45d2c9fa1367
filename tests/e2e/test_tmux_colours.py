"""The real ``reviewtui`` in tmux, in 16 colours and with NO_COLOR: the KPI history chart and the
live meeting read from the terminal's own cells (``capture-pane -e``), not from Textual's
snapshots (always true colour).

Checked: no unreadable colour pair (tests/e2e/sgr.py: fg == bg, black / white / bright yellow on
the default background, which may be dark or light); only the 16 colours, or none; the chart's
target and threshold drawn in different glyphs, each on the row labelled with its value, as
read from ``reviewtui scorecard --format json``; the meeting's footer and agenda at 80x24.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from benchmarks.tmuxterm import Tmux
from tests.e2e import sgr

pytestmark = pytest.mark.e2e

EXE = shutil.which("reviewtui")
KEYSTONE = "Keystone Precision Manufacturing"
MODES = {
    "16-colours": {"TEXTUAL_COLOR_SYSTEM": "standard"},
    "no-color": {"NO_COLOR": "1"},
}


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    db = tmp_path / "demo.db"
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    subprocess.run(
        [EXE, "--db", str(db), "demo", "--seed-only"],
        check=True,
        capture_output=True,
        env={**os.environ, **env},
    )
    return db, env


def _capture(term: Tmux) -> str:
    return term.screen(escapes=True)


SGR = re.compile(r"\x1b\[[0-9;:]*m")
CLOCK = re.compile(r"\d+:\d\d")


def _still(capture: str) -> str:
    """What must stop changing: the text without colours, line ends or clocks.

    A blinking cursor changes a cell's colours, or with NO_COLOR whether tmux keeps the line's
    last blank.
    """
    text = CLOCK.sub("#:##", SGR.sub("", capture))
    return "\n".join(line.rstrip() for line in text.splitlines())


def _settled(term: Tmux, timeout: float = 20.0) -> str:
    """The capture once its text has not changed for a second (loaded, drawn, ready for keys).

    A started meeting's clocks tick every second and the notes cursor blinks: neither counts,
    or the wait would only ever end at its timeout.
    """
    last, since = None, time.monotonic()
    deadline = time.monotonic() + timeout
    capture = ""
    while time.monotonic() < deadline:
        capture = _capture(term)
        now = _still(capture)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= 1.0:
            return capture
        time.sleep(0.1)
    raise AssertionError(f"the screen kept changing for {timeout:.0f} s:\n{capture}")


def _check_colours(capture: str, mode: str, where: str) -> list[sgr.Cell]:
    cells = sgr.cells(capture)
    bad = sgr.unreadable(cells)
    assert not bad, f"{where} ({mode}): unreadable\n" + "\n".join(bad) + "\n" + capture
    used = sgr.colours(cells)
    if mode == "no-color":
        assert used == set(), f"{where}: colours with NO_COLOR: {used}"
    else:
        assert all(isinstance(c, int) and 0 <= c < 16 for c in used), f"{where}: {used}"
    return cells


def _legend(lines: list[str], name: str) -> tuple[str, str]:
    """(glyph, value) of a key entry such as ``━━ target 97%``."""
    for line in lines:
        m = re.search(rf"(\S)\1 {name}(?: (\S+))?", line)
        if m:
            return m.group(1), m.group(2) or ""
    raise AssertionError(f"no key for {name!r}:\n" + "\n".join(lines))


def _row_labelled(lines: list[str], label: str) -> str:
    """The chart row whose y-axis label is ``label`` (``  97%┤━━━…``)."""
    for line in lines:
        if re.match(rf"\s*{re.escape(label)}[┤├]", line):
            return line
    raise AssertionError(f"no chart row labelled {label!r}:\n" + "\n".join(lines))


def _value(text: str) -> float:
    return float(text.rstrip("%").replace(",", ""))


@pytest.mark.parametrize("mode", MODES)
def test_kpi_chart_is_readable_with_target_and_threshold_told_apart(seeded, mode: str) -> None:
    db, env = seeded
    card = json.loads(
        subprocess.run(
            [EXE, "--db", str(db), "scorecard", KEYSTONE, "--format", "json"],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, **env},
        ).stdout
    )
    otif = next(k for k in card["kpis"] if k["kpi"] == "OTIF")
    with Tmux([EXE, "--db", str(db)], width=80, height=24, env={**env, **MODES[mode]}) as term:
        term.wait_for("Keystone Precision", timeout=30)
        _settled(term)
        term.send("Enter")  # Keystone: the first row, it needs attention
        term.wait_for("Mark Thompson", timeout=30)  # the page is read: its contacts are shown
        _settled(term)
        term.send("Enter")  # OTIF: the first KPI
        term.wait_for("independent", timeout=30)
        for theme in ("dark", "light"):
            if theme == "light":
                term.send("C-t")
                time.sleep(0.5)
            capture = _settled(term)
            cells = _check_colours(capture, mode, f"KPI chart, {theme} theme")
            lines = sgr.text(cells)
            target, target_at = _legend(lines, "target")
            threshold, threshold_at = _legend(lines, "amber threshold")
            vendor, _ = _legend(lines, "vendor-supplied")
            independent, _ = _legend(lines, "independent")
            assert len({target, threshold, vendor, independent}) == 4, (
                target,
                threshold,
                vendor,
                independent,
            )
            assert _value(target_at) == otif["target"]
            assert _value(threshold_at) == otif["threshold"]
            # Each line on the row labelled with its own value, in its own glyph.
            on_target = _row_labelled(lines, target_at)
            on_threshold = _row_labelled(lines, threshold_at)
            assert target in on_target and threshold not in on_target, on_target
            assert threshold in on_threshold and target not in on_threshold, on_threshold
            # The axes are drawn (and, above, readable).
            assert any("└" in line and "┘" in line for line in lines)
            if mode == "16-colours":
                # Told apart by colour as well.
                fg = {c.char: c.fg for c in cells if c.char in (target, threshold)}
                assert fg[target] != fg[threshold], fg


def _agenda_text(lines: list[str]) -> str:
    """The agenda column (left of the notes) as one line: its wrapped titles joined up."""
    parts = []
    for line in lines:
        m = re.match(r"│(.*?)│", line)
        if m:
            parts.append(m.group(1).replace("▇", " ").strip())
    return " ".join(" ".join(parts).split())


@pytest.mark.parametrize("mode", MODES)
def test_meeting_screen_is_readable_at_80x24(seeded, mode: str) -> None:
    db, env = seeded
    run_env = {**os.environ, **env}
    mid = subprocess.run(
        [EXE, "--db", str(db), "meetings", "new", "Keystone", "--at", "+1d 10:00"],
        check=True,
        capture_output=True,
        text=True,
        env=run_env,
    ).stdout.strip()
    with sqlite3.connect(db) as con:
        titles = [
            t
            for (t,) in con.execute(
                "SELECT title FROM agendaitem WHERE meeting_id = ? ORDER BY position", (mid,)
            )
        ]
    command = [EXE, "--db", str(db), "meetings", "open", mid]
    with Tmux(command, width=80, height=24, env={**env, **MODES[mode]}) as term:
        term.wait_for("Not started", timeout=30)
        _settled(term)
        term.send("Escape")  # a meeting opens in the notes: Esc to the agenda's commands
        _settled(term)
        term.send("s")  # start: attendance as proposed
        term.wait_for("Add a guest")
        _check_colours(_settled(term), mode, "attendance dialog")
        term.send("Enter")
        term.wait_for("Meeting ")
        term.send("Escape")  # from the notes back to the agenda
        _settled(term)
        term.send("d")  # a decision on the first item
        term.wait_for("Decision on")
        term.send("Agreed", literal=True)
        term.send("Enter")
        term.wait_for("DECISION")
        term.send("Escape")
        _settled(term)
        # Down to the longest title: shown whole in the list, wrapped.
        longest = max(range(len(titles)), key=lambda n: len(titles[n]))
        for _ in range(longest):
            term.send("Down")
            time.sleep(0.1)
        capture = _settled(term)
        cells = _check_colours(capture, mode, "meeting screen")
        lines = sgr.text(cells)
        footer = lines[-1] if lines[-1].strip() else lines[-2]
        for key in ("Next item", "Outcome", "End", "Back", "Scorecard"):
            assert key in footer, footer
        assert " ".join(titles[longest].split()) in _agenda_text(lines), lines
        if mode == "no-color":
            # The highlighted item is marked without colour too: underlined.
            marked: dict[int, str] = {}
            for c in cells:
                if 0 < c.col < 29 and c.underline:  # the agenda, left of its scrollbar
                    marked[c.row] = marked.get(c.row, "") + c.char
            text = " ".join(" ".join(marked.values()).split())
            assert " ".join(titles[longest].split()) in text, marked

        term.send("C-p")
        term.wait_for("Record an outcome")
        _check_colours(_settled(term), mode, "command palette on the meeting")
        term.send("minutes", literal=True)
        term.wait_for("Open the minutes of this meeting")
        _check_colours(_settled(term), mode, "command palette, searched")
