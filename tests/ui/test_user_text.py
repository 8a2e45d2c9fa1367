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
