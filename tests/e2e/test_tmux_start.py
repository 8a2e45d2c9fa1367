"""The installed reviewtui in a real terminal: opens on the demo data, quits cleanly."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
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


def test_reviewtui_opens_the_dashboard_and_quits(seeded: Path) -> None:
    with Tmux([shutil.which("reviewtui"), "--db", str(seeded)], width=80, height=24) as term:
        term.wait_for("Keystone Precision")
        screen = term.screen()
        assert "Portfolio" in screen and "Northwind Service Desk" in screen
        # Attention first: Keystone (amber, OTIF red for months) is the first row.
        term.send("Enter")
        term.wait_for("Contacts")
        # The first vendor-side contact: whether the second fits at 80x24 depends on when the
        # contacts table lays out its scrollbars (tests/e2e/test_ssh.py waits the same way).
        term.wait_for("Mark Thompson")
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


#: What must not be in the parent process when its first frame with data goes out: the data
#: layer (the start-up child computes the rows) and the export stack.
HEAVY_AT_FIRST_FRAME = ("sqlalchemy", "sqlmodel", "pydantic", "weasyprint", "alembic")


def _first_frame_modules(tmp_path: Path, db: str, marker: str) -> list[str]:
    out = tmp_path / "modules.json"
    script = Path(__file__).with_name("first_frame_modules.py")
    with Tmux(
        [sys.executable, str(script), str(out), marker, "--", "--db", db], width=120, height=36
    ) as term:
        term.wait_for(marker, timeout=60)
        deadline = time.monotonic() + 30
        while not out.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        term.send("C-q")
    assert out.exists(), "the first frame with data never went out"
    return json.loads(out.read_text(encoding="utf-8"))


def _heavy(modules: list[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY_AT_FIRST_FRAME)


def test_first_frame_parent_imports_no_data_layer_or_exports(seeded: Path, tmp_path: Path) -> None:
    """The parent's import set up to the first frame with vendors (the real entry point in a
    real terminal) holds no SQLAlchemy, SQLModel, pydantic, WeasyPrint or Alembic."""
    modules = _first_frame_modules(tmp_path, str(seeded), "Keystone Precision")
    assert "textual" in modules and "reviewtui.screens.dashboard" in modules  # it is the frame
    assert _heavy(modules) == []


@pytest.mark.postgres
def test_first_frame_parent_imports_nothing_heavy_on_postgresql(
    pg_url: str, tmp_path: Path
) -> None:
    subprocess.run(
        [shutil.which("reviewtui"), "--db", pg_url, "demo", "--seed-only"],
        check=True,
        capture_output=True,
    )
    modules = _first_frame_modules(tmp_path, pg_url, "Keystone Precision")
    assert _heavy(modules) == [] and "psycopg" not in modules
