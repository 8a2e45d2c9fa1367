"""The minutes screen: preview, sign-off form, amendment, export, navigation."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Markdown, Select, Static

from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.screens.meeting_modals import PromptModal
from reviewtui.screens.minutes import MinutesScreen, SignOffScreen
from reviewtui.screens.vendor import VendorScreen
from reviewtui.textual_internals import notifications
from tests.ui.conftest import make_app, settle


def _status(app) -> str:
    return str(app.screen.query_one("#minutes-status", Static).render())


def _markdown(app) -> str:
    return app.screen.query_one("#minutes-md", Markdown).source


def _meeting_status(path: Path, meeting_id: int) -> tuple[str, int]:
    db = open_database(str(path), user="t")
    try:
        with db.read() as s:
            mt = s.get(m.Meeting, meeting_id)
            return mt.status, mt.revision
    finally:
        db.dispose()


async def _press_sign(app, pilot) -> None:
    """``s`` on the minutes of meeting 3 (a draft)."""
    await settle(pilot)
    app.open_minutes(3)
    await settle(pilot)
    await pilot.press("s")
    await settle(pilot)


async def _sign_off_form(app, pilot) -> SignOffScreen:
    """The sign-off form of meeting 3, opened with ``s`` on its minutes."""
    await _press_sign(app, pilot)
    assert isinstance(app.screen, SignOffScreen)
    return app.screen


async def test_vendor_page_opens_the_latest_minutes_and_moves_between_meetings(
    demo_path: Path,
) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_vendor(1)
        await settle(pilot)
        assert isinstance(app.screen, VendorScreen)
        await pilot.press("M")
        await settle(pilot)
        assert isinstance(app.screen, MinutesScreen)
        # Northwind's latest held meeting (3) is a draft.
        assert app.screen.meeting_id == 3
        assert "DRAFT" in _status(app)
        assert "Northwind Service Desk" in _markdown(app)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.screen.meeting_id == 2
        assert "SIGNED OFF" in _status(app) and "revision 1" in _status(app)
        assert "Maria Jensen" in _markdown(app) and "SHA-256" in _markdown(app)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, VendorScreen)


async def test_sign_off_both_sides_from_the_form_then_amend(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_minutes(3)
        await settle(pilot)
        assert "DRAFT" in _status(app)
        for pick in (1, 3):  # Maria Jensen (client), then Raj Patel (vendor)
            await pilot.press("s")
            await settle(pilot)
            assert isinstance(app.screen, SignOffScreen)
            await pilot.press("enter", *(["down"] * pick), "enter")
            await settle(pilot)
            name = app.screen.query_one("#name", Input).value
            side = app.screen.query_one("#side", Select).value
            assert name and side in ("client", "vendor")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, MinutesScreen)
        assert "SIGNED OFF" in _status(app), _status(app)
        assert _meeting_status(demo_path, 3) == ("signed_off", 1)
        md = _markdown(app)
        assert "Maria Jensen" in md and "Raj Patel" in md and "SHA-256" in md
        # Signing again is refused in place, with the way out.
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, MinutesScreen)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, PromptModal)
        await pilot.press("escape")  # declines: nothing happens
        await settle(pilot)
        assert _meeting_status(demo_path, 3) == ("signed_off", 1)
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("enter")  # no reason: the prompt stays
        await settle(pilot)
        assert isinstance(app.screen, PromptModal)
        await pilot.press(*"Wrong attendee")
        await pilot.press("enter")
        await settle(pilot)
        assert _meeting_status(demo_path, 3) == ("ended", 2)
        assert "DRAFT" in _status(app) and "revision 2" in _status(app)
        md = _markdown(app)
        assert "Wrong attendee" in md, md


async def test_a_written_acknowledgement_is_recorded_on_the_day_it_came(demo_path: Path) -> None:
    """Signed on: the day of the email, not the day it was typed in; a date not written as
    YYYY-MM-DD is refused in place."""
    from datetime import timedelta

    db = open_database(str(demo_path), user="t")
    with db.read() as s:
        held = s.get(m.Meeting, 3).scheduled_at.astimezone().date()
    db.dispose()
    day = held + timedelta(days=2)
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _sign_off_form(app, pilot)
        form.query_one("#name", Input).value = "Raj Patel"
        form.query_one("#side", Select).value = "vendor"
        form.query_one("#method", Select).value = "written"
        form.query_one("#signed-on", Input).focus()
        await pilot.press(*f"{day.day}/{day.month}", "enter")  # typed as people write it
        await settle(pilot)
        assert app.screen is form
        assert "YYYY-MM-DD" in str(form.query_one("#error", Static).render())
        assert form.focused is form.query_one("#signed-on", Input)
        await pilot.press("ctrl+u", *day.isoformat(), "enter")
        await settle(pilot)
        assert isinstance(app.screen, MinutesScreen)
    db = open_database(str(demo_path), user="t")
    with db.read() as s:
        (row,) = [r for r in s.query(m.SignOff).filter_by(meeting_id=3) if r.name == "Raj Patel"]
    db.dispose()
    assert row.method == "written"
    assert row.signed_at.astimezone().date() == day


async def test_the_form_says_what_is_missing(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _sign_off_form(app, pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "needs a name" in str(app.screen.query_one("#error", Static).render())
        app.screen.query_one("#name", Input).value = "Someone"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Choose the side" in str(app.screen.query_one("#error", Static).render())
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, MinutesScreen)
    assert _meeting_status(demo_path, 3) == ("ended", 1)


async def test_export_key_saves_the_signed_pdf_in_the_exports_folder(
    demo_path: Path, tmp_path: Path
):
    import subprocess

    from pypdf import PdfReader

    from tests.test_cli import rt

    out_dir = tmp_path / "out"
    app = make_app(demo_path, exports_dir=str(out_dir))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_minutes(2)
        await settle(pilot)
        await pilot.press("e")  # signed-off minutes, but no key yet: told in place
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert any("keys init" in str(n.message) for n in notifications(app))
        assert not out_dir.exists() or not list(out_dir.iterdir())
        made = rt("--db", str(demo_path), "keys", "init", "--org", "Contoso Group",
                  "--out", str(tmp_path / "key.p12"))  # fmt: skip
        assert made.returncode == 0, made.stderr
        await pilot.press("e")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
    (pdf,) = out_dir.glob("*.pdf")
    assert pdf.name.startswith("minutes-northwind-service-desk-") and pdf.name.endswith("-r1.pdf")
    assert list(PdfReader(pdf).attachments) == ["minutes.json"]
    report = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in report and "Total document signed" in report, report


async def test_a_viewer_cannot_sign(demo_path: Path) -> None:
    app = make_app(demo_path, role="viewer")
    async with app.run_test(size=(80, 24)) as pilot:
        await _press_sign(app, pilot)
        assert isinstance(app.screen, MinutesScreen)
        assert any("only a facilitator" in str(n.message) for n in notifications(app))


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_minutes_snapshot(snap_compare, demo_path: Path, size) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.open_minutes(2)
        await settle(pilot)

    assert snap_compare(make_app(demo_path), terminal_size=size, run_before=run_before)
