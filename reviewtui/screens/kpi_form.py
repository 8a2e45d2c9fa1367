"""Forms to add or edit a KPI, enter a value for a period, and confirm deleting a KPI.

Each returns a message for the caller to show (None when cancelled). Values are checked by the
same rules as the importers (reviewtui.domain.kpi_fields); errors are told in place.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from reviewtui.appref import review_app
from reviewtui.db import kpis
from reviewtui.db.errors import UserError
from reviewtui.domain import clock, enums, kpi_fields, periods
from reviewtui.domain.figures import exact, figure
from reviewtui.screens.form_guard import GuardedForm


class _Form(GuardedForm, ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="form.save"),
        Binding("ctrl+g", "cancel", "Cancel", id="form.cancel"),
        Binding("escape", "cancel", "Cancel", show=False, id="form.cancel_esc"),
    ]

    def error(self, text: str) -> None:
        self.query_one(".form-error", Static).update(text)

    def action_cancel(self) -> None:
        self.leave_form(lambda: self.dismiss(None))


class KpiFormScreen(_Form):
    """Add a KPI to a vendor, or edit one (``kpi_id``)."""

    def __init__(self, vendor_id: int, kpi_id: int | None = None) -> None:
        super().__init__()
        self.vendor_id = vendor_id
        self.kpi_id = kpi_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label("Edit KPI" if self.kpi_id else "New KPI", classes="title")
            with Horizontal(classes="row"):
                yield Label("Name")
                yield Input(placeholder="e.g. OTIF", id="name", compact=True)
            with Horizontal(classes="row"):
                yield Label("Unit")
                yield Input(placeholder="%, min, PPM …", id="unit", compact=True)
            with Horizontal(classes="row"):
                yield Label("Direction")
                yield Select(
                    [("higher is better", "higher"), ("lower is better", "lower")],
                    value="higher",
                    allow_blank=False,
                    id="direction",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Target")
                yield Input(placeholder="e.g. 97", id="target", compact=True)
            with Horizontal(classes="row"):
                yield Label("Amber at")
                yield Input(placeholder="optional, e.g. 95", id="threshold", compact=True)
            with Horizontal(classes="row"):
                yield Label("Weight")
                yield Input(
                    placeholder="default 1; 0 leaves it out of the score", id="weight", compact=True
                )
            with Horizontal(classes="row"):
                yield Label("Frequency")
                yield Select(
                    [(f, f) for f in enums.FREQUENCIES],
                    value="monthly",
                    allow_blank=False,
                    id="frequency",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Category")
                yield Select(
                    [(c, c) for c in enums.KPI_CATEGORIES],
                    value="service",
                    allow_blank=False,
                    id="category",
                    compact=True,
                )
            yield Static("Ctrl+S saves · Ctrl+G cancels", classes="muted")
            yield Static("", classes="form-error")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self.remember_form()
        if self.kpi_id is not None:
            self._load(self.kpi_id)

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def _load(self, kpi_id: int) -> None:
        with review_app(self).db.read() as s:
            k = kpis.get(kpi_id, session=s)
        self.app.call_from_thread(self._fill, k)

    def _fill(self, k) -> None:
        def put(i: str, v) -> None:
            self.query_one(f"#{i}", Input).value = v if isinstance(v, str) else exact(v)

        put("name", k.name)
        put("unit", k.unit)
        put("target", k.target)
        put("threshold", k.threshold)
        put("weight", k.weight)
        self.query_one("#direction", Select).value = k.direction
        self.query_one("#frequency", Select).value = k.frequency
        self.query_one("#category", Select).value = k.category
        self.remember_form()

    @on(Input.Submitted)
    def action_save(self) -> None:
        values = {
            i: self.query_one(f"#{i}", Input).value
            for i in ("name", "unit", "target", "threshold", "weight")
        }
        for i in ("direction", "frequency", "category"):
            values[i] = str(self.query_one(f"#{i}", Select).value)
        self._save(values)

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def _save(self, values: dict) -> None:
        try:
            with review_app(self).db.session() as s:
                k = kpis.save(self.vendor_id, session=s, kpi_id=self.kpi_id, **values)
                name = k.name
        except UserError as exc:
            self.app.call_from_thread(self.error, str(exc))
            return
        verb = "Saved" if self.kpi_id else "Added"
        self.app.call_from_thread(self.dismiss, f"{verb} KPI {name}.")


class ValueFormScreen(_Form):
    """Enter a KPI's value for a period, from the vendor's report or measured independently."""

    def __init__(self, kpi_id: int) -> None:
        super().__init__()
        self.kpi_id = kpi_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            # Static: the title (KPI, vendor, target) wraps rather than losing its end.
            yield Static("Enter a value", classes="title", id="value-title", markup=False)
            with Horizontal(classes="row"):
                yield Label("Period")
                yield Input(
                    placeholder="2026-10, Oct 2026, 2026-Q3, a date", id="period", compact=True
                )
            with Horizontal(classes="row"):
                yield Label("Value")
                yield Input(placeholder="e.g. 96.5", id="value", compact=True)
            with Horizontal(classes="row"):
                yield Label("Source")
                yield Select(
                    [
                        ("reported by the vendor", "vendor"),
                        ("measured independently", "independent"),
                    ],
                    value="vendor",
                    allow_blank=False,
                    id="source",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Note")
                yield Input(placeholder="optional", id="note", compact=True)
            yield Static("Ctrl+S saves · Ctrl+G cancels", classes="muted")
            yield Static("", classes="form-error")

    def on_mount(self) -> None:
        self.query_one("#period", Input).focus()
        self.remember_form()
        self._load()

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def _load(self) -> None:
        with review_app(self).db.read() as s:
            k = kpis.get(self.kpi_id, session=s)
        # The period just ended is the one usually being reported.
        current = periods.period_of(clock.today(), k.frequency)
        self.app.call_from_thread(self._fill, k, periods.shift(current, -1))

    def _fill(self, k, period: str) -> None:
        self.query_one("#value-title", Static).update(
            f"Enter a value: {k.name} ({k.vendor}), {k.frequency}, target {figure(k.target, k.unit)}"
        )
        self.query_one("#period", Input).value = period
        self.remember_form("period")

    @on(Input.Submitted)
    def action_save(self) -> None:
        self._save(
            self.query_one("#period", Input).value,
            self.query_one("#value", Input).value,
            str(self.query_one("#source", Select).value),
            self.query_one("#note", Input).value.strip(),
        )

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def _save(self, period: str, value: str, source: str, note: str) -> None:
        try:
            with review_app(self).db.session() as s:
                k = kpis.get(self.kpi_id, session=s)
                key = kpi_fields.period(period, k.frequency) if period.strip() else period
                outcome = kpis.record(
                    self.kpi_id, period, value, session=s, source=source, note=note or None
                )
        except kpi_fields.FieldError as exc:
            self.app.call_from_thread(self.error, str(exc))
            return
        except UserError as exc:
            self.app.call_from_thread(self.error, str(exc))
            return
        self.app.call_from_thread(
            self.dismiss, f"{k.name} {key} ({source}): {value.strip()} {outcome}."
        )


class ConfirmDeleteKpi(ModalScreen[str | None]):
    """Delete a KPI and all its values: y confirms, n cancels (never Escape alone)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "yes", "Yes, delete", id="confirm.yes"),
        Binding("n", "no", "No", id="confirm.no"),
        Binding("escape", "no", "No", show=False, id="confirm.no_esc"),
    ]

    def __init__(self, kpi_id: int) -> None:
        super().__init__()
        self.kpi_id = kpi_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static("Loading…", id="confirm-text")
            yield Static("y deletes · n keeps it", classes="muted")
            yield Static("", classes="form-error")

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def _load(self) -> None:
        with review_app(self).db.read() as s:
            k = kpis.get(self.kpi_id, session=s)
        self.app.call_from_thread(
            self.query_one("#confirm-text", Static).update,
            Text.assemble(  # the names as typed, never read as markup
                "Delete the KPI ",
                (k.name, "bold"),
                f" of {k.vendor} and its {k.measurements} values?",
            ),
        )

    def action_yes(self) -> None:
        self._delete()

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def _delete(self) -> None:
        try:
            with review_app(self).db.session() as s:
                name = kpis.delete(self.kpi_id, session=s)
        except UserError as exc:
            self.app.call_from_thread(self.query_one(".form-error", Static).update, str(exc))
            return
        self.app.call_from_thread(self.dismiss, f"Deleted KPI {name}.")

    def action_no(self) -> None:
        self.dismiss(None)
