"""The help screen: what each key does and where things are."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# reviewtui help

| key | what it does |
|---|---|
| ↑ ↓ | move in lists |
| Enter | open the selected vendor, meeting or action |
| Ctrl+P | command palette: jump to any vendor or screen |
| A | (dashboard) the open actions of every vendor; in it: / search, o overdue only, e edit, x done, n/p pages, P the action's plan |
| Esc | (meeting) from the notes to the agenda, where single letters are commands (its border says so); everywhere else in a meeting, typing goes into the notes; u there undoes an attendance change |
| ? | this help |
| Ctrl+T | dark / light theme |
| q | back to the previous screen (Escape too) |
| Ctrl+Q | quit |

Everything a screen does is also a `reviewtui` command for scripts and cron:
`reviewtui --help` lists them.
"""


class HelpScreen(ModalScreen[None]):
    """Keys and commands; q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "close", "Close", id="help.close"),
        Binding("question_mark", "close", "Close", show=False, id="help.close2"),
        Binding("escape", "close", "Close", show=False, id="help.close3"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body", classes="modal-box"):
            yield Markdown(HELP)

    def action_close(self) -> None:
        self.dismiss(None)
