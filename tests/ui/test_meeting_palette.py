"""The live meeting at 80x24: the footer keeps its four keys, and the command palette offers the
meeting's commands, each doing what its key does (on a real SQLite file)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from textual.command import CommandPalette

from reviewtui.db import meetings as mq
from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.screens.meeting import MeetingScreen
from reviewtui.screens.meeting_modals import OutcomeKindModal
from reviewtui.screens.meetings import NewMeetingModal
from reviewtui.screens.minutes import MinutesScreen
from reviewtui.screens.plan_form import PlanFormScreen
from reviewtui.textual_internals import FooterKey, notifications
from tests.ui.conftest import make_app, settle

KEYSTONE = "Keystone Precision Manufacturing"


def _meeting(path: Path) -> tuple[int, int]:
    db = open_database(str(path), user="tester")
    with db.session() as s:
        vid = s.scalar(select(m.Vendor.id).where(m.Vendor.name == KEYSTONE))
        mid = mq.create_meeting(vid, datetime.fromisoformat("2026-11-28T10:00:00+00:00"), session=s)
    db.dispose()
    return vid, mid


def _meetings_of(path: Path, vendor_id: int) -> int:
    db = open_database(str(path), user="tester")
    with db.read() as s:
        n = s.scalar(select(func.count(m.Meeting.id)).where(m.Meeting.vendor_id == vendor_id))
    db.dispose()
    return n


def _keys(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


async def _palette(pilot, query: str = "") -> list[str]:
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CommandPalette)
    if query:
        await pilot.press(*_keys(query))
    await pilot.pause(0.5)
    await settle(pilot)
    options = pilot.app.screen.query_one("CommandList")
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_the_footer_keeps_next_outcome_end_and_back_at_80_columns(demo_path: Path) -> None:
    _, mid = _meeting(demo_path)
    app = make_app(demo_path)
    app.start_meeting_id = mid
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)
        assert app.screen.focused is app.screen.editor  # a meeting opens in the notes
        for focus in ("agenda", "notes"):
            # Esc is the deliberate way to the agenda's single-letter commands; Enter goes back.
            await pilot.press("escape" if focus == "agenda" else "enter")
            await settle(pilot)
            if focus == "notes":
                assert app.screen.focused is app.screen.editor
            else:
                assert app.screen.focused is app.screen.agenda
            keys = list(app.screen.query(FooterKey))
            palette = next(k for k in keys if k.has_class("-command-palette"))
            shown = {
                k.action
                for k in keys
                if not k.has_class("-command-palette") and k.region.right <= palette.region.x
            }
            active = {b.action for _, b, _, _ in app.screen.active_bindings.values() if b.show}
            # Whichever of the four work where the focus is are on screen, not cut off; on the
            # agenda all four work. (Typing notes, single letters are text: e and q are not keys.)
            wanted = {"next_item", "outcome", "end", "back", "facts"}
            expected = wanted if focus == "agenda" else wanted & active
            assert {"next_item", "outcome"} <= expected
            assert expected <= shown, (focus, sorted(shown))


async def test_the_palette_offers_the_meetings_commands(demo_path: Path) -> None:
    vid, mid = _meeting(demo_path)
    app = make_app(demo_path)
    app.start_meeting_id = mid
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        meeting = app.screen
        assert isinstance(meeting, MeetingScreen)
        item = meeting.view.item(meeting.agenda.highlighted_id)

        # Without typing: the meeting's commands are listed.
        listed = await _palette(pilot)
        # All four, in this order (after Textual's own, whose provider may answer first); the
        # item they act on in the help line.
        names = [p.split("\n")[0] for p in listed]
        four = [
            "Record an outcome",
            "Raise an action plan",
            "Open the minutes of this meeting",
            f"Schedule a meeting with {KEYSTONE}",
        ]
        assert [n for n in names if n in four] == four, names
        assert f"on {item.position}. {item.title}" in listed[names.index(four[0])]
        await pilot.press("escape")
        await settle(pilot)

        # Record an outcome: the same dialog as ^o, on the highlighted item.
        await _palette(pilot, "record an outcome")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, OutcomeKindModal)
        assert app.screen.item_title == item.title
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is meeting

        # Raise an action plan: the plan form, drafted from the agenda item, in this meeting.
        await _palette(pilot, "raise an action plan")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PlanFormScreen)
        assert app.screen.meeting_id == mid
        assert app.screen.data.draft.agenda_item_id == item.id
        app.pop_screen()
        await settle(pilot)

        # Open the minutes of this meeting.
        await _palette(pilot, "open the minutes")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MinutesScreen) and app.screen.meeting_id == mid
        app.pop_screen()
        await settle(pilot)
        assert app.screen is meeting

        # Schedule a meeting with this vendor: the form opens on it, and the meeting is made.
        before = _meetings_of(demo_path, vid)
        await _palette(pilot, "schedule a meeting with keystone")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NewMeetingModal) and app.screen.vendor_id == vid
        await pilot.press(*_keys("2026-12-28 10:00"), "enter")
        await settle(pilot)
        assert app.screen is meeting
        assert _meetings_of(demo_path, vid) == before + 1


async def test_a_viewer_is_told_the_palettes_commands_are_refused(demo_path: Path) -> None:
    vid, mid = _meeting(demo_path)
    before = _meetings_of(demo_path, vid)
    app = make_app(demo_path, role="viewer")
    app.start_meeting_id = mid
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await _palette(pilot, "schedule a meeting with keystone")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)
        assert any("read-only" in str(n.message) for n in notifications(app))
    assert _meetings_of(demo_path, vid) == before
