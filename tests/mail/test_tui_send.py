"""The minutes screen's "send to attendees": the recipients to confirm, the progress, the
result, and the sending shown on the screen afterwards (a real SMTP server receives it)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from textual.widgets import Static

from reviewtui.screens.minutes import MinutesScreen
from reviewtui.screens.send_mail import SendMinutesModal
from tests.test_cli import rt
from tests.ui.conftest import make_app, settle


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def _wait_for(pilot, predicate, seconds: float = 120.0) -> None:
    for _ in range(int(seconds / 0.2)):
        if predicate():
            return
        await pilot.pause(0.2)
    raise AssertionError("timed out")


async def test_send_to_attendees_confirms_shows_progress_and_records(
    smtp, demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for k, v in smtp.env.items():
        monkeypatch.setenv(k, v)
    made = rt("--db", str(demo_path), "keys", "init", "--org", "Contoso Group",
              "--out", str(tmp_path / "key.p12"))  # fmt: skip
    assert made.returncode == 0, made.stderr
    app = make_app(demo_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        app.open_minutes(2)
        await settle(pilot)
        assert isinstance(app.screen, MinutesScreen)
        assert "Mailed" not in _text(app, "#minutes-status")
        await pilot.press("M")
        await settle(pilot)
        assert isinstance(app.screen, SendMinutesModal)
        shown = _text(app, "#send-recipients")
        assert "Minutes: Northwind Service Desk — Monthly, 2026-10-01 (revision 1)" in shown
        for who in ("Maria Jensen <maria.jensen@contoso.example>", "Raj Patel <raj.patel@"):
            assert who in shown
        assert "To send to (4)" in shown and smtp.received == []
        await pilot.press("escape")  # first: no, nothing sent
        await settle(pilot)
        assert isinstance(app.screen, MinutesScreen) and smtp.received == []
        await pilot.press("M")
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause(0.1)
        progress = _text(app, "#send-progress")
        assert progress != "y send · n cancel"  # it says what it is doing
        await _wait_for(pilot, lambda: "Sent to" in _text(app, "#send-progress"))
        assert "Sent to 4 of 4." in _text(app, "#send-progress")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MinutesScreen)
        status = _text(app, "#minutes-status")
        assert "Mailed: revision 1 to 4 people" in status and "by tester" in status
        [got] = smtp.received
        assert len(got.rcpt_tos) == 4
        # The attached PDF is the signed minutes, as the minutes screen exports them.
        [pdf] = [
            p for p in got.message.iter_attachments() if p.get_content_type() == "application/pdf"
        ]
        sent = tmp_path / "sent.pdf"
        sent.write_bytes(pdf.get_content())
        report = subprocess.run(["pdfsig", str(sent)], capture_output=True, text=True).stdout
        assert "Signature is Valid" in report and "Total document signed" in report, report
        checked = rt("--db", str(demo_path), "verify", str(sent))
        assert checked.returncode == 0, checked.stdout + checked.stderr
        await pilot.press("M")  # again: everyone had it, nothing is offered
        await settle(pilot)
        assert isinstance(app.screen, MinutesScreen) and len(smtp.received) == 1


async def test_meeting_list_reschedules_and_cancels_and_tells_those_invited(
    smtp, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from icalendar import Calendar

    from reviewtui import config
    from reviewtui.db import open_database
    from reviewtui.mail import invites
    from reviewtui.screens.meetings import MeetingsScreen, PromptModal

    for k, v in smtp.env.items():
        monkeypatch.setenv(k, v)
    db = open_database(str(demo_path), user="tester")
    try:
        first = invites.invite(db, config.load(), 4)  # Northwind's planned review
    finally:
        db.dispose()
    assert len(first.accepted) >= 2 and len(smtp.received) == 1

    def method_and_sequence(i: int) -> tuple[str, int, str]:
        msg = smtp.received[i].message
        part = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
        cal = Calendar.from_ical(part.get_content())
        [ev] = cal.walk("VEVENT")
        return str(cal["method"]), int(ev["sequence"]), ev.decoded("dtstart").isoformat()

    app = make_app(demo_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        app.push_screen(MeetingsScreen())
        await settle(pilot)
        table = app.screen.query_one("#meetings")
        table.move_cursor(row=table.get_row_index("4"))
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, PromptModal)
        for key in "soon":  # not a time: said in place, nothing changes
            await pilot.press(key)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptModal)
        assert _text(app, "#prompt-error") != ""
        await pilot.press(*["backspace"] * 4)
        for key in "2026-12-07 15:00":
            await pilot.press(key)
        await pilot.press("enter")
        await settle(pilot)
        await _wait_for(pilot, lambda: len(smtp.received) == 2)
        assert method_and_sequence(1) == ("REQUEST", 1, "2026-12-07T15:00:00+00:00")
        assert set(smtp.received[1].rcpt_tos) == {r.address for r in first.accepted}
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)
        await pilot.press("X")
        await settle(pilot)
        for key in "Vendor [strike] 山田":
            await pilot.press(key)
        await pilot.press("enter")
        await _wait_for(pilot, lambda: len(smtp.received) == 3)
        method, seq, _ = method_and_sequence(2)
        assert (method, seq) == ("CANCEL", 2)
        await settle(pilot)
        row = app.screen.rows[4]
        assert row.status == "cancelled"
        await pilot.press("X")  # a cancelled meeting cannot be cancelled again
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen) and len(smtp.received) == 3
