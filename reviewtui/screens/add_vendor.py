"""A small form to add a vendor; returns the new vendor's name."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from reviewtui.appref import review_app
from reviewtui.db import vendors as vendor_q
from reviewtui.db.errors import UserError
from reviewtui.domain import enums
from reviewtui.screens.form_guard import GuardedForm


class AddVendorScreen(GuardedForm, ModalScreen[str | None]):
    """Name, category and criticality; Enter saves, Ctrl+G cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="add_vendor.save"),
        Binding("ctrl+g", "cancel", "Cancel", id="add_vendor.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="add-vendor", classes="modal-box"):
            yield Label("Add a vendor", classes="title")
            with Horizontal(classes="row"):
                yield Label("Name")
                yield Input(placeholder="the vendor's name", id="name", compact=True)
            with Horizontal(classes="row"):
                yield Label("Service")
                yield Input(placeholder="e.g. 24x7 IT service desk", id="service", compact=True)
            with Horizontal(classes="row"):
                yield Label("Category")
                yield Select(
                    [(enums.label(c), c) for c in enums.VENDOR_CATEGORIES],
                    value="other",
                    allow_blank=False,
                    id="category",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Criticality")
                yield Select(
                    [(c, c) for c in enums.CRITICALITY],
                    value="standard",
                    allow_blank=False,
                    id="criticality",
                    compact=True,
                )
            yield Static("Enter or Ctrl+S saves · Ctrl+G cancels", classes="muted")
            yield Static("", id="error", classes="form-error")

    def on_mount(self) -> None:
        self.remember_form()

    @on(Input.Submitted)
    def action_save(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        if not name:
            self.query_one("#error", Static).update("[red]A vendor needs a name.[/red]")
            self.query_one("#name", Input).focus()
            return
        self._save(
            name,
            self.query_one("#service", Input).value.strip(),
            str(self.query_one("#category", Select).value),
            str(self.query_one("#criticality", Select).value),
        )

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def _save(self, name: str, service: str, category: str, criticality: str) -> None:
        try:
            with review_app(self).db.session() as s:
                vendor_q.create(
                    name, session=s, service=service, category=category, criticality=criticality
                )
        except UserError as exc:
            self.app.call_from_thread(self.query_one("#error", Static).update, f"[red]{exc}[/red]")
            return
        self.app.call_from_thread(self.dismiss, name)

    def action_cancel(self) -> None:
        self.leave_form(lambda: self.dismiss(None))
