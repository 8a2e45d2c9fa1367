"""`reviewtui meetings` and `reviewtui meetings new`, run as the real installed command."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.test_cli import rt


@pytest.fixture
def demo(tmp_path: Path) -> str:
    db = str(tmp_path / "d.db")
    assert rt("--db", db, "demo", "--seed-only").returncode == 0
    return db


def test_new_meeting_prints_its_id_and_gets_the_default_agenda(db_url: str) -> None:
    assert rt("--db", db_url, "demo", "--seed-only").returncode == 0
    out = rt("--db", db_url, "meetings", "new", "Keystone", "--at", "3 Dec 10:00")
    assert out.returncode == 0, out.stderr
    mid = int(out.stdout.strip())
    rows = json.loads(rt("--db", db_url, "meetings", "--format", "json").stdout)
    new = next(r for r in rows if r["id"] == mid)
    assert new == {
        "id": mid,
        "vendor": "Keystone Precision Manufacturing",
        "type": "monthly",
        "title": "Monthly service review",
        "scheduled_at": "2026-12-03T10:00+00:00",
        "status": "planned",
        "location": "",
        "facilitator": "",
        "items": new["items"],
    }
    assert new["items"] >= 8  # template plus the red KPIs and overdue actions it pulled in


def test_new_with_type_title_and_relative_time(demo: str) -> None:
    out = rt(
        "--db", demo, "meetings", "new", "northwind service desk", "--at", "+7d 14:00",
        "--type", "qbr", "--title", "Annual review",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    rows = json.loads(
        rt("--db", demo, "meetings", "--vendor", "Northwind", "--format", "json").stdout
    )
    new = next(r for r in rows if r["id"] == int(out.stdout))
    assert (new["type"], new["title"]) == ("qbr", "Annual review")
    assert new["scheduled_at"] == "2026-12-05T14:00+00:00"
    assert {r["vendor"] for r in rows} == {"Northwind Service Desk"}


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("03/04 10:00", "ambiguous (3 Apr or 4 Mar?)"),
        ("someday 10:00", "cannot read"),
        ("3 Dec", "needs a time"),
    ],
)
def test_bad_when_is_a_usage_error_with_an_example(demo: str, when: str, message: str) -> None:
    out = rt("--db", demo, "meetings", "new", "Keystone", "--at", when)
    assert out.returncode == 2
    assert message in out.stderr and "--at" in out.stderr
    assert "3 Dec 10:00" in out.stderr or "HH:MM" in out.stderr


def test_unknown_or_ambiguous_vendor_exits_1_with_one_line(demo: str) -> None:
    out = rt("--db", demo, "meetings", "new", "Nobody", "--at", "+1d 10:00")
    assert out.returncode == 1
    assert out.stderr.startswith("reviewtui: no vendor named 'Nobody' (known: Bluebird")
    assert len(out.stderr.strip().splitlines()) == 1
    out = rt("--db", demo, "meetings", "--vendor", "Nobody")
    assert out.returncode == 1


def test_list_csv_and_table(demo: str) -> None:
    rows = list(csv.DictReader(io.StringIO(rt("--db", demo, "meetings", "--format", "csv").stdout)))
    assert len(rows) == 16
    assert [r["scheduled_at"] for r in rows] == sorted(r["scheduled_at"] for r in rows)
    assert {r["status"] for r in rows} == {"ended", "signed_off", "planned"}
    table = rt("--db", demo, "meetings", env={"COLUMNS": "160"}).stdout
    assert "Keystone Precision Manufacturing" in table and "signed off" in table


def test_read_only_session_cannot_schedule(demo: str) -> None:
    out = rt(
        "--db", demo, "meetings", "new", "Keystone", "--at", "+1d 10:00",
        env={"REVIEWTUI_ROLE": "viewer"},
    )  # fmt: skip
    assert out.returncode == 1 and "not open to this session (viewer)" in out.stderr


def test_open_an_unknown_meeting_fails_before_the_tui(demo: str) -> None:
    out = rt("--db", demo, "meetings", "open", "999")
    assert out.returncode == 1 and "no meeting with id 999" in out.stderr


def test_empty_database_says_so(tmp_path: Path) -> None:
    db = str(tmp_path / "e.db")
    assert rt("--db", db, "db", "upgrade").returncode == 0  # a named file must exist first
    assert json.loads(rt("--db", db, "meetings", "--format", "json").stdout) == []
    assert "no meetings yet" in rt("--db", db, "meetings").stdout
