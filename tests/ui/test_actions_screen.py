"""The Actions screen, the action editor and the plan form, driven with Pilot; snapshots."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import DataTable, Input, Select, Static

from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.screens.action_edit import ActionEditScreen
from reviewtui.screens.actions import ActionsScreen
from reviewtui.screens.dashboard import DashboardScreen
from reviewtui.screens.meeting_modals import ConfirmModal
from tests.ui.conftest import make_app, settle

TODAY = date(2026, 11, 28)


def table(app) -> DataTable:
    return app.screen.query_one("#actions", DataTable)


def cell(t: DataTable, row: int, col: str) -> str:
    return str(
        t.get_cell_at(t.get_cell_coordinate(t.coordinate_to_cell_key((row, 0)).row_key, col))
    )


def status_line(app) -> str:
    return str(app.screen.query_one("#actions-status", Static).render())


async def open_actions(pilot) -> None:
    await settle(pilot)
    await pilot.press("A")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ActionsScreen)


def db_of(path: Path):
    return open_database(str(path), user="tester")


async def test_dashboard_A_opens_the_open_actions_earliest_due_first(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_actions(pilot)
        t = table(app)
        assert t.row_count == 14
        dues = [cell(t, i, "due")[:10] for i in range(t.row_count)]
        assert dues == sorted(dues)
        # overdue: said in words, not only in red
        assert cell(t, 0, "due") == "2025-12-21 342d late"
        assert "late" not in cell(t, t.row_count - 1, "due")
        due_cell = t.get_cell_at((0, 0))
        assert "red" in str(due_cell.style) or any("red" in str(s.style) for s in due_cell.spans)
        assert status_line(app).startswith("14 actions · 13 late on this page")
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_filters_overdue_search_owner_status(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_actions(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert table(app).row_count == 13 and "overdue only" in status_line(app)
        await pilot.press("o")
        await settle(pilot)
        assert table(app).row_count == 14
        await pilot.press("slash", *"otif report")
        await pilot.pause(0.4)  # the search waits for typing to pause
        await settle(pilot)
        t = table(app)
        assert t.row_count == 1 and cell(t, 0, "title").startswith("Weekly OTIF report")
        await pilot.press("escape")  # Escape in a filter clears it, it does not leave
        await pilot.pause(0.4)
        await settle(pilot)
        assert isinstance(app.screen, ActionsScreen) and table(app).row_count == 14
        app.screen.query_one("#owner", Input).focus()
        await pilot.press(*"lucia", "enter")
        await settle(pilot)
        assert {cell(table(app), i, "owner") for i in range(table(app).row_count)} == {
            "Lucia Romero"
        }
        app.screen.query_one("#owner", Input).value = ""
        app.screen.query_one("#status", Select).value = "done"
        await pilot.pause(0.4)
        await settle(pilot)
        t = table(app)
        assert t.row_count > 0 and {cell(t, i, "status") for i in range(t.row_count)} == {"done"}


async def test_one_vendor_and_a_vendor_session(demo_path: Path) -> None:
    db = db_of(demo_path)
    with db.read() as s:
        vid = s.scalar(select(m.Vendor.id).where(m.Vendor.name == "Bluebird Contact Centre"))
    db.dispose()
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_actions(vid)
        await settle(pilot)
        t = table(app)
        assert {cell(t, i, "vendor") for i in range(t.row_count)} == {"Bluebird Contact Centre"}
        assert "Bluebird" in app.screen.sub_title
    app = make_app(demo_path, role="vendor", vendor="Harbor Facilities")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_actions(pilot)
        await settle(pilot)
        t = table(app)
        assert t.row_count == 3
        assert {cell(t, i, "vendor") for i in range(t.row_count)} == {"Harbor Facilities"}
        assert app.screen.query_one("#vendor", Select).disabled


async def test_edit_in_place_status_due_owner_with_a_note(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_actions(pilot)
        first_id = int(table(app).coordinate_to_cell_key((0, 0)).row_key.value)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ActionEditScreen)
        # status: open the list (it starts at the current "in progress"), pick the next: done
        await pilot.press("enter")
        await pilot.press("down", "enter")
        await pilot.press("tab", *"+2w")  # the due date's text is selected on focus: replaced
        await pilot.press("tab", *"Grace Kim")
        await pilot.press("tab", "tab", *"New schedule agreed")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ActionsScreen)
        # done: it left the list of open actions
        ids = [
            int(table(app).coordinate_to_cell_key((i, 0)).row_key.value)
            for i in range(table(app).row_count)
        ]
        assert first_id not in ids and len(ids) == 13
    db = db_of(demo_path)
    with db.read() as s:
        a = s.get(m.Action, first_id)
        notes = s.scalars(
            select(m.ActionNote).where(m.ActionNote.action_id == first_id).order_by(m.ActionNote.id)
        ).all()
    db.dispose()
    assert (a.status, a.due_date, a.owner) == ("done", TODAY + timedelta(days=14), "Grace Kim")
    assert a.owner_contact_id is not None  # Grace Kim is a contact of Harbor Facilities
    assert (notes[-1].status_from, notes[-1].status_to, notes[-1].text) == (
        "in_progress",
        "done",
        "New schedule agreed",
    )
    assert notes[-1].author == "tester"
    assert "Due date moved from 2025-12-21 to 2026-12-12" in notes[-2].text


async def test_a_bad_due_date_is_told_in_place(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_actions(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("tab", *"next week", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ActionEditScreen)  # still open, nothing lost
        error = str(app.screen.query_one("#edit-error", Static).render())
        assert "'next week' is not a date" in error and "+2w" in error
        assert app.screen.focused is app.screen.query_one("#edit-due")
        await pilot.press("escape")  # something was typed: asked before it is thrown away
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ActionsScreen)


async def test_x_marks_done_and_a_viewer_cannot(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_actions(pilot)
        first_id = int(table(app).coordinate_to_cell_key((0, 0)).row_key.value)
        await pilot.press("x")
        await settle(pilot)
        assert table(app).row_count == 13
    db = db_of(demo_path)
    with db.read() as s:
        assert s.get(m.Action, first_id).status == "done"
    db.dispose()
    app = make_app(demo_path, role="viewer")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_actions(pilot)
        await pilot.press("x")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ActionsScreen) and table(app).row_count == 13


async def test_changes_in_a_meeting_are_recorded_against_it(demo_path: Path) -> None:
    db = db_of(demo_path)
    with db.read() as s:
        mt = s.scalar(
            select(m.Meeting)
            .join(m.Vendor)
            .where(
                m.Vendor.name == "Keystone Precision Manufacturing", m.Meeting.status == "planned"
            )
        )
        vid, mid = mt.vendor_id, mt.id
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_actions(vid, meeting_id=mid)
        await settle(pilot)
        assert f"changes recorded in meeting {mid}" in status_line(app)
        await pilot.press("x")
        await settle(pilot)
    from reviewtui.db import actions as action_q

    with db.read() as s:
        moved = action_q.status_changes_in_meeting(mid, session=s)
    db.dispose()
    assert len(moved) == 1 and moved[0].status_to == "done"


@pytest.fixture
def many_actions(tmp_path: Path) -> Path:
    """450 open actions of one vendor: three pages."""
    path = tmp_path / "many.db"
    db = db_of(path)
    with db.session() as s:
        s.info["no_changelog"] = True
        v = m.Vendor(name="Bulk Ltd")
        s.add(v)
        s.flush()
        s.add_all(
            m.Action(
                vendor_id=v.id, title=f"Task {i:03d}", due_date=TODAY + timedelta(days=i - 100)
            )
            for i in range(450)
        )
    db.dispose()
    return path


async def test_pages_of_200_with_n_and_p(many_actions: Path) -> None:
    app = make_app(many_actions)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_actions(pilot)
        t = table(app)
        assert t.row_count == 200 and cell(t, 0, "title") == "Task 000"
        assert "450 actions" in status_line(app) and "page 1 of 3" in status_line(app)
        await pilot.press("n")
        await settle(pilot)
        assert cell(table(app), 0, "title") == "Task 200" and "page 2 of 3" in status_line(app)
        await pilot.press("n")
        await settle(pilot)
        assert table(app).row_count == 50 and cell(table(app), 49, "title") == "Task 449"
        await pilot.press("n")  # no fourth page: told, not an error
        await settle(pilot)
        assert "page 3 of 3" in status_line(app)
        await pilot.press("p", "p")
        await settle(pilot)
        assert cell(table(app), 0, "title") == "Task 000"


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_actions_screen_snapshot(snap_compare, demo_path: Path, size) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)

    assert snap_compare(make_app(demo_path), terminal_size=size, run_before=run_before)
