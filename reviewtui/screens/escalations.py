"""Escalations: what the rules suggest (raised in one step), the escalations raised with their
status and log, and the contract-review mark kept in step with the scorecards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Header, Input, Label, Select, Static

from reviewtui.appref import review_app
from reviewtui.db import escalations as esc_q
from reviewtui.db import vendors as vendor_q
from reviewtui.db.errors import UserError
from reviewtui.domain import enums
from reviewtui.screens.list_screen import ListScreen
from reviewtui.screens.reads import read_worker, show_newest
from reviewtui.widgets.choice import chosen_int
from reviewtui.widgets.footer import Footer
from reviewtui.widgets.table import Table

if TYPE_CHECKING:
    from reviewtui.views.escalations import EscalationRow, LadderStep, VendorSuggestion

RULE_LABELS = {
    "kpi_escalate": "KPI failing",
    "action_overdue": "action late",
    "plan_not_confirmed": "plan failed twice",
    "no_response": "no response",
}


@dataclass(frozen=True)
class EscalationDraft:
    vendor_id: int
    vendor: str
    level: int = 1
    reason: str = ""
    kpi_id: int | None = None
    action_id: int | None = None
    plan_id: int | None = None
    meeting_id: int | None = None
    supersedes: int | None = None
    item: str = ""


class RaiseEscalationScreen(ModalScreen[int | None]):
    """Raise an escalation in one step: level (with who is on it), reason, linked item."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Raise", id="raise_esc.save"),
        Binding("ctrl+g", "cancel", "Cancel", id="raise_esc.cancel"),
        Binding("escape", "cancel", "Cancel", show=False, id="raise_esc.cancel_esc"),
    ]

    def __init__(self, draft: EscalationDraft, ladder: list[LadderStep]) -> None:
        super().__init__()
        self.draft = draft
        self.ladder = {s.level: s for s in ladder}

    def _level_label(self, level: int) -> str:
        s = self.ladder.get(level)
        if s is None:
            return f"Level {level} (nobody on this level yet)"
        who = " / ".join(x for x in (s.client, s.vendor) if x) or "nobody named"
        return f"Level {level}: {who}, answer within {s.response_hours} h"

    def compose(self) -> ComposeResult:
        d = self.draft
        with Vertical(classes="modal-box", id="raise-form"):
            yield Label(f"Raise an escalation · {escape(d.vendor)}", classes="title")
            if d.item:
                yield Static(f"About: {d.item}", id="esc-item", markup=False)
            with Horizontal(classes="row"):
                yield Label("Level")
                yield Select(
                    [(self._level_label(lv), lv) for lv in (1, 2, 3)],
                    value=d.level,
                    allow_blank=False,
                    id="esc-level",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Reason")
                yield Input(
                    d.reason, placeholder="what is wrong, since when", id="esc-reason", compact=True
                )
            yield Static("", classes="form-error", id="esc-error")
            yield Static("[dim]Enter or Ctrl+S raises it · Esc cancels[/dim]")

    def on_mount(self) -> None:
        self.query_one("#esc-reason", Input).focus()

    @on(Input.Submitted)
    def action_save(self) -> None:
        reason = self.query_one("#esc-reason", Input).value.strip()
        if not reason:
            self.query_one("#esc-error", Static).update("Say why: what is wrong, since when.")
            return
        self._save(chosen_int(self.query_one("#esc-level", Select)), reason)

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def _save(self, level: int, reason: str) -> None:
        d = self.draft
        try:
            with review_app(self).db.session() as s:
                eid = esc_q.raise_escalation(
                    d.vendor_id,
                    level,
                    reason,
                    session=s,
                    kpi_id=d.kpi_id,
                    action_id=d.action_id,
                    plan_id=d.plan_id,
                    meeting_id=d.meeting_id,
                    supersedes=d.supersedes,
                )
        except UserError as exc:
            self.app.call_from_thread(self.query_one("#esc-error", Static).update, str(exc))
            return
        self.app.call_from_thread(self.dismiss, eid)

    def action_cancel(self) -> None:
        self.dismiss(None)


class EscalationLogScreen(ModalScreen[tuple[str, str] | None]):
    """An escalation's log; change its status with a note (returns (status, note))."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="esc_log.save"),
        Binding("ctrl+g", "cancel", "Close", id="esc_log.cancel"),
        Binding("escape", "cancel", "Close", show=False, id="esc_log.cancel_esc"),
    ]

    def __init__(self, detail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        r = self.detail.row
        with VerticalScroll(classes="modal-box"):
            yield Label(
                f"Escalation {r.id} · level {r.level} · {escape(r.vendor)}", classes="title"
            )
            yield Static(f"{r.item + ': ' if r.item else ''}{r.reason}", markup=False)
            for x in self.detail.log:
                st = escape(f"[{enums.label(x.status)}] ") if x.status else ""
                yield Static(
                    f"[dim]{x.at.astimezone():%Y-%m-%d %H:%M} {escape(x.author)}[/dim] {st}{escape(x.text)}",
                    classes="log-line",
                )
            with Horizontal(classes="row"):
                yield Label("Status")
                yield Select(
                    [(enums.label(s), s) for s in enums.ESCALATION_STATUSES],
                    value=r.status,
                    allow_blank=False,
                    id="log-status",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Note")
                yield Input(placeholder="what happened", id="log-note", compact=True)
            yield Static("[dim]Ctrl+S or Enter adds to the log · Esc closes[/dim]")

    def on_mount(self) -> None:
        self.query_one("#log-status", Select).focus()

    @on(Input.Submitted)
    def action_save(self) -> None:
        status = str(self.query_one("#log-status", Select).value)
        note = self.query_one("#log-note", Input).value.strip()
        if status == self.detail.row.status and not note:
            self.dismiss(None)
            return
        self.dismiss((status, note))

    def action_cancel(self) -> None:
        self.dismiss(None)


class EscalationsScreen(ListScreen):
    """Suggested escalations on top (r raises the highlighted one), raised ones below."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "back", "Back", id="escalations.back"),
        Binding("escape", "back", "Back", show=False, id="escalations.back_esc"),
        Binding("r", "raise_suggested", "Raise", id="escalations.raise"),
        Binding("N", "raise_new", "New", id="escalations.new"),
        Binding("l", "log", "Log / status", id="escalations.log"),
        Binding("f5", "refresh", "Refresh", show=False, id="escalations.refresh"),
    ]

    CSS_PATH = "escalations.tcss"

    TABLES = {
        "suggested": (
            ("Lvl", "level", 3),
            ("Why", "rule", 17),
            ("Reason", "reason", 42),
            ("Vendor", "vendor", 24),
            ("Contacts", "contacts", 30),
        ),
        "raised": (
            ("ID", "id", 4),
            ("Lvl", "level", 3),
            ("Status", "status", 12),
            ("About", "item", 18),
            ("Reason", "reason", 30),
            ("Vendor", "vendor", 24),
            ("Raised", "raised", 10),
        ),
    }
    SUB_TITLE = "Escalations"
    RELOAD_ON_RESUME = "never"

    def __init__(self, vendor_id: int | None = None) -> None:
        super().__init__(vendor_id)
        self._suggestions: dict[str, VendorSuggestion] = {}
        self._raised: dict[int, EscalationRow] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Suggested by the rules", classes="title")
        yield Table(id="suggested", cursor_type="row", zebra_stripes=True)
        yield Static("Raised", classes="title")
        yield Table(id="raised", cursor_type="row", zebra_stripes=True)
        yield Static("", classes="status-line", id="esc-line")
        yield Footer()

    def load(self) -> None:
        self._query()

    @read_worker
    def _query(self) -> None:
        app = review_app(self)
        settings = app.settings
        vid = app.scoped_vendor_id(self.vendor_id)
        marked: list[str] = []
        if settings.role == "facilitator":
            # Keep the dashboard's contract-review mark in step with the scorecards.
            with app.db.session() as s:
                esc_q.sync_contract_review(session=s, settings=settings)
        with app.db.read() as s:
            sugg = esc_q.suggestions(session=s, vendor_id=vid, settings=settings)
            raised = esc_q.list_escalations(session=s, vendor_id=vid)
            marked = [
                v.name
                for v in vendor_q.list_vendors(session=s, only_vendor=app.vendor_scope)
                if v.contract_review and (vid is None or v.id == vid)
            ]
        show_newest(self, self._show, sugg, raised, marked)

    def _show(self, sugg, raised, marked: list[str]) -> None:
        s = self.query_one("#suggested", DataTable)
        s.clear()
        self._suggestions = {}
        for i, x in enumerate(sugg):
            key = f"s{i}"
            self._suggestions[key] = x
            sg = x.suggestion
            s.add_row(
                str(sg.level),
                Text(
                    RULE_LABELS.get(sg.rule, sg.rule),
                    style="bold red" if sg.rule == "no_response" else "",
                ),
                sg.reason,
                x.vendor,
                x.as_dict()["contacts"] or "—",
                key=key,
            )
        r = self.query_one("#raised", DataTable)
        r.clear()
        self._raised = {e.id: e for e in raised}
        for e in raised:
            active = e.status in ("open", "acknowledged")
            r.add_row(
                str(e.id),
                str(e.level),
                Text(
                    enums.label(e.status),
                    style="bold" if e.status == "open" else ("" if active else "dim"),
                ),
                e.item or "—",
                e.reason,
                e.vendor,
                e.raised_at.astimezone().date().isoformat(),
                key=str(e.id),
            )
        parts = [
            f"{len(sugg)} suggested",
            f"{sum(e.status in ('open', 'acknowledged') for e in raised)} active",
        ]
        if marked:
            parts.append("marked for contract review: " + ", ".join(marked))
        self.query_one("#esc-line", Static).update(" · ".join(parts))

    def _selected(self, table_id: str) -> str | None:
        return self.query_one(table_id, Table).cursor_key()

    def action_raise_suggested(self) -> None:
        key = self._selected("#suggested")
        if key is None:
            self.notify("Nothing suggested to raise. N raises one of your own.")
            return
        x = self._suggestions[key]
        sg = x.suggestion
        review_app(self).raise_escalation(
            x.vendor_id,
            level=sg.level,
            reason=sg.reason,
            kpi_id=sg.kpi_id,
            action_id=sg.action_id,
            plan_id=sg.plan_id,
            supersedes=sg.escalation_id,
            item=x.item,
            on_done=lambda _e: self.load(),
        )

    def action_raise_new(self) -> None:
        vid = self.vendor_id
        if vid is None:
            key = self._selected("#raised") or None
            row = self._raised.get(int(key)) if key else None
            vid = row.vendor_id if row is not None else None
        if vid is None:
            self.notify("Open escalations from a vendor to raise a new one for it.")
            return
        review_app(self).raise_escalation(vid, on_done=lambda _e: self.load())

    @on(DataTable.RowSelected, "#raised")
    def action_log(self) -> None:
        key = self._selected("#raised")
        if key is None:
            return
        self._open_log(int(key))

    @on(DataTable.RowSelected, "#suggested")
    def _suggested_selected(self) -> None:
        self.action_raise_suggested()

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open_log(self, eid: int) -> None:
        with review_app(self).db.read() as s:
            detail = esc_q.get_escalation(eid, session=s)
        self.app.call_from_thread(self._push_log, detail)

    def _push_log(self, detail) -> None:
        def done(value: tuple[str, str] | None) -> None:
            if value is not None:
                self._set_status(detail.row.id, *value)

        self.app.push_screen(EscalationLogScreen(detail), done)

    @work(thread=True, group="write", exit_on_error=False)
    def _set_status(self, eid: int, status: str, note: str) -> None:
        if review_app(self).settings.role != "facilitator":
            self.app.call_from_thread(self.notify, "This session is read-only.", severity="error")
            return
        try:
            with review_app(self).db.session() as s:
                current = esc_q.get_escalation(eid, session=s).row.status
                if status != current:
                    esc_q.set_status(eid, status, session=s, note=note)
                else:
                    esc_q.add_log(eid, note, session=s)
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self.load)
