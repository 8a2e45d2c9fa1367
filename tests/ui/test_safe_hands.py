"""Safe hands, driven with Pilot on a real SQLite file: undo for mark-done, the cursor keeps its
place after a re-sort, open keys act on the row under the cursor, Escape asks before a changed
form is thrown away, forms open where the typing starts, lists refresh when shown again."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from textual.widgets import DataTable, Input

from reviewtui.db import meetings as mq
from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.screens.actions import ActionsScreen
from reviewtui.screens.dashboard import DashboardScreen
from reviewtui.screens.meeting import MeetingScreen
from reviewtui.screens.meeting_modals import ConfirmModal
from reviewtui.screens.meetings import MeetingsScreen
from reviewtui.screens.minutes import MinutesScreen
from reviewtui.screens.plan_form import PlanFormScreen
from reviewtui.screens.plans import PlansScreen
from reviewtui.textual_internals import notifications
from tests.ui.conftest import make_app, settle


def _db(path: Path):
    return open_database(str(path), user="tester")


def _status(path: Path, action_id: int) -> str:
    db = _db(path)
    with db.read() as s:
        status = s.get(m.Action, action_id).status
    db.dispose()
    return status


def _row_id(t: DataTable, row: int) -> int:
    return int(t.coordinate_to_cell_key((row, 0)).row_key.value)


async def test_x_keeps_the_cursor_in_place_and_u_undoes(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ActionsScreen)
        t = app.screen.query_one("#actions", DataTable)
        before = [_row_id(t, i) for i in range(t.row_count)]
        was = {aid: _status(demo_path, aid) for aid in before[1:3]}
        await pilot.press("down", "x")  # the second action
        await settle(pilot)
        assert _status(demo_path, before[1]) == "done"
        # The done action left the list; the cursor stayed on the second row, now the next one.
        assert t.cursor_row == 1 and _row_id(t, 1) == before[2]
        await pilot.press("x")  # so x again closes the action shown under the cursor
        await settle(pilot)
        assert _status(demo_path, before[2]) == "done"
        assert [_row_id(t, i) for i in range(t.row_count)] == [before[0], *before[3:]]
        await pilot.press("u")
        await settle(pilot)
        assert _status(demo_path, before[2]) == was[before[2]]
        await pilot.press("u")
        await settle(pilot)
        assert _status(demo_path, before[1]) == was[before[1]]
        assert [_row_id(t, i) for i in range(t.row_count)] == before
        await pilot.press("u")  # nothing left to undo: said, nothing changes
        await settle(pilot)
    db = _db(demo_path)
    with db.read() as s:
        moves = [
            (n.status_from, n.status_to, n.text)
            for n in s.scalars(
                select(m.ActionNote)
                .where(m.ActionNote.action_id == before[1])
                .order_by(m.ActionNote.id)
            )
        ][-2:]
    db.dispose()
    assert moves == [
        (was[before[1]], "done", ""),
        ("done", was[before[1]], "Undone: not done after all"),
    ]


async def test_down_x_while_the_list_reloads_acts_on_the_row_under_the_cursor(
    demo_path: Path,
) -> None:
    """x on one row, then ↓ before the list has come back: the cursor stays on the row the user
    moved to (it does not jump when the done one leaves), and the next x closes that one."""
    import sqlite3

    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        t = app.screen.query_one("#actions", DataTable)
        before = [_row_id(t, i) for i in range(t.row_count)]
        lock = sqlite3.connect(demo_path, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")  # another writer: the save of x has to wait
        await pilot.press("x", "down")
        await pilot.pause(0.3)
        assert t.cursor_row == 1 and _row_id(t, 0) == before[0]  # not saved yet
        lock.execute("ROLLBACK")
        lock.close()
        await settle(pilot)
        assert _status(demo_path, before[0]) == "done"
        assert t.cursor_row == 0 and _row_id(t, 0) == before[1]  # still the row moved to
        await pilot.press("x")
        await settle(pilot)
        assert _status(demo_path, before[1]) == "done"
        assert _status(demo_path, before[2]) != "done"


async def test_an_edit_that_re_sorts_leaves_the_cursor_in_its_place(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        t = app.screen.query_one("#actions", DataTable)
        before = [_row_id(t, i) for i in range(t.row_count)]
        await pilot.press("down", "e")
        await settle(pilot)
        editor = app.screen
        editor.query_one("#edit-due", Input).value = "2099-12-31"  # to the end of the list
        editor.query_one("#edit-due", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ActionsScreen)
        assert _row_id(t, t.row_count - 1) == before[1], [n.message for n in notifications(app)]
        assert t.cursor_row == 1 and _row_id(t, 1) == before[2]


async def test_back_from_an_ended_meeting_M_opens_its_minutes(demo_path: Path) -> None:
    db = _db(demo_path)
    with db.session() as s:
        mid = s.scalar(
            select(m.Meeting.id)
            .where(m.Meeting.status == "planned")
            .order_by(m.Meeting.scheduled_at)
        )
        mq.start_meeting(mid, session=s)
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.push_screen(MeetingsScreen())
        await settle(pilot)
        t = app.screen.query_one("#meetings", DataTable)
        assert _row_id(t, 0) == mid  # in progress: listed first
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen) and app.screen.meeting_id == mid
        with db.session() as s:  # ended (here or in another session): it sorts lower now
            mq.end_meeting(mid, session=s)
        app.pop_screen()
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)
        assert _row_id(t, 0) != mid and _row_id(t, t.cursor_row) == mid
        await pilot.press("M")
        await settle(pilot)
        assert isinstance(app.screen, MinutesScreen) and app.screen.meeting_id == mid
    db.dispose()


async def test_escape_asks_before_a_changed_plan_form_is_thrown_away(demo_path: Path) -> None:
    db = _db(demo_path)
    with db.read() as s:
        vid = s.scalar(select(m.Vendor.id).where(m.Vendor.name.like("Harbor%")))
        plans = s.scalar(select(func.count()).select_from(m.ActionPlan))
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.new_plan(vendor_id=vid)
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PlanFormScreen)
        await pilot.press("escape")  # nothing typed: it just closes
        await settle(pilot)
        assert not isinstance(app.screen, PlanFormScreen)
        app.new_plan(vendor_id=vid)
        await settle(pilot)
        form = app.screen
        assert form.focused.id == "plan-title"
        await pilot.press(*"Doors left open", "tab", "tab", "tab", *"Nobody checks at 18:00")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")  # back to the form, everything still there
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#plan-title", Input).value == "Doors left open"
        assert form.query_one("#why-1", Input).value == "Nobody checks at 18:00"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, PlanFormScreen | ConfirmModal)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(m.ActionPlan)) == plans
    db.dispose()


async def test_a_plan_from_a_finding_opens_at_the_first_why(demo_path: Path) -> None:
    from reviewtui.screens.audits import AuditsScreen

    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_audits()
        await settle(pilot)
        assert isinstance(app.screen, AuditsScreen)
        app.screen.query_one("#findings", DataTable).focus()
        await pilot.press("down", "p")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PlanFormScreen)
        assert form.focused.id == "why-1"
        await pilot.press(*"No calibration schedule", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, PlanFormScreen)
    db = _db(demo_path)
    with db.read() as s:
        plan = s.scalar(select(m.ActionPlan).where(m.ActionPlan.source == "audit"))
    db.dispose()
    assert plan.title == "Two gauges past calibration date in goods-in"
    assert json.loads(plan.whys) == ["No calibration schedule"]


async def test_lists_refresh_when_shown_again(demo_path: Path) -> None:
    from reviewtui.db import audits as audit_q

    db = _db(demo_path)
    with db.read() as s:
        keystone = s.scalar(select(m.Vendor.id).where(m.Vendor.name.like("Keystone%")))
        finding = s.scalar(
            select(m.Finding.id).where(m.Finding.title.like("Two gauges past calibration%"))
        )
        open_ids = list(
            s.scalars(
                select(m.Action.id).where(
                    m.Action.vendor_id == keystone, m.Action.status.in_(("open", "in_progress"))
                )
            )
        )
    assert open_ids
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        dash = app.screen
        assert isinstance(dash, DashboardScreen)
        vendors = dash.query_one("#vendors", DataTable)
        vendors.move_cursor(row=vendors.get_row_index(str(keystone)))
        assert str(vendors.get_cell(str(keystone), "actions")).startswith(str(len(open_ids)))
        app.open_plans()
        await settle(pilot)
        plans = app.screen
        assert isinstance(plans, PlansScreen)
        rows = plans.query_one("#plans", DataTable).row_count
        # Meanwhile (in another screen or session): the actions closed, a plan raised.
        from reviewtui.db import actions as action_q

        with db.session() as s:
            for aid in open_ids:
                action_q.update_status(aid, "done", session=s)
            audit_q.raise_plan_from_finding(finding, session=s)
        app.open_audits()
        await settle(pilot)
        app.pop_screen()
        await settle(pilot)
        assert app.screen is plans
        assert plans.query_one("#plans", DataTable).row_count == rows + 1
        app.pop_screen()
        await settle(pilot)
        assert app.screen is dash
        assert str(vendors.get_cell(str(keystone), "actions")) == "0"
        assert vendors.cursor_row == vendors.get_row_index(str(keystone))  # still on Keystone
    db.dispose()
