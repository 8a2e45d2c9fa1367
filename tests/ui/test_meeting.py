"""The live meeting and the meeting list: Pilot flows on a real SQLite file, and snapshots."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import DataTable

from reviewtui.db import meetings as mq
from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.db import outcomes as oq
from reviewtui.drafts import CONFLICT_SEPARATOR
from reviewtui.screens.dashboard import DashboardScreen
from reviewtui.screens.feedback import FeedbackScreen
from reviewtui.screens.meeting import MeetingScreen
from reviewtui.screens.meeting_modals import (
    ActionModal,
    AttendanceModal,
    PromptModal,
)
from reviewtui.screens.meetings import MeetingsScreen, NewMeetingModal
from tests.ui.conftest import make_app, settle

KEYSTONE = "Keystone Precision Manufacturing"


def _keys(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


def _meeting(path: Path, when: str = "2026-11-28T10:00:00+00:00") -> int:
    db = open_database(str(path), user="tester")
    with db.session() as s:
        vid = s.scalar(select(m.Vendor.id).where(m.Vendor.name == KEYSTONE))
        mid = mq.create_meeting(vid, datetime.fromisoformat(when), session=s)
    db.dispose()
    return mid


def _view(path: Path, mid: int):
    db = open_database(str(path), user="tester")
    with db.read() as s:
        view = mq.get_meeting(mid, session=s)
    db.dispose()
    return view


async def _wait_saved(pilot) -> None:
    """Past the debounce, then every save worker done."""
    await pilot.pause(1.0)
    await settle(pilot)


async def test_run_a_meeting_start_to_park(demo_path: Path) -> None:
    mid = _meeting(demo_path)
    app = make_app(demo_path)
    app.start_meeting_id = mid
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        first, second = (i.id for i in screen.view.items[:2])

        # Opened: the notes have the focus, so letters are text; Esc goes to the agenda keys.
        assert screen.focused is screen.editor
        # Start: attendance of both sides; the second person sent apologies.
        await pilot.press("escape", "s")
        await settle(pilot)
        assert isinstance(app.screen, AttendanceModal)
        await pilot.press("down", "y", "enter")
        await settle(pilot)
        assert app.screen is screen and screen.view.status == "in_progress"
        assert screen.focused is screen.editor  # ready to take notes

        # Notes are saved as they are typed.
        await pilot.press(*_keys("Minutes accepted"))
        await _wait_saved(pilot)
        assert _view(demo_path, mid).item(first).notes == "Minutes accepted"

        # Next item, from inside the notes.
        await pilot.press("ctrl+n")
        await settle(pilot)
        view = _view(demo_path, mid)
        assert view.current_item_id == second
        assert screen.agenda.highlighted_id == second

        # A decision in three keystrokes plus its words.
        await pilot.press("ctrl+o", "d")
        await settle(pilot)
        assert isinstance(app.screen, PromptModal)
        await pilot.press(*_keys("Scorecard agreed"), "enter")
        await settle(pilot)

        # An action: title, owner and due date default to a vendor contact and +14 days.
        await pilot.press("ctrl+o", "a")
        await settle(pilot)
        assert isinstance(app.screen, ActionModal)
        await pilot.press(*_keys("Send the recovery plan"), "enter")
        await settle(pilot)

        # Park it to the next meeting, with a reason.
        await pilot.press("ctrl+o", "p")
        await settle(pilot)
        await pilot.press(*_keys("plant manager away"), "enter")
        await settle(pilot)
        assert app.screen is screen

    view = _view(demo_path, mid)
    people = {a.name: a.status for a in view.attendance}
    assert list(people.values()).count("apologies") == 1
    assert len(people) == 6  # every Keystone contact, both sides
    outcomes = view.item(second).outcomes
    assert [o.kind for o in outcomes] == ["decision", "action", "parked"]
    assert outcomes[0].text == "Scorecard agreed"
    assert outcomes[1].text.startswith("Send the recovery plan (")
    assert outcomes[1].text.endswith("due 2026-12-12)")
    assert outcomes[2].text.endswith(": plant manager away")
    db = open_database(str(demo_path))
    with db.read() as s:
        action = s.get(m.Action, outcomes[1].action_id)
        contact = s.get(m.Contact, action.owner_contact_id)
        copies = s.scalars(select(m.AgendaItem).where(m.AgendaItem.carried_from_id == second))
        copy = copies.one()
        target = s.get(m.Meeting, copy.meeting_id)
    db.dispose()
    assert contact.side == "vendor" and action.meeting_id == mid
    assert target.status == "planned" and target.id != mid
    assert target.scheduled_at > view.scheduled_at


async def test_reopening_puts_you_back_on_the_item_and_cursor(demo_path: Path) -> None:
    mid = _meeting(demo_path)
    app = make_app(demo_path)
    app.start_meeting_id = mid
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("escape", "down", "down", "enter")
        await pilot.press(*_keys("line one"), "enter", *_keys("two"), "left")
        await _wait_saved(pilot)
        third = screen.view.items[2].id
    app = make_app(demo_path)
    app.start_meeting_id = mid
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.agenda.highlighted_id == third
        assert screen.editor.text == "line one\ntwo"
        assert screen.editor.cursor_location == (1, 2)
        assert screen.focused is screen.editor  # and typing goes on where it stopped


async def test_another_sessions_edit_appears_and_a_crossing_save_is_merged_in_place(
    demo_path: Path,
) -> None:
    mid = _meeting(demo_path)
    first = _view(demo_path, mid).items[0].id
    other = open_database(str(demo_path), user="bob")
    app = make_app(demo_path)
    app.start_meeting_id = mid
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            # Bob writes: it appears here without a refresh.
            with other.session() as s:
                mq.save_notes(first, "Bob was here", 0, session=s)
            await pilot.pause(1.2)
            await settle(pilot)
            assert screen.editor.text == "Bob was here"
            # Alice types on top of version 1 while Bob saves version 2: merge, not overwrite.
            await pilot.press("end")
            await pilot.press("!")  # Bob's save below lands before this draft's save starts
            with other.session() as s:
                mq.save_notes(first, "Called the plant.\nBob was here", 1, session=s)
            await _wait_saved(pilot)
            # Each change once, in its place; Alice's cursor stays after her "!".
            both = "Called the plant.\nBob was here!"
            assert app.screen is screen and screen.focused is screen.editor
            assert screen.editor.text == both
            assert screen.editor.cursor_location == (1, len("Bob was here!"))
            assert _view(demo_path, mid).item(first).notes == both  # autosaved like any note
            assert CONFLICT_SEPARATOR.format(who="tester") not in both
            # Undo cannot take Bob's words out: it undid the merge, and the next save stored
            # the note without them.
            await pilot.press("ctrl+z")
            await settle(pilot)
            assert screen.editor.text == both
            # The keys go on where she was typing.
            await pilot.press("?")
            await _wait_saved(pilot)
        text = _view(demo_path, mid).item(first).notes
        assert text == both + "?"
    finally:
        other.dispose()


async def test_signed_off_meeting_is_read_only_with_a_banner(demo_path: Path) -> None:
    db = open_database(str(demo_path))
    with db.read() as s:
        signed = s.scalar(select(m.Meeting.id).where(m.Meeting.status == "signed_off"))
    db.dispose()
    app = make_app(demo_path)
    app.start_meeting_id = signed
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        banner = screen.query_one("#banner")
        assert banner.display and "READ-ONLY" in str(banner.render())
        assert screen.editor.read_only
        await pilot.press("d")
        await settle(pilot)
        assert app.screen is screen  # no prompt: told in place instead


async def test_meeting_list_from_dashboard_and_schedule_one(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)
        table = app.screen.query_one("#meetings", DataTable)
        assert table.row_count == 16
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NewMeetingModal)
        await pilot.press(*_keys("03/04 10:00"), "enter")
        await settle(pilot)
        error = str(app.screen.query_one("#new-error").render())
        assert "ambiguous" in error
        await pilot.press(*["backspace"] * 11, *_keys("+7d 14:00"), "enter")
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)
        assert table.row_count == 17
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)
        assert app.screen.view.scheduled_at == datetime.fromisoformat("2026-12-05T14:00:00+00:00")
        await pilot.press("escape", "f")  # from the notes to the agenda keys
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)


def _snapshot_meeting(path: Path, monkeypatch) -> int:
    """A meeting 20 minutes in: an item that ran over, the current one near its timebox."""
    mid = _meeting(path, when="2026-11-28T08:40:00+00:00")
    db = open_database(str(path), user="tester")
    items = _view(path, mid).items
    # 2 min on a 2-min item (NEAR), 15:36 on a 5-min one (OVER), 2:24 of 3 min now (NEAR).
    for at, go in [("08:40:00", None), ("08:42:00", items[1].id), ("08:57:36", items[2].id)]:
        monkeypatch.setenv("REVIEWTUI_NOW", f"2026-11-28T{at}+00:00")
        with db.session() as s:
            if go is None:
                mq.start_meeting(mid, session=s)
            else:
                mq.go_to_item(mid, go, session=s)
    with db.session() as s:
        mq.save_notes(
            items[2].id, "OTIF at 92.9% against 97%.\nLate H-220 shipments.", 0, session=s
        )
        oq.add_outcome(items[2].id, "decision", "Recovery plan by Friday.", session=s)
        oq.add_outcome(items[1].id, "information", "Score 88, amber.", session=s)
    db.dispose()
    monkeypatch.setenv("REVIEWTUI_NOW", "2026-11-28T09:00:00+00:00")
    return mid


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_meeting_snapshot(snap_compare, demo_path: Path, monkeypatch, size) -> None:
    mid = _snapshot_meeting(demo_path, monkeypatch)
    app = make_app(demo_path)
    app.start_meeting_id = mid

    async def run_before(pilot) -> None:
        await settle(pilot)
        # On the agenda's keys: the notes' cursor (their focus on open) blinks, which would
        # make every picture a coin toss.
        await pilot.press("escape")
        await pilot.pause(1.1)  # one timer tick: still the frozen 09:00
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.postgres
async def test_live_refresh_between_sessions_on_postgres(pg_url: str) -> None:
    from reviewtui.demo import seed

    bob = open_database(pg_url, user="bob")
    try:
        with bob.session() as s:
            seed(s)
        with bob.session() as s:
            vid = s.scalar(select(m.Vendor.id).where(m.Vendor.name == KEYSTONE))
            mid = mq.create_meeting(
                vid, datetime.fromisoformat("2026-11-28T10:00:00+00:00"), session=s
            )
        with bob.read() as s:
            first, second = (i.id for i in mq.get_meeting(mid, session=s).items[:2])
        app = make_app(pg_url)  # type: ignore[arg-type]
        app.start_meeting_id = mid
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            with bob.session() as s:
                mq.save_notes(first, "Bob on PostgreSQL", 0, session=s)
                mq.go_to_item(mid, second, session=s)
            await pilot.pause(1.2)
            await settle(pilot)
            # Bob moved the meeting on: this session follows him to the second item.
            assert screen.agenda.highlighted_id == second
            await pilot.press("ctrl+b")
            await settle(pilot)
            assert screen.editor.text == "Bob on PostgreSQL"
    finally:
        bob.dispose()


async def test_the_notes_cursor_stops_blinking_when_nobody_types(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A meeting left open costs no repaints: the cursor blinks after a key, then stays lit."""
    from reviewtui.widgets import notes

    monkeypatch.setattr(notes, "BLINK_FOR_S", 0.5)  # the 10 s of the app, shortened
    mid = _meeting(demo_path)
    app = make_app(demo_path)
    app.start_meeting_id = mid
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        editor = app.screen.editor
        assert app.screen.focused is editor
        await pilot.pause(1.0)
        assert not editor.cursor_blink  # nobody typed: steady
        assert not editor.checking_saves  # and nothing to save: the 100 ms check sleeps
        await pilot.press("x")
        assert editor.cursor_blink  # typing: it blinks again
        assert editor.checking_saves  # and the words are due to be saved
        await pilot.pause(1.0)
        await settle(pilot)
        assert not editor.cursor_blink
        assert editor.has_focus and "x" in editor.text
        with sqlite3.connect(demo_path) as con:
            (stored,) = con.execute(
                "SELECT notes FROM agendaitem WHERE id = ?", (editor.item_id,)
            ).fetchone()
        assert stored == editor.text  # saved from the woken check, which then sleeps again
        assert not editor.checking_saves


async def test_opening_a_planned_meeting_brings_its_agenda_up_to_date(demo_path: Path) -> None:
    """An action closed since the agenda was made leaves it when the facilitator opens the
    meeting; once the meeting has started, opening it changes nothing."""
    from reviewtui.db import actions as aq

    planned, running = _meeting(demo_path), _meeting(demo_path, "2026-11-29T10:00:00+00:00")
    db = open_database(str(demo_path), user="tester")
    try:
        with db.session() as s:
            mq.start_meeting(running, session=s)
        done = next(i.action_id for i in _view(demo_path, planned).items if i.action_id)
        assert any(i.action_id == done for i in _view(demo_path, running).items)
        with db.session() as s:
            aq.update_status(done, "done", session=s)
    finally:
        db.dispose()
    for mid, stays in ((planned, False), (running, True)):
        app = make_app(demo_path)
        app.start_meeting_id = mid
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            shown = [i.action_id for i in app.screen.view.items]
            assert (done in shown) is stays, mid
            assert shown == [i.action_id for i in _view(demo_path, mid).items]


async def test_a_reload_read_before_a_decision_does_not_take_it_off_the_screen(
    demo_path: Path,
) -> None:
    """Coming back from the decision prompt reloads the meeting while the decision is being
    written; under load that read can finish after the write's own reload is shown. Seen in a
    tmux run: the decision in the database, gone from the screen. An older view is not shown."""
    mid = _meeting(demo_path)
    app = make_app(demo_path)
    app.start_meeting_id = mid
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        before = _view(demo_path, mid)  # what a reload that started earlier would hold
        await pilot.press("escape", "d")
        await settle(pilot)
        await pilot.press(*_keys("Agreed"), "enter")
        await settle(pilot)
        outcomes = screen.query_one("#outcomes")
        assert "DECISION Agreed" in str(outcomes.render())
        screen._apply(before)  # the late read arrives, as the worker would hand it over
        await settle(pilot)
        assert screen.view.version > before.version
        assert "DECISION Agreed" in str(outcomes.render())
        assert [o.text for o in screen.view.item(screen.editor.item_id).outcomes] == ["Agreed"]
