"""The installed reviewtui in tmux, keys at a person's pace: `↓ x` closes the action under the
cursor, the next `x` the one that moved up under it, `u` takes both back; the command line sees
the same statuses."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from benchmarks.tmuxterm import Tmux

pytestmark = pytest.mark.e2e
EXE = shutil.which("reviewtui")


def _statuses(db: Path) -> dict[int, str]:
    out = subprocess.run(
        [EXE, "--db", str(db), "actions", "--status", "all", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {a["id"]: a["status"] for a in json.loads(out.stdout)}


def _keys(term: Tmux, *keys: str) -> None:
    for k in keys:  # about eight keys a second, as a person presses them
        term.send(k)
        time.sleep(0.12)


def test_down_x_x_then_u_u_in_a_real_terminal(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    subprocess.run([EXE, "--db", str(db), "demo", "--seed-only"], check=True, capture_output=True)
    listed = subprocess.run(
        [EXE, "--db", str(db), "actions", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = json.loads(listed.stdout)  # open ones, earliest due first: as the screen lists them
    first, second, third = (r["id"] for r in rows[:3])
    before = _statuses(db)
    with Tmux([EXE, "--db", str(db)], width=120, height=36) as term:
        term.wait_for("Keystone Precision", timeout=30)
        _keys(term, "A")
        term.wait_for("late on this page")
        _keys(term, "Down", "x")
        term.wait_for(f"Done: {rows[1]['title'][:20]}")
        _keys(term, "x")
        term.wait_for(f"Done: {rows[2]['title'][:20]}")
        now = _statuses(db)
        assert (now[first], now[second], now[third]) == (before[first], "done", "done")
        _keys(term, "u")
        term.wait_for(f"Undone: {rows[2]['title'][:20]}")
        _keys(term, "u")
        term.wait_for(f"Undone: {rows[1]['title'][:20]}")
        term.send("C-q")
    assert _statuses(db) == before
