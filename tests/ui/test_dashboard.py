"""The app shell: dashboard, navigation, palette, help, theme, empty start; snapshots."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from reviewtui.screens.dashboard import DashboardScreen
from reviewtui.screens.help import HelpScreen
from reviewtui.screens.vendor import VendorScreen
from tests.ui.conftest import make_app, settle


async def test_dashboard_lists_vendors_and_opens_one(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        table = app.screen.query_one("#vendors", DataTable)
        assert table.row_count == 4
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        # Attention first: Keystone is the only amber vendor, with OTIF red for months.
        # ✱: up for contract review (two KPIs to escalate), without the escalations having run.
        assert names[0] == "✱ Keystone Precision Manufacturing"
        assert "amber" in str(table.get_row_at(0)[1]) and "OTIF" in str(table.get_row_at(0)[2])
        await pilot.press("down", "down", "up", "up", "enter")
        await settle(pilot)
        assert isinstance(app.screen, VendorScreen)
        assert "Keystone" in str(app.screen.query_one("#vendor-name").render())
        contacts = app.screen.query_one("#contacts", DataTable)
        assert contacts.row_count == 6
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_command_palette_jumps_to_a_vendor(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"northwind")
        await settle(pilot)
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, VendorScreen)
        assert "Northwind" in str(app.screen.query_one("#vendor-name").render())


async def test_help_and_theme_toggle(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        before = app.theme
        await pilot.press("ctrl+t")
        assert app.theme != before


async def test_empty_database_shows_how_to_begin_and_loads_demo(tmp_path: Path) -> None:
    app = make_app(tmp_path / "empty.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        empty = app.screen.query_one("#empty")
        assert empty.display
        text = str(empty.render())
        assert "demo data" in text and "add a vendor" in text
        assert not app.screen.query_one("#vendors", DataTable).display
        await pilot.press("d")
        await settle(pilot)
        table = app.screen.query_one("#vendors", DataTable)
        assert table.display and table.row_count == 4


async def test_add_vendor_from_the_empty_start(tmp_path: Path) -> None:
    app = make_app(tmp_path / "empty.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"Acme Logistics", "enter")
        await settle(pilot)
        table = app.screen.query_one("#vendors", DataTable)
        assert table.row_count == 1 and str(table.get_row_at(0)[0]) == "Acme Logistics"


async def test_escape_leaves_the_add_vendor_form_like_every_other_form(tmp_path: Path) -> None:
    from reviewtui.screens.add_vendor import AddVendorScreen

    app = make_app(tmp_path / "empty.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AddVendorScreen)
        await pilot.press("escape")  # nothing typed: no question, the form goes
        await settle(pilot)
        assert not isinstance(app.screen, AddVendorScreen)
        assert app.screen.query_one("#vendors", DataTable).row_count == 0


async def test_ctrl_q_quits_cleanly(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.return_code is None  # still running
        await pilot.press("ctrl+q")
        await pilot.pause()
        # exit() sets the code at once; run_test's own shutdown on leaving the block would not.
        assert app.return_code == 0


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_dashboard_snapshot(snap_compare, demo_path: Path, size) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)

    assert snap_compare(make_app(demo_path), terminal_size=size, run_before=run_before)
