"""The meeting's scorecard and actions behind ctrl+r: what the minutes print, as the CLI says."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from reviewtui.db import meetings as mq
from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.screens.meeting import MeetingScreen
from reviewtui.screens.meeting_facts import MeetingFactsModal
from tests.test_cli import rt
from tests.ui.conftest import make_app, settle

KEYSTONE = "Keystone Precision Manufacturing"


def _meeting(path: Path) -> int:
    """A Keystone review on 28 Nov 2026: it looks at October (a quarterly KPI: 2026-Q3)."""
    db = open_database(str(path), user="tester")
    with db.session() as s:
        vid = s.scalar(select(m.Vendor.id).where(m.Vendor.name == KEYSTONE))
        mid = mq.create_meeting(vid, datetime.fromisoformat("2026-11-28T08:40:00+00:00"), session=s)
    db.dispose()
    return mid


async def test_ctrl_r_shows_the_scorecard_the_minutes_print(demo_path: Path) -> None:
    mid = _meeting(demo_path)
    app = make_app(demo_path)
    app.start_meeting_id = mid
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        await pilot.press("enter", *"Notes")  # typing in the notes: ctrl+r works there too
        await pilot.press("ctrl+r")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, MeetingFactsModal) and modal.facts is not None
        facts = modal.facts
        shown = app.export_screenshot().replace("&#160;", " ")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and screen.focused is screen.editor
    # The same scorecard as `reviewtui scorecard VENDOR --period P --format json`.
    assert facts.period == "2026-10"
    cli = rt("--db", str(demo_path), "scorecard", KEYSTONE, "--period", "2026-10",
             "--format", "json")  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    assert facts.card.as_json() == json.loads(cli.stdout)
    cost = next(k for k in facts.card.kpis if k.kpi == "Cost variance")
    assert (cost.period, cost.status) == ("2026-Q3", "green")  # not the unfinished Q4
    assert "2026-Q3" in shown and "Cost variance" in shown
    # The actions on the agenda, with the status and due date `reviewtui actions` gives.
    listed = rt("--db", str(demo_path), "actions", "--vendor", KEYSTONE, "--status", "all",
                "--format", "json")  # fmt: skip
    by_id = {a["id"]: a for a in json.loads(listed.stdout)}
    view_ids = {i.action_id for i in screen.view.items if i.action_id is not None}
    assert {a.id for a in facts.actions} == view_ids and view_ids
    for a in facts.actions:
        assert (a.status, a.due_date.isoformat()) == (
            by_id[a.id]["status"],
            by_id[a.id]["due_date"],
        )
        assert "Add a second inspection shift" not in a.title or a.status == "in_progress"


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_meeting_facts_snapshot(snap_compare, demo_path: Path, size) -> None:
    mid = _meeting(demo_path)
    app = make_app(demo_path)
    app.start_meeting_id = mid

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
