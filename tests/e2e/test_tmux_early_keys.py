"""Keys typed the moment the dashboard shows take effect: none waits for the database.

The first frame comes before the app has imported its data layer and opened the database
(0.5 s on an idle 2-core machine, seconds on a loaded one). Ctrl+P then opened a command
palette that Textual keeps hidden until its providers are ready, and they waited for the
database: nothing showed for up to 5 s, and the key looked lost.

To make "before the database is open" last as long as the test needs, whatever the machine's
load, another connection holds an exclusive lock on the SQLite file from the moment the rows
are on screen (as a long import from another process would): the app's own open waits for
it (busy timeout), so everything shown meanwhile came without the database.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from benchmarks.tmuxterm import Tmux

pytestmark = pytest.mark.e2e


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    db = tmp_path / "demo.db"
    subprocess.run(
        [shutil.which("reviewtui"), "--db", str(db), "demo", "--seed-only"],
        check=True,
        capture_output=True,
    )
    return db


def _holds_open(pid: int, path: Path) -> bool:
    """Whether process ``pid`` has the file ``path`` open (its connection to the database)."""
    fds = Path(f"/proc/{pid}/fd")
    for fd in fds.iterdir():
        try:
            if os.readlink(fd) == str(path):
                return True
        except OSError:
            continue
    return False


def _lock(db: Path) -> sqlite3.Connection:
    """A connection holding the database locked against every other reader and writer."""
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA locking_mode=EXCLUSIVE")
    con.execute("BEGIN EXCLUSIVE")
    return con


def _searched_harbor(screen: str) -> bool:
    """The palette shows "harbor" typed in full and only the matches for it."""
    return (
        "🔎 harbor" in screen
        and "Open vendor Harbor Facilities" in screen
        and "Open vendor Bluebird" not in screen
    )


def _wait_until(term: Tmux, ok, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = term.screen()
        if ok(screen):
            return screen
        time.sleep(0.05)
    raise AssertionError(f"not shown after {timeout}s:\n{term.screen()}")


def test_ctrl_p_and_a_vendor_name_typed_as_the_rows_appear(seeded: Path) -> None:
    with Tmux([shutil.which("reviewtui"), "--db", str(seeded)], width=100, height=30) as term:
        term.wait_for("Keystone Precision", timeout=60)
        lock = _lock(seeded)
        try:
            # The data layer takes at least half a second to import after the first frame;
            # were the database open already, the lock would prove nothing.
            assert not _holds_open(term.pane_pid(), seeded), "opened before the lock"
            term.send("C-p")
            for ch in "harbor":  # a person's speed, about 12 keys a second
                time.sleep(0.08)
                term.send(ch, literal=True)
            # Generous for a loaded machine; without the database the palette needs a frame.
            screen = _wait_until(term, _searched_harbor, timeout=15)
            # Nothing typed went to the dashboard behind it (a: add vendor, r: refresh).
            assert "Add a vendor" not in screen
            term.send("Enter")
        finally:
            lock.rollback()
            lock.close()
        # The vendor page needs the database, now free.
        term.wait_for("Contacts", timeout=30)
        term.wait_for("Harbor Facilities")
        term.send("C-q")
