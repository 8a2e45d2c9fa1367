"""Styles live in .tcss files, parse, reach the screens, and give one modal and one form.

A CSS mistake in a screen's .tcss only shows when that screen is first opened (Textual reads a
screen's CSS_PATH on its first push), so the parse test reads every file up front.
"""

from __future__ import annotations

import importlib
import inspect
import io
import pkgutil
from pathlib import Path

import pytest
from rich.console import Console
from textual.app import App
from textual.css.model import SelectorType
from textual.css.stylesheet import Stylesheet, StylesheetParseError
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Label

import reviewtui
import reviewtui.screens
import reviewtui.widgets
from tests.ui.conftest import make_app, settle

PACKAGE = Path(reviewtui.__file__).parent
TCSS = sorted(PACKAGE.rglob("*.tcss"))


def _classes(package) -> list[type]:
    """Every class defined in the package's modules (not the ones they import)."""
    found = []
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        found += [
            c
            for _, c in inspect.getmembers(module, inspect.isclass)
            if c.__module__ == module.__name__
        ]
    return found


SCREENS = [c for c in _classes(reviewtui.screens) if issubclass(c, Screen)]
WIDGETS = [c for c in _classes(reviewtui.widgets) + _classes(reviewtui.screens) if c not in SCREENS]


def _css_paths(screen: type[Screen]) -> list[Path]:
    paths = screen.CSS_PATH if isinstance(screen.CSS_PATH, list) else [screen.CSS_PATH]
    folder = Path(inspect.getfile(screen)).parent
    return [folder / p for p in paths if p]


def _rules(path: Path):
    sheet = Stylesheet(variables=App().get_css_variables())
    sheet.read(path)
    sheet.parse()
    return sheet.rules


@pytest.mark.parametrize("path", TCSS, ids=[str(p.relative_to(PACKAGE)) for p in TCSS])
def test_every_stylesheet_parses(path: Path) -> None:
    try:
        rules = _rules(path)
    except StylesheetParseError as exc:
        out = Console(file=io.StringIO(), width=120, color_system=None)
        out.print(exc.errors)
        pytest.fail(f"{path.relative_to(PACKAGE)}:\n{out.file.getvalue()}")
    assert rules, f"{path.name} holds no rules"


def test_no_css_in_python() -> None:
    """Screens style through CSS_PATH; only widgets (no CSS_PATH in Textual) keep DEFAULT_CSS."""
    for screen in SCREENS:
        for name in ("DEFAULT_CSS", "CSS"):
            assert not screen.__dict__.get(name), f"{screen.__name__}.{name}: move it to a .tcss"
    assert not reviewtui.app.ReviewApp.__dict__.get("DEFAULT_CSS")
    for widget in WIDGETS:
        css = widget.__dict__.get("DEFAULT_CSS")
        if css:
            assert issubclass(widget, Widget), widget
            # A literal block for the widget alone: its own rules, nothing glued on.
            assert widget.__name__ in css.split("{", 1)[0], f"{widget.__name__}.DEFAULT_CSS"


def test_every_screen_stylesheet_is_used_and_scoped() -> None:
    """Textual reads a screen's CSS_PATH without a scope, so a rule there would style every
    screen: each rule must start at a screen of the module whose CSS_PATH names the file."""
    owners: dict[Path, set[str]] = {}
    for screen in SCREENS:
        for path in _css_paths(screen):
            assert path.is_file(), f"{screen.__name__}.CSS_PATH: no {path}"
            owners.setdefault(path.resolve(), set()).add(screen.__name__)
    for path in TCSS:
        if path.name == "app.tcss":
            continue
        assert path.resolve() in owners, f"{path.name} is in no screen's CSS_PATH"
        names = {
            c.__name__
            for c in SCREENS
            if Path(inspect.getfile(c)).stem == path.stem or c.__name__ in owners[path.resolve()]
        }
        for rule in _rules(path):
            for selector_set in rule.selector_set:
                first = selector_set.selectors[0]
                assert first.type == SelectorType.TYPE and first.name in names, (
                    f"{path.name}: {selector_set.css} does not start at one of {sorted(names)}"
                )


async def test_one_modal_and_one_form(demo_path: Path) -> None:
    """Every modal is the same box, centred; forms keep their error line on an 80x24 screen."""
    from reviewtui.screens.add_vendor import AddVendorScreen
    from reviewtui.screens.audits import AuditFormScreen
    from reviewtui.screens.escalations import EscalationDraft, RaiseEscalationScreen
    from reviewtui.screens.help import HelpScreen
    from reviewtui.screens.kpi_form import KpiFormScreen
    from reviewtui.screens.meeting_modals import ActionModal, ConfirmModal, PromptModal
    from reviewtui.screens.meetings import NewMeetingModal
    from reviewtui.screens.minutes import SignOffScreen

    attendee = (("Yuki Tanaka", "Keystone", "QA lead", "vendor"),)
    modals = {
        "kpi form": lambda: KpiFormScreen(1),
        "add vendor": AddVendorScreen,
        "sign-off": lambda: SignOffScreen(attendee),
        "action": lambda: ActionModal([("Yuki Tanaka", 1)]),
        "new meeting": lambda: NewMeetingModal([(1, "Keystone")], 1),
        "escalation": lambda: RaiseEscalationScreen(EscalationDraft(1, "Keystone"), []),
        "audit": lambda: AuditFormScreen(1, "Keystone"),
        "prompt": lambda: PromptModal("Rename"),
        "confirm": lambda: ConfirmModal("Sure?"),
        "help": HelpScreen,
    }
    for size in ((120, 36), (80, 24)):
        app = make_app(demo_path)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            for name, make in modals.items():
                await app.push_screen(make())
                await settle(pilot)
                box = app.screen.query_one(".modal-box")
                region = box.region
                width = 110 if box.has_class("-wide") else 76
                assert region.width == min(width, size[0]), (name, size, region)
                # Centred: the same margin left and right, give or take the odd column.
                assert abs(region.x - (size[0] - region.right)) <= 1, (name, size, region)
                for row in box.query(".row"):
                    if row.query(Label):
                        assert row.query_one(Label).region.width == 13, (name, row)
                errors = box.query(".form-error")
                if errors:
                    line = errors.first().region
                    assert line.height and box.region.contains_region(line), (name, size, line)
                app.pop_screen()
                await settle(pilot)
