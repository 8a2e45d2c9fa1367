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


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["verify", "m.pdf"], "m.pdf"),
        (["--db", "x.db", "verify", "--no-db", "m.pdf"], "m.pdf"),
        (["verify", "--meeting", "3"], None),
        (["verify", "--meeting", "3", "--revision", "1"], None),
        (["verify", "m.pdf", "--help"], None),
        (["vendors"], None),
    ],
)
def test_which_command_lines_read_the_pdf_early(args: list[str], expected) -> None:
    from reviewtui.exports.prefork import verify_file_argument

    assert verify_file_argument(args) == expected


def test_the_early_reading_is_used_only_for_its_own_file(tmp_path: Path) -> None:
    """A child reads the PDF named on the command line; asked for another, it is discarded."""
    from reviewtui.exports import prefork

    pdf = tmp_path / "m.pdf"
    pdf.write_bytes(b"%PDF-1.7\nnot really\n")
    prefork.start_verify_early(["verify", str(pdf)])
    assert prefork.take_evidence(str(tmp_path / "other.pdf")) is None
    prefork.start_verify_early(["verify", str(pdf)])
    ev = prefork.take_evidence(str(pdf))
    assert ev is not None and "not a readable PDF" in ev.problems[0]
    (tmp_path / "plain.txt").write_text("hello")
    prefork.start_verify_early(["plans", "verify", str(tmp_path / "plain.txt")])  # not a PDF
    assert prefork.take_evidence(str(tmp_path / "plain.txt")) is None
