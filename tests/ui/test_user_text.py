"""Names and notes are shown as typed: never read as Rich markup or emoji codes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.db import vendors as vendor_q
from reviewtui.screens.actions import ActionsScreen
from reviewtui.screens.vendor import VendorScreen
from tests.ui.conftest import make_app, settle

NAME = "Acme [admin] :smile:"
SERVICE = "[b]Ops[/b] desk"
OWNER = "Bo [lead]"
TITLE = "Fix [red]now"


def _db(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "brackets.db"
    db = open_database(str(path), user="tester")
    with db.session() as s:
        v = vendor_q.create(NAME, session=s, service=SERVICE)
        s.add(m.Action(vendor_id=v.id, title=TITLE, owner=OWNER, due_date=date(2026, 11, 1)))
        s.flush()
        vid = int(v.id or 0)
    db.dispose()
    return path, vid


def _lines(widget) -> str:
    """The text a widget shows, line by line."""
    return "\n".join(
        "".join(seg.text for seg in widget.render_line(y)) for y in range(widget.size.height)
    )


async def test_brackets_and_colons_show_as_typed(tmp_path: Path) -> None:
    path, vid = _db(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(160, 36)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#vendors")
        assert NAME[:22] in _lines(table)  # the column is 22 wide
        app.open_vendor(vid)
        await settle(pilot)
        page = app.screen
        assert isinstance(page, VendorScreen)
        assert str(page.query_one("#vendor-name").render()) == NAME
        assert f"Service: {SERVICE}" in str(page.query_one("#vendor-profile").render())
        app.pop_screen()
        await settle(pilot)
        app.open_actions()
        await settle(pilot)
        assert isinstance(app.screen, ActionsScreen)
        shown = _lines(app.screen.query_one("#actions"))
        assert OWNER in shown and TITLE in shown and "Acme [admin]" in shown


ITEM = "Fix [/x] now [b]"
KPI = "OTIF [/late] %"


async def test_prompts_quote_item_and_kpi_names_as_typed(demo_path: Path) -> None:
    """The meeting's prompts and the KPI forms quote a name with brackets as typed (a closing
    tag that opens nothing made Textual's markup parser raise, and the app fell over)."""
    from datetime import datetime

    from sqlalchemy import select

    from reviewtui.db import meetings as mq
    from reviewtui.screens.kpi_form import ConfirmDeleteKpi, ValueFormScreen
    from reviewtui.screens.meeting_modals import ConfirmModal, PromptModal

    db = open_database(str(demo_path), user="tester")
    with db.session() as s:
        vid = s.scalar(select(m.Vendor.id).where(m.Vendor.name.like("Keystone%")))
        mid = mq.create_meeting(vid, datetime.fromisoformat("2026-11-28T10:00:00+00:00"), session=s)
        mq.rename_item(mq.get_meeting(mid, session=s).items[1].id, ITEM, session=s)
        s.scalars(
            select(m.Kpi).where(m.Kpi.vendor_id == vid, m.Kpi.name == "OTIF")
        ).one().name = KPI
    db.dispose()
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_meeting(mid)
        await settle(pilot)
        # The agenda's keys: on the second item (the first, the minutes to acknowledge, is
        # renamed after the minutes whenever the planned meeting opens), remove it?
        await pilot.press("escape", "down", "delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert f"Remove “{ITEM}”" in _lines(app.screen.query_one("Static"))
        await pilot.press("n")  # keep it
        await settle(pilot)
        await pilot.press("escape", "d")  # on the agenda's keys, a decision on it
        await settle(pilot)
        assert isinstance(app.screen, PromptModal)
        assert f"Decision on: {ITEM}" in _lines(app.screen.query_one(".title"))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        app.open_vendor(vid)
        await settle(pilot)
        await pilot.press("v")  # a value for the first KPI (OTIF, red: it comes first)
        await settle(pilot)
        assert isinstance(app.screen, ValueFormScreen)
        assert f"Enter a value: {KPI} (Keystone" in _lines(app.screen.query_one("#value-title"))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDeleteKpi)
        assert f"Delete the KPI {KPI} of Keystone" in _lines(app.screen.query_one("#confirm-text"))
