"""The installed reviewtui in a real terminal: opens on the demo data, quits cleanly."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.tmuxterm import Tmux

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


def test_reviewtui_opens_the_dashboard_and_quits(seeded: Path) -> None:
    with Tmux([shutil.which("reviewtui"), "--db", str(seeded)], width=80, height=24) as term:
        term.wait_for("Keystone Precision")
        screen = term.screen()
        assert "Portfolio" in screen and "Northwind Service Desk" in screen
        # Attention first: Keystone (amber, OTIF red for months) is the first row.
        term.send("Enter")
        term.wait_for("Contacts")
        term.wait_for("Yuki Tanaka")
        term.send("q")
        term.wait_for("Portfolio")
        term.send("C-q")
        deadline = time.monotonic() + 10
        while not term.dead() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert term.dead(), term.screen()


def test_demo_command_opens_the_tui_on_a_separate_database(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}
    with Tmux([shutil.which("reviewtui"), "demo"], env=env) as term:
        term.wait_for("Keystone Precision", timeout=30)
        term.send("C-q")
    assert (tmp_path / "data" / "reviewtui" / "demo.db").exists()
    assert not (tmp_path / "data" / "reviewtui" / "reviewtui.db").exists()
