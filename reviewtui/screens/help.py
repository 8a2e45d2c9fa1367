"""The help screen: the keys of the screen it was opened on, then the keys that work everywhere.

Made from the bindings themselves (with the user's keymap.toml applied), so it lists what the
keys do now, on this screen. Each key's binding id is shown beside it: the name to use in
keymap.toml (see reviewtui.keymap).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

# Keys that are no binding of ours: the widgets' own (lists, tables, fields).
GENERAL_KEYS = [
    ("↑ ↓ PgUp PgDn", "move in lists and tables"),
    ("Enter", "open the selected row"),
    ("Tab / Shift+Tab", "next / previous field or pane"),
]


@dataclass(frozen=True)
class KeyLine:
    """One line of the help: the keys (as shown), what they do, the binding id."""

    keys: str
    description: str
    binding_id: str


def own_bindings(node: DOMNode) -> list[Binding]:
    """The bindings reviewtui declares on ``node``'s classes (base classes first, a subclass's
    binding with the same id replacing its base's), not Textual's own."""
    found: dict[str, list[Binding]] = {}
    for cls in reversed(type(node).__mro__):
        if not cls.__module__.startswith("reviewtui"):
            continue
        mine: dict[str, list[Binding]] = {}
        # "escape,ctrl+g" comes out as one Binding per key, with the same id.
        for binding in Binding.make_bindings(vars(cls).get("BINDINGS", [])):
            mine.setdefault(binding.id or f"{binding.key}:{binding.action}", []).append(binding)
        found.update(mine)
    return [b for bindings in found.values() for b in bindings]


def key_line(app: App, binding: Binding) -> KeyLine:
    """``binding`` as the help shows it, with the app's keymap (``app.keymap``) applied."""
    keymap: dict[str, str] = getattr(app, "keymap", {})
    remapped = binding.id in keymap if binding.id else False
    keys = keymap[binding.id] if remapped and binding.id else binding.key
    shown = []
    for key in keys.split(","):
        key = key.strip()
        if not remapped and binding.key_display and "," not in binding.key:
            shown.append(binding.key_display)
        else:
            shown.append(app.get_key_display(Binding(key, binding.action)))
    return KeyLine(" ".join(dict.fromkeys(shown)), binding.description, binding.id or "")


def screen_title(screen: Screen) -> str:
    """``HELP_TITLE`` of the screen, else its class name in words (MeetingScreen: Meeting)."""
    title = getattr(screen, "HELP_TITLE", None)
    if title:
        return str(title)
    name = type(screen).__name__.lstrip("_")
    name = re.sub(r"(Screen|Modal)$", "", name) or name
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).capitalize()


def help_sections(screen: Screen, app: App) -> list[tuple[str, list[KeyLine]]]:
    """What ``?`` shows for ``screen``: its keys in the footer, its other keys, then the keys
    that work everywhere."""
    bindings = own_bindings(screen)
    # And the keys of its widgets (the vendor page's scorecard panel has its own): each kind once.
    kinds: dict[type, DOMNode] = {}
    if screen.is_attached:
        for widget in screen.query("*"):
            kinds.setdefault(type(widget), widget)
    for node in kinds.values():
        bindings += own_bindings(node)
    # One line per action: Escape next to q for "Back" reads better than two lines.
    by_action: dict[str, list[Binding]] = {}
    for binding in bindings:
        by_action.setdefault(binding.action, []).append(binding)
    shown: list[KeyLine] = []
    more: list[KeyLine] = []
    for group in by_action.values():
        lines = [key_line(app, b) for b in group]
        line = KeyLine(
            " ".join(dict.fromkeys(k for ln in lines for k in ln.keys.split(" "))),
            group[0].description,
            ", ".join(dict.fromkeys(ln.binding_id for ln in lines if ln.binding_id)),
        )
        (shown if any(b.show for b in group) else more).append(line)
    sections = [(screen_title(screen), shown)]
    if more:
        sections.append((str(getattr(screen, "HELP_MORE", "More keys")), more))
    everywhere = [key_line(app, b) for b in own_bindings(app)]
    palette = Binding(app.COMMAND_PALETTE_BINDING, "command_palette", "Commands")
    everywhere.append(KeyLine(app.get_key_display(palette), "any vendor or screen (palette)", ""))
    everywhere += [KeyLine(k, d, "") for k, d in GENERAL_KEYS]
    sections.append(("Everywhere", everywhere))
    return [(title, lines) for title, lines in sections if lines]


class HelpScreen(ModalScreen[None]):
    """The keys of the screen it was opened on; q, ? or Escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "close", "Close", id="help.close"),
        Binding("question_mark", "close", "Close", show=False, id="help.close2"),
        Binding("escape", "close", "Close", show=False, id="help.close3"),
    ]

    def __init__(self, for_screen: Screen | None = None) -> None:
        super().__init__()
        self.for_screen = for_screen
        """The screen whose keys are listed (None: only the keys that work everywhere)."""

    def compose(self) -> ComposeResult:
        # The wide box: three columns (keys, what they do, the keymap id) need the room.
        with VerticalScroll(id="help-body", classes="modal-box -wide"):
            yield Static(self.keys_table(), id="help-keys")

    def keys_table(self) -> Group:
        """The keys, a titled table per section."""
        screen = self.for_screen
        if screen is None:
            sections = help_sections(self, self.app)[-1:]
        else:
            sections = help_sections(screen, self.app)
        parts: list[Text | Table] = []
        for n, (title, lines) in enumerate(sections):
            heading = Text(title, style="bold underline")
            if not n:
                heading.append("   (dim: the id to use in keymap.toml)", style="dim")
            parts.append(heading)
            grid = Table.grid(padding=(0, 1), expand=True)
            grid.add_column(style="bold", no_wrap=True, width=16)
            grid.add_column(ratio=1)
            grid.add_column(style="dim", no_wrap=True)
            for line in lines:
                grid.add_row(Text(line.keys), Text(line.description), Text(line.binding_id))
            parts.append(grid)
            parts.append(Text(""))
        parts.append(Text("q, ? or Esc closes. Change keys by id in keymap.toml: docs/keys.md"))
        return Group(*parts)

    def action_close(self) -> None:
        self.dismiss(None)
