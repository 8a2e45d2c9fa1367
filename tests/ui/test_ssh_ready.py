"""The app over SSH: calm on slow links, readable in 16 colours, restricted sessions refused in
place, Escape never the only key for anything, and every write in the audit trail."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.binding import Binding
from textual.filter import NoColor
from textual.screen import Screen
from textual.widgets import DataTable, Input

import reviewtui.screens
from reviewtui.app import ReviewApp
from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.screens.dashboard import DashboardScreen
from reviewtui.screens.vendor import VendorScreen
from reviewtui.textual_internals import Toast
from tests.ui.conftest import make_app, settle

NORTHWIND = "Northwind Service Desk"


def toasts(app) -> str:
    return "\n".join(str(t.render()) for t in app.screen.query(Toast))


async def test_no_animation_and_no_cursor_blink_over_ssh(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(demo_path)
    assert app.animation_level == "full" and not app.over_ssh
    monkeypatch.setenv("SSH_CONNECTION", "192.0.2.7 50022 192.0.2.1 22")
    app = make_app(demo_path)
    assert app.animation_level == "none"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        name = app.screen.query_one("#name", Input)
        assert name.has_focus and name.cursor_blink is False


async def test_low_bandwidth_without_ssh_also_calms_the_app(demo_path: Path) -> None:
    app = make_app(demo_path, low_bandwidth=True)
    assert app.animation_level == "none"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert app.screen.query_one("#name", Input).cursor_blink is False


async def test_a_user_can_still_ask_for_animation(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "192.0.2.7 50022 192.0.2.1 22")
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "basic")
    assert make_app(demo_path).animation_level != "none"


@pytest.mark.parametrize(
    ("env", "theme"),
    [
        ({"TEXTUAL_COLOR_SYSTEM": "truecolor"}, "textual-dark"),
        ({"TEXTUAL_COLOR_SYSTEM": "256"}, "textual-dark"),
        ({"TEXTUAL_COLOR_SYSTEM": "standard"}, "reviewtui-ansi-dark"),
        ({"TEXTUAL_COLOR_SYSTEM": "auto", "TERM": "xterm", "COLORTERM": ""}, "reviewtui-ansi-dark"),
        ({"TEXTUAL_COLOR_SYSTEM": "auto", "TERM": "xterm-256color"}, "textual-dark"),
        ({"NO_COLOR": "1"}, "reviewtui-ansi-dark"),
    ],
)
async def test_theme_follows_the_terminals_colours(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict, theme: str
) -> None:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == theme
        cursor = app.screen.query_one("#vendors", DataTable).get_component_rich_style(
            "datatable--cursor"
        )
        # Without colour the cursor row would vanish: reverse video marks it.
        assert bool(cursor.reverse) == ("NO_COLOR" in env)
        await pilot.press("ctrl+t")
        assert app.theme == theme.replace("dark", "light")
    if "NO_COLOR" in env:
        # Colour is removed, not painted grey.
        assert any(isinstance(f, NoColor) for f in app.get_line_filters())


async def test_vendor_session_sees_one_vendor_and_cannot_add(demo_path: Path) -> None:
    app = make_app(demo_path, role="vendor", vendor=NORTHWIND)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#vendors", DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == [NORTHWIND]
        assert app.sub_title == f"vendor: {NORTHWIND}"
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "read-only: vendors cannot be added" in toasts(app)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"open vendor")
        await settle(pilot)
        await pilot.pause(0.5)
        options = app.screen.query_one("CommandList")
        texts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        vendor_hits = [t for t in texts if "Open vendor" in t]
        assert vendor_hits and all(NORTHWIND in t for t in vendor_hits), texts


async def test_a_hidden_vendor_page_is_not_found(demo_path: Path) -> None:
    db = open_database(str(demo_path))
    with db.read() as s:
        keystone = s.scalar(select(m.Vendor.id).where(m.Vendor.name.like("Keystone%")))
    db.dispose()
    app = make_app(demo_path, role="vendor", vendor=NORTHWIND)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.open_vendor(keystone)
        await settle(pilot)
        # The page is read before it opens: refused, it does not open (no page stuck at
        # "Loading…"), and the refusal is told.
        assert not isinstance(app.screen, VendorScreen)
        assert "Keystone" not in app.export_screenshot()
        assert f"no vendor with id {keystone}" in toasts(app)
        # Pushed directly, the page loads itself and is refused alike.
        app.push_screen(VendorScreen(keystone))
        await settle(pilot)
        assert "Keystone" not in str(app.screen.query_one("#vendor-name").render())
        assert toasts(app).count(f"no vendor with id {keystone}") == 2


async def test_viewer_refusal_from_any_worker_is_told(tmp_path: Path) -> None:
    """The demo loader does not catch errors itself: the app tells the refusal anyway."""
    path = tmp_path / "empty.db"
    open_database(str(path)).dispose()
    app = make_app(path, role="viewer")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert "this session is read-only (role viewer)" in toasts(app)
        assert app.screen.query_one("#empty").display
    db = open_database(str(path))
    with db.read() as s:
        assert s.scalar(select(m.Vendor.id)) is None
    db.dispose()


async def test_adding_a_vendor_in_the_app_is_in_the_audit_trail(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    app = make_app(path, user="maria.jensen")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"Acme Logistics", "enter")
        await settle(pilot)
    db = open_database(str(path))
    with db.read() as s:
        log = s.scalars(select(m.ChangeLog)).all()
    db.dispose()
    assert [(e.user, e.op, e.entity) for e in log] == [("maria.jensen", "insert", "vendor")]
    assert '"name": "Acme Logistics"' in log[0].after


def _screen_classes() -> list[type]:
    found = {ReviewApp}
    for info in pkgutil.iter_modules(reviewtui.screens.__path__):
        module = importlib.import_module(f"reviewtui.screens.{info.name}")
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Screen) and obj.__module__ == module.__name__:
                found.add(obj)
    return sorted(found, key=lambda c: c.__name__)


@pytest.mark.parametrize("cls", _screen_classes(), ids=lambda c: c.__name__)
def test_escape_is_never_the_only_key_for_an_action(cls: type) -> None:
    """Escape arrives late and split over slow links: whatever it does has another key too."""
    bindings = [
        b
        for klass in cls.__mro__
        for b in Binding.make_bindings(klass.__dict__.get("BINDINGS", []))
    ]
    by_action: dict[str, set[str]] = {}
    for b in bindings:
        by_action.setdefault(b.action, set()).add(b.key)
    for action, keys in by_action.items():
        if "escape" in keys:
            assert keys - {"escape"}, f"{cls.__name__}: {action!r} is bound to Escape alone"


# Rich's SVG palette for the 16 ANSI colours, plus the export's own foreground/background.
def _svg_colours(svg: str) -> set[str]:
    return {c.lower() for c in re.findall(r"(?:fill|stroke)[:=]\s*\"?(#[0-9a-fA-F]{6})", svg)}


def _allowed_colours() -> set[str]:
    """The 16 colours, and what the SVG export draws for them when dim (an SGR attribute in a
    terminal, a blend with the background in an SVG)."""
    from rich.color import blend_rgb
    from rich.terminal_theme import SVG_EXPORT_THEME

    t = SVG_EXPORT_THEME
    cols = [t.background_color, t.foreground_color, *t.ansi_colors._colors]
    dims = [blend_rgb(c, b, 0.4) for c in cols for b in cols]
    window_buttons = {"#ff5f57", "#febc2e", "#28c840"}  # the export's title-bar decoration
    return {"#{:02x}{:02x}{:02x}".format(*c) for c in cols + dims} | window_buttons


@pytest.fixture
def sixteen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_COLOR_SYSTEM", "standard")


def test_dashboard_snapshot_in_16_colours(snap_compare, demo_path: Path, sixteen) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        assert pilot.app.theme == "reviewtui-ansi-dark"
        colours = _svg_colours(pilot.app.export_screenshot())
        assert colours <= _allowed_colours(), colours - _allowed_colours()

    assert snap_compare(make_app(demo_path), terminal_size=(80, 24), run_before=run_before)


def test_vendor_page_snapshot_in_16_colours(snap_compare, demo_path: Path, sixteen) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, VendorScreen)
        colours = _svg_colours(pilot.app.export_screenshot())
        assert colours <= _allowed_colours(), colours - _allowed_colours()

    assert snap_compare(make_app(demo_path), terminal_size=(80, 24), run_before=run_before)
