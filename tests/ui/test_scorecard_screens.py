"""The vendor page's scorecard, the KPI history screen and the KPI forms; snapshots."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import DataTable

from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.screens.scorecard import KpiHistoryScreen, ScorecardPanel
from reviewtui.screens.vendor import VendorScreen
from reviewtui.textual_internals import notifications
from tests.ui.conftest import make_app, settle

KEYSTONE = "Keystone Precision Manufacturing"


def vendor_id(path: Path, name: str = KEYSTONE) -> int:
    db = open_database(str(path))
    with db.read() as s:
        vid = s.scalar(select(m.Vendor.id).where(m.Vendor.name == name))
    db.dispose()
    return vid


async def open_keystone(app, pilot) -> None:
    await settle(pilot)
    app.open_vendor(vendor_id(Path(app.db_url)))
    await settle(pilot)


def text_of(table: DataTable, row: int) -> list[str]:
    return [str(c) for c in table.get_row_at(row)]


async def test_vendor_page_shows_the_scorecard_first_with_roi(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_keystone(app, pilot)
        assert isinstance(app.screen, VendorScreen)
        table = app.screen.query_one("#kpis", DataTable)
        assert table.has_focus
        assert table.row_count == 5
        otif = text_of(table, 0)
        assert otif[0] == "OTIF" and otif[1] == "✗ red" and otif[5] == "↓"
        assert "⚑×11" in otif[6]  # escalate: 11 misses in a row
        assert len(otif[7]) == 12 and set(otif[7]) <= set("▁▂▃▄▅▆▇█ ")
        head = str(app.screen.query_one("#sc-head").render())
        assert "! amber 91.3" in head and "latest values" in head
        roi = str(app.screen.query_one("#vendor-roi").render())
        assert "ROI +10.4%" in roi and "EUR 500,000" in roi
        assert app.screen.query_one("#contacts", DataTable).row_count == 6


async def test_period_picker_looks_back_and_returns(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_keystone(app, pilot)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        panel = app.screen.query_one(ScorecardPanel)
        assert panel.period == "2026-08"
        assert "as at 2026-08" in str(app.screen.query_one("#sc-head").render())
        table = app.screen.query_one("#kpis", DataTable)
        assert text_of(table, 0)[9] == "2026-08"
        # The quarterly KPI at the latest quarter ended by 31 August (Q3 ends in September).
        assert text_of(table, 4)[9] == "2026-Q2"
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert panel.period is None
        assert text_of(table, 0)[9] == "2026-10"


async def test_kpi_history_and_the_action_plan_hook(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_keystone(app, pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, KpiHistoryScreen)
        hist = app.screen.query_one("#kh-table", DataTable)
        assert hist.row_count == 15
        newest = text_of(hist, 0)
        assert newest[0] == "2026-10" and newest[1] == "✗ red"
        assert newest[4] != "—" and newest[5] != "—"  # both sources
        await pilot.press("p")  # the plan form, pre-filled for this KPI (issue 5)
        await settle(pilot)
        from reviewtui.screens.plan_form import PlanFormScreen

        assert isinstance(app.screen, PlanFormScreen)
        assert app.screen.data.draft is not None and app.screen.data.draft.source == "kpi"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, KpiHistoryScreen)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, VendorScreen)


async def test_enter_a_value_then_add_edit_and_delete_a_kpi(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_keystone(app, pilot)
        # OTIF, independently measured for November.
        await pilot.press("v")
        await settle(pilot)
        period = app.screen.query_one("#period")
        assert period.value == "2026-10"
        period.value = "Nov 2026"
        app.screen.query_one("#value").value = "97.5"
        app.screen.query_one("#source").value = "independent"
        await pilot.press("ctrl+s")
        await settle(pilot)
        table = app.screen.query_one("#kpis", DataTable)
        assert text_of(table, 0)[:2] == ["OTIF", "✓ ok"] and text_of(table, 0)[9] == "2026-11"
        # A bad value is told in place and nothing is saved.
        await pilot.press("v")
        await settle(pilot)
        app.screen.query_one("#value").value = "lots"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "value: 'lots' is not a number" in str(app.screen.query_one(".form-error").render())
        await pilot.press("ctrl+g")  # "lots" was typed: asked first, then thrown away
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        # A new KPI.
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Scrap rate")
        app.screen.query_one("#unit").value = "%"
        app.screen.query_one("#direction").value = "lower"
        app.screen.query_one("#target").value = "1"
        app.screen.query_one("#threshold").value = "0.5"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "threshold: 0.5 is below the target 1" in str(
            app.screen.query_one(".form-error").render()
        )
        app.screen.query_one("#threshold").value = "1.5"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, VendorScreen)
        assert table.row_count == 6 and text_of(table, 5)[:2] == ["Scrap rate", "· none"]
        # Edit it, then delete it (y confirms).
        table.move_cursor(row=5)
        await pilot.press("e")
        await settle(pilot)
        assert app.screen.query_one("#name").value == "Scrap rate"
        app.screen.query_one("#target").value = "0.8"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert text_of(table, 5)[3] == "0.8%"
        await pilot.press("D")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert table.row_count == 5
    db = open_database(str(demo_path))
    with db.read() as s:
        changes = s.execute(
            select(m.ChangeLog.op, m.ChangeLog.entity, m.ChangeLog.user).order_by(m.ChangeLog.id)
        ).all()
    db.dispose()
    assert changes == [
        ("insert", "measurement", "tester"),
        ("insert", "kpi", "tester"),
        ("update", "kpi", "tester"),
        ("delete", "kpi", "tester"),
    ]


async def test_a_viewer_cannot_edit(demo_path: Path) -> None:
    app = make_app(demo_path, role="viewer")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_keystone(app, pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, VendorScreen)
        assert any("read-only" in str(n.message) for n in notifications(app))


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_vendor_scorecard_snapshot(snap_compare, demo_path: Path, size) -> None:
    async def run_before(pilot) -> None:
        await open_keystone(pilot.app, pilot)

    assert snap_compare(make_app(demo_path), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_kpi_history_snapshot(snap_compare, demo_path: Path, size) -> None:
    async def run_before(pilot) -> None:
        await open_keystone(pilot.app, pilot)
        await pilot.press("enter")
        await settle(pilot)
        # The chart draws at its final size only once layout has settled.
        await pilot.pause(0.3)
        pilot.app.screen.query_one("#kh-chart").refresh()
        await settle(pilot)

    assert snap_compare(make_app(demo_path), terminal_size=size, run_before=run_before)


async def test_editing_a_kpi_keeps_every_digit_of_what_was_not_touched(demo_path: Path) -> None:
    """The form showed numbers with ``:g`` (six digits): a cost target of 123,456.5 showed as
    123456 and saving a new name stored 123,456 without a word."""
    db = open_database(str(demo_path))
    with db.session() as s:
        kpi = s.scalars(
            select(m.Kpi).where(
                m.Kpi.vendor_id == vendor_id(demo_path), m.Kpi.name == "Defect rate"
            )
        ).one()
        kpi.target, kpi.threshold, kpi.weight = 123_456.5, 1_234_567.25, 0.125
        kid = kpi.id
    db.dispose()
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_keystone(app, pilot)
        table = app.screen.query_one("#kpis", DataTable)
        names = [text_of(table, r)[0] for r in range(table.row_count)]
        table.move_cursor(row=names.index("Defect rate"))
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert [form.query_one(f"#{f}").value for f in ("target", "threshold", "weight")] == [
            "123456.5",
            "1234567.25",
            "0.125",
        ]
        await pilot.press("end", *" (PPM)", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, VendorScreen)
        rows = [text_of(table, r) for r in range(table.row_count)]
        assert [r[3] for r in rows if r[0] == "Defect rate (PPM)"] == ["123,456.5"]
    db = open_database(str(demo_path))
    with db.read() as s:
        saved = s.get(m.Kpi, kid)
        assert (saved.name, saved.target, saved.threshold, saved.weight) == (
            "Defect rate (PPM)",
            123_456.5,
            1_234_567.25,
            0.125,
        )
    db.dispose()
