"""A small form to edit an action in place: status, due date, owner, priority and a note."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Select, Static

from reviewtui.domain import actions as rules
from reviewtui.domain import clock, enums
from reviewtui.domain.people import resolve_owner
from reviewtui.screens.form_guard import GuardedForm

if TYPE_CHECKING:
    from reviewtui.views.actions import ActionDetail


@dataclass(frozen=True)
class ActionEdit:
    """What the form returns: every field as typed (the due date already checked)."""

    status: str
    status_changed: bool
    due: str
    owner: str
    priority: str
    note: str


class ActionEditScreen(GuardedForm, ModalScreen[ActionEdit | None]):
    """Edit one action; Ctrl+S or Enter saves, Escape or Ctrl+G cancels (nothing is lost)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="action_edit.save"),
        Binding("ctrl+g", "cancel", "Cancel", id="action_edit.cancel"),
        Binding("escape", "cancel", "Cancel", show=False, id="action_edit.cancel_esc"),
    ]

    def __init__(self, detail: ActionDetail, contacts: list[str]) -> None:
        super().__init__()
        self.detail = detail
        self.contacts = contacts

    def compose(self) -> ComposeResult:
        a = self.detail.action
        with Vertical(id="action-edit", classes="modal-box"):
            yield Label(f"Action {a.id} · {escape(a.vendor)}", classes="title")
            yield Static(a.title, id="edit-title", markup=False)
            if self.detail.plan_title:
                yield Static(f"[dim]Plan: {escape(self.detail.plan_title)}[/dim]")
            with Horizontal(classes="row"):
                yield Label("Status")
                yield Select(
                    [(enums.label(s), s) for s in enums.ACTION_STATUSES],
                    value=a.status,
                    allow_blank=False,
                    id="edit-status",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Due")
                yield Input(
                    a.due_date.isoformat(),
                    placeholder="2026-12-15, 15 Dec, +3d, +2w, +1m",
                    id="edit-due",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Owner")
                yield Input(
                    a.owner,
                    placeholder="a contact on either side, or any name",
                    suggester=SuggestFromList(self.contacts, case_sensitive=False),
                    id="edit-owner",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Priority")
                yield Select(
                    [(p, p) for p in enums.PRIORITIES],
                    value=a.priority,
                    allow_blank=False,
                    id="edit-priority",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Note")
                yield Input(placeholder="progress note (optional)", id="edit-note", compact=True)
            yield Static("", id="edit-error", classes="form-error")
            yield Static("[dim]Ctrl+S or Enter saves · Esc cancels[/dim]")

    def on_mount(self) -> None:
        self.query_one("#edit-status", Select).focus()
        self.remember_form()

    def _fail(self, message: str, widget: str) -> None:
        self.query_one("#edit-error", Static).update(message)
        self.query_one(widget).focus()

    @on(Input.Submitted)
    def action_save(self) -> None:
        a = self.detail.action
        status = str(self.query_one("#edit-status", Select).value)
        due_text = self.query_one("#edit-due", Input).value.strip()
        if due_text != a.due_date.isoformat():
            not_before = self.detail.plan_raised_on or self.detail.created_at.astimezone().date()
            what = "the plan was raised" if self.detail.plan_raised_on else "the action was raised"
            try:
                rules.parse_due(
                    due_text, today=clock.today(), not_before=not_before, not_before_is=what
                )
            except rules.DueDateError as exc:
                self._fail(str(exc), "#edit-due")
                return
        self.dismiss(
            ActionEdit(
                status=status,
                status_changed=status != a.status,
                due=due_text,
                owner=self._owner(),
                priority=str(self.query_one("#edit-priority", Select).value),
                note=self.query_one("#edit-note", Input).value.strip(),
            )
        )

    def _owner(self) -> str:
        """The owner typed, as a contact's full name when it names one ("mark": Mark Thompson);
        left as it was when not touched."""
        typed = " ".join(self.query_one("#edit-owner", Input).value.split())
        if typed == self.detail.action.owner:
            return typed
        return resolve_owner(typed, self.contacts)[0]

    def action_cancel(self) -> None:
        self.leave_form(lambda: self.dismiss(None))
