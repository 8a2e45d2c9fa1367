"""The meeting list (all vendors, or one) and scheduling a meeting from the TUI."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Header, Input, Label, Select, Static

from reviewtui.appref import review_app
from reviewtui.db import mail as mail_q
from reviewtui.db import meetings as meeting_q
from reviewtui.db import vendors as vendor_q
from reviewtui.db.errors import UserError
from reviewtui.domain import clock, enums
from reviewtui.domain.when import WHEN_EXAMPLES, WhenError, parse_when
from reviewtui.screens.form_guard import GuardedForm
from reviewtui.screens.list_screen import ListScreen
from reviewtui.screens.reads import read_worker, show_newest
from reviewtui.widgets.choice import chosen_int
from reviewtui.widgets.footer import Footer
from reviewtui.widgets.table import Table

if TYPE_CHECKING:
    from reviewtui.views.meetings import MeetingRow

STATUS_STYLE = {
    "in_progress": "bold green",
    "planned": "",
    "ended": "dim",
    "signed_off": "dim",
    "cancelled": "dim strike",
}
# In progress first, then what is coming, then the past (newest first).
STATUS_ORDER = {"in_progress": 0, "planned": 1, "ended": 2, "signed_off": 2, "cancelled": 2}


class MeetingsScreen(ListScreen):
    """Meetings in progress and planned first, then past ones; Enter opens, n schedules."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", id="meetings.open"),
        Binding("n", "new", "New meeting", id="meetings.new"),
        Binding("t", "reschedule", "Reschedule", id="meetings.reschedule"),
        Binding("X", "cancel_meeting", "Cancel meeting", id="meetings.cancel"),
        Binding("f", "feedback", "Feedback", id="meetings.feedback"),
        Binding("M", "minutes", "Minutes", id="meetings.minutes"),
        Binding("r", "refresh", "Refresh", id="meetings.refresh"),
        Binding("q", "back", "Back", id="meetings.back"),
        Binding("escape", "back", "Back", show=False, id="meetings.back_esc"),
    ]

    CSS_PATH = "meetings.tcss"

    TABLES = {
        "meetings": (
            ("When", "when", 16),
            ("Status", "status", 12),
            ("Vendor", "vendor", 24),
            ("Type", "type", 7),
            ("Title", "title", None),
        )
    }
    RELOAD_ON_RESUME = "always"

    def __init__(self, vendor_id: int | None = None) -> None:
        super().__init__(vendor_id)
        self.rows: dict[int, MeetingRow] = {}
        self._select: int | None = None  # a meeting to put the cursor on after the next load

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static("Meetings", id="meetings-title")
            yield Static("Loading…", classes="status-line", id="meetings-status")
            yield Table(id="meetings", cursor_type="row", zebra_stripes=True)
        yield Footer()

    @read_worker
    def load(self) -> None:
        app = review_app(self)
        try:
            with app.db.read() as s:
                rows = meeting_q.list_meetings(
                    session=s,
                    vendor_id=self.vendor_id,
                    only_vendor=app.vendor_scope,
                )
                vendor = (
                    vendor_q.get_detail(self.vendor_id, session=s).name if self.vendor_id else None
                )
        except UserError as exc:
            app.call_from_thread(self.notify, str(exc), severity="error")
            return
        show_newest(self, self._show, rows, vendor)

    def _show(self, rows, vendor: str | None) -> None:
        self.query_one("#meetings-title", Static).update(
            Text(f"Meetings · {vendor}" if vendor else "Meetings · all vendors")
        )
        self.sub_title = vendor or ""
        t = self.query_one("#meetings", DataTable)
        keep = t.cursor_row
        t.clear()
        ordered = sorted(
            rows,
            key=lambda r: (
                STATUS_ORDER.get(r.status, 3),
                r.scheduled_at.timestamp() * (1 if r.status == "planned" else -1),
            ),
        )
        self.rows = {r.id: r for r in ordered}
        for r in ordered:
            status = Text(enums.label(r.status), style=STATUS_STYLE.get(r.status, ""))
            t.add_row(
                r.scheduled_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                status,
                r.vendor,
                enums.label(r.type),
                r.title,
                key=str(r.id),
            )
        if ordered:
            ids = [r.id for r in ordered]
            if self._select in ids:
                keep = ids.index(self._select)
            self._select = None
            t.move_cursor(row=min(keep, len(ordered) - 1))
        planned = sum(1 for r in rows if r.status == "planned")
        self.query_one("#meetings-status", Static).update(
            f"{len(rows)} meetings · {planned} planned · n schedules one"
            if rows
            else "No meetings yet: press n to schedule one."
        )
        t.focus()

    def _selected_id(self) -> int | None:
        return self.query_one("#meetings", Table).cursor_id()

    def action_open(self) -> None:
        mid = self._selected_id()
        if mid is not None:
            # Back from it, the cursor is on it again, wherever its new status sorts it
            # (ended meetings move down): M then opens this meeting's minutes.
            self._select = mid
            review_app(self).open_meeting(mid)

    @on(DataTable.RowSelected, "#meetings")
    def _selected(self) -> None:
        self.action_open()

    def action_minutes(self) -> None:
        """The selected meeting's minutes: preview, sign-off, export."""
        mid = self._selected_id()
        if mid is not None:
            self._select = mid
            review_app(self).open_minutes(mid)

    def action_feedback(self) -> None:
        from reviewtui.screens.feedback import FeedbackScreen

        mid = self._selected_id()
        row = self.rows.get(mid) if mid is not None else None
        vendor_id = row.vendor_id if row is not None else self.vendor_id
        if vendor_id is not None:
            self.app.push_screen(FeedbackScreen(vendor_id, meeting_id=mid))

    def action_new(self) -> None:
        if review_app(self).settings.role != "facilitator":
            self.notify(
                "This session is read-only: meetings cannot be scheduled.", severity="error"
            )
            return
        mid = self._selected_id()
        row = self.rows.get(mid) if mid is not None else None
        # The vendor of this list, else of the selected meeting, is the likely one.
        self._vendors_for_new(self.vendor_id or getattr(row, "vendor_id", None))

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _vendors_for_new(self, vendor_id: int | None) -> None:
        with review_app(self).db.read() as s:
            names = vendor_q.names(session=s, only_vendor=review_app(self).vendor_scope)
        self.app.call_from_thread(self._ask_new, names, vendor_id)

    def _ask_new(self, names: list[tuple[int, str]], vendor_id: int | None) -> None:
        if not names:
            self.notify("Add a vendor first (dashboard: a).", severity="warning")
            return

        def done(meeting_id: int | None) -> None:
            if meeting_id is not None:
                self.notify(f"Meeting {meeting_id} scheduled with its default agenda.")
                self._select = meeting_id
                self.load()

        self.app.push_screen(NewMeetingModal(names, vendor_id), done)

    # --- reschedule and cancel (those invited are told by mail) ------------------------------

    def _planned_row(self, doing: str) -> MeetingRow | None:
        if review_app(self).settings.role != "facilitator":
            self.notify(f"This session is read-only: meetings cannot be {doing}.", severity="error")
            return None
        mid = self._selected_id()
        row = self.rows.get(mid) if mid is not None else None
        if row is None:
            return None
        if row.status != "planned":
            self.notify(
                f"Only a planned meeting can be {doing}; this one is {enums.label(row.status)}.",
                severity="warning",
            )
            return None
        return row

    def action_reschedule(self) -> None:
        row = self._planned_row("rescheduled")
        if row is None:
            return

        def done(text: str | None) -> None:
            if text is not None:
                self._change(row.id, "update", text)

        self.app.push_screen(
            PromptModal(f"Move meeting {row.id} to", f"When: {WHEN_EXAMPLES}", when=True), done
        )

    def action_cancel_meeting(self) -> None:
        row = self._planned_row("cancelled")
        if row is None:
            return

        def done(text: str | None) -> None:
            if text is not None:
                self._change(row.id, "cancel", text)

        self.app.push_screen(
            PromptModal(f"Cancel meeting {row.id}? Reason (optional)", "Reason", when=False),
            done,
        )

    # Its own group: the list's reload on resume (exclusive in "db") must not cancel it.
    @work(thread=True, group="meeting-change", exit_on_error=False)
    def _change(self, meeting_id: int, kind: str, text: str) -> None:
        from reviewtui.mail import invites

        app = review_app(self)
        try:
            with app.db.session() as s:
                if kind == "update":
                    state = mail_q.reschedule(meeting_id, parse_when(text, now=clock.now()),
                                              session=s)  # fmt: skip
                else:
                    state = mail_q.cancel(meeting_id, text, session=s)
        except (UserError, ValueError) as exc:
            app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        done = "moved" if kind == "update" else "cancelled"
        app.call_from_thread(self.notify, f"Meeting {meeting_id} {done}.", markup=False)
        app.call_from_thread(self.load)
        try:
            out = invites.announce(app.db, app.settings, state, kind)
        except UserError as exc:
            app.call_from_thread(
                self.notify,
                f"Those invited were not told: {exc}",
                severity="error",
                markup=False,
                timeout=12,
            )
            return
        if out is not None:
            told = f"Told {len(out.accepted)} invited by mail."
            if out.refused:
                told += " Refused: " + ", ".join(r.address for r, _why in out.refused) + "."
            app.call_from_thread(
                self.notify, told, severity="error" if out.refused else "information",
                markup=False,
            )  # fmt: skip


class PromptModal(ModalScreen[str | None]):
    """One line of text (a time, or a reason); Enter gives it, Escape gives None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,ctrl+g", "cancel", "Cancel", id="prompt.cancel"),
    ]

    def __init__(self, title: str, placeholder: str, *, when: bool) -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.when = when

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label(Text(self.title_text), classes="title")
            yield Input(placeholder=self.placeholder, id="prompt-input")
            yield Static("Enter confirms · Esc cancels", classes="muted")
            yield Static("", classes="form-error", id="prompt-error")

    def on_mount(self) -> None:
        self.query_one("#prompt-input", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        text = self.query_one("#prompt-input", Input).value
        if self.when:
            try:
                parse_when(text, now=clock.now())
            except WhenError as exc:
                self.query_one("#prompt-error", Static).update(Text(str(exc)))
                return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NewMeetingModal(GuardedForm, ModalScreen[int | None]):
    """Vendor, when, type, title and place; Enter schedules it (with the default agenda)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Schedule", id="new_meeting.save"),
        Binding("escape,ctrl+g", "cancel", "Cancel", id="new_meeting.cancel"),
    ]

    def __init__(self, vendors: list[tuple[int, str]], vendor_id: int | None) -> None:
        super().__init__()
        self.vendors = vendors
        self.vendor_id = vendor_id if vendor_id is not None else vendors[0][0]

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label("Schedule a meeting", classes="title")
            with Horizontal(classes="row"):
                yield Label("Vendor")
                yield Select(
                    [(name, vid) for vid, name in self.vendors],
                    value=self.vendor_id,
                    allow_blank=False,
                    id="new-vendor",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("When")
                yield Input(placeholder=WHEN_EXAMPLES, id="new-when", compact=True)
            with Horizontal(classes="row"):
                yield Label("Type")
                yield Select(
                    [(f"{enums.label(t)}", t) for t in enums.MEETING_TYPES],
                    value="monthly",
                    allow_blank=False,
                    id="new-type",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Title")
                yield Input(placeholder="optional", id="new-title", compact=True)
            with Horizontal(classes="row"):
                yield Label("Place")
                yield Input(
                    placeholder="room, address or call link (optional)",
                    id="new-place",
                    compact=True,
                )
            yield Static("Enter schedules · Tab next field · Esc cancels", classes="muted")
            yield Static("", classes="form-error", id="new-error")

    def on_mount(self) -> None:
        self.query_one("#new-when", Input).focus()
        self.remember_form()

    @on(Input.Submitted)
    def action_save(self) -> None:
        err = self.query_one("#new-error", Static)
        try:
            when = parse_when(self.query_one("#new-when", Input).value, now=clock.now())
        except WhenError as exc:
            err.update(str(exc))
            self.query_one("#new-when", Input).focus()
            return
        self._create(
            chosen_int(self.query_one("#new-vendor", Select)),
            when,
            str(self.query_one("#new-type", Select).value),
            self.query_one("#new-title", Input).value,
            self.query_one("#new-place", Input).value,
        )

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def _create(self, vendor_id: int, when, meeting_type: str, title: str, place: str) -> None:
        app = review_app(self)
        try:
            with app.db.session() as s:
                mid = meeting_q.create_meeting(
                    vendor_id,
                    when,
                    session=s,
                    meeting_type=meeting_type,
                    title=title,
                    location=place,
                    settings=app.settings,
                )
        except UserError as exc:
            app.call_from_thread(self.query_one("#new-error", Static).update, str(exc))
            return
        app.call_from_thread(self.dismiss, mid)

    def action_cancel(self) -> None:
        self.leave_form(lambda: self.dismiss(None))
