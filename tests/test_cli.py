"""The CLI spine, run as the real installed ``reviewtui`` command."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

EXE = shutil.which("reviewtui")


def rt(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    assert EXE, "the reviewtui command is not installed in this environment"
    return subprocess.run(
        [EXE, *args], capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})}
    )


def test_demo_seed_only_then_vendors_json(db_url: str) -> None:
    out = rt("--db", db_url, "demo", "--seed-only")
    assert out.returncode == 0, out.stderr
    assert "4 vendors" in out.stdout
    again = rt("--db", db_url, "demo", "--seed-only")
    assert "already" in again.stdout
    out = rt("--db", db_url, "vendors", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    names = [v["name"] for v in data]
    assert names == [
        "Bluebird Contact Centre",
        "Harbor Facilities",
        "Keystone Precision Manufacturing",
        "Northwind Service Desk",
    ]
    keystone = data[2]
    assert keystone["category"] == "manufacturing"
    assert keystone["open_actions"] >= 1 and keystone["overdue_actions"] >= 1
    assert set(keystone) == {
        "id",
        "name",
        "service",
        "category",
        "criticality",
        "open_actions",
        "overdue_actions",
        "last_review",
        "next_review_due",
        "contract_review",
    }


def test_vendors_csv_and_table(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    rt("--db", db, "demo", "--seed-only")
    rows = list(csv.DictReader(io.StringIO(rt("--db", db, "vendors", "--format", "csv").stdout)))
    assert len(rows) == 4 and rows[0]["name"] == "Bluebird Contact Centre"
    table = rt("--db", db, "vendors", env={"COLUMNS": "160"}).stdout
    assert "Keystone Precision Manufacturing" in table


def test_demo_reset_starts_afresh(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    rt("--db", db, "demo", "--seed-only")
    out = rt("--db", db, "demo", "--seed-only", "--reset")
    assert "4 vendors" in out.stdout


def test_env_var_selects_the_database(tmp_path: Path) -> None:
    db = str(tmp_path / "env.db")
    rt("--db", db, "demo", "--seed-only")
    out = rt("vendors", "--format", "json", env={"REVIEWTUI_DB": db})
    assert len(json.loads(out.stdout)) == 4


def test_empty_database_lists_nothing_and_says_how_to_begin(tmp_path: Path) -> None:
    db = str(tmp_path / "empty.db")
    assert rt("--db", db, "db", "upgrade").returncode == 0  # a named file must exist first
    assert json.loads(rt("--db", db, "vendors", "--format", "json").stdout) == []
    assert "reviewtui demo" in rt("--db", db, "vendors").stdout


def test_db_current_and_upgrade(tmp_path: Path) -> None:
    from reviewtui.db.migrations import HEAD

    db = str(tmp_path / "u.db")
    missing = rt("--db", db, "db", "current")  # a typo in a path is not an empty database
    assert missing.returncode == 1 and "no database at" in missing.stderr
    assert not Path(db).exists()
    sqlite3.connect(db).close()  # an empty file: a database without tables
    assert rt("--db", db, "db", "current").stdout.strip() == f"empty (head is {HEAD})"
    assert rt("--db", db, "db", "upgrade").stdout.strip() == f"upgraded to {HEAD}"
    assert rt("--db", db, "db", "current").stdout.strip() == f"{HEAD} (head)"
    assert rt("--db", db, "db", "upgrade").stdout.strip() == f"already at {HEAD}"


def test_version_and_exit_codes(tmp_path: Path) -> None:
    from reviewtui import __version__

    assert rt("--version").stdout.strip() == f"reviewtui, version {__version__}"
    bad = rt("no-such-command")
    assert bad.returncode == 2
    unreachable = rt("--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "vendors")
    assert unreachable.returncode == 1
    assert unreachable.stderr.startswith("reviewtui: cannot open the database")
    assert len(unreachable.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "cmd", [[], ["demo"], ["vendors"], ["db"], ["db", "upgrade"], ["db", "current"]]
)
def test_every_command_has_help(cmd: list[str]) -> None:
    out = rt(*cmd, "--help")
    assert out.returncode == 0 and "Usage:" in out.stdout


def test_all_registered_commands_have_help() -> None:
    """Commands added later are covered too."""
    import click

    from reviewtui.cli import main

    def walk(group: click.Group, prefix: list[str]):
        for name, cmd in group.commands.items():
            yield [*prefix, name]
            if isinstance(cmd, click.Group):
                yield from walk(cmd, [*prefix, name])

    for path in walk(main, []):
        out = rt(*path, "--help")
        assert out.returncode == 0, (path, out.stderr)
