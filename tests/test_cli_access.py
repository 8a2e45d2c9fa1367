"""Roles and identity through the real command, including commands asked for over a forced
command (SSH_ORIGINAL_COMMAND), which run under the server's options or not at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewtui import config
from tests.test_cli import rt

NORTHWIND = "Northwind Service Desk"


@pytest.fixture
def demo(tmp_path: Path) -> str:
    db = str(tmp_path / "demo.db")
    assert rt("--db", db, "demo", "--seed-only").returncode == 0
    return db


def names(out) -> list[str]:
    assert out.returncode == 0, out.stderr
    return [v["name"] for v in json.loads(out.stdout)]


def test_vendor_session_lists_only_its_vendor(demo: str) -> None:
    assert names(
        rt("--db", demo, "--role", "vendor", "--vendor", NORTHWIND, "vendors", "--format", "json")
    ) == [NORTHWIND]
    assert len(names(rt("--db", demo, "--role", "viewer", "vendors", "--format", "json"))) == 4


def test_restricted_sessions_may_not_run_unmarked_commands(demo: str, tmp_path: Path) -> None:
    for args in (
        ["demo", "--seed-only", "--reset"],
        ["backup", str(tmp_path / "b.db")],
        ["db", "upgrade"],
    ):
        out = rt("--db", demo, "--role", "viewer", *args)
        assert out.returncode == 1, args
        assert out.stderr.strip() == (
            f"reviewtui: `reviewtui {args[0]}` is not open to this session (viewer); "
            "ask a facilitator"
        )
    out = rt("--db", demo, "--role", "vendor", "--vendor", NORTHWIND, "restore", demo, "--yes")
    assert out.returncode == 1 and f"(vendor {NORTHWIND!r})" in out.stderr
    assert not (tmp_path / "b.db").exists()
    # The demo data is intact: --reset never ran.
    assert len(names(rt("--db", demo, "vendors", "--format", "json"))) == 4


def test_unknown_vendor_and_widening_are_refused_with_a_message(demo: str, tmp_path: Path) -> None:
    out = rt("--db", demo, "--role", "vendor", "--vendor", "Nobody", "vendors")
    assert out.returncode == 1
    assert out.stderr == (
        "reviewtui: this session is for vendor 'Nobody', which is not in the database\n"
    )
    etc = tmp_path / "etc.toml"
    etc.write_text(f'[users.{config.login_name()}]\nrole = "viewer"\n')
    env = {"REVIEWTUI_SYSTEM_CONFIG": str(etc)}
    out = rt("--db", demo, "--role", "facilitator", "vendors", env=env)
    assert out.returncode == 1 and "cannot be widened" in out.stderr
    out = rt("--db", demo, "demo", "--seed-only", "--reset", env=env)
    assert out.returncode == 1 and "(viewer)" in out.stderr


def test_as_needs_the_servers_permission_and_is_recorded(demo: str, tmp_path: Path) -> None:
    backup = tmp_path / "b.db"
    assert rt("--db", demo, "backup", str(backup)).returncode == 0
    refused = rt("--db", demo, "--as", "alice", "restore", str(backup), "--yes")
    assert refused.returncode == 1
    assert refused.stderr.startswith("reviewtui: --as is not allowed on this server")
    etc = tmp_path / "etc.toml"
    etc.write_text("allow_as = true\n")
    env = {"REVIEWTUI_SYSTEM_CONFIG": str(etc)}
    done = rt("--db", demo, "--as", "alice", "restore", str(backup), "--yes", env=env)
    assert done.returncode == 0, done.stderr
    assert rt("--db", demo, "restore", str(backup), "--yes").returncode == 0
    trail = json.loads(rt("--db", demo, "audit", "--format", "json").stdout)
    # The second restore brought back the backup, then recorded itself; the login name acts.
    assert [(e["user"], e["op"]) for e in trail] == [(config.login_name(), "restore")]


def test_forced_command_runs_only_open_commands_under_its_own_options(demo: str) -> None:
    forced = ["--db", demo, "--role", "vendor", "--vendor", NORTHWIND]

    def ssh(request: str):
        return rt(*forced, env={"SSH_ORIGINAL_COMMAND": request})

    assert names(ssh("reviewtui vendors --format json")) == [NORTHWIND]
    assert names(ssh("/usr/local/bin/reviewtui --low-bandwidth vendors --format json")) == [
        NORTHWIND
    ]
    for request in ("reviewtui --role facilitator vendors", "--db /tmp/other.db vendors"):
        out = ssh(request)
        assert out.returncode == 2
        assert "is set by the server's forced command and cannot be given by the client" in (
            out.stderr
        )
    out = ssh("demo --seed-only --reset")
    assert out.returncode == 1
    assert out.stderr.startswith("reviewtui: `demo` cannot be run through this server's forced")
    assert ssh("scp -t /root/.ssh/authorized_keys").returncode == 2
    assert ssh("vendors 'unbalanced").returncode == 2
    assert "Usage:" in ssh("--help").stdout


def test_forced_facilitator_command_still_refuses_file_commands(demo: str, tmp_path: Path) -> None:
    """Even an unrestricted forced command must not let the client write files by path."""
    target = tmp_path / "authorized_keys"
    out = rt("--db", demo, env={"SSH_ORIGINAL_COMMAND": f"backup {target}"})
    assert out.returncode == 1 and not target.exists()
    assert len(names(rt("--db", demo, env={"SSH_ORIGINAL_COMMAND": "vendors --format json"}))) == 4
