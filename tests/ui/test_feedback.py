"""The feedback capture screen: entries both ways, the meeting's summary, the vendor history."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from textual.widgets import DataTable, Select

from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.screens.feedback import FeedbackScreen
from tests.ui.conftest import make_app, settle


def _past_meeting(path: Path) -> tuple[int, int]:
    """The latest ended Keystone review (the demo gave it two feedback entries)."""
    db = open_database(str(path))
    with db.read() as s:
        row = s.execute(
            select(m.Meeting.id, m.Meeting.vendor_id)
            .join(m.Vendor, m.Vendor.id == m.Meeting.vendor_id)
            .where(m.Vendor.name.like("Keystone%"), m.Meeting.status == "ended")
            .order_by(m.Meeting.scheduled_at.desc())
        ).first()
    db.dispose()
    return row.id, row.vendor_id


def _count(path: Path, meeting_id: int) -> int:
    db = open_database(str(path))
    with db.read() as s:
        n = s.scalar(
            select(func.count()).select_from(m.Feedback).where(m.Feedback.meeting_id == meeting_id)
        )
    db.dispose()
    return n


async def test_capture_feedback_in_a_meeting(demo_path: Path) -> None:
    mid, vid = _past_meeting(demo_path)
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(FeedbackScreen(vid, meeting_id=mid))
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#fb-table", DataTable)
        assert table.row_count == 2
        # Vendor to client, recognition, 5 of 5: chosen with the keyboard only.
        await pilot.press("shift+tab", *"Raj Patel")  # who gave it
        await pilot.press("shift+tab", "enter", *["down"] * 5, "enter")  # rating
        await pilot.press("shift+tab", "enter", *["down"] * 3, "enter")  # category
        await pilot.press("shift+tab", "enter", "down", "enter")  # direction
        await settle(pilot)
        assert screen.query_one("#fb-direction", Select).value == "vendor_to_client"
        assert screen.query_one("#fb-category", Select).value == "recognition"
        assert screen.query_one("#fb-rating", Select).value == 5
        screen.query_one("#fb-text").focus()
        await pilot.press(*"Thanks", "enter")
        await settle(pilot)
        assert table.row_count == 3
        assert "vendor → client: recognition 2, avg 5" in str(  # the demo had one
            screen.query_one("#fb-summary").render()
        )
        # The vendor's whole history is one key away (from the list).
        table.focus()
        await pilot.press("h")
        await settle(pilot)
        assert table.row_count > 3
    assert _count(demo_path, mid) == 3


async def test_empty_text_is_refused_in_place(demo_path: Path) -> None:
    mid, vid = _past_meeting(demo_path)
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(FeedbackScreen(vid, meeting_id=mid))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    assert _count(demo_path, mid) == 2


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_feedback_snapshot(snap_compare, demo_path: Path, size) -> None:
    mid, vid = _past_meeting(demo_path)
    app = make_app(demo_path)

    async def run_before(pilot) -> None:
        await settle(pilot)
        app.push_screen(FeedbackScreen(vid, meeting_id=mid))
        await settle(pilot)
        app.screen.query_one("#fb-text").cursor_blink = False
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
