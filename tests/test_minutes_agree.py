"""The minutes say what the other views say: the scorecard of `reviewtui scorecard --period P`
for the meeting's period, and the action statuses of `reviewtui actions` at sign-off (the real
installed command on a real SQLite file)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from reviewtui.db import actions as aq
from reviewtui.db import meetings as mq
from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.db import outcomes as oq
from reviewtui.domain.scorecard import JSON_KEYS
from tests.test_cli import rt

KEYSTONE = "Keystone Precision Manufacturing"


def _minutes(db: Path, mid: int) -> dict:
    out = rt("--db", str(db), "export", "minutes", str(mid), "--format", "json", "-o", "-")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.parametrize(
    ("period", "quarter"),
    [
        ("2026-10", "2026-Q3"),
        ("2026-11", "2026-Q3"),
        ("2026-12", "2026-Q4"),
        ("2026-Q4", "2026-Q4"),
    ],
)
def test_the_minutes_scorecard_is_the_scorecard_command_at_the_meetings_period(
    demo_path: Path, period: str, quarter: str
) -> None:
    db = open_database(str(demo_path), user="tester")
    with db.session() as s:
        vid = s.scalar(select(m.Vendor.id).where(m.Vendor.name == KEYSTONE))
        kpis = {k.name: k.id for k in s.scalars(select(m.Kpi).where(m.Kpi.vendor_id == vid))}
        # November's OTIF and the fourth quarter's cost variance, both reported.
        s.add(m.Measurement(kpi_id=kpis["OTIF"], period="2026-11", value=95.5))
        s.add(m.Measurement(kpi_id=kpis["Cost variance"], period="2026-Q4", value=2.5))
        mid = mq.create_meeting(vid, datetime.fromisoformat("2026-11-28T08:00:00+00:00"), session=s)
        s.get(m.Meeting, mid).period = period
    db.dispose()
    doc = _minutes(demo_path, mid)["scorecard"]
    out = rt("--db", str(demo_path), "scorecard", KEYSTONE, "--period", period, "--format", "json")
    assert out.returncode == 0, out.stderr
    card = json.loads(out.stdout)
    assert doc["period"] == period
    assert (doc["score"], doc["status"]) == (card["score"], card["status"])
    assert [{key: k[key] for key in JSON_KEYS} for k in doc["kpis"]] == card["kpis"]
    by_name = {k["kpi"]: k for k in doc["kpis"]}
    # A quarterly KPI at its latest quarter ended by the end of P, a monthly one at P's month.
    assert by_name["Cost variance"]["period"] == quarter
    assert by_name["Cost variance"]["status"] != "no data"
    month = period if "Q" not in period else "2026-12"
    assert by_name["OTIF"]["period"] == month


def test_action_statuses_in_the_minutes_are_those_at_sign_off(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def at(hhmm: str) -> None:
        monkeypatch.setenv("REVIEWTUI_NOW", f"2026-11-28T{hhmm}:00+00:00")

    db = open_database(str(demo_path), user="tester")
    at("08:00")
    with db.session() as s:
        vid = s.scalar(select(m.Vendor.id).where(m.Vendor.name == KEYSTONE))
        mid = mq.create_meeting(vid, datetime.fromisoformat("2026-11-28T08:00:00+00:00"), session=s)
        mq.start_meeting(mid, session=s)
        items = mq.get_meeting(mid, session=s).items
    carried = [i.action_id for i in items if i.action_id is not None]
    assert len(carried) >= 3
    at("08:20")
    with db.session() as s:
        # In the meeting: one closed without a closing note, one started, one raised.
        aq.update_status(carried[0], "done", session=s, meeting_id=mid)
        aq.update_status(carried[1], "open", session=s, meeting_id=mid, note="Restarted.")
        raised = oq.add_action(items[1].id, "Publish the spares list", "Yuki", datetime(
            2026, 12, 12).date(), session=s)  # fmt: skip
    at("09:00")
    with db.session() as s:
        mq.end_meeting(mid, session=s)
    at("09:30")
    with db.session() as s:  # after the meeting, before sign-off
        aq.update_status(raised, "in_progress", session=s)
    db.dispose()
    at("10:00")
    for name, side in (("Amara Diallo", "client"), ("Yuki Tanaka", "vendor")):
        out = rt("--db", str(demo_path), "signoff", str(mid), "--name", name, "--side", side)
        assert out.returncode == 0, out.stderr
    doc = _minutes(demo_path, mid)
    assert doc["signoff"]["signed_off_at"]
    listed = rt("--db", str(demo_path), "actions", "--vendor", KEYSTONE, "--status", "all",
                "--format", "json")  # fmt: skip
    now = {a["id"]: a["status"] for a in json.loads(listed.stdout)}
    in_minutes = {a["id"]: a["status"] for a in doc["actions"]}
    assert in_minutes and in_minutes == {i: now[i] for i in in_minutes}
    assert in_minutes[raised] == "in_progress"  # as at sign-off, not "open"
    assert "in_progress" in {now[i] for i in carried}  # the demo's, from their transitions
    closed = next(a for a in doc["actions"] if a["id"] == carried[0])
    assert (closed["status"], closed["category"], closed["last_note"]) == ("done", "closed", "")
    # The action outcome is printed once in the agenda: its title, owner and due date.
    md = rt("--db", str(demo_path), "export", "minutes", str(mid), "--format", "md", "-o", "-")
    agenda = md.stdout.split("## Agenda", 1)[1].split("## Scorecard", 1)[0]
    assert agenda.count("Publish the spares list") == 1
