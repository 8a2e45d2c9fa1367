"""A vendor's page: the scorecard first, then ROI, profile and contacts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from reviewtui.appref import review_app
from reviewtui.db import vendors as vendor_q
from reviewtui.db.scorecards import vendor_scorecard
from reviewtui.domain import enums
from reviewtui.domain.escalation import needs_contract_review
from reviewtui.domain.roi import roi
from reviewtui.screens.reads import read_worker, show_newest
from reviewtui.screens.scorecard import ScorecardPanel
from reviewtui.widgets.footer import Footer
from reviewtui.widgets.table import Table

if TYPE_CHECKING:
    from reviewtui.app import ReviewApp
    from reviewtui.domain.portfolio import VendorScorecard
    from reviewtui.views.vendors import VendorDetail

OPEN_QUIETLY_FOR = 0.25
"""Seconds ``open_vendor`` waits for the page's data before it opens the page without it."""


@dataclass(frozen=True)
class VendorPage:
    """What the vendor page shows: the vendor with its contacts, and its scorecard."""

    detail: VendorDetail
    card: VendorScorecard


def read_page(app: ReviewApp, vendor_id: int) -> VendorPage:
    """The vendor page's data in one read (call from a worker thread)."""

    with app.db.read() as s:
        detail = vendor_q.get_detail(vendor_id, session=s)
        card = vendor_scorecard(vendor_id, session=s, settings=app.settings)
    return VendorPage(detail, card)


def open_vendor(app: ReviewApp, vendor_id: int) -> None:
    """Open a vendor's page with its data in it.

    The data is read first and the page opens once, complete: not a "Loading…" page laid out
    and painted, then painted again (and the read, in its thread, slowed down by that paint).
    Should the read take longer than ``OPEN_QUIETLY_FOR``, the page opens at once, as it
    loads, and fills in when the data comes. A second open while one is pending replaces it.
    """
    opened: list[VendorScreen] = []

    def read() -> None:
        page = read_page(app, vendor_id)
        if not worker.is_cancelled:
            app.call_from_thread(arrived, page)

    def arrived(page: VendorPage) -> None:
        timer.stop()
        if not opened:
            app.push_screen(VendorScreen(vendor_id, page))
        else:
            opened[0].give_page(page)

    def open_loading() -> None:
        if not (worker.is_finished or worker.is_cancelled):  # failed: the worker says why
            opened.append(VendorScreen(vendor_id, load=False))
            app.push_screen(opened[0])

    timer = app.set_timer(OPEN_QUIETLY_FOR, open_loading)
    worker = app.run_worker(
        read, thread=True, exclusive=True, group="open-vendor", exit_on_error=False
    )


def _money(value: float | None, currency: str) -> str:
    return "—" if value is None else f"{currency} {value:,.0f}"


class VendorScreen(Screen):
    """One vendor: scorecard, ROI, profile and contacts. q goes back."""

    CSS_PATH = "vendor.tcss"

    AUTO_FOCUS = "#kpis"
    """The KPIs have the focus from the start (focused once, not the scroll area first)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("M", "minutes", "Minutes", id="vendor.minutes"),
        Binding("q", "back", "Back", id="vendor.back"),
        Binding("escape", "back", "Back", show=False, id="vendor.back_esc"),
        Binding("m", "meetings", "Meetings", id="vendor.meetings"),
    ]

    def __init__(self, vendor_id: int, page: VendorPage | None = None, *, load: bool = True):
        """``page``: the data, read already (see ``open_vendor``); else the screen loads it,
        unless ``load`` is False (``open_vendor`` then hands it over with ``show_page``)."""
        super().__init__()
        self.vendor_id = vendor_id
        self._page = page
        self._load = load
        self._resumed_before = False
        self._mounted = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("Loading…", classes="title", id="vendor-name")
            yield ScorecardPanel(self.vendor_id, load=False, id="scorecard")
            yield Static("", id="vendor-roi")
            yield Static("", id="vendor-profile")
            yield Static("Contacts", classes="title")
            yield Table(id="contacts", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#contacts", DataTable)
        for col in ("Side", "Name", "Organisation", "Role", "Escalation level", "Email"):
            t.add_column(col)
        self._mounted = True
        if self._page is not None:
            self.show_page(self._page)
        elif self._load:
            self.load()

    def give_page(self, page: VendorPage) -> None:
        """Show the page's data, read for it elsewhere: now, or once the screen has mounted."""
        if self._mounted:
            self.show_page(page)
        else:
            self._page = page

    @read_worker
    def load(self) -> None:
        """The vendor and its scorecard, in one read and one update of the screen."""
        show_newest(self, self.show_page, read_page(review_app(self), self.vendor_id))

    def show_page(self, page: VendorPage) -> None:
        """Show the vendor page's data."""
        self._page = None
        self.query_one(ScorecardPanel).show(page.card)
        d = page.detail
        self.query_one("#vendor-name", Static).update(Text(d.name))
        self.sub_title = d.name
        r = roi(d.baseline_inhouse_cost, d.annual_contract_cost)
        if r is None:
            roi_text = "ROI: set the annual contract cost and the in-house baseline to see it."
        else:
            pct = "—" if r.roi_pct is None else f"{r.roi_pct:+.1f}%"
            roi_text = (
                f"[b]ROI[/b] {pct} · savings {_money(r.savings, d.currency)} a year "
                f"(in-house baseline {_money(r.baseline, d.currency)} − contract "
                f"{_money(r.contract, d.currency)})"
            )
        self.query_one("#vendor-roi", Static).update(roi_text)
        lines = [
            f"Service: {escape(d.service or '—')}",
            f"Category: {enums.label(d.category)} · Criticality: {d.criticality}",
            f"Contract: {d.contract_start or '—'} to {d.contract_end or '—'}",
        ]
        # The rule on the scorecard shown (two KPIs to escalate), not a mark left by the last
        # run of the escalations: right as soon as the values are in.
        escalating = sum(1 for k in page.card.kpis if k.escalate)
        if needs_contract_review(escalating):
            lines.append("[b red]Marked for contract review[/b red]")
        self.query_one("#vendor-profile", Static).update("\n".join(lines))
        t = self.query_one("#contacts", DataTable)
        t.clear()
        for c in d.contacts:
            t.add_row(
                c.side, c.name, c.organisation, c.role, str(c.escalation_level or ""), c.email
            )

    def action_minutes(self) -> None:
        review_app(self).open_minutes(vendor_id=self.vendor_id)

    def on_screen_resume(self) -> None:
        # Back from a KPI's history, where a value may have been entered. Textual also sends
        # ScreenResume when the screen is first pushed, its data shown or on its way already.
        if self._resumed_before:
            self.query_one(ScorecardPanel).load()
        self._resumed_before = True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_meetings(self) -> None:
        from reviewtui.screens.meetings import MeetingsScreen

        self.app.push_screen(MeetingsScreen(self.vendor_id))
