"""Typing never changes anything but the note: prose after every navigation key of the meeting.

The prose holds every one-letter key of the meeting screen (s w f e q i d a p g r t u N + [ ] ?)
and the attendance dialog's (p a y). After each way of getting somewhere on the screen, a
paragraph is typed at once; then the database must show the same attendance, actions, outcomes,
meeting status, current item and agenda as before, and the paragraph in the shown item's notes.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from textual import events

from reviewtui.db import meetings as mq
from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.screens.meeting import MeetingScreen
from reviewtui.screens.meeting_modals import AttendanceModal
from tests.ui.conftest import make_app, settle

KEYSTONE = "Keystone Precision Manufacturing"
PROSE = (
    "Plan 2 raised: status is amber, we agreed a fix; decision deferred? "
    "Next steps [owner Müller] + review quarterly, then wrap up. "
)


def _keys(text: str) -> list[str]:
    names = {" ": "space", "?": "question_mark", "[": "left_square_bracket", "]": "right_square_bracket",
             "+": "plus", ":": "colon", ";": "semicolon", ",": "comma", ".": "full_stop"}  # fmt: skip
    return [names.get(ch, ch) for ch in text]


def _started_meeting(path: Path) -> int:
    db = open_database(str(path), user="tester")
    with db.session() as s:
        vid = s.scalar(select(m.Vendor.id).where(m.Vendor.name == KEYSTONE))
        mid = mq.create_meeting(vid, datetime.fromisoformat("2026-11-28T10:00:00+00:00"), session=s)
    with db.session() as s:
        people = mq.get_meeting(mid, session=s).people
        mq.start_meeting(
            mid,
            attendance=[mq.AttendanceEntry(p.name, p.side, "present", p.id) for p in people],
            session=s,
        )
    db.dispose()
    return mid


def fingerprint(path: Path, mid: int) -> dict:
    """Everything typing must not touch (notes left out)."""
    db = open_database(str(path))
    try:
        with db.read() as s:
            meeting = s.get(m.Meeting, mid)
            items = s.scalars(select(m.AgendaItem).where(m.AgendaItem.meeting_id == mid)).all()
            return {
                "status": meeting.status,
                "current": meeting.current_item_id,
                "next": meeting.next_meeting_at,
                "agenda": sorted((i.id, i.position, i.title, i.timebox_minutes) for i in items),
                "attendance": sorted(
                    (a.name, a.side, a.status)
                    for a in s.scalars(select(m.Attendance).where(m.Attendance.meeting_id == mid))
                ),
                "actions": sorted(
                    (a.id, a.status, a.title, a.due_date) for a in s.scalars(select(m.Action))
                ),
                "outcomes": sorted((o.id, o.kind, o.text) for o in s.scalars(select(m.Outcome))),
                "meetings": sorted(
                    (x.id, x.status, x.scheduled_at) for x in s.scalars(select(m.Meeting))
                ),
            }
    finally:
        db.dispose()


async def type_ahead(pilot, text: str) -> None:
    """Every key of ``text`` as the terminal would send it, without waiting in between: keys
    queued behind each other are the hard case for focus (the rate is tried in tmux, see
    tests/e2e/test_typing_e2e.py)."""
    for name, ch in zip(_keys(text), text, strict=True):
        pilot.app.post_message(events.Key(name, ch))
        await asyncio.sleep(0)


async def quiet(pilot) -> None:
    """Workers done and messages handled (settle() waits for a still screen, which a running
    meeting's clock never gives)."""
    for _ in range(4):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()


def _notes(path: Path, item_id: int) -> str:
    db = open_database(str(path))
    try:
        with db.read() as s:
            return s.get(m.AgendaItem, item_id).notes
    finally:
        db.dispose()


async def _saved(pilot, path: Path, item_id: int, how: str) -> None:
    """Until the item's stored notes end with the prose (the save debounce is 0.3-0.6 s)."""
    for _ in range(100):
        if _notes(path, item_id).endswith(PROSE):
            return
        await pilot.pause(0.1)
        await quiet(pilot)
    raise AssertionError(f"{how}: the prose was not saved: {_notes(path, item_id)!r}")


# Each way of getting somewhere: the keys, pressed before the prose.
NAVIGATION = {
    "open": [],
    "Ctrl+N": ["ctrl+n"],
    "Ctrl+B": ["ctrl+b"],
    "Ctrl+N twice": ["ctrl+n", "ctrl+n"],
    "Enter from the agenda": ["escape", "down", "enter"],
    "move item down": ["escape", "right_square_bracket"],
    "move item up": ["escape", "left_square_bracket"],
    "make current": ["escape", "up", "g"],
    "Esc from the outcome dialog": ["ctrl+o", "escape"],
    "Esc from a decision prompt": ["ctrl+o", "d", "escape"],
    "Esc from attendance": ["escape", "w", "escape"],
    "Esc from add item": ["escape", "plus", "escape"],
    "Esc from rename": ["escape", "r", "escape"],
    "Esc from timebox": ["escape", "t", "escape"],
    "n on end meeting": ["escape", "e", "n"],
    "Esc from remove item": ["escape", "delete", "escape"],
    "Esc from next date": ["escape", "N", "escape"],
    "back from feedback": ["escape", "f", "escape"],
    "Esc from the scorecard (Ctrl+R)": ["ctrl+r", "escape"],
    "unbound letter on the agenda": ["escape", "down"],  # the prose starts with P: text
}


async def test_prose_after_every_navigation_key_only_writes_notes(demo_path: Path) -> None:
    """One session walks through every way of getting somewhere (one app start: a slow machine)."""
    mid = _started_meeting(demo_path)
    app = make_app(demo_path)
    app.start_meeting_id = mid
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        for how, keys in NAVIGATION.items():
            await pilot.press(*keys)
            await quiet(pilot)
            assert app.screen is screen, f"{how}: still in {app.screen!r}"
            before = fingerprint(demo_path, mid)
            await type_ahead(pilot, PROSE)
            await quiet(pilot)
            assert app.screen is screen, f"{how}: the prose opened {app.screen!r}"
            assert screen.editor.text.endswith(PROSE), how
            await _saved(pilot, demo_path, screen.editor.item_id, how)
            assert fingerprint(demo_path, mid) == before, how


async def test_attendance_changed_in_the_meeting_can_be_undone(demo_path: Path) -> None:
    mid = _started_meeting(demo_path)
    before = fingerprint(demo_path, mid)["attendance"]
    app = make_app(demo_path)
    app.start_meeting_id = mid
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("escape", "w")
        await settle(pilot)
        assert isinstance(app.screen, AttendanceModal)
        await pilot.press("a", "ctrl+s")  # the first person marked absent, confirmed
        await settle(pilot)
        changed = fingerprint(demo_path, mid)["attendance"]
        assert changed != before and sum(s == "absent" for *_, s in changed) == 1
        assert screen.focused is screen.editor  # back in the notes after the dialog
        await pilot.press("escape", "u")
        await settle(pilot)
        assert fingerprint(demo_path, mid)["attendance"] == before
        await pilot.press("escape", "u")  # nothing more to undo: nothing changes
        await settle(pilot)
        assert fingerprint(demo_path, mid)["attendance"] == before
