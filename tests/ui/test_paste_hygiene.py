"""A paste into the app keeps its words, newlines and tabs, and loses its control characters."""

from __future__ import annotations

from pathlib import Path

from textual import events

from reviewtui.screens.meeting import MeetingScreen
from tests.ui.conftest import make_app, settle
from tests.ui.test_meeting import _meeting, _view, _wait_saved

# With text-direction controls too: an isolate around "red", an override after the NUL.
PASTED = (
    "Agreed\x1b]52;c;aGFjaw==\x07 with \u2067\x1b[31mred\x1b[0m\u2069\r\nsecond\tline\x00\u202e end"
)
KEPT = "Agreed with red\nsecond\tline end"


async def test_a_pasted_note_keeps_its_lines_and_drops_control_characters(
    demo_path: Path,
) -> None:
    mid = _meeting(demo_path)
    app = make_app(demo_path)
    app.start_meeting_id = mid
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        first = screen.view.items[0].id
        await pilot.press("escape", "s")  # a meeting opens in the notes: Esc to the commands
        await settle(pilot)
        await pilot.press("down", "y", "enter")
        await settle(pilot)
        assert screen.focused is screen.editor
        app.post_message(events.Paste(PASTED))  # as the terminal's bracketed paste arrives
        await _wait_saved(pilot)
        assert screen.editor.text == KEPT
        assert _view(demo_path, mid).item(first).notes == KEPT
