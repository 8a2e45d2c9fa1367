"""The meeting's facts behind one key: the scorecard as at the meeting's period and the actions
on the agenda with their status and due date, over the meeting without leaving it.

The scorecard is the one the minutes print and ``reviewtui scorecard VENDOR --period P`` gives
(see :mod:`reviewtui.db.meeting_facts`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reviewtui.appref import review_app
from reviewtui.db.errors import UserError
from reviewtui.db.meeting_facts import meeting_facts
from reviewtui.domain import enums
from reviewtui.domain.figures import short
from reviewtui.screens.reads import read_worker, show_newest

if TYPE_CHECKING:
    from reviewtui.views.meeting_facts import MeetingFacts

MARK = {"green": "✓ green", "amber": "! amber", "red": "✗ red", "no data": "· no data"}
STYLE = {"green": "green", "amber": "yellow", "red": "bold red", "no data": "dim"}


def render(facts: MeetingFacts) -> Group:
    """The scorecard and the actions as two tables (user text as plain Text, never markup)."""
    card = facts.card
    score = "no data" if card.score is None else f"{card.score:.1f}"
    head = Text.assemble(
        ("Scorecard as at ", "bold"),
        (facts.period, "bold"),
        "  score ",
        (score, "bold"),
        "  ",
        (MARK[card.status], STYLE[card.status]),
    )
    kpis = Table(box=None, pad_edge=False, expand=True, header_style="bold")
    kpis.add_column("KPI", ratio=3, overflow="fold")
    kpis.add_column("Period", no_wrap=True)
    kpis.add_column("Status", no_wrap=True)
    kpis.add_column("Actual", justify="right", no_wrap=True)
    kpis.add_column("Target", justify="right", no_wrap=True)
    kpis.add_column("Misses", justify="right", no_wrap=True)
    for k in card.kpis:
        kpis.add_row(
            Text(k.kpi),
            k.period or "—",
            Text(MARK[k.status], STYLE[k.status]),
            short(k.actual, k.unit) + (" (v)" if k.source == "vendor" else ""),
            ("≥ " if k.direction == "higher" else "≤ ") + short(k.target, k.unit),
            str(k.consecutive_misses) + (" ⚑" if k.escalate else ""),
        )
    parts: list = [head, kpis if card.kpis else Text("No KPIs yet.", "dim")]
    parts.append(Text("\nActions on the agenda", "bold"))
    if facts.actions:
        acts = Table(box=None, pad_edge=False, expand=True, header_style="bold")
        acts.add_column("Action", ratio=3, overflow="fold")
        acts.add_column("Owner", ratio=1, overflow="fold")
        acts.add_column("Status", no_wrap=True)
        acts.add_column("Due", no_wrap=True)
        for a in facts.actions:
            due = Text(a.due_date.isoformat())
            if a.overdue:
                due.append(" late", "bold red")
            title = Text(a.title)
            if a.raised_here:
                title.append(" (new)", "dim")
            acts.add_row(title, Text(a.owner or "—"), enums.label(a.status), due)
        parts.append(acts)
    else:
        parts.append(Text("None.", "dim"))
    parts.append(Text("(v) vendor-reported · ⚑ escalate · as the minutes print it", "dim"))
    return Group(*parts)


class MeetingFactsModal(ModalScreen[None]):
    """The scorecard as at the meeting's period and the agenda's actions; Esc closes."""

    CSS_PATH = "meeting_facts.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,ctrl+g,ctrl+r,q", "close", "Close", id="facts.close"),
    ]

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.facts: MeetingFacts | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="facts-box", classes="modal-box -wide") as box:
            box.border_title = "Scorecard and actions"
            box.border_subtitle = "Esc closes"
            with VerticalScroll(id="facts-scroll"):
                yield Static("Loading…", id="facts")

    def on_mount(self) -> None:
        self.query_one("#facts-scroll").focus()
        self._load()

    @read_worker
    def _load(self) -> None:
        try:
            with review_app(self).db.read() as s:
                facts = meeting_facts(
                    self.meeting_id,
                    session=s,
                    settings=review_app(self).settings,
                )
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        show_newest(self, self._show, facts)

    def _show(self, facts: MeetingFacts) -> None:
        self.facts = facts
        self.query_one("#facts", Static).update(render(facts))

    def action_close(self) -> None:
        self.dismiss(None)
