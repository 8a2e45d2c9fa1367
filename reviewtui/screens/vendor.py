"""A vendor's page: profile, contract, ROI and contacts (the scorecard grows here)."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from reviewtui.domain import enums


def _money(value: float | None, currency: str) -> str:
    return "—" if value is None else f"{currency} {value:,.0f}"


class VendorScreen(Screen):
    """One vendor: profile and contacts. q goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "back", "Back", id="vendor.back"),
        Binding("escape", "back", "Back", show=False, id="vendor.back_esc"),
        Binding("m", "meetings", "Meetings", id="vendor.meetings"),
    ]

    def __init__(self, vendor_id: int) -> None:
        super().__init__()
        self.vendor_id = vendor_id

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("Loading…", classes="title", id="vendor-name")
            yield Static("", id="vendor-profile")
            yield Static("Contacts", classes="title")
            yield DataTable(id="contacts", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#contacts", DataTable)
        for col in ("Side", "Name", "Organisation", "Role", "Escalation level", "Email"):
            t.add_column(col)
        self.load()

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def load(self) -> None:
        from reviewtui.db import vendors as vendor_q

        with self.app.db.read() as s:  # type: ignore[attr-defined]
            detail = vendor_q.get_detail(self.vendor_id, session=s)
        self.app.call_from_thread(self._show, detail)

    def _show(self, d) -> None:
        self.query_one("#vendor-name", Static).update(d.name)
        self.sub_title = d.name
        lines = [
            f"Service: {d.service or '—'}",
            f"Category: {enums.label(d.category)} · Criticality: {d.criticality}",
            f"Contract: {d.contract_start or '—'} to {d.contract_end or '—'}",
            f"Annual contract cost: {_money(d.annual_contract_cost, d.currency)} · "
            f"In-house baseline: {_money(d.baseline_inhouse_cost, d.currency)}",
        ]
        if d.contract_review:
            lines.append("[b red]Marked for contract review[/b red]")
        self.query_one("#vendor-profile", Static).update("\n".join(lines))
        t = self.query_one("#contacts", DataTable)
        t.clear()
        for c in d.contacts:
            t.add_row(
                c.side, c.name, c.organisation, c.role, str(c.escalation_level or ""), c.email
            )

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_meetings(self) -> None:
        from reviewtui.screens.meetings import MeetingsScreen

        self.app.push_screen(MeetingsScreen(self.vendor_id))
