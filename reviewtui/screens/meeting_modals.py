"""Small modals of the live meeting: prompts, confirmation, attendance, outcomes.

Each returns its value through ``dismiss``; none touches the database (the meeting screen does,
in workers). Ctrl+S or Enter confirms, Ctrl+G or Escape cancels (cancelling is never
destructive: nothing has been written yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Select, Static
from textual.widgets.select import NoSelection

from reviewtui.domain import enums
from reviewtui.domain.when import WhenError, parse_due
from reviewtui.widgets.table import Table


class PromptModal(ModalScreen[str | None]):
    """One line of text: Enter saves, Escape cancels. ``check`` may refuse it with a message."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,ctrl+g", "cancel", "Cancel", id="prompt.cancel"),
    ]

    def __init__(
        self,
        title: str,
        *,
        value: str = "",
        placeholder: str = "",
        check=None,
        allow_empty: bool = False,
    ) -> None:
        super().__init__()
        self.prompt_title = title
        self.value = value
        self.placeholder = placeholder
        self.check = check
        self.allow_empty = allow_empty

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            # Static, not Label: a long prompt (why amend signed minutes) wraps instead of
            # being cut at the box; plain text, as an item's title may hold brackets.
            yield Static(self.prompt_title, classes="title", markup=False)
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static("Enter saves · Escape cancels", classes="muted")
            yield Static("", classes="form-error", id="prompt-error")

    @on(Input.Submitted)
    def _submit(self) -> None:
        value = self.query_one("#prompt-input", Input).value.strip()
        if self.check is not None:
            problem = self.check(value)
            if problem:
                self.query_one("#prompt-error", Static).update(problem)
                return
        if value or self.allow_empty:
            self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmModal(ModalScreen[bool]):
    """A yes/no question: y confirms; n, Escape or Ctrl+G keeps things as they are."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape,ctrl+g", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(self.question, markup=False)  # it may quote an item's title
            yield Static("y yes · n no", classes="muted")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


@dataclass(frozen=True)
class Attendee:
    """One line of the attendance list being taken."""

    name: str
    side: str
    status: str
    contact_id: int | None = None
    organisation: str = ""
    role: str = ""


class AttendanceModal(ModalScreen[list[Attendee] | None]):
    """Who is here: p present, a absent, y apologies; type a name to add someone."""

    CSS_PATH = "meeting_modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "mark('present')", "Present", id="attendance.present"),
        Binding("a", "mark('absent')", "Absent", id="attendance.absent"),
        Binding("y", "mark('apologies')", "Apologies", id="attendance.apologies"),
        Binding("space", "cycle", "Cycle", show=False, id="attendance.cycle"),
        Binding("ctrl+s", "confirm", "Confirm", id="attendance.confirm"),
        Binding("escape,ctrl+g", "cancel", "Cancel", id="attendance.cancel"),
    ]

    def __init__(self, people: list[Attendee], confirm_label: str = "start the meeting") -> None:
        super().__init__()
        self.people = list(people)
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label("Attendance", classes="title")
            yield Table(id="attendees", cursor_type="row")
            yield Input(
                placeholder="Add a guest: Name, Title, Organisation (v: first for the vendor side)",
                id="guest",
            )
            yield Static(
                f"p present · a absent · y apologies · Enter {self.confirm_label} · Esc cancel",
                classes="muted",
            )

    def on_mount(self) -> None:
        t = self.query_one("#attendees", DataTable)
        t.add_columns("Status", "Side", "Name", "Title", "Organisation")
        self._fill()
        t.focus()

    def _fill(self, row: int = 0) -> None:
        t = self.query_one("#attendees", DataTable)
        t.clear()
        marks = {"present": "[x] present", "absent": "[ ] absent", "apologies": "[-] apologies"}
        for p in self.people:
            t.add_row(Text(marks[p.status]), p.side, p.name, p.role, p.organisation)
        if self.people:
            t.move_cursor(row=min(row, len(self.people) - 1))

    def action_mark(self, status: str) -> None:
        t = self.query_one("#attendees", DataTable)
        if not self.people or self.query_one("#guest", Input).has_focus:
            return
        row = t.cursor_row
        p = self.people[row]
        self.people[row] = Attendee(p.name, p.side, status, p.contact_id, p.organisation, p.role)
        self._fill(row)

    def action_cycle(self) -> None:
        t = self.query_one("#attendees", DataTable)
        if not self.people or not t.has_focus:
            return
        order = list(enums.ATTENDANCE)
        current = self.people[t.cursor_row].status
        self.action_mark(order[(order.index(current) + 1) % len(order)])

    @on(DataTable.RowSelected, "#attendees")
    def _row_enter(self) -> None:
        self.action_confirm()

    @on(Input.Submitted, "#guest")
    def _add_guest(self, event: Input.Submitted) -> None:
        raw = event.value.strip()
        if not raw:
            self.action_confirm()
            return
        side = "client"
        if raw.lower().startswith("v:"):
            side, raw = "vendor", raw[2:].strip()
        elif raw.lower().startswith("c:"):
            raw = raw[2:].strip()
        name, title, organisation = guest_fields(raw)
        if name:
            self.people.append(Attendee(name, side, "present", None, organisation, title))
            self._fill(len(self.people) - 1)
        event.input.value = ""

    def action_confirm(self) -> None:
        self.dismiss(self.people)

    def action_cancel(self) -> None:
        self.dismiss(None)


def guest_fields(raw: str) -> tuple[str, str, str]:
    """``Name, Title, Organisation`` as typed for a guest (title and organisation optional;
    commas after the second stay in the organisation's name)."""
    parts = [" ".join(p.split()) for p in raw.split(",", 2)]
    parts += [""] * (3 - len(parts))
    return parts[0], parts[1], parts[2]


class OutcomeKindModal(ModalScreen[str | None]):
    """Which outcome: i information, d decision, a action, p parked."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "pick('information')", "Information", id="outcome.information"),
        Binding("d", "pick('decision')", "Decision", id="outcome.decision"),
        Binding("a", "pick('action')", "Action", id="outcome.action"),
        Binding("p", "pick('parked')", "Park", id="outcome.parked"),
        Binding("escape,ctrl+g", "pick('')", "Cancel", id="outcome.cancel"),
    ]

    def __init__(self, item_title: str) -> None:
        super().__init__()
        self.item_title = item_title

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label(f"Outcome for: {escape(self.item_title)}", classes="title")
            yield Static(
                "[b]i[/b] information · [b]d[/b] decision · [b]a[/b] action · "
                "[b]p[/b] park to the next meeting · Esc cancel"
            )

    def action_pick(self, kind: str) -> None:
        self.dismiss(kind or None)


@dataclass(frozen=True)
class ActionInput:
    """A new action as typed: ``owner`` is a contact's id or a guest's name."""

    title: str
    owner: int | str
    due: date


def owner_choices(people, attendance) -> list[tuple[str, int | str]]:
    """Who may own an action raised in the meeting, vendor side first: the contacts and guests
    who are present (everyone when no attendance was taken); never someone marked absent."""
    status = {a.contact_id: a.status for a in attendance if a.contact_id is not None}
    out: list[tuple[str, str, int | str]] = [
        (p.side, f"{p.name} ({p.side})", p.id)
        for p in people
        if status.get(p.id, "present") == "present"
    ]
    for a in attendance:
        if a.contact_id is None and a.status == "present":
            about = ", ".join(x for x in (a.role, a.organisation) if x)
            label = f"{a.name} (guest{', ' + about if about else ''})"
            out.append((a.side, label, a.name))
    return [(label, value) for side, label, value in sorted(out, key=lambda o: o[0] != "vendor")]


class ActionModal(ModalScreen[ActionInput | None]):
    """A corrective action: title, owner (a contact), due date (+7d, +2w, 10 Dec ...)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="action.save"),
        Binding("escape,ctrl+g", "cancel", "Cancel", id="action.cancel"),
    ]

    def __init__(self, owners: list[tuple[str, int | str]], default_due: str = "+14d") -> None:
        super().__init__()
        self.owners = owners
        self.default_due = default_due

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label("New corrective action", classes="title")
            with Horizontal(classes="row"):
                yield Label("Action")
                yield Input(placeholder="what is to be done", id="action-title", compact=True)
            with Horizontal(classes="row"):
                yield Label("Owner")
                yield Select(
                    self.owners,
                    value=self.owners[0][1] if self.owners else Select.NULL,
                    allow_blank=not self.owners,
                    prompt="who does it",
                    id="action-owner",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Due")
                yield Input(
                    value=self.default_due,
                    placeholder="+7d, +2w, 2026-12-10",
                    id="action-due",
                    compact=True,
                )
            yield Static("Enter saves · Tab next field · Esc cancels", classes="muted")
            yield Static("", classes="form-error", id="action-error")

    def on_mount(self) -> None:
        self.query_one("#action-title", Input).focus()

    @on(Input.Submitted)
    def action_save(self) -> None:
        err = self.query_one("#action-error", Static)
        title = self.query_one("#action-title", Input).value.strip()
        owner = self.query_one("#action-owner", Select).value
        if not title:
            err.update("An action needs a title.")
            self.query_one("#action-title", Input).focus()
            return
        if isinstance(owner, NoSelection) or owner is None:
            err.update("Choose an owner (no contact or guest is here: take attendance with w).")
            return
        try:
            due = parse_due(self.query_one("#action-due", Input).value)
        except WhenError as exc:
            err.update(str(exc))
            self.query_one("#action-due", Input).focus()
            return
        self.dismiss(ActionInput(title, owner, due))

    def action_cancel(self) -> None:
        self.dismiss(None)
