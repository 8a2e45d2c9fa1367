"""Opening a vendor's page: read first and opened complete; a slow read opens it at once."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import DataTable

from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.screens import vendor as vendor_screen
from reviewtui.screens.vendor import VendorScreen
from tests.ui.conftest import make_app, settle


def vendor_ids(path: Path) -> dict[str, int]:
    db = open_database(str(path))
    with db.read() as s:
        ids = {name: vid for vid, name in s.execute(select(m.Vendor.id, m.Vendor.name))}
    db.dispose()
    return ids


def keystone(ids: dict[str, int]) -> int:
    return next(vid for name, vid in ids.items() if name.startswith("Keystone"))


def assert_keystone_page(page) -> None:
    """The vendor page of the demo's Keystone, complete: name, five KPIs, six contacts."""
    assert isinstance(page, VendorScreen)
    assert "Keystone" in str(page.query_one("#vendor-name").render())
    assert page.query_one("#kpis", DataTable).row_count == 5
    assert page.query_one("#contacts", DataTable).row_count == 6


async def test_the_page_opens_with_its_data_in_its_first_paint(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_vendor(keystone(vendor_ids(demo_path)))
        first_seen = None
        for _ in range(5000):  # the name the page shows as soon as it has mounted
            await asyncio.sleep(0.001)
            page = app.screen
            if isinstance(page, VendorScreen) and page.is_mounted:
                first_seen = str(page.query_one("#vendor-name").render())
                break
        assert first_seen is not None, "the vendor page never opened"
        assert first_seen.startswith("Keystone")
        await settle(pilot)
        assert app.screen.query_one("#kpis", DataTable).row_count == 5


async def test_a_slow_read_opens_the_page_at_once_and_fills_it_in(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    read_page = vendor_screen.read_page

    def held_read(app, vendor_id):
        gate.wait(10)  # a slow database: the real read, once the test lets it go
        return read_page(app, vendor_id)

    monkeypatch.setattr(vendor_screen, "read_page", held_read)
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_vendor(keystone(vendor_ids(demo_path)))
        await pilot.pause(vendor_screen.OPEN_QUIETLY_FOR + 0.3)
        assert isinstance(app.screen, VendorScreen)
        assert "Loading" in str(app.screen.query_one("#vendor-name").render())
        gate.set()
        await settle(pilot)
        assert_keystone_page(app.screen)
        assert sum(isinstance(s, VendorScreen) for s in app.screen_stack) == 1


async def test_a_second_open_replaces_a_pending_one(demo_path: Path) -> None:
    ids = vendor_ids(demo_path)
    first, second = sorted(ids.values())[:2]
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_vendor(first)
        app.open_vendor(second)
        await settle(pilot)
        pages = [s for s in app.screen_stack if isinstance(s, VendorScreen)]
        assert [p.vendor_id for p in pages] == [second]
        name = next(n for n, vid in ids.items() if vid == second)
        assert name in str(pages[0].query_one("#vendor-name").render())


async def test_data_coming_as_the_page_opens_is_shown_once_it_has_mounted(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No wait at all: the page opens at once and the read ends while it is composing."""
    monkeypatch.setattr(vendor_screen, "OPEN_QUIETLY_FOR", 0)
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_vendor(keystone(vendor_ids(demo_path)))
        await settle(pilot)
        assert_keystone_page(app.screen)
