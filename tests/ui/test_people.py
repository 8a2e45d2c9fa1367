"""People are people, driven with Pilot on a real SQLite file: the facilitator by name, a place
for the meeting, guests with title and organisation who may own actions (absent people may not),
feedback that says who gave it and is changed or removed until sign-off."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from textual.widgets import DataTable, Input, Select

from reviewtui.db import meetings as mq
from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.db import outcomes as oq
from reviewtui.screens.feedback import FeedbackScreen
from reviewtui.screens.meeting_modals import (
    ActionModal,
    AttendanceModal,
    Attendee,
    ConfirmModal,
    owner_choices,
)
from reviewtui.screens.meetings import MeetingsScreen, NewMeetingModal
from tests.ui.conftest import make_app, settle


def _db(path: Path):
    return open_database(str(path), user="tester")


def _planned(path: Path) -> tuple[int, int]:
    db = _db(path)
    with db.read() as s:
        row = s.execute(
            select(m.Meeting.id, m.Meeting.vendor_id)
            .where(m.Meeting.status == "planned")
            .order_by(m.Meeting.scheduled_at)
        ).first()
    db.dispose()
    return row.id, row.vendor_id


async def test_the_app_names_the_facilitator_from_the_server_config(demo_path: Path) -> None:
    _, vid = _planned(demo_path)
    app = make_app(demo_path, users={"tester": {"role": "facilitator", "name": "Jane Ōkubo"}})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        with app.db.session() as s:  # the app's own database handle, as its screens use it
            mid = mq.create_meeting(vid, datetime.now(UTC), session=s)
            mq.start_meeting(mid, session=s)
    db = _db(demo_path)
    with db.read() as s:
        assert s.get(m.Meeting, mid).facilitator == "Jane Ōkubo"
    db.dispose()


async def test_the_schedule_form_has_a_place(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(MeetingsScreen())
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewMeetingModal)
        await pilot.press(*"+7d 10:00", "tab", "tab", "tab", *"会議室 4.12, Building B")
        assert form.focused.id == "new-place"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)
    db = _db(demo_path)
    with db.read() as s:
        newest = s.scalar(select(m.Meeting).order_by(m.Meeting.id.desc()))
    db.dispose()
    assert newest.location == "会議室 4.12, Building B"


async def test_a_guest_has_title_and_organisation_and_may_own_an_action(demo_path: Path) -> None:
    mid, vid = _planned(demo_path)
    db = _db(demo_path)
    with db.read() as s:
        people = list(mq.get_meeting(mid, session=s).people)
    taken: list = []
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        start = [Attendee(p.name, p.side, "present", p.id, p.organisation, p.role) for p in people]
        app.push_screen(AttendanceModal(start), taken.append)
        await settle(pilot)
        await pilot.press("a")  # the first person: absent
        app.screen.query_one("#guest", Input).focus()
        await pilot.press(*"v: Yuki Tanaka, Auditor, TÜV Rheinland", "enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        (attendance,) = taken
        guest = attendance[-1]
        assert (guest.name, guest.side, guest.role, guest.organisation, guest.contact_id) == (
            "Yuki Tanaka",
            "vendor",
            "Auditor",
            "TÜV Rheinland",
            None,
        )
        absent = attendance[0]
        assert absent.status == "absent"
        with db.session() as s:
            mq.start_meeting(mid, session=s, attendance=[
                mq.AttendanceEntry(a.name, a.side, a.status, a.contact_id, a.organisation, a.role)
                for a in attendance
            ])  # fmt: skip
        with db.read() as s:
            view = mq.get_meeting(mid, session=s)
        choices = owner_choices(view.people, view.attendance)
        labels = [label for label, _ in choices]
        assert "Yuki Tanaka (guest, Auditor, TÜV Rheinland)" in labels
        assert not any(label.startswith(absent.name + " (") for label in labels)
        got: list = []
        app.push_screen(ActionModal(choices), got.append)
        await settle(pilot)
        modal = app.screen
        modal.query_one("#action-owner", Select).value = "Yuki Tanaka"
        modal.query_one("#action-title", Input).focus()
        await pilot.press(*"Recalibrate both gauges", "enter")
        await settle(pilot)
        (typed,) = got
        with db.session() as s:
            aid = oq.add_action(view.current_item_id, typed.title, typed.owner, typed.due,
                                session=s)  # fmt: skip
        with db.read() as s:
            a = s.get(m.Action, aid)
            assert (a.owner, a.owner_contact_id) == ("Yuki Tanaka", None)
            assert a.due_date > date(2026, 1, 1)
    db.dispose()


async def test_an_action_with_nobody_present_to_own_it_asks_for_an_owner(demo_path: Path) -> None:
    """Everyone absent (or a vendor with no contacts): the action form opens with no owner to
    choose and says what to do on save (it crashed on opening, with Select.BLANK as value)."""
    app = make_app(demo_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        got: list = []
        app.push_screen(ActionModal([]), got.append)
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ActionModal)
        assert modal.query_one("#action-owner", Select).value is Select.NULL
        modal.query_one("#action-title", Input).focus()
        await pilot.press(*"Recalibrate", "enter")
        await settle(pilot)
        assert app.screen is modal and got == []
        assert "Choose an owner" in str(modal.query_one("#action-error").render())


async def test_feedback_says_who_gave_it_and_is_edited_or_removed(demo_path: Path) -> None:
    db = _db(demo_path)
    with db.read() as s:
        mid, vid = s.execute(
            select(m.Meeting.id, m.Meeting.vendor_id)
            .join(m.Vendor, m.Vendor.id == m.Meeting.vendor_id)
            .where(m.Vendor.name.like("Keystone%"), m.Meeting.status == "ended")
            .order_by(m.Meeting.scheduled_at.desc())
        ).first()
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.push_screen(FeedbackScreen(vid, meeting_id=mid))
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#fb-table", DataTable)
        rows = table.row_count
        screen.query_one("#fb-by").focus()
        await pilot.press(*"Hanna Weiß", "tab", *"Gauge checks slipped", "enter")
        await settle(pilot)
        assert table.row_count == rows + 1
        with db.read() as s:
            fb = s.scalar(select(m.Feedback).order_by(m.Feedback.id.desc()))
        assert (fb.given_by, fb.text, fb.author) == ("Hanna Weiß", "Gauge checks slipped", "tester")
        # Edit it: Enter on the row fills the form; Enter in the text saves the change.
        table.focus()
        table.move_cursor(row=table.get_row_index(str(fb.id)))
        await pilot.press("enter")
        await settle(pilot)
        text = screen.query_one("#fb-text", Input)
        assert text.has_focus and text.value == "Gauge checks slipped"
        await pilot.press("end", *" twice", "enter")
        await settle(pilot)
        with db.read() as s:
            assert s.get(m.Feedback, fb.id).text == "Gauge checks slipped twice"
        assert table.row_count == rows + 1
        # Remove it: Delete asks first; n keeps it, y removes it.
        table.focus()
        table.move_cursor(row=table.get_row_index(str(fb.id)))
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await settle(pilot)
        with db.read() as s:
            assert s.get(m.Feedback, fb.id) is not None
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert table.row_count == rows
        with db.read() as s:
            assert s.get(m.Feedback, fb.id) is None
    db.dispose()


async def test_signed_off_feedback_cannot_be_edited_or_removed(demo_path: Path) -> None:
    db = _db(demo_path)
    with db.read() as s:
        mid, vid = s.execute(
            select(m.Meeting.id, m.Meeting.vendor_id)
            .where(m.Meeting.status == "signed_off")
            .join(m.Feedback, m.Feedback.meeting_id == m.Meeting.id)
        ).first()
        texts = sorted(s.scalars(select(m.Feedback.text).where(m.Feedback.meeting_id == mid)))
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.push_screen(FeedbackScreen(vid, meeting_id=mid))
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#fb-table", DataTable).has_focus
        await pilot.press("e", "delete", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmModal)
        assert screen.query_one("#fb-text", Input).value == ""
    with db.read() as s:
        assert sorted(s.scalars(select(m.Feedback.text).where(m.Feedback.meeting_id == mid))) == (
            texts
        )
    db.dispose()


async def test_escape_asks_before_unsaved_feedback_is_lost(demo_path: Path) -> None:
    mid, vid = _planned(demo_path)
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(FeedbackScreen(vid, meeting_id=mid))
        await settle(pilot)
        screen = app.screen
        await pilot.press(*"Half a sentence", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#fb-text", Input).value == "Half a sentence"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert not isinstance(app.screen, FeedbackScreen | ConfirmModal)
