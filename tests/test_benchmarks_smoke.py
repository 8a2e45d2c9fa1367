"""The benchmark command runs end to end on a tiny database (its figures are not checked:
CI times nothing)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_benchmark_command_runs_on_a_tiny_database(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        # The live-sync figures run in the PostgreSQL smoke test below (the same code on the
        # other backend); two sessions syncing on SQLite are tests/ui/test_meeting.py's and
        # tests/e2e/test_meeting_e2e.py's.
        [sys.executable, "-m", "benchmarks", "--tiny", "--no-sync", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=400,  # a loaded machine (the figures are not checked here)
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    names = [f["name"] for f in result["figures"]]
    assert names[:2] == ["cold start, demo db (tmux)", "cold start, large db (tmux)"]
    assert "open a vendor's scorecard" in names
    assert "actions list, overdue" in names
    assert "open a meeting (30 agenda items)" in names
    assert "scorecard --all --format json" in names
    assert "PDF minutes vs weasyprint" in names
    assert "peak RSS after every screen" in names
    assert "typing lost to SIGKILL (worst)" in names
    assert "change -> other screen, p95" not in names  # --no-sync
    for f in result["figures"]:
        assert f["median"] >= 0 and f["passed"] in (True, False)  # counts may be 0
        assert f"{f['name']} " in done.stdout  # one table row each
    assert result["database"]["tiny"] is True
    assert "load average" in done.stdout


@pytest.mark.postgres
@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_benchmark_command_runs_on_postgresql(tmp_path: Path, pg_server) -> None:
    """--backend postgres (the alias) starts its own server, moves the tiny database in with
    `db copy`, and says so in the results."""
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--tiny", "--backend", "postgres", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    assert result["backend"] == "postgresql"
    assert result["server"]["server_version"] and result["server"]["copy_seconds"] > 0
    assert result["server"]["settings"]["max_connections"] == "100"
    names = [f["name"] for f in result["figures"]]
    assert "scorecard --all --format json" in names
    assert "change -> other screen, p95" in names
    assert "backend: postgresql" in done.stdout
