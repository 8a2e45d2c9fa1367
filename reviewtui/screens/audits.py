"""Audits and site visits with their findings; p raises a corrective action plan from the
highlighted finding in one key (and opens it to fill in the whys and actions)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Header, Input, Label, Select, Static

from reviewtui.appref import review_app
from reviewtui.db import audits as audit_q
from reviewtui.db import vendors as vendor_q
from reviewtui.db.audits import FindingDraft
from reviewtui.db.errors import UserError
from reviewtui.domain import clock, enums
from reviewtui.screens.form_guard import GuardedForm
from reviewtui.screens.list_screen import ListScreen
from reviewtui.screens.reads import read_worker, show_newest
from reviewtui.widgets.footer import Footer
from reviewtui.widgets.table import Table

if TYPE_CHECKING:
    from reviewtui.views.audits import AuditRow

SEVERITY_STYLE = {"critical": "bold red", "major": "red", "minor": "yellow", "observation": "dim"}
FINDING_ROWS = 3


class AuditFormScreen(GuardedForm, ModalScreen[int | None]):
    """Record an audit or site visit with its findings; returns the audit's id."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="audit_form.save"),
        Binding("ctrl+n", "add_row", "Another finding", id="audit_form.add_row"),
        Binding("ctrl+g", "cancel", "Cancel", id="audit_form.cancel"),
        Binding("escape", "cancel", "Cancel", show=False, id="audit_form.cancel_esc"),
    ]
    CSS_PATH = "audits.tcss"

    def __init__(self, vendor_id: int, vendor: str) -> None:
        super().__init__()
        self.vendor_id = vendor_id
        self.vendor = vendor
        self._rows = FINDING_ROWS

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="audit-form", classes="modal-box"):
            yield Label(f"Record an audit · {escape(self.vendor)}", classes="title")
            with Horizontal(classes="row"):
                yield Label("Date")
                yield Input(clock.today().isoformat(), id="audit-date", compact=True)
            with Horizontal(classes="row"):
                yield Label("Type")
                yield Select(
                    [(enums.label(t), t) for t in enums.AUDIT_TYPES],
                    value="site_visit",
                    allow_blank=False,
                    id="audit-type",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Auditor")
                yield Input(id="audit-auditor", compact=True)
            with Horizontal(classes="row"):
                yield Label("Scope")
                yield Input(placeholder="what was looked at", id="audit-scope", compact=True)
            with Horizontal(classes="row"):
                yield Label("Result")
                yield Select(
                    [(r, r) for r in enums.AUDIT_RESULTS],
                    prompt="overall result",
                    id="audit-result",
                    compact=True,
                )
            yield Static("Findings (severity · title)", classes="section")
            for n in range(1, self._rows + 1):
                yield self._finding_row(n)
            yield Static("", id="audit-error", classes="form-error")
            yield Static("[dim]Ctrl+S saves · Ctrl+N another finding · Esc cancels[/dim]")

    def _finding_row(self, n: int) -> Horizontal:
        return Horizontal(
            Select(
                [(s, s) for s in enums.FINDING_SEVERITIES],
                value="minor",
                allow_blank=False,
                id=f"f-sev-{n}",
                compact=True,
            ),
            Input(placeholder=f"finding {n}", id=f"f-title-{n}", compact=True),
            classes="row finding-row",
        )

    def on_mount(self) -> None:
        self.query_one("#audit-auditor", Input).focus()
        self.remember_form()

    async def action_add_row(self) -> None:
        self._rows += 1
        row = self._finding_row(self._rows)
        await self.query_one("#audit-form").mount(row, before=self.query_one("#audit-error"))
        row.query_one(Input).focus()

    def _error(self, message: str) -> None:
        self.query_one("#audit-error", Static).update(message)

    def action_save(self) -> None:
        text = self.query_one("#audit-date", Input).value.strip()
        try:
            on_day = date.fromisoformat(text)
        except ValueError:
            self._error(f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. {clock.today()}")
            self.query_one("#audit-date").focus()
            return
        findings = []
        for n in range(1, self._rows + 1):
            title = self.query_one(f"#f-title-{n}", Input).value.strip()
            if title:
                findings.append(
                    FindingDraft(str(self.query_one(f"#f-sev-{n}", Select).value), title)
                )
        result = self.query_one("#audit-result", Select).value
        self._save(
            on_day,
            str(self.query_one("#audit-type", Select).value),
            self.query_one("#audit-auditor", Input).value,
            self.query_one("#audit-scope", Input).value,
            "" if result == Select.NULL else str(result),
            findings,
        )

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def _save(self, on_day, kind, auditor, scope, result, findings) -> None:
        try:
            with review_app(self).db.session() as s:
                aid = audit_q.create_audit(
                    self.vendor_id,
                    session=s,
                    on=on_day,
                    type=kind,
                    auditor=auditor,
                    scope=scope,
                    result=result,
                    findings=findings,
                )
        except UserError as exc:
            self.app.call_from_thread(self._error, str(exc))
            return
        self.app.call_from_thread(self.dismiss, aid)

    def action_cancel(self) -> None:
        self.leave_form(lambda: self.dismiss(None))


class AuditsScreen(ListScreen):
    """Audits on top, the highlighted audit's findings below; p raises a plan from a finding."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "back", "Back", id="audits.back"),
        Binding("escape", "back", "Back", show=False, id="audits.back_esc"),
        Binding("p", "raise_plan", "Plan from finding", id="audits.raise_plan"),
        Binding("N", "new_audit", "Record audit", id="audits.new"),
        Binding("r", "refresh", "Refresh", show=False, id="audits.refresh"),
    ]

    CSS_PATH = "audits.tcss"

    TABLES = {
        "audits": (
            ("Date", "date", 10),
            ("Type", "type", 19),
            ("Result", "result", 11),
            ("Findings", "findings", 18),
            ("Vendor", "vendor", 26),
            ("Auditor", "auditor", 16),
        ),
        "findings": (("Severity", "severity", 11), ("Finding", "title", 44), ("Plan", "plan", 20)),
    }
    SUB_TITLE = "Audits and site visits"
    RELOAD_ON_RESUME = "never"

    def __init__(self, vendor_id: int | None = None) -> None:
        super().__init__(vendor_id)
        self._audits: dict[int, AuditRow] = {}
        self._findings: dict[int, object] = {}
        self._vendor_name = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Table(id="audits", cursor_type="row", zebra_stripes=True)
        yield Static("", id="audit-scope-line")
        yield Table(id="findings", cursor_type="row")
        yield Static("", classes="status-line", id="audits-line")
        yield Footer()

    def load(self, keep: int | None = None) -> None:
        self._query(keep)

    @read_worker
    def _query(self, keep: int | None) -> None:
        app = review_app(self)
        vid = app.scoped_vendor_id(self.vendor_id)
        with app.db.read() as s:
            rows = audit_q.list_audits(session=s, vendor_id=vid)
            name = vendor_q.get_detail(vid, session=s).name if vid else ""
        show_newest(self, self._show, rows, name, keep)

    def _show(self, rows, vendor_name: str, keep: int | None) -> None:
        self._vendor_name = vendor_name
        if vendor_name:
            self.sub_title = f"Audits · {vendor_name}"
        a = self.query_one("#audits", DataTable)
        a.clear()
        self._audits = {r.id: r for r in rows}
        for r in rows:
            counts = Text(f"{r.findings}")
            if r.critical or r.major:
                counts.append(f" ({r.critical} crit, {r.major} maj)", style="red")
            result = Text(
                r.result or "—",
                style={"fail": "bold red", "conditional": "yellow"}.get(r.result, ""),
            )
            a.add_row(
                r.date.isoformat(),
                enums.label(r.type),
                result,
                counts,
                r.vendor,
                r.auditor or "—",
                key=str(r.id),
            )
        if keep is not None and keep in self._audits:
            a.move_cursor(row=a.get_row_index(str(keep)))
        bare = sum(r.without_plan for r in rows)
        self.query_one("#audits-line", Static).update(
            f"{len(rows)} audit{'s' if len(rows) != 1 else ''} · {bare} critical or major "
            f"finding{'s' if bare != 1 else ''} without a plan · p raises one"
            if rows
            else "No audits recorded yet. N records one."
        )
        self._load_findings()

    @on(DataTable.RowHighlighted, "#audits")
    def _audit_highlighted(self) -> None:
        self._load_findings()

    def _selected(self, table: str) -> int | None:
        return self.query_one(table, Table).cursor_id()

    def _load_findings(self) -> None:
        aid = self._selected("#audits")
        if aid is None:
            self.query_one("#findings", DataTable).clear()
            return
        self._query_findings(aid)

    @work(thread=True, exclusive=True, group="db-findings", exit_on_error=False)
    def _query_findings(self, audit_id: int) -> None:
        with review_app(self).db.read() as s:
            detail = audit_q.get_audit(audit_id, session=s)
        self.app.call_from_thread(self._show_findings, detail)

    def _show_findings(self, detail) -> None:
        if self._selected("#audits") != detail.id:
            return
        self.query_one("#audit-scope-line", Static).update(
            f"[b]Scope:[/b] {escape(detail.scope or '—')}"
            + (f"  [dim]{escape(detail.notes)}[/dim]" if detail.notes else "")
        )
        f = self.query_one("#findings", DataTable)
        f.clear()
        self._findings = {x.id: x for x in detail.findings}
        for x in detail.findings:
            plan = (
                Text(f"plan {x.plan_id} ({x.plan_status})")
                if x.plan_id
                else Text(
                    "no plan", style="bold red" if x.severity in ("critical", "major") else "dim"
                )
            )
            f.add_row(
                Text(x.severity, style=SEVERITY_STYLE.get(x.severity, "")),
                x.title,
                plan,
                key=str(x.id),
            )

    def action_raise_plan(self) -> None:
        if review_app(self).settings.role != "facilitator":
            self.notify("This session is read-only: plans cannot be raised.", severity="error")
            return
        fid = self._selected("#findings")
        if fid is None:
            self.notify("This audit has no findings to raise a plan from.")
            return
        self._raise(fid)

    @work(thread=True, group="write", exit_on_error=False)
    def _raise(self, finding_id: int) -> None:
        try:
            with review_app(self).db.session() as s:
                pid, new = audit_q.raise_plan_from_finding(finding_id, session=s)
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._raised, pid, new)

    def _raised(self, plan_id: int, new: bool) -> None:
        self.notify(
            f"Plan {plan_id} raised from the finding: add its whys and actions."
            if new
            else f"This finding has plan {plan_id} already: opening it.",
            timeout=4,
        )
        self.load(self._selected("#audits"))
        review_app(self).open_plan(
            plan_id, on_saved=lambda _p: self.load(self._selected("#audits"))
        )

    def action_new_audit(self) -> None:
        if review_app(self).settings.role != "facilitator":
            self.notify("This session is read-only.", severity="error")
            return
        vid = self.vendor_id
        name = self._vendor_name
        if vid is None:
            aid = self._selected("#audits")
            row = self._audits.get(aid) if aid is not None else None
            if row is None:
                self.notify("Open audits from a vendor (Ctrl+P) to record one for it.")
                return
            vid, name = row.vendor_id, row.vendor

        def done(aid: int | None) -> None:
            if aid is not None:
                self.notify(f"Audit {aid} recorded.", timeout=3)
                self.load(aid)

        self.app.push_screen(AuditFormScreen(vid, name), done)

    def action_refresh(self) -> None:
        self.load(self._selected("#audits"))
