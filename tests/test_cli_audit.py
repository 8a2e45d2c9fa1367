"""``reviewtui audit``: who changed what and when, as the real command prints it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.db import vendors as vendor_q
from tests.test_cli import rt


@pytest.fixture
def trail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Demo data, then changes by alice (26 Nov), bob (27 Nov) and carol (28 Nov, 08:30 UTC)."""
    db = str(tmp_path / "audit.db")
    assert rt("--db", db, "demo", "--seed-only").returncode == 0

    def as_user(user: str, when: str):
        monkeypatch.setenv("REVIEWTUI_NOW", when)
        return open_database(db, user=user)

    alice = as_user("alice", "2026-11-26T10:00:00+00:00")
    with alice.session() as s:
        vendor_q.create("Acme Logistics", session=s, service="Freight", category="other")
    alice.dispose()
    bob = as_user("bob", "2026-11-27T15:30:00+00:00")
    with bob.session() as s:
        acme = vendor_q.get_by_name("Acme Logistics", session=s)
        acme.criticality = "critical"
        acme.notes = "Escalated after the Q3 review"
    bob.dispose()
    carol = as_user("carol", "2026-11-28T08:30:00+00:00")
    with carol.session() as s:
        northwind = vendor_q.get_by_name("Northwind Service Desk", session=s)
        kpi = s.query(m.Kpi).filter_by(vendor_id=northwind.id, name="CSAT").one()
        kpi.target = 88.0
    carol.dispose()
    monkeypatch.setenv("REVIEWTUI_NOW", "2026-11-28T09:00:00+00:00")
    return db


def test_json_shows_who_changed_what_with_before_and_after(trail: str) -> None:
    out = rt("--db", trail, "audit", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [(r["user"], r["op"], r["entity"]) for r in rows] == [
        ("alice", "insert", "vendor"),
        ("bob", "update", "vendor"),
        ("carol", "update", "kpi"),
    ]
    insert, update, kpi = rows
    assert insert["before"] is None and insert["after"]["name"] == "Acme Logistics"
    assert insert["at"] == "2026-11-26T10:00:00+00:00" and insert["vendor"] == "Acme Logistics"
    assert update["before"] == {"criticality": "standard", "notes": ""}
    assert update["after"] == {"criticality": "critical", "notes": "Escalated after the Q3 review"}
    assert kpi["before"] == {"target": 85.0} and kpi["after"] == {"target": 88.0}
    assert kpi["vendor"] == "Northwind Service Desk"
    assert set(insert) == {
        "id",
        "at",
        "user",
        "op",
        "entity",
        "entity_id",
        "vendor_id",
        "vendor",
        "before",
        "after",
    }


def test_vendor_and_since_filters(trail: str) -> None:
    def users(*args: str) -> list[str]:
        out = rt("--db", trail, "audit", "--format", "json", *args)
        assert out.returncode == 0, out.stderr
        return [r["user"] for r in json.loads(out.stdout)]

    assert users("--vendor", "acme logistics") == ["alice", "bob"]
    assert users("--vendor", "Northwind Service Desk") == ["carol"]
    assert users("--since", "2026-11-27") == ["bob", "carol"]
    assert users("--since", "2026-11-27T16:00") == ["carol"]
    assert users("--since", "36h") == ["bob", "carol"]  # now is 28 Nov 09:00
    assert users("--since", "3d") == ["alice", "bob", "carol"]
    assert users("--since", "1h") == ["carol"]
    assert users("--since", "today") == ["carol"]
    assert users("--since", "yesterday", "--vendor", "Acme Logistics") == ["bob"]
    assert users("--limit", "1") == ["carol"]


def test_table_and_csv(trail: str) -> None:
    table = rt("--db", trail, "audit", env={"COLUMNS": "200"}).stdout
    assert "Audit trail" in table
    assert "criticality: standard -> critical" in table and "bob" in table
    assert "2026-11-27 15:30:00" in table
    rows = list(csv.DictReader(io.StringIO(rt("--db", trail, "audit", "--format", "csv").stdout)))
    assert [r["user"] for r in rows] == ["alice", "bob", "carol"]
    assert json.loads(rows[2]["after"]) == {"target": 88.0}
    assert rows[0]["before"] == ""


def test_vendor_session_sees_only_its_vendors_trail(trail: str) -> None:
    out = rt(
        "--db", trail, "--role", "vendor", "--vendor", "Northwind Service Desk", "audit",
        "--format", "json",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert [r["user"] for r in json.loads(out.stdout)] == ["carol"]
    hidden = rt(
        "--db", trail, "--role", "vendor", "--vendor", "Northwind Service Desk", "audit",
        "--vendor", "Acme Logistics",
    )  # fmt: skip
    assert hidden.returncode == 1
    assert "no vendor named 'Acme Logistics'" in hidden.stderr and "Bluebird" not in hidden.stderr


def test_bad_since_and_unknown_vendor_say_what_to_do(trail: str) -> None:
    bad = rt("--db", trail, "audit", "--since", "last tuesday")
    assert bad.returncode == 2  # a bad option value is a usage error, in every command
    assert "Error: Invalid value for '--since': 'last tuesday': use a date (2026-11-01)" in (
        bad.stderr
    )
    unknown = rt("--db", trail, "audit", "--vendor", "Nobody")
    assert unknown.returncode == 1 and "no vendor named 'Nobody'" in unknown.stderr


def test_empty_trail(tmp_path: Path) -> None:
    db = str(tmp_path / "e.db")
    assert rt("--db", db, "db", "upgrade").returncode == 0  # a named database must exist
    assert json.loads(rt("--db", db, "audit", "--format", "json").stdout) == []
    assert "no changes recorded yet" in rt("--db", db, "audit").stdout
