"""The installed reviewtui in a real terminal: a vendor's minutes, signed off and as a draft."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from benchmarks.tmuxterm import Tmux

pytestmark = pytest.mark.e2e


def test_minutes_from_the_vendor_page(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    exe = shutil.which("reviewtui")
    subprocess.run([exe, "--db", str(db), "demo", "--seed-only"], check=True, capture_output=True)
    with Tmux([exe, "--db", str(db)], width=80, height=24) as term:
        term.wait_for("Northwind Service Desk")
        # The dashboard puts vendors needing attention first: reach Northwind by the palette.
        term.send("C-p")
        term.wait_for("Search for commands")
        term.send("Northwind", literal=True)
        term.wait_for("Open vendor Northwind")
        term.send("Enter")
        term.wait_for("Contacts")
        term.send("M")
        term.wait_for("DRAFT", timeout=30)
        term.wait_for("Minutes: Northwind Service Desk")
        term.send("[")
        term.wait_for("SIGNED OFF", timeout=30)
        assert "revision 1" in term.screen()
        term.send("q")
        term.wait_for("Contacts")
        term.send("C-q")
