"""The entry point: ``reviewtui [--db PATH]`` opens the TUI without the click group, and
means what the click group would make of it; every other command line goes to click."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from reviewtui.launch import tui_only

EXE = shutil.which("reviewtui")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], None),
        (["--db", "x.db"], "x.db"),
        (["--db=x.db"], "x.db"),
        (["--db"], False),
        (["--db="], False),
        (["--db", "--role"], False),
        (["--db", "x.db", "vendors"], False),
        (["vendors"], False),
        (["--role", "viewer"], False),
        (["--low-bandwidth"], False),
        (["--help"], False),
        (["--version"], False),
    ],
)
def test_which_command_lines_open_the_tui_directly(args: list[str], expected) -> None:
    got = tui_only(args)
    assert got == expected and type(got) is type(expected)


def test_a_bad_setting_fails_the_same_way_on_both_paths(tmp_path: Path) -> None:
    env = {**os.environ, "REVIEWTUI_ROLE": "boss"}
    db = str(tmp_path / "r.db")
    assert EXE is not None
    tui = subprocess.run([EXE, "--db", db], env=env, capture_output=True, text=True, timeout=60)
    cli = subprocess.run(
        [EXE, "--db", db, "vendors"], env=env, capture_output=True, text=True, timeout=60
    )
    assert tui.returncode == cli.returncode == 1
    assert tui.stderr == cli.stderr
    assert tui.stderr.startswith("reviewtui: ") and "boss" in tui.stderr
    assert not Path(db).exists()  # nothing was opened


def test_other_command_lines_still_reach_click(tmp_path: Path) -> None:
    assert EXE is not None
    done = subprocess.run([EXE, "--db"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "requires an argument" in done.stderr
    done = subprocess.run([EXE, "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("reviewtui, version ")
