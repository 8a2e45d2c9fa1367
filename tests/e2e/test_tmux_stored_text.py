"""Stored text with control characters reaches the terminal as text, never as a sequence.

Input refuses them, but a database written by an older version or another program can hold them.
The real ``reviewtui`` runs in tmux and every byte it writes to the terminal is recorded: the
user's ESC, BEL and text-direction controls must not be among them, and what followed an ESC
shows as the characters it is. Before the line filter (reviewtui/widgets/inert.py) the vendor's
name went out as a colour change, and an OSC 52 would have written the facilitator's clipboard.
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

EXE = shutil.which("reviewtui")
PAYLOAD = "A\x1b[31mRED\x1b[0m B\x1b]52;c;aGk=\x07C \u202edesrever\u202c D\u2067iso\u2069"


def test_stored_control_characters_never_reach_the_terminal(tmp_path: Path) -> None:
    assert EXE
    db = tmp_path / "demo.db"
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    run_env = {**os.environ, **env}
    subprocess.run([EXE, "--db", str(db), "demo", "--seed-only"], check=True,
                   capture_output=True, env=run_env)  # fmt: skip
    mid = subprocess.run(
        [EXE, "--db", str(db), "meetings", "new", "Keystone", "--at", "+1d 10:00"],
        check=True, capture_output=True, text=True, env=run_env,
    ).stdout.strip()  # fmt: skip
    with sqlite3.connect(db) as con:  # as an older version or another program could have
        con.execute("UPDATE vendor SET name = 'Key ' || ? WHERE name LIKE 'Keystone%'", (PAYLOAD,))
        con.execute(
            "UPDATE agendaitem SET title = ?, notes = ? WHERE meeting_id = ? AND position = 1",
            (PAYLOAD, "notes " + PAYLOAD, mid),
        )
    raw = tmp_path / "terminal.bin"
    # The app starts after the recording does, so its first frame is in it.
    command = ["sh", "-c", 'sleep 1; exec "$0" "$@"', EXE, "--db", str(db), "meetings", "open", mid]
    with Tmux(command, width=100, height=30, env=env) as term:
        term.record(str(raw))
        term.wait_for("notes A[31mRED[0m", timeout=30)
        # The header draws the screen's sub-title (the vendor) on its own refresh, which can come
        # a frame after the notes: wait for it rather than read the first frame that has notes.
        term.wait_for("Key A[31mRED", timeout=10)
        screen = term.screen()
        time.sleep(0.5)
    out = raw.read_bytes()
    for bad in (b"\x1b[31mRED", b"\x1b]52;c;aGk=", b"aGk=\x07", "\u202e".encode(),
                "\u2067".encode(), "\u2069".encode(), "\u202c".encode()):  # fmt: skip
        assert bad not in out, f"{bad!r} reached the terminal"
    # Shown as the text it is: in the notes, the agenda and the title bar (the vendor's name).
    assert b"[31mRED[0m" in out and b"]52;c;aGk=C" in out
    assert "notes A[31mRED[0m B]52;c;aGk=C desrever Diso" in screen, screen
    assert "Key A[31mRED" in screen, screen
