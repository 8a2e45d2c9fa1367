"""The Actions screen: open corrective actions across vendors (or for one), filtered, searched and
paged in SQL, earliest due first; overdue ones in red and marked "late"; edited in place.

After a reload the cursor stays on the row it is on, unless that row is the action just changed
here: then the cursor keeps its place in the list (the next row moves up into it when the changed
action leaves the list or sorts elsewhere). So ``↓ x`` acts on the row the user sees under the
cursor, even when the list re-sorts under it. ``x`` marks an action done and ``u`` takes that
back (the history keeps both changes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, Select, Static

from reviewtui.appref import review_app
from reviewtui.db import actions as action_q
from reviewtui.db import vendors as vendor_q
from reviewtui.db.actions import ActionFilter
from reviewtui.db.errors import UserError
from reviewtui.domain import enums
from reviewtui.screens.list_screen import ListScreen
from reviewtui.screens.reads import read_worker, show_newest
from reviewtui.widgets.footer import Footer
from reviewtui.widgets.table import Table

if TYPE_CHECKING:
    from reviewtui.screens.action_edit import ActionEdit
    from reviewtui.views.actions import ActionPage, ActionRow

PAGE_SIZE = 200
OPEN = "open+in_progress"
STATUS_CHOICES = [
    ("Open and in progress", OPEN),
    ("Open", "open"),
    ("In progress", "in_progress"),
    ("Done", "done"),
    ("Cancelled", "cancelled"),
    ("All statuses", "all"),
]
ALL_VENDORS = -1


def status_cell(status: str) -> Text:
    style = {"done": "green", "cancelled": "dim", "in_progress": "cyan"}.get(status, "")
    return Text(enums.label(status), style=style)


def due_cell(row: ActionRow) -> Text:
    """The due date, and for an overdue action the days late in words and in red."""
    t = Text(row.due_date.isoformat())
    if row.overdue:
        t.stylize("bold red")
        t.append(f" {row.days_overdue}d late", style="bold red")
    return t


class ActionsScreen(ListScreen):
    """Actions of every vendor, or of one; ``meeting_id`` records changes against a meeting.

    Writes run in their own non-exclusive worker group: a reload (an exclusive "db" worker, e.g.
    when the screen is shown again) must never cancel a save that has not started yet.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "back", "Back", id="actions.back"),
        Binding("escape", "back", "Back", show=False, id="actions.back_esc"),
        Binding("slash", "search", "Search", id="actions.search"),
        Binding("o", "toggle_overdue", "Overdue", id="actions.overdue"),
        Binding("e", "edit", "Edit", id="actions.edit"),
        Binding("x", "mark_done", "Done", id="actions.done"),
        Binding("u", "undo", "Undo done", show=False, id="actions.undo"),  # told after x
        Binding("n", "page(1)", "Next page", id="actions.next_page"),
        Binding("p", "page(-1)", "Previous page", show=False, id="actions.prev_page"),
        Binding("P", "open_plan", "Its plan", show=False, id="actions.plan"),
        Binding("r", "refresh", "Refresh", show=False, id="actions.refresh"),
    ]

    CSS_PATH = "actions.tcss"

    overdue_only: reactive[bool] = reactive(False)
    """Show only open actions past their due date."""
    page_offset: reactive[int] = reactive(0)
    """The first row of the page on show."""

    TABLES = {
        "actions": (
            ("Due", "due", 20),
            ("Status", "status", 11),
            ("Action", "title", 30),
            ("Owner", "owner", 16),
            ("Vendor", "vendor", 22),
            ("Priority", "priority", 8),
        )
    }
    SUB_TITLE = "Actions"
    # Back from a plan, a meeting or the editor: the list may have changed.
    RELOAD_ON_RESUME = "after_first"

    def __init__(
        self,
        vendor_id: int | None = None,
        *,
        meeting_id: int | None = None,
        overdue_only: bool = False,
    ) -> None:
        super().__init__(vendor_id)
        self.meeting_id = meeting_id
        self._rows: dict[int, ActionRow] = {}
        self._page: ActionPage | None = None
        self._debounce: Timer | None = None
        self._vendors_shown = False  # the vendor picker's own first Changed is not a choice
        # Actions marked done here, newest last: (id, title, status before, version after).
        self._undo: list[tuple[int, str, str, int]] = []
        self.set_reactive(ActionsScreen.overdue_only, overdue_only)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="actions-filters"):
            yield Input(placeholder="/ search title, owner, vendor", id="search", compact=True)
            yield Input(placeholder="owner", id="owner", compact=True)
            yield Select(STATUS_CHOICES, value=OPEN, allow_blank=False, id="status", compact=True)
            yield Select(
                [("All vendors", ALL_VENDORS)],
                value=ALL_VENDORS,
                allow_blank=False,
                id="vendor",
                compact=True,
            )
        yield Static("Loading…", classes="status-line", id="actions-status")
        yield Table(id="actions", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def opened(self) -> None:
        self._load_vendors()

    # --- loading ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="db-vendors", exit_on_error=False)
    def _load_vendors(self) -> None:
        app = review_app(self)
        with app.db.read() as s:
            names = vendor_q.names(session=s, only_vendor=app.vendor_scope)
        self.app.call_from_thread(self._show_vendors, names)

    def _show_vendors(self, names: list[tuple[int, str]]) -> None:
        select = self.query_one("#vendor", Select)
        scoped = review_app(self).vendor_scope is not None
        options = (
            [(n, i) for i, n in names]
            if scoped
            else [("All vendors", ALL_VENDORS)] + [(n, i) for i, n in names]
        )
        with self.prevent(Select.Changed):
            select.set_options(options)
            if scoped and names:
                self.vendor_id = names[0][0]
            if self.vendor_id is not None:
                select.value = self.vendor_id
            else:
                select.value = ALL_VENDORS
        select.disabled = scoped
        self.call_after_refresh(setattr, self, "_vendors_shown", True)
        if self.vendor_id is not None:
            name = next((n for i, n in names if i == self.vendor_id), "")
            self.sub_title = f"Actions · {name}" if name else "Actions"
        if scoped:
            self.load()

    def _filter(self):
        status = self.query_one("#status", Select).value
        statuses: tuple[str, ...]
        if status == OPEN:
            statuses = enums.OPEN_ACTION_STATUSES
        elif status == "all":
            statuses = enums.ACTION_STATUSES
        else:
            statuses = (str(status),)
        return ActionFilter(
            vendor_id=self.vendor_id,
            owner=self.query_one("#owner", Input).value,
            statuses=statuses,
            overdue=self.overdue_only,
            search=self.query_one("#search", Input).value,
        )

    def load(self, keep: int | None = None, changed: int | None = None) -> None:
        """Reload the page on show; ``keep`` puts the cursor back on that action; ``changed`` is
        the action just changed here (the cursor keeps its place rather than follow it)."""
        self._query(self._filter(), self.page_offset, keep, changed)

    @read_worker
    def _query(self, flt, offset: int, keep: int | None, changed: int | None) -> None:
        with review_app(self).db.read() as s:
            page = action_q.list_actions(flt, session=s, limit=PAGE_SIZE, offset=offset)
        show_newest(self, self._show, page, keep, changed)  # not if a newer filter is coming

    def _show(self, page: ActionPage, keep: int | None, changed: int | None = None) -> None:
        if page.total and page.offset >= page.total:
            self.page_offset = max(0, (page.pages - 1) * PAGE_SIZE)
            self.load(keep, changed)
            return
        self._page = page
        table = self.query_one("#actions", DataTable)
        cursor = table.cursor_row
        under = self.selected_id()
        if keep is None and under is not None and under != changed:
            keep = under  # the row the user is on (moved to while the change was saved)
        table.clear()
        self._rows = {r.id: r for r in page.rows}
        for r in page.rows:
            title = Text(r.title, style="red" if r.overdue else "")
            table.add_row(
                due_cell(r),
                status_cell(r.status),
                title,
                r.owner or "—",
                r.vendor,
                r.priority,
                key=str(r.id),
            )
        if keep is not None and keep in self._rows:
            table.move_cursor(row=table.get_row_index(str(keep)))
        elif page.rows:
            table.move_cursor(row=min(cursor, len(page.rows) - 1))
        self._status_line()

    def _status_line(self) -> None:
        page = self._page
        if page is None:
            return
        late = sum(1 for r in page.rows if r.overdue)
        parts = [f"{page.total:,} action{'s' if page.total != 1 else ''}"]
        if self.overdue_only:
            parts.append("overdue only (o shows all)")
        elif late:
            parts.append(f"{late} late on this page")
        if page.pages > 1:
            parts.append(f"page {page.page} of {page.pages} (n/p)")
        if self.meeting_id is not None:
            parts.append(f"changes recorded in meeting {self.meeting_id}")
        if not page.rows:
            parts = ["No actions match these filters." if page.total == 0 else "Empty page."]
        self.query_one("#actions-status", Static).update(" · ".join(parts))

    # --- filters ------------------------------------------------------------------------

    @on(Input.Changed, "#search, #owner")
    def _typed(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(0.25, self._refilter)

    @on(Input.Submitted, "#search, #owner")
    def _submitted(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._refilter()
        self.query_one("#actions", DataTable).focus()

    @on(Select.Changed, "#status")
    def _status_changed(self) -> None:
        self._refilter()

    @on(Select.Changed, "#vendor")
    def _vendor_changed(self, event: Select.Changed) -> None:
        if not self._vendors_shown:
            return
        value = event.value
        new = None if value in (ALL_VENDORS, Select.NULL) else int(str(value))
        if new != self.vendor_id:
            self.vendor_id = new
            self._refilter()

    def _refilter(self) -> None:
        self.page_offset = 0
        self.load()

    def watch_overdue_only(self, _old: bool, _new: bool) -> None:
        if self.is_mounted:
            self._refilter()

    def action_toggle_overdue(self) -> None:
        self.overdue_only = not self.overdue_only

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_page(self, step: int) -> None:
        page = self._page
        if page is None:
            return
        new = self.page_offset + step * PAGE_SIZE
        if new < 0 or new >= page.total:
            self.notify("No more pages that way.", timeout=2)
            return
        self.page_offset = new
        self.load()
        self.query_one("#actions", DataTable).move_cursor(row=0)

    def action_refresh(self) -> None:
        self.load(self.selected_id())

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, Input) and focused.value:
            focused.value = ""  # Escape in a filter clears it first
            return
        self.app.pop_screen()

    # --- editing ------------------------------------------------------------------------

    def selected_id(self) -> int | None:
        return self.query_one("#actions", Table).cursor_id()

    def _writable(self) -> bool:
        if review_app(self).settings.role == "viewer":
            self.notify("This session is read-only: actions cannot be changed.", severity="error")
            return False
        return True

    @on(DataTable.RowSelected, "#actions")
    def _row_selected(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        aid = self.selected_id()
        if aid is None or not self._writable():
            return
        self._open_editor(aid)

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open_editor(self, action_id: int) -> None:
        with review_app(self).db.read() as s:
            detail = action_q.get_detail(action_id, session=s)
            contacts = vendor_q.get_detail(detail.action.vendor_id, session=s).contacts
        self.app.call_from_thread(self._push_editor, detail, [c.name for c in contacts])

    def _push_editor(self, detail, contacts: list[str]) -> None:
        from reviewtui.screens.action_edit import ActionEditScreen

        def done(edit: ActionEdit | None) -> None:
            if edit is not None:
                self._save(detail.action.id, detail.action.version, edit)

        self.app.push_screen(ActionEditScreen(detail, contacts), done)

    @work(thread=True, group="write", exit_on_error=False)
    def _save(self, action_id: int, version: int, edit: ActionEdit) -> None:
        app = review_app(self)
        try:
            with app.db.session() as s:
                row = action_q.update_action(
                    action_id,
                    session=s,
                    due=edit.due,
                    owner=edit.owner,
                    priority=edit.priority,
                    meeting_id=self.meeting_id,
                    expected_version=version,
                    note="" if edit.status_changed else edit.note,
                )
                if edit.status_changed:
                    row = action_q.update_status(
                        action_id,
                        edit.status,
                        session=s,
                        note=edit.note,
                        meeting_id=self.meeting_id,
                        verification_days=app.settings.verification_days,
                    )
        except UserError as exc:
            app.call_from_thread(self.notify, str(exc), severity="error", timeout=8)
            return
        app.call_from_thread(self.notify, f"Saved: {row.title}", timeout=3)
        app.call_from_thread(self.load, None, action_id)  # the cursor keeps its place

    def action_mark_done(self) -> None:
        aid = self.selected_id()
        if aid is None or not self._writable():
            return
        row = self._rows.get(aid)
        if row is not None and row.status == "done":
            self.notify("That action is done already.")
            return
        self._done(aid, row.version if row else None, row.status if row else "open")

    @work(thread=True, group="write", exit_on_error=False)
    def _done(self, action_id: int, version: int | None, before: str) -> None:
        app = review_app(self)
        try:
            with app.db.session() as s:
                row = action_q.update_status(
                    action_id,
                    "done",
                    session=s,
                    meeting_id=self.meeting_id,
                    expected_version=version,
                    verification_days=app.settings.verification_days,
                )
        except UserError as exc:
            app.call_from_thread(self.notify, str(exc), severity="error", timeout=8)
            return
        app.call_from_thread(self._marked_done, action_id, row.title, before, row.version)

    def _marked_done(self, action_id: int, title: str, before: str, version: int) -> None:
        self._undo.append((action_id, title, before, version))
        self.notify(f"Done: {title} · u undoes", timeout=8)
        self.load(None, action_id)  # the cursor keeps its place: the next row moves up

    def action_undo(self) -> None:
        """Take back the last "done" marked on this screen (its status before comes back)."""
        if not self._undo:
            self.notify("Nothing to undo: u takes back an action marked done with x here.")
            return
        if not self._writable():
            return
        action_id, title, before, version = self._undo.pop()
        self._undo_done(action_id, title, before, version)

    @work(thread=True, group="write", exit_on_error=False)
    def _undo_done(self, action_id: int, title: str, before: str, version: int) -> None:
        app = review_app(self)
        try:
            with app.db.session() as s:
                action_q.update_status(
                    action_id,
                    before,
                    session=s,
                    note="Undone: not done after all",
                    meeting_id=self.meeting_id,
                    expected_version=version,
                    verification_days=app.settings.verification_days,
                )
        except UserError as exc:
            app.call_from_thread(
                self.notify, f"Cannot undo for {title}: {exc}", severity="error", timeout=8
            )
            return
        app.call_from_thread(
            self.notify, f"Undone: {title} is {enums.label(before)} again", timeout=4
        )
        app.call_from_thread(self.load, None, action_id)

    def action_open_plan(self) -> None:
        aid = self.selected_id()
        row = self._rows.get(aid) if aid is not None else None
        if row is None:
            return
        if row.plan_id is None:
            self.notify("This action is not part of a corrective action plan.")
            return
        review_app(self).open_plan(row.plan_id, on_saved=lambda _pid: self.load(aid))
