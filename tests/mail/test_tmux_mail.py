"""The installed reviewtui in a real terminal sends a vendor's signed minutes to the attendees:
the recipients to confirm, the progress, the result, the "Mailed" line afterwards."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from benchmarks.tmuxterm import Tmux

pytestmark = pytest.mark.e2e


def test_send_minutes_from_the_minutes_screen(smtp, tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    exe = shutil.which("reviewtui")
    assert exe
    subprocess.run([exe, "--db", str(db), "demo", "--seed-only"], check=True, capture_output=True)
    with Tmux([exe, "--db", str(db)], width=100, height=32, env=smtp.env) as term:
        term.wait_for("Northwind Service Desk")
        term.send("C-p")
        term.wait_for("Search for commands")
        term.send("Northwind", literal=True)
        term.wait_for("Open vendor Northwind")
        term.send("Enter")
        term.wait_for("Contacts")
        term.send("M")
        term.wait_for("DRAFT", timeout=30)
        term.send("[")
        term.wait_for("SIGNED OFF", timeout=30)
        term.send("M")
        term.wait_for("To send to (4)", timeout=30)
        screen = term.screen()
        assert "Raj Patel <raj.patel@vendor.example>" in screen
        term.send("n")  # not yet
        term.wait_for("SIGNED OFF")
        assert smtp.received == []
        term.send("M")
        term.wait_for("To send to (4)", timeout=30)
        term.send("y")
        term.wait_for("Sent to 4 of 4.", timeout=120)
        term.send("Escape")
        term.wait_for("Mailed: revision 1 to 4 people", timeout=30)
        term.send("C-q")
    [got] = smtp.received
    assert len(got.rcpt_tos) == 4
    assert got.message["Subject"].startswith("Minutes: Northwind Service Desk")
