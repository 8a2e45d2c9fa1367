"""People from the command line (the real installed command): a place for a new meeting, authors
and the PDF's author by the name the server's config gives the login, and a written sign-off
dated the day of the meeting."""

from __future__ import annotations

import json
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from reviewtui import config
from reviewtui.db import Database
from reviewtui.db import meetings as mq
from reviewtui.domain import clock
from tests.test_cli import rt

LOGIN = config.login_name()
NAME = "Jane Ōkubo"


@pytest.fixture
def demo(tmp_path: Path) -> str:
    db = str(tmp_path / "people.db")
    out = rt("--db", db, "demo", "--seed-only")
    assert out.returncode == 0, out.stderr
    return db


@pytest.fixture
def named(tmp_path: Path) -> dict[str, str]:
    """The server's config names this login (as the environment of the command)."""
    path = tmp_path / "etc-reviewtui.toml"
    path.write_text(
        f'[users.{LOGIN}]\nrole = "facilitator"\nname = "{NAME}"\n'
        'organisation = "Contoso Ltd"\ntitle = "Vendor Manager"\n',
        encoding="utf-8",
    )
    path.chmod(0o644)
    return {"REVIEWTUI_SYSTEM_CONFIG": str(path)}


def test_meetings_new_takes_a_place(demo: str) -> None:
    out = rt("--db", demo, "meetings", "new", "Keystone", "--at", "+7d 10:00",
             "--place", "Room 4.12, Building B")  # fmt: skip
    assert out.returncode == 0, out.stderr
    mid = int(out.stdout)
    rows = json.loads(rt("--db", demo, "meetings", "--format", "json").stdout)
    assert next(r for r in rows if r["id"] == mid)["location"] == "Room 4.12, Building B"
    table = rt("--db", demo, "meetings", "--vendor", "Keystone").stdout
    assert "Place" in table and "Room 4.12" in table
    # --location keeps working (scripts written before --place).
    out = rt("--db", demo, "meetings", "new", "Keystone", "--at", "+8d 10:00", "--location", "Call")
    assert out.returncode == 0, out.stderr


def test_a_note_is_signed_with_the_configured_name(demo: str, named) -> None:
    rows = json.loads(rt("--db", demo, "actions", "--format", "json").stdout)
    aid = str(rows[0]["id"])
    out = rt("--db", demo, "actions", "update", aid, "--note", "Chased by phone", env=named)
    assert out.returncode == 0, out.stderr
    shown = json.loads(rt("--db", demo, "actions", "show", aid, "--format", "json").stdout)
    assert shown["notes"][-1]["author"] == NAME
    # Without the server's entry the login stands for the person, as before.
    out = rt("--db", demo, "actions", "update", aid, "--note", "Again")
    shown = json.loads(rt("--db", demo, "actions", "show", aid, "--format", "json").stdout)
    assert shown["notes"][-1]["author"] == LOGIN


def test_the_pdf_author_is_the_facilitator_by_name(demo: str, tmp_path: Path) -> None:
    db = Database(f"sqlite:///{demo}", user=LOGIN, name=NAME)
    with db.session() as s:
        vid = mq.list_meetings(session=s)[0].vendor_id
        mid = mq.create_meeting(vid, clock.now() - timedelta(hours=1), session=s)
        mq.start_meeting(mid, session=s)
        mq.end_meeting(mid, session=s)
    db.dispose()
    pdf = tmp_path / "minutes.pdf"
    out = rt("--db", demo, "export", "minutes", str(mid), "-o", str(pdf))
    assert out.returncode == 0, out.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    author = next(line for line in info.stdout.splitlines() if line.startswith("Author:"))
    assert author.split(":", 1)[1].strip() == NAME


def test_a_written_signoff_dated_the_day_of_the_meeting_is_accepted(demo: str) -> None:
    mid = None
    for n in range(1, 12):
        doc = json.loads(rt("--db", demo, "export", "minutes", str(n), "--format", "json",
                            "-o", "-").stdout or "null")  # fmt: skip
        if doc and doc["meeting"]["ended_at"] and not doc.get("signoffs"):
            mid, began = n, doc["meeting"]["started_at"]
            break
    assert mid is not None
    day = date.fromisoformat(began[:10])
    out = rt("--db", demo, "signoff", str(mid), "--name", "Raj Patel", "--side", "vendor",
             "--method", "written", "--at", (day - timedelta(days=1)).isoformat())  # fmt: skip
    assert out.returncode == 1 and "before the day of the meeting" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    out = rt("--db", demo, "signoff", str(mid), "--name", "Raj Patel", "--side", "vendor",
             "--method", "written", "--at", day.isoformat())  # fmt: skip
    assert out.returncode == 0, out.stderr
    out = rt("--db", demo, "signoff", str(mid), "--name", "Maria", "--side", "client",
             "--method", "written", "--at", "2026-02-30")  # fmt: skip
    assert out.returncode == 1 and "not a date" in out.stderr
