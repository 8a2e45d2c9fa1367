"""Corrective action plans: the list (all vendors or one), open one, raise one, verify one."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Select, Static

from reviewtui.appref import review_app
from reviewtui.db import plans as plan_q
from reviewtui.db import vendors as vendor_q
from reviewtui.domain import clock
from reviewtui.screens.list_screen import ListScreen
from reviewtui.screens.reads import read_worker, show_newest
from reviewtui.widgets.footer import Footer
from reviewtui.widgets.table import Table

if TYPE_CHECKING:
    from reviewtui.views.plans import PlanRow

ALL = -1
STATUS_CHOICES = [
    ("Not closed", "active"),
    ("Open", "open"),
    ("Reopened", "reopened"),
    ("Verifying", "verifying"),
    ("Closed", "closed"),
    ("All", "all"),
]


class PlansScreen(ListScreen):
    """Plans, the newest first; Enter opens a plan, v records its effectiveness check."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "back", "Back", id="plans.back"),
        Binding("escape", "back", "Back", show=False, id="plans.back_esc"),
        Binding("e", "edit", "Open", id="plans.edit"),
        Binding("N", "new", "New plan", id="plans.new"),
        Binding("v", "verify", "Verify", id="plans.verify"),
        Binding("t", "actions", "Its actions", id="plans.actions"),
        Binding("r", "refresh", "Refresh", show=False, id="plans.refresh"),
    ]

    CSS_PATH = "plans.tcss"

    TABLES = {
        "plans": (
            ("ID", "id", 4),
            ("Status", "status", 10),
            ("Plan", "title", 30),
            ("Actions", "actions", 9),
            ("Check due", "check", 16),
            ("Vendor", "vendor", 24),
        )
    }
    SUB_TITLE = "Corrective action plans"
    # Back from an audit, a finding or a plan: a plan may have been raised or changed.
    RELOAD_ON_RESUME = "after_first"

    def __init__(self, vendor_id: int | None = None) -> None:
        super().__init__(vendor_id)
        self._rows: dict[int, PlanRow] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="plans-filters"):
            yield Select(
                [("All vendors", ALL)],
                value=ALL,
                allow_blank=False,
                id="plans-vendor",
                compact=True,
            )
            yield Select(
                STATUS_CHOICES, value="active", allow_blank=False, id="plans-status", compact=True
            )
        yield Static("Loading…", classes="status-line", id="plans-line")
        yield Table(id="plans", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def load(self) -> None:
        self._query(self.vendor_id, str(self.query_one("#plans-status", Select).value))

    @read_worker
    def _query(self, vendor_id: int | None, status: str) -> None:
        app = review_app(self)
        statuses = {
            "active": ("open", "reopened", "verifying"),
            "all": None,
        }.get(status, (status,))
        with app.db.read() as s:
            names = vendor_q.names(session=s, only_vendor=app.vendor_scope)
            vendor_id = app.scoped_vendor_id(vendor_id)
            rows = plan_q.list_plans(session=s, vendor_id=vendor_id, statuses=statuses)
        show_newest(self, self._show, names, rows)

    def _show(self, names, rows) -> None:
        select = self.query_one("#plans-vendor", Select)
        scoped = review_app(self).vendor_scope is not None
        with self.prevent(Select.Changed):
            opts = [(n, i) for i, n in names]
            select.set_options(opts if scoped else [("All vendors", ALL), *opts])
            select.value = (
                self.vendor_id
                if self.vendor_id is not None
                else (names[0][0] if scoped and names else ALL)
            )
        select.disabled = scoped
        t = self.query_one("#plans", DataTable)
        keep = t.cursor_row
        under = self.selected()  # the plan the user is on: the cursor stays on it if it is listed
        t.clear()
        self._rows = {r.id: r for r in rows}
        today = clock.today()
        for r in rows:
            check = Text(str(r.verification_due or "—"))
            if r.verification_due and r.verification_due < today and r.status == "verifying":
                check.append(" late", style="bold red")
            status = Text(r.status, style="bold yellow" if r.status == "reopened" else "")
            t.add_row(
                str(r.id),
                status,
                r.title,
                f"{r.open_actions} of {r.actions} open" if r.actions else "none",
                check,
                r.vendor,
                key=str(r.id),
            )
        if rows:
            ids = [r.id for r in rows]
            t.move_cursor(row=ids.index(under) if under in ids else min(keep, len(rows) - 1))
        due = sum(1 for r in rows if r.status == "verifying")
        self.query_one("#plans-line", Static).update(
            f"{len(rows)} plans · {due} awaiting their check · Enter opens · v verifies · N new"
            if rows
            else "No plans match. N raises one (choose a vendor first)."
        )

    @on(Select.Changed, "#plans-vendor")
    def _vendor(self, event: Select.Changed) -> None:
        self.vendor_id = None if event.value in (ALL, Select.NULL) else int(str(event.value))
        self.load()

    @on(Select.Changed, "#plans-status")
    def _status(self) -> None:
        self.load()

    def selected(self) -> int | None:
        return self.query_one("#plans", Table).cursor_id()

    @on(DataTable.RowSelected, "#plans")
    def action_edit(self) -> None:
        pid = self.selected()
        if pid is not None:
            review_app(self).open_plan(pid, on_saved=lambda _p: self.load())

    def action_verify(self) -> None:
        pid = self.selected()
        if pid is not None:
            review_app(self).verify_plan(pid, on_done=lambda _r: self.load())

    def action_new(self) -> None:
        if self.vendor_id is None:
            self.notify("Choose the vendor in the filter first, then press N.")
            self.query_one("#plans-vendor").focus()
            return
        review_app(self).new_plan(vendor_id=self.vendor_id, on_saved=lambda _p: self.load())

    def action_actions(self) -> None:
        pid = self.selected()
        row = self._rows.get(pid) if pid is not None else None
        if row is not None:
            review_app(self).open_actions(row.vendor_id)
