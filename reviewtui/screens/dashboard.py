"""The portfolio dashboard: every vendor, with the ones that need attention easy to see."""

from __future__ import annotations

import asyncio
import contextlib
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Header, Static

from reviewtui import prefetch
from reviewtui.appref import review_app
from reviewtui.domain import clock, enums
from reviewtui.screens.reads import read_worker, show_newest
from reviewtui.widgets.footer import Footer
from reviewtui.widgets.table import Table

EMPTY_TEXT = """[b]This database has no vendors yet.[/b]

To look around first, press [b]d[/b] to load the demo data into this database
(or run [b]reviewtui demo[/b], which keeps the demo in a separate file).

To begin for real, press [b]a[/b] to add a vendor, or import KPIs from a spreadsheet:
  [b]reviewtui import kpis kpis.csv[/b]
"""


MARK = {"green": "✓ ok", "amber": "! amber", "red": "✗ red", "no data": "· none"}
STYLE = {"green": "green", "amber": "bold yellow", "red": "bold red", "no data": "dim"}


#: Rows on the dashboard's first frame (more than the tallest terminal shows); the rest come
#: right after it.
FIRST_ROWS = 80


def _cells(r, today) -> tuple:
    """One dashboard row's cells, in the order of the columns."""
    score = "" if r.score is None else f" {r.score:.1f}"
    st = Text(MARK[r.status] + score, style=STYLE[r.status])
    worst = Text()
    for i, w in enumerate(r.worst[:2]):
        if i:
            worst.append(", ")
        worst.append(w.name, style=STYLE[w.status])
    if r.escalate:
        worst = Text(f"⚑{r.escalate} ", style="bold red") + worst
    actions = Text(str(r.open_actions))
    if r.overdue_actions:
        actions.append(f" ({r.overdue_actions} late)", style="bold red")
    nxt = Text(f"{r.next_review_due:%d %b}")
    if r.review_overdue:
        nxt.append(" late", style="bold red")
    elif (r.next_review_due - today).days <= 7:
        nxt.append(" soon", style="yellow")
    crit = Text(r.criticality, style="bold" if r.criticality == "critical" else "")
    last = "never" if r.last_review is None else r.last_review.isoformat()
    name: str | Text = r.name
    if r.contract_review:  # two or more KPIs flagged escalate (db/escalations.py)
        name = Text("✱ ", style="bold red") + Text(r.name)
    return (name, st, worst, actions, nxt, crit, last, enums.label(r.category))


class DashboardScreen(Screen):
    """Every vendor, the ones needing attention first (order in docs/scorecard.md)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_vendor", "Open", id="dashboard.open", show=True),
        Binding("r", "refresh", "Refresh", id="dashboard.refresh"),
        Binding("a", "add_vendor", "Add vendor", id="dashboard.add"),
        Binding("d", "load_demo", "Load demo data", id="dashboard.demo", show=False),
        Binding("m", "meetings", "Meetings", id="dashboard.meetings"),
        Binding("A", "app.open_actions", "Actions", id="dashboard.actions", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static("Portfolio", classes="title", id="dash-title")
            yield Static("Loading…", classes="status-line", id="dash-status")
            yield Static(EMPTY_TEXT, id="empty")
            yield Table(id="vendors", cursor_type="row", zebra_stripes=True)
        yield Footer()

    _shown = False  # the first ScreenResume comes with the first show: nothing to refresh yet

    def on_screen_resume(self) -> None:
        """Back from a vendor, the actions or a meeting: counts may have changed."""
        if self._shown:
            self.load()
        self._shown = True

    def on_mount(self) -> None:
        self.query_one("#empty").display = False
        table = self.query_one("#vendors", DataTable)
        # Most telling first, so that at 80 columns only the least important scroll off.
        table.add_column("Vendor", key="name", width=22)
        table.add_column("Status", key="status", width=12)
        table.add_column("Worst KPIs", key="worst", width=13)
        table.add_column("Actions", key="actions", width=10)
        table.add_column("Next review", key="next", width=11)
        table.add_column("Tier", key="criticality", width=8)
        table.add_column("Last review", key="last", width=11)
        table.add_column("Category", key="category", width=22)
        # At start-up the rows come from the prefetch child (reviewtui.prefetch), by one route:
        # taken on this (the UI) thread as soon as the child's pipe has them; at once when
        # they are there already, so that they go on the first frame.
        app = review_app(self)
        prefetched, app.prefetch = app.prefetch, None
        if prefetched is None:
            self.load()
        elif prefetched.ready():
            self._take_prefetched(prefetched)
        else:
            loop = asyncio.get_running_loop()
            loop.add_reader(prefetched.fd, self._take_prefetched, prefetched)
            # A child that never answers: the dashboard runs its own query after a while.
            self._prefetch_timer = self.set_timer(
                prefetch.WAIT_S, lambda: self._take_prefetched(prefetched, gave_up=True)
            )

    _prefetch_timer: Timer | None = None

    def _take_prefetched(self, prefetched: prefetch.Prefetch, gave_up: bool = False) -> None:
        with contextlib.suppress(Exception):  # not registered, or the pipe is closed already
            asyncio.get_running_loop().remove_reader(prefetched.fd)
        if self._prefetch_timer is not None:
            self._prefetch_timer.stop()
            self._prefetch_timer = None
        if gave_up:
            prefetched.cancel()
            rows = None
        else:
            # Readable: the child is writing its answer (or has died, which reads as None).
            rows = prefetched.rows()
        if rows is None:
            self.load()
            return
        self._show(rows)
        self.call_after_refresh(self._open_database)

    @read_worker
    def load(self) -> None:
        from reviewtui.db.portfolio import portfolio_overview

        app = review_app(self)
        with app.db.read() as s:
            rows = portfolio_overview(
                session=s,
                settings=app.settings,
                only_vendor=app.vendor_scope,
            )
        show_newest(self, self._show, rows)

    @work(thread=True, group="warm-up", exit_on_error=False)
    def _open_database(self) -> None:
        """Import the data layer and open the database once the first rows are on screen, so
        that the first key press does not wait for it."""
        review_app(self).db  # noqa: B018

    def _show(self, rows) -> None:
        table = self.query_one("#vendors", Table)
        empty = self.query_one("#empty")
        status = self.query_one("#dash-status", Static)
        keep = table.cursor_key() if table.row_count else None
        self._generation += 1
        table.clear()
        review_app(self).shown_vendors = sorted(
            ((r.vendor_id, r.name) for r in rows), key=lambda v: v[1].casefold()
        )
        if not rows:
            empty.display = True
            table.display = False
            status.update("")
            return
        empty.display = False
        table.display = True
        today = clock.today()
        # A row costs DataTable ~0.3 ms to add (its cursor watcher runs each time): 500 rows
        # held the first frame back by ~0.15-0.3 s. The rows a screen can show go on it now;
        # the rest follow as soon as that frame is drawn.
        first = FIRST_ROWS if keep is None else len(rows)
        for r in rows[:first]:
            table.add_row(*_cells(r, today), key=str(r.vendor_id))
        if len(rows) > first:
            self.call_after_refresh(self._add_rows, self._generation, rows[first:], today)
        elif keep is not None and any(str(r.vendor_id) == keep for r in rows):
            table.move_cursor(row=table.get_row_index(keep))
        overdue = sum(1 for r in rows if r.review_overdue)
        red = sum(1 for r in rows if r.status == "red")
        amber = sum(1 for r in rows if r.status == "amber")
        review = sum(1 for r in rows if r.contract_review)
        status.update(
            (f"✱ {review} for contract review · " if review else "")
            + f"{len(rows)} vendors · {red} red, {amber} amber · "
            f"{sum(r.open_actions for r in rows)} open actions "
            f"({sum(r.overdue_actions for r in rows)} late) · {overdue} reviews overdue"
        )
        table.focus()

    _generation = 0  # bumped by every _show: rows still to add for an older one are dropped

    def _add_rows(self, generation: int, rows, today) -> None:
        if generation != self._generation:
            return
        table = self.query_one("#vendors", DataTable)
        for r in rows:
            table.add_row(*_cells(r, today), key=str(r.vendor_id))

    def action_refresh(self) -> None:
        self.load()

    def action_open_vendor(self) -> None:
        table = self.query_one("#vendors", Table)
        vendor_id = table.cursor_id() if table.display else None
        if vendor_id is not None:
            review_app(self).open_vendor(vendor_id)

    @on(DataTable.RowSelected, "#vendors")
    def _selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            review_app(self).open_vendor(int(event.row_key.value))

    def action_add_vendor(self) -> None:
        from reviewtui.screens.add_vendor import AddVendorScreen

        if review_app(self).settings.role != "facilitator":
            self.notify("This session is read-only: vendors cannot be added.", severity="error")
            return

        def _done(name: str | None) -> None:
            if name:
                self.notify(f"Added vendor {name}.")
                self.load()

        self.app.push_screen(AddVendorScreen(), _done)

    def action_load_demo(self) -> None:
        if self.query_one("#vendors", DataTable).display:
            self.notify("The demo data can only be loaded into an empty database.")
            return
        self._seed_demo()

    # Its own group: the load it starts when done must not cancel it (group "db" is exclusive).
    @work(thread=True, exclusive=True, group="demo", exit_on_error=False)
    def _seed_demo(self) -> None:
        from reviewtui.db import vendors as vendor_q
        from reviewtui.demo import seed

        with review_app(self).db.session() as s:
            if vendor_q.count(session=s) == 0:
                seed(s)
        self.app.call_from_thread(self.load)

    def action_meetings(self) -> None:
        from reviewtui.screens.meetings import MeetingsScreen

        self.app.push_screen(MeetingsScreen())
