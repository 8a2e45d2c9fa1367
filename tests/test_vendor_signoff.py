"""A vendor session records its own side's sign-off, which may complete the minutes; nothing else."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

EXE = shutil.which("reviewtui")


def rt(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def draft_meeting(tmp_path: Path) -> tuple[str, int]:
    """A demo database and an ended, unsigned Keystone meeting with the client side signed."""
    from sqlalchemy import select

    from reviewtui.db import models as m
    from reviewtui.db import open_database

    db = str(tmp_path / "d.db")
    assert rt("--db", db, "demo", "--seed-only").returncode == 0
    database = open_database(db)
    with database.read() as s:
        mid = s.scalar(
            select(m.Meeting.id)
            .join(m.Vendor)
            .where(m.Vendor.name == "Keystone Precision Manufacturing", m.Meeting.status == "ended")
            .order_by(m.Meeting.scheduled_at.desc())
        )
    database.dispose()
    out = rt("--db", db, "signoff", str(mid), "--name", "Amara Diallo", "--side", "client")
    assert out.returncode == 0, out.stderr
    return db, mid


def test_vendor_signs_its_own_side_and_completes_the_minutes(draft_meeting) -> None:
    db, mid = draft_meeting
    vendor = ["--db", db, "--role", "vendor", "--vendor", "Keystone Precision Manufacturing"]
    out = rt(
        *vendor,
        "signoff",
        str(mid),
        "--name",
        "Yuki Tanaka",
        "--side",
        "vendor",
        "--method",
        "written",
    )
    assert out.returncode == 0, out.stderr
    assert "signed off: minutes frozen" in out.stdout
    check = rt("--db", db, "verify", "--meeting", str(mid))
    assert check.returncode == 0 and "verified" in check.stdout


def test_vendor_cannot_sign_for_the_client_or_for_another_vendor(draft_meeting) -> None:
    db, mid = draft_meeting
    keystone = ["--db", db, "--role", "vendor", "--vendor", "Keystone Precision Manufacturing"]
    out = rt(*keystone, "signoff", str(mid), "--name", "X", "--side", "client")
    assert out.returncode == 1 and "only a facilitator" in out.stderr
    other = ["--db", db, "--role", "vendor", "--vendor", "Northwind Service Desk"]
    out = rt(*other, "signoff", str(mid), "--name", "Raj Patel", "--side", "vendor")
    assert out.returncode == 1 and f"no meeting with id {mid}" in out.stderr
