"""``?`` lists the keys of the screen it is pressed on; keymap.toml changes what keys do."""

from __future__ import annotations

import html
import io
import re
from datetime import datetime
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import select
from textual.binding import Binding

from reviewtui import config, keymap
from reviewtui.db import meetings as mq
from reviewtui.db import models as m
from reviewtui.db import open_database
from reviewtui.screens.dashboard import DashboardScreen
from reviewtui.screens.help import HelpScreen
from reviewtui.screens.meeting import MeetingScreen
from reviewtui.screens.meetings import MeetingsScreen
from reviewtui.textual_internals import notifications
from tests.ui.conftest import make_app, settle


def _help_text(screen: HelpScreen) -> str:
    """Everything the help lists (scrolled or not), as plain text."""
    console = Console(width=76, file=io.StringIO(), record=True)
    console.print(screen.keys_table())
    return console.export_text()


def _on_screen(app) -> str:
    """What the terminal shows now."""
    svg = app.export_screenshot()
    text = " ".join(re.findall(r">([^<]*)</text>", svg))
    return html.unescape(text).replace("\xa0", " ")


def _write_keymap(text: str) -> Path:
    path = keymap.keymap_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _meeting(path: Path) -> int:
    db = open_database(str(path), user="tester")
    with db.session() as s:
        vid = s.scalar(select(m.Vendor.id).order_by(m.Vendor.id))
        mid = mq.create_meeting(vid, datetime.fromisoformat("2026-11-28T10:00:00+00:00"), session=s)
    db.dispose()
    return mid


async def test_help_on_the_meeting_lists_the_meetings_keys(demo_path: Path) -> None:
    app = make_app(demo_path)
    app.start_meeting_id = _meeting(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)
        await pilot.press("escape", "question_mark")  # from the notes to the agenda, then ?
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = _help_text(app.screen)
        for words in ("Next item", "Outcome", "Attendance", "Scorecard", "Timebox", "Undo"):
            assert words in text, words
        assert "On the agenda" in text and "meeting.timebox" in text
        assert "^n" in text and "Quit" in text and "^q" in text  # the app's keys too
        assert "Add vendor" not in text  # the dashboard's keys are not the meeting's
        shown = _on_screen(app)
        assert "Next item" in shown and "meeting.next" in shown  # at 80x24, not cut off
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)


async def test_help_on_the_dashboard_lists_the_dashboards_keys(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = _help_text(app.screen)
        for words in ("Add vendor", "Meetings", "Load demo data", "Actions", "Quit", "Theme"):
            assert words in text, words
        assert "Attendance" not in text and "Timebox" not in text
        assert "dashboard.meetings" in _on_screen(app)


async def test_a_keymap_file_moves_a_key(demo_path: Path) -> None:
    # A bare dotted id is a TOML table: the same id as the quoted form.
    _write_keymap('dashboard.meetings = "g"\n"dashboard.refresh" = ["r", "f5"]\n')
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")  # no longer the meetings key
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("question_mark")
        await settle(pilot)
        text = _help_text(app.screen)
        assert re.search(r"\bg\s+Meetings\s+dashboard\.meetings", text), text
        assert re.search(r"\br f5\s+Refresh", text), text
        await pilot.press("q")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)
        assert not notifications(app)  # nothing to complain about


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("quit = \n", "not valid TOML"),
        ('"dashboard.meetings" = 5\n', "dashboard.meetings: keys must be a string"),
        ('"dashboard.meetings" = "ctlr+m"\n', "'ctlr+m' is not a key"),
    ],
)
async def test_a_bad_keymap_file_is_told_and_the_defaults_work(
    demo_path: Path, text: str, says: str
) -> None:
    path = _write_keymap(text)
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        told = [str(n.message) for n in notifications(app)]
        assert len(told) == 1 and str(path) in told[0] and says in told[0], told
        assert "\n" not in told[0]
        await pilot.press("m")  # the default key
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)


async def test_an_unknown_id_is_told_and_the_rest_applies(demo_path: Path) -> None:
    _write_keymap('"dashboard.meetngs" = "x"\n"dashboard.meetings" = "g"\n')
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        told = [str(n.message) for n in notifications(app)]
        assert any("dashboard.meetngs" in t and "no key has the id" in t for t in told), told
        assert not any("dashboard.meetings," in t for t in told)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)


async def test_a_key_taken_from_another_binding_is_told(demo_path: Path) -> None:
    _write_keymap('"dashboard.meetings" = "a"\n')  # "a" was Add vendor's
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        told = [str(n.message) for n in notifications(app)]
        assert any("a of dashboard.meetings was dashboard.add's" in t for t in told), told
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)


def test_every_binding_has_an_id() -> None:
    """Every key of ours can be remapped: a binding without an id cannot."""
    import importlib
    import inspect
    import pkgutil

    import reviewtui

    missing = []
    root = Path(reviewtui.__file__).parent
    modules = ["reviewtui.app"] + [
        info.name
        for pkg in ("screens", "widgets")
        for info in pkgutil.iter_modules([str(root / pkg)], f"reviewtui.{pkg}.")
    ]
    for name in modules:
        module = importlib.import_module(name)
        for cls in vars(module).values():
            if inspect.isclass(cls) and cls.__module__ == name:
                for b in Binding.make_bindings(vars(cls).get("BINDINGS", [])):
                    if not b.id:
                        missing.append(f"{name}.{cls.__name__}: {b.key} -> {b.action}")
    assert not missing, missing
    assert {"quit", "help", "meeting.start", "dashboard.meetings"} <= keymap.binding_ids()


def test_keys_textual_can_bind() -> None:
    for key in ("S", "?", "ctrl+s", "f5", "question_mark", "shift+up", "enter", "ctrl+shift+a"):
        assert keymap.is_key(key), key
    for key in ("ctlr+s", "", " ", "enterr", "ctrl+", "hyperspace"):
        assert not keymap.is_key(key), key


def test_the_keymap_file_lives_beside_the_config_file() -> None:
    assert keymap.keymap_file() == config.config_file().parent / "keymap.toml"


def test_docs_list_every_binding_id() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "keys.md").read_text(encoding="utf-8")
    missing = sorted(i for i in keymap.binding_ids() if f"`{i}`" not in doc)
    assert not missing, f"add to docs/keys.md: {missing}"


async def test_the_meetings_hint_line_names_the_remapped_key(demo_path: Path) -> None:
    _write_keymap('"meeting.timebox" = "T"\n"meeting.agenda" = "escape,f2"\n')
    app = make_app(demo_path)
    app.start_meeting_id = _meeting(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)
        hint = str(app.screen.query_one("#hint").render())
        assert hint.startswith("esc or f2 agenda ·"), hint
        await pilot.press("f2")  # the new key: from the notes to the agenda
        await settle(pilot)
        assert app.screen.focused is app.screen.agenda
        hint = str(app.screen.query_one("#hint").render())
        assert "+ r T Del [ ] edit agenda" in hint, hint
        await pilot.press("question_mark")
        await settle(pilot)
        assert re.search(r"\bT\s+Timebox\s+meeting\.timebox", _help_text(app.screen))


async def test_help_on_the_vendor_page_lists_its_scorecards_keys(demo_path: Path) -> None:
    from reviewtui.screens.vendor import VendorScreen

    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, VendorScreen)
        await pilot.press("question_mark")
        await settle(pilot)
        text = _help_text(app.screen)
        for words in ("Minutes", "Enter value", "scorecard.value", "Earlier", "Back"):
            assert words in text, words
