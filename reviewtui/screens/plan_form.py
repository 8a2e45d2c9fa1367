"""The corrective action plan form and the effectiveness-check form (both modal, both return a
value): problem, linked KPI or finding, five whys in order, root cause and its category,
containment, actions; and a check's outcome with the KPI's values since the plan was raised."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Select, Static
from textual.widgets.select import NoSelection

from reviewtui.appref import review_app
from reviewtui.db import actions as action_q
from reviewtui.db import plans as plan_q
from reviewtui.db import vendors as vendor_q
from reviewtui.db.errors import UserError
from reviewtui.db.plans import ActionDraft
from reviewtui.domain import actions as action_rules
from reviewtui.domain import clock, enums
from reviewtui.domain import plans as plan_rules
from reviewtui.domain.figures import figure
from reviewtui.domain.people import resolve_owner
from reviewtui.screens.form_guard import GuardedForm

if TYPE_CHECKING:
    from reviewtui.db.plans import PlanDraft, VerificationResult  # noqa: F401
    from reviewtui.views.plans import KpiSince, PlanDetail

WHYS = 5
NEW_ACTION_ROWS = 3
NO_KPI = -1


@dataclass(frozen=True)
class PlanFormData:
    """Everything the form shows, loaded before it opens."""

    vendor_id: int
    vendor: str
    draft: PlanDraft | None
    detail: PlanDetail | None
    kpis: list[tuple[int, str]]
    contacts: list[str]
    guests: list[str] = field(default_factory=list)  # the meeting's guests (not contacts)

    @property
    def owners(self) -> list[str]:
        """Who an action of the plan can go to: contacts, then the meeting's guests."""
        return list(dict.fromkeys([*self.contacts, *self.guests]))


def load_form_data(
    session,
    *,
    plan_id: int | None = None,
    vendor_id: int | None = None,
    kpi_id: int | None = None,
    feedback_id: int | None = None,
    agenda_item_id: int | None = None,
    meeting_id: int | None = None,
) -> PlanFormData:
    """Read what the plan form needs (run it in a worker); in a meeting, its guests who are
    present may own actions too."""

    detail = draft = None
    if plan_id is not None:
        detail = plan_q.get_plan(plan_id, session=session)
        vid, vname = detail.vendor_id, detail.vendor
    else:
        if feedback_id is not None:
            draft = plan_q.draft_from_feedback(feedback_id, session=session)
        elif agenda_item_id is not None:
            draft = plan_q.draft_from_agenda_item(agenda_item_id, session=session)
        elif kpi_id is not None:
            draft = plan_q.draft_from_kpi(kpi_id, session=session)
        else:
            assert vendor_id is not None
            draft = plan_q.draft_for_vendor(vendor_id, session=session)
        vid, vname = draft.vendor_id, draft.vendor
    contacts = [c.name for c in vendor_q.get_detail(vid, session=session).contacts]
    guests: list[str] = []
    if meeting_id is not None:
        from reviewtui.db import meetings as meeting_q

        view = meeting_q.get_meeting(meeting_id, session=session)
        guests = [a.name for a in view.attendance if a.contact_id is None and a.status == "present"]
    return PlanFormData(
        vid, vname, draft, detail, plan_q.kpi_choices(vid, session=session), contacts, guests
    )


class PlanFormScreen(GuardedForm, ModalScreen[int | None]):
    """Raise or edit a corrective action plan; returns the plan's id when saved.

    Ctrl+S saves, Ctrl+N adds a row for another action, Escape or Ctrl+G cancels.
    A plan reopened by a failed check opens at its whys: the root cause is looked at again.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="plan_form.save"),
        Binding("ctrl+n", "add_row", "Another action", id="plan_form.add_row"),
        Binding("ctrl+g", "cancel", "Cancel", id="plan_form.cancel"),
        Binding("escape", "cancel", "Cancel", show=False, id="plan_form.cancel_esc"),
    ]

    CSS_PATH = "plan_form.tcss"

    def __init__(self, data: PlanFormData, *, meeting_id: int | None = None) -> None:
        super().__init__()
        self.data = data
        self.meeting_id = meeting_id
        self._rows = NEW_ACTION_ROWS

    @property
    def detail(self) -> PlanDetail | None:
        return self.data.detail

    def compose(self) -> ComposeResult:
        d, draft = self.data.detail, self.data.draft
        title = d.title if d else (draft.title if draft else "")
        problem = d.problem if d else (draft.problem if draft else "")
        whys = list(d.whys) if d else []
        link_label = d.link_label if d else (draft.link_label if draft else "")
        kpi_id = d.kpi_id if d else (draft.kpi_id if draft else None)
        src = d or draft
        finding = src is not None and any(
            x is not None for x in (src.finding_id, src.feedback_id, src.agenda_item_id)
        )
        with VerticalScroll(id="plan-form", classes="modal-box -wide"):
            head = f"Plan {d.id} · {d.status}" if d else "New corrective action plan"
            yield Label(f"{head} · {escape(self.data.vendor)}", classes="title", id="plan-head")
            if d and d.status == "reopened":
                yield Static(
                    "Reopened: the last check did not confirm the fix. Look at the whys and "
                    "the root cause again, then add the actions that follow from them.",
                    classes="banner",
                    id="plan-reopened",
                )
            with Horizontal(classes="row"):
                yield Label("Title")
                yield Input(
                    title,
                    placeholder="the problem in a few words",
                    id="plan-title",
                    compact=True,
                    select_on_focus=False,
                )
            with Horizontal(classes="row"):
                yield Label("Problem")
                yield Input(
                    problem,
                    placeholder="what, where, since when, how big",
                    id="plan-problem",
                    compact=True,
                    select_on_focus=False,
                )
            with Horizontal(classes="row"):
                yield Label("Linked to")
                if finding:
                    yield Static(link_label, id="plan-link")
                else:
                    yield Select(
                        [("no KPI", NO_KPI)] + [(n, i) for i, n in self.data.kpis],
                        value=kpi_id if kpi_id is not None else NO_KPI,
                        allow_blank=False,
                        id="plan-kpi",
                        compact=True,
                    )
            yield Static("Five whys (each answers the one before)", classes="section")
            for i in range(WHYS):
                with Horizontal(classes="row"):
                    yield Label(f"Why {i + 1}")
                    yield Input(
                        whys[i] if i < len(whys) else "",
                        placeholder="why?" if i else "why did the problem happen?",
                        id=f"why-{i + 1}",
                        compact=True,
                        select_on_focus=False,
                    )
            yield Static("Root cause and containment", classes="section")
            with Horizontal(classes="row"):
                yield Label("Root cause")
                yield Input(
                    d.root_cause if d else "",
                    placeholder="what, once fixed, stops it happening again",
                    id="plan-root",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Category")
                yield Select(
                    [(c.replace("_", " "), c) for c in plan_rules.ROOT_CAUSE_CATEGORIES],
                    value=d.root_cause_category if d and d.root_cause_category else Select.NULL,
                    prompt="root cause category",
                    id="plan-category",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Containment")
                yield Input(
                    d.containment if d else "",
                    placeholder="what protects the client until the fix holds",
                    id="plan-containment",
                    compact=True,
                )
            yield Static("Actions (title · owner · due: 2026-12-15, +2w, +1m)", classes="section")
            if d:
                for a in d.actions:
                    late = Text(f" {a.days_overdue}d late", style="bold red") if a.overdue else ""
                    line = Text.assemble(
                        f"{a.due_date}",
                        late,
                        f" {enums.label(a.status)}: {a.title} — {a.owner or 'nobody'}",
                    )
                    yield Static(line, classes="existing-action")
            for i in range(self._rows):
                yield self._action_row(i + 1)
            yield Static("", id="plan-owners")
            yield Static("", classes="form-error", id="plan-error")
            yield Static(
                "[dim]Ctrl+S saves · Ctrl+N another action · Esc cancels[/dim]", id="plan-hint"
            )

    def _action_row(self, n: int) -> Horizontal:
        suggest = SuggestFromList(self.data.owners, case_sensitive=False)
        return Horizontal(
            Input(placeholder=f"action {n}", classes="a-title", id=f"a-title-{n}", compact=True),
            Input(
                placeholder="owner",
                classes="a-owner",
                id=f"a-owner-{n}",
                suggester=suggest,
                compact=True,
            ),
            Input(placeholder="due", classes="a-due", id=f"a-due-{n}", compact=True),
            classes="row action-row",
            id=f"a-row-{n}",
        )

    def on_mount(self) -> None:
        d = self.detail
        if d and d.status == "reopened":
            self.query_one("#why-1", Input).focus()
        else:
            self.query_one(self._first_to_type(), Input).focus()
        if d and d.status == "closed":
            self._error("This plan is closed and can no longer be changed.")
        self.remember_form()

    def _first_to_type(self) -> str:
        """The first empty field of title, problem, whys, root cause (a plan raised from a
        finding or a KPI comes with its title and problem: the typing starts at the whys)."""
        order = ["#plan-title", "#plan-problem", *(f"#why-{i + 1}" for i in range(WHYS))]
        for wid in [*order, "#plan-root", "#plan-containment", "#a-title-1"]:
            if not self.query_one(wid, Input).value.strip():
                return wid
        return "#plan-title"

    def _error(self, message: str, focus: str | None = None) -> None:
        self.query_one("#plan-error", Static).update(message)
        if focus:
            widget = self.query_one(focus)
            widget.focus()
            widget.scroll_visible()

    @on(Input.Changed, ".a-owner")
    def _owner_typed(self) -> None:
        """Say, under the actions, whom each typed owner names, and which are free text."""
        parts = []
        for n in range(1, self._rows + 1):
            typed = " ".join(self._value(f"#a-owner-{n}").split())
            if not typed:
                continue
            name, known = resolve_owner(typed, self.data.owners)
            if not known:
                parts.append(f"{n}: {typed} (free text: not a contact or guest)")
            elif name != typed:
                parts.append(f"{n}: {typed} → {name}")
        self.query_one("#plan-owners", Static).update(
            Text("Owners · " + " · ".join(parts), style="dim") if parts else ""
        )

    async def action_add_row(self) -> None:
        self._rows += 1
        row = self._action_row(self._rows)
        await self.query_one("#plan-form").mount(row, before=self.query_one("#plan-owners"))
        row.query_one(Input).focus()

    def _value(self, wid: str) -> str:
        return self.query_one(wid, Input).value.strip()

    def action_save(self) -> None:
        d = self.detail
        if d and d.status == "closed":
            self._error("This plan is closed and can no longer be changed.")
            return
        if not self._value("#plan-title"):
            self._error("A plan needs a title: the problem in a few words.", "#plan-title")
            return
        whys = [self._value(f"#why-{i + 1}") for i in range(WHYS)]
        try:
            plan_rules.clean_whys(whys)
        except plan_rules.PlanRuleError as exc:
            gap = next(i for i, w in enumerate(whys) if not w) + 1
            self._error(str(exc), f"#why-{gap}")
            return
        category = self.query_one("#plan-category", Select).value
        category_s = "" if category == Select.NULL else str(category)
        try:
            plan_rules.check_root_cause(self._value("#plan-root"), category_s)
        except plan_rules.PlanRuleError as exc:
            self._error(str(exc), "#plan-root")
            return
        raised = d.raised_on if d else clock.today()
        drafts = []
        for n in range(1, self._rows + 1):
            title = self._value(f"#a-title-{n}")
            due = self._value(f"#a-due-{n}")
            if not title:
                if due or self._value(f"#a-owner-{n}"):
                    self._error(f"Action {n} needs a title.", f"#a-title-{n}")
                    return
                continue
            try:
                action_rules.parse_due(due, today=clock.today(), not_before=raised)
            except action_rules.DueDateError as exc:
                self._error(f"Action {n}: {exc}", f"#a-due-{n}")
                return
            owner, _known = resolve_owner(self._value(f"#a-owner-{n}"), self.data.owners)
            drafts.append(ActionDraft(title, due, owner=owner))
        kpi_id = None
        if self.query("#plan-kpi"):
            k = self.query_one("#plan-kpi", Select).value
            kpi_id = None if isinstance(k, NoSelection) or k == NO_KPI else int(k)
        self._error("Saving…")
        self._save(
            title=self._value("#plan-title"),
            problem=self._value("#plan-problem"),
            whys=whys,
            root_cause=self._value("#plan-root"),
            category=category_s,
            containment=self._value("#plan-containment"),
            kpi_id=kpi_id,
            drafts=drafts,
        )

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def _save(
        self, *, title, problem, whys, root_cause, category, containment, kpi_id, drafts
    ) -> None:
        d, draft = self.detail, self.data.draft
        try:
            with review_app(self).db.session() as s:
                if d is None:
                    assert draft is not None
                    pid = plan_q.create_plan(
                        draft.vendor_id,
                        session=s,
                        title=title,
                        problem=problem,
                        source=draft.source,
                        kpi_id=kpi_id,
                        finding_id=draft.finding_id,
                        feedback_id=draft.feedback_id,
                        agenda_item_id=draft.agenda_item_id,
                        whys=whys,
                        root_cause=root_cause,
                        root_cause_category=category,
                        containment=containment,
                        actions=drafts,
                        meeting_id=self.meeting_id,
                    )
                else:
                    pid = d.id
                    plan_q.update_plan(
                        pid,
                        session=s,
                        expected_version=d.version,
                        title=title,
                        problem=problem,
                        whys=whys,
                        root_cause=root_cause,
                        root_cause_category=category,
                        containment=containment,
                        kpi_id=kpi_id,
                    )
                    for i, a in enumerate(drafts, start=1):
                        try:
                            action_q.create_action(
                                d.vendor_id,
                                a.title,
                                a.due,
                                session=s,
                                plan_id=pid,
                                owner=a.owner,
                                meeting_id=self.meeting_id,
                            )
                        except UserError as exc:
                            raise type(exc)(f"action {i}: {exc}") from exc
        except UserError as exc:
            self.app.call_from_thread(self._error, str(exc))
            return
        self.app.call_from_thread(self.dismiss, pid)

    def action_cancel(self) -> None:
        self.leave_form(lambda: self.dismiss(None))


# --- the effectiveness check ----------------------------------------------------------


def kpi_lines(kpi: KpiSince | None) -> list[Text]:
    """The KPI's values since the plan was raised, each with its status in words."""
    if kpi is None:
        return []
    arrow = "≥" if kpi.direction == "higher" else "≤"
    out = [Text(f"{kpi.name} (target {arrow} {figure(kpi.target, kpi.unit)})", style="bold")]
    style = {"green": "green", "amber": "yellow", "red": "bold red"}
    points = ([kpi.before] if kpi.before else []) + list(kpi.since)
    for p in points:
        when = "before" if p is kpi.before else "since"
        out.append(
            Text.assemble(
                f"  {p.period:<8} {figure(p.value, kpi.unit):>10}  ",
                (p.status, style.get(p.status, "")),
                f"  ({when}{', vendor-reported' if p.source == 'vendor' else ''})",
            )
        )
    if not kpi.since:
        out.append(Text("  no values since the plan was raised yet", style="dim"))
    return out


class VerificationScreen(GuardedForm, ModalScreen["VerificationResult | None"]):
    """Record a plan's effectiveness check; returns the result (the plan's new status)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="verify.save"),
        Binding("ctrl+g", "cancel", "Cancel", id="verify.cancel"),
        Binding("escape", "cancel", "Cancel", show=False, id="verify.cancel_esc"),
    ]

    CSS_PATH = "plan_form.tcss"

    def __init__(self, detail: PlanDetail, kpi: KpiSince | None) -> None:
        super().__init__()
        self.detail = detail
        self.kpi = kpi

    def compose(self) -> ComposeResult:
        d = self.detail
        with VerticalScroll(id="verify-form", classes="modal-box -wide"):
            yield Label(f"Effectiveness check · plan {d.id} · {escape(d.vendor)}", classes="title")
            yield Static(d.title, markup=False)
            due = f"check due {d.verification_due}" if d.verification_due else "no check scheduled"
            yield Static(f"[dim]Status {d.status} · raised {d.raised_on} · {due}[/dim]")
            if d.verifications:
                last = d.verifications[-1]
                yield Static(
                    f"[dim]Last check {last.check_date}: {enums.label(last.outcome)}[/dim]"
                )
            for line in kpi_lines(self.kpi):
                yield Static(line, classes="kpi-line")
            if d.verify_blocker:
                yield Static(f"Cannot be verified yet: {d.verify_blocker}.", classes="banner")
            with Horizontal(classes="row"):
                yield Label("Outcome")
                yield Select(
                    [
                        ("confirmed: the problem is gone (closes the plan)", "confirmed"),
                        ("not confirmed: back to the root cause", "not_confirmed"),
                        ("inconclusive: check again later", "inconclusive"),
                    ],
                    prompt="outcome of the check",
                    id="verify-outcome",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Checked on")
                yield Input(clock.today().isoformat(), id="verify-date", compact=True)
            with Horizontal(classes="row"):
                yield Label("Note")
                yield Input(placeholder="what the check looked at", id="verify-note", compact=True)
            yield Static("", classes="form-error", id="verify-error")
            yield Static("[dim]Ctrl+S saves · Esc cancels[/dim]")

    def on_mount(self) -> None:
        self.query_one("#verify-outcome", Select).focus()
        self.remember_form()

    def _error(self, message: str) -> None:
        self.query_one("#verify-error", Static).update(message)

    @on(Input.Submitted)
    def action_save(self) -> None:
        outcome = self.query_one("#verify-outcome", Select).value
        if outcome == Select.NULL:
            self._error("Choose the outcome of the check.")
            self.query_one("#verify-outcome").focus()
            return
        text = self.query_one("#verify-date", Input).value.strip()
        try:
            on_day = date.fromisoformat(text)
        except ValueError:
            self._error(f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. {clock.today()}")
            return
        self._save(str(outcome), on_day, self.query_one("#verify-note", Input).value)

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def _save(self, outcome: str, on_day: date, note: str) -> None:
        app = review_app(self)
        try:
            with app.db.session() as s:
                res = plan_q.record_verification(
                    self.detail.id,
                    outcome,
                    session=s,
                    note=note,
                    check_date=on_day,
                    verification_days=app.settings.verification_days,
                )
        except UserError as exc:
            app.call_from_thread(self._error, str(exc))
            return
        app.call_from_thread(self.dismiss, res)

    def action_cancel(self) -> None:
        self.leave_form(lambda: self.dismiss(None))
