"""reviewtui over a real SSH server: ``ssh -tt`` in tmux against sshd on 127.0.0.1.

A facilitator logs in, opens a vendor and adds one (recorded under the login name), opens a
meeting and types a note (saved as typed, under the login name); a key
with a forced vendor command sees one vendor only, is refused edits in the app and over the
command line, and cannot get a shell or widen its role by asking.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from benchmarks.sshd import Sshd, unavailable
from benchmarks.tmuxterm import Tmux
from tests.conftest import FROZEN_NOW
from tests.test_cli import rt

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(unavailable() is not None, reason=str(unavailable())),
]

EXE = shutil.which("reviewtui")
NORTHWIND = "Northwind Service Desk"
OTHERS = ("Keystone", "Bluebird", "Harbor")
MOUSE_ON = b"\x1b[?1000h"


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    db = tmp_path / "demo.db"
    out = rt("--db", str(db), "demo", "--seed-only")
    assert out.returncode == 0, out.stderr
    return db


@pytest.fixture
def sshd(tmp_path: Path):
    home = tmp_path / "remote-home"
    (home / "etc").mkdir(parents=True)
    (home / "etc" / "config.toml").write_text("", encoding="utf-8")  # a named policy must exist
    env = {
        "REVIEWTUI_SYSTEM_CONFIG": str(home / "etc" / "config.toml"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "REVIEWTUI_NOW": FROZEN_NOW,
        "TZ": "UTC",
    }
    root = tmp_path / "ssh"
    root.mkdir()
    with Sshd(root, env=env) as server:
        yield server


def _wait_dead(term: Tmux, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not term.dead() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert term.dead(), term.screen()


def test_facilitator_over_ssh_opens_a_vendor_and_adds_one_as_the_login(
    sshd: Sshd, seeded: Path, tmp_path: Path
) -> None:
    bytes_file = tmp_path / "terminal.bytes"
    remote = shlex.join([EXE, "--db", str(seeded)])
    with Tmux(sshd.ssh_args(remote), width=80, height=24) as term:
        term.record(str(bytes_file))
        term.wait_for("Keystone Precision", timeout=60)
        screen = term.screen()
        assert "Portfolio" in screen and NORTHWIND in screen
        term.send("Enter")  # attention first: Keystone (amber, red OTIF) is the top row
        term.wait_for("Contacts")
        # The first vendor-side contact: at 80x24 whether the second fits depends on when the
        # table's scrollbars are laid out, which the machine's speed decides.
        term.wait_for("Mark Thompson")
        term.send("q")
        term.wait_for("Portfolio")
        term.send("a")
        term.wait_for("Add a vendor")
        term.send("Acme Logistics", literal=True)
        term.send("Enter")
        term.wait_for("Added vendor Acme Logistics")
        term.wait_for("5 vendors")
        term.send("C-q")
        _wait_dead(term)
    assert MOUSE_ON in bytes_file.read_bytes()  # mouse reporting stays on by default
    trail = json.loads(rt("--db", str(seeded), "audit", "--format", "json").stdout)
    assert [(e["user"], e["op"], e["entity"], e["after"]["name"]) for e in trail] == [
        ("root", "insert", "vendor", "Acme Logistics")
    ]


def test_forced_vendor_command_shows_one_vendor_and_refuses_edits(
    sshd: Sshd, seeded: Path, tmp_path: Path
) -> None:
    forced = shlex.join([EXE, "--db", str(seeded), "--role", "vendor", "--vendor", NORTHWIND])
    sshd.authorize(f'command="{forced}",restrict,pty')
    bytes_file = tmp_path / "terminal.bytes"
    # The client asks for low bandwidth, the one global option it may add.
    with Tmux(sshd.ssh_args("reviewtui --low-bandwidth"), width=80, height=24) as term:
        term.record(str(bytes_file))
        term.wait_for(NORTHWIND, timeout=60)
        term.wait_for("1 vendors")
        screen = term.screen()
        assert f"vendor: {NORTHWIND}" in screen
        assert not any(name in screen for name in OTHERS), screen
        term.send("a")
        term.wait_for("read-only")
        assert "Add a vendor" not in term.screen()
        term.send("C-p")
        term.wait_for("Search for commands")
        term.send("vendor", literal=True)
        term.wait_for(f"Open vendor {NORTHWIND}")
        time.sleep(0.5)
        assert not any(name in term.screen() for name in OTHERS), term.screen()
        term.send("Enter")
        term.wait_for("Raj Patel")
        term.send("C-q")
        _wait_dead(term)
    assert MOUSE_ON not in bytes_file.read_bytes()  # --low-bandwidth: no mouse reporting

    listed = sshd.run("reviewtui vendors --format json")
    assert listed.returncode == 0, listed.stderr
    assert [v["name"] for v in json.loads(listed.stdout)] == [NORTHWIND]
    write = sshd.run("demo --seed-only --reset")
    assert write.returncode == 1
    assert "`demo` cannot be run through this server's forced command" in write.stderr
    for escape in ("bash -i", "reviewtui --role facilitator vendors", "--db /tmp/x.db vendors"):
        out = sshd.run(escape)
        assert out.returncode == 2, (escape, out.stdout, out.stderr)
        assert "vendors" not in out.stdout
    keys = sshd.authorized_keys.read_text()
    assert sshd.run(f"backup {sshd.authorized_keys}").returncode == 1
    assert sshd.authorized_keys.read_text() == keys
    # Nothing was changed or lost.
    assert len(json.loads(rt("--db", str(seeded), "vendors", "--format", "json").stdout)) == 4
    assert json.loads(rt("--db", str(seeded), "audit", "--format", "json").stdout) == []


def test_no_shell_or_forwarding_through_the_documented_forced_command(
    sshd: Sshd, seeded: Path
) -> None:
    """The authorized_keys line of docs/deploy-ssh.md: no shell, no tunnels."""
    forced = shlex.join([EXE, "--db", str(seeded), "--role", "viewer"])
    sshd.authorize(f'command="{forced}",restrict,pty')
    out = sshd.run("id")
    assert out.returncode == 2 and "uid=" not in out.stdout
    base = sshd.ssh_args(tty=False)
    tunnel = subprocess.run(
        [*base[:-2], "-N", "-R", "0:127.0.0.1:22", "-o", "ExitOnForwardFailure=yes", *base[-2:]],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert tunnel.returncode == 255 and "forwarding failed" in tunnel.stderr.lower()


def test_facilitator_over_ssh_opens_a_meeting_and_types_a_note(sshd: Sshd, seeded: Path) -> None:
    """The live meeting over ssh: the note typed is saved as typed, under the login name."""
    from tests.e2e.test_meeting_e2e import _notes

    out = rt("--db", str(seeded), "meetings", "new", "Keystone", "--at", "+1d 10:00")
    assert out.returncode == 0, out.stderr
    mid = int(out.stdout.strip())
    words = "Spares list reviewed over ssh 42"
    remote = shlex.join([EXE, "--db", str(seeded), "meetings", "open", str(mid)])
    with Tmux(sshd.ssh_args(remote), width=100, height=30) as term:
        term.wait_for("Scorecard overview", timeout=60)
        term.send("Enter")
        term.send(words, literal=True)
        term.wait_for(words, timeout=10)
        deadline = time.monotonic() + 10
        while words not in _notes(seeded, mid) and time.monotonic() < deadline:
            time.sleep(0.2)
        term.send("C-q")
        _wait_dead(term)
    assert words in _notes(seeded, mid)
    trail = json.loads(rt("--db", str(seeded), "audit", "--format", "json").stdout)
    assert any(e["entity"] == "agendaitem" and e["user"] == "root" for e in trail)
