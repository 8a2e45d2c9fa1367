"""The vendor scorecard (the top of the vendor page) and the KPI history screen.

RAG is shown as colour and as a text marker (✓ ok, ! amber, ✗ red), never by colour alone.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from reviewtui.appref import review_app
from reviewtui.db.scorecards import kpi_history, vendor_scorecard
from reviewtui.domain import periods
from reviewtui.domain.figures import short
from reviewtui.screens.reads import read_worker, show_newest
from reviewtui.widgets.footer import Footer
from reviewtui.widgets.sparkline import spark
from reviewtui.widgets.table import Table

MARK = {"green": "✓ ok", "amber": "! amber", "red": "✗ red", "no data": "· none"}
STYLE = {"green": "green", "amber": "bold yellow", "red": "bold red", "no data": "dim"}
ARROW = {"improving": "↑", "worsening": "↓", "flat": "→", "new": "·"}

SERIES = {
    "target": ("━", 2, "target"),
    "threshold": ("╌", 3, "amber threshold"),
    "vendor": ("•", 5, "vendor-supplied"),
    "independent": ("x", 6, "independent"),
}
"""The KPI history chart's series: glyph, ANSI colour number and name. The glyph tells each
apart where colour cannot (NO_COLOR, a light terminal's pale yellow). Green, yellow, magenta,
cyan: neither black nor white, each of which vanishes on a dark or on a light terminal; the
threshold amber, as its name says."""


def status_text(status: str, extra: str = "") -> Text:
    """A RAG status as coloured text with its marker (and e.g. a score after it)."""
    return Text(MARK[status] + (f" {extra}" if extra else ""), style=STYLE[status])


def chart_legend(target: float, threshold: float | None, unit: str) -> Text:
    """The KPI chart's key: each series' glyph, in its colour, and what it stands for."""
    values = {"target": target, "threshold": threshold}
    out = Text()
    for name in ("target", "threshold", "vendor", "independent"):
        glyph, colour, label = SERIES[name]
        if out:
            out.append("  ")
        if name == "threshold" and threshold is None:
            out.append("no amber threshold")
            continue
        out.append(glyph * 2, style=f"color({colour})")
        value = values.get(name)
        out.append(f" {label}" + ("" if value is None else f" {short(value, unit)}"))
    return out


def _month_of(period: str) -> str:
    """The month a KPI period ends in (the period picker steps by month)."""
    return periods.period_of(periods.end_of(period), "monthly")


class ScorecardPanel(Vertical):
    """A vendor's KPIs against target at a period; Enter opens a KPI's history."""

    DEFAULT_CSS = """
    ScorecardPanel { height: auto; }
    ScorecardPanel #sc-head { padding: 0 1; height: auto; }
    ScorecardPanel #kpis { height: 7; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "earlier", "[ Earlier", id="scorecard.earlier"),
        Binding("right_square_bracket", "later", "] Later", id="scorecard.later"),
        Binding("l", "latest", "Latest", id="scorecard.latest", show=False),
        Binding("v", "enter_value", "Enter value", id="scorecard.value"),
        Binding("p", "raise_plan", "Action plan", id="scorecard.plan"),
        Binding("n", "add_kpi", "New KPI", id="scorecard.add"),
        Binding("e", "edit_kpi", "Edit KPI", id="scorecard.edit", show=False),
        Binding("D", "delete_kpi", "Delete KPI", id="scorecard.delete", show=False),
    ]

    period: reactive[str | None] = reactive(None, init=False)
    """The month looked at (None: each KPI at its latest period with a value)."""

    def __init__(self, vendor_id: int, *, load: bool = True, **kwargs) -> None:
        """``load=False``: the owner loads the first scorecard and hands it to ``show``."""
        super().__init__(**kwargs)
        self.vendor_id = vendor_id
        self.card = None
        self._load_on_mount = load

    def compose(self) -> ComposeResult:
        yield Static("Loading the scorecard…", id="sc-head")
        yield Table(id="kpis", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        t = self.query_one("#kpis", DataTable)
        # Most telling first: at 80 columns the period and source scroll off to the right.
        t.add_column("KPI", key="kpi", width=18)
        # Fixed widths: the layout never waits on the table measuring its cells.
        for label, key, width in (
            ("Status", "status", 8),
            ("Actual", "actual", 7),
            ("Target", "target", 6),
            ("Gap", "gap", 6),
            ("Tr", "trend", 2),
            ("Flags", "flags", 10),
            ("Last 12", "spark", 12),
            ("Att%", "att", 4),
            ("Period", "period", 7),
            ("Source", "source", 6),
        ):
            t.add_column(label, key=key, width=width)
        # Inline, as in ``show``: app.tcss gives every DataTable ``height: 1fr``, which beats
        # the DEFAULT_CSS above; 1fr made the empty table fill the page, overflow it and bring
        # up a scrollbar that the loaded page then took away: two layouts and two renders.
        t.styles.height = 7
        t.focus()
        if self._load_on_mount:
            self.load()

    def watch_period(self) -> None:
        self.load()

    @read_worker
    def load(self) -> None:
        app = review_app(self)
        with app.db.read() as s:
            card = vendor_scorecard(
                self.vendor_id,
                session=s,
                period=self.period,
                settings=app.settings,
            )
        show_newest(self, self.show, card)

    def show(self, card) -> None:
        """Show a scorecard (``db.scorecards.VendorScorecard``) loaded for this vendor."""
        self.card = card
        t = self.query_one("#kpis", DataTable)
        keep = t.cursor_row
        t.clear()
        score = "no data" if card.score is None else f"{card.score:.1f}"
        when = f"as at {self.period}" if self.period else "latest values"
        head = Text.assemble(
            ("Scorecard ", "bold"),
            status_text(card.status, score),
            f"  ·  {when}  ·  ",
            ("[ ] ", "bold"),
            "earlier/later  ",
            ("Enter ", "bold"),
            "history",
        )
        self.query_one("#sc-head", Static).update(head)
        if not card.kpis:
            self.query_one("#sc-head", Static).update(
                Text.assemble(
                    ("Scorecard: ", "bold"),
                    "no KPIs yet. Press n to add one, or import them: reviewtui import kpis FILE",
                )
            )
        for k in card.kpis:
            flags = Text()
            if k.escalate:
                flags.append(f"⚑×{k.consecutive_misses} ", style="bold red")
            elif k.consecutive_misses > 1:
                flags.append(f"×{k.consecutive_misses} ", style="yellow")
            if k.discrepancy:
                flags.append(f"≠{k.discrepancy_pct:+.0f}%", style="bold magenta")
            gap = Text(short(k.gap), style="red" if (k.gap or 0) < 0 else "")
            t.add_row(
                k.kpi,
                status_text(k.status),
                short(k.actual, k.unit),
                short(k.target, k.unit),
                gap,
                ARROW.get(k.trend or "", ""),
                flags,
                spark(k.recent(12)),
                "—" if k.attainment is None else f"{k.attainment:.0f}",
                k.period or "—",
                {"vendor": "vendor", "independent": "indep."}.get(k.source or "", "—"),
                key=str(k.kpi_id),
            )
        # Exactly as tall as its rows (header + rows + a horizontal scrollbar at 80 columns),
        # so the ROI and contacts follow right below.
        t.styles.height = max(t.row_count, 1) + 2
        if t.row_count:
            t.move_cursor(row=min(keep, t.row_count - 1))

    # --- period picker -------------------------------------------------------------------------

    def _latest_month(self) -> str | None:
        if self.card is None:
            return None
        months = [_month_of(k.period) for k in self.card.kpis if k.period]
        return max(months) if months else None

    def action_earlier(self) -> None:
        base = self.period or self._latest_month()
        if base is None:
            self.notify("No values yet: nothing to look back at.")
            return
        self.period = periods.shift(base, -1)

    def action_later(self) -> None:
        if self.period is None:
            self.notify("Already showing the latest values.")
            return
        nxt = periods.shift(self.period, 1)
        latest = self._latest_month()
        self.period = None if latest is None or nxt >= latest else nxt

    def action_latest(self) -> None:
        self.period = None

    # --- KPI actions ---------------------------------------------------------------------------

    def selected_kpi(self) -> int | None:
        return self.query_one("#kpis", Table).cursor_id()

    @on(DataTable.RowSelected, "#kpis")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.app.push_screen(KpiHistoryScreen(int(event.row_key.value)))

    def _may_edit(self) -> bool:
        if review_app(self).settings.role != "facilitator":
            self.notify("This session is read-only.", severity="error")
            return False
        return True

    def action_raise_plan(self) -> None:
        review_app(self).new_plan(vendor_id=self.vendor_id, kpi_id=self.selected_kpi())

    def action_enter_value(self) -> None:
        kid = self.selected_kpi()
        if kid is not None and self._may_edit():
            from reviewtui.screens.kpi_form import ValueFormScreen

            self.app.push_screen(ValueFormScreen(kid), self._saved)

    def action_add_kpi(self) -> None:
        if self._may_edit():
            from reviewtui.screens.kpi_form import KpiFormScreen

            self.app.push_screen(KpiFormScreen(self.vendor_id), self._saved)

    def action_edit_kpi(self) -> None:
        kid = self.selected_kpi()
        if kid is not None and self._may_edit():
            from reviewtui.screens.kpi_form import KpiFormScreen

            self.app.push_screen(KpiFormScreen(self.vendor_id, kid), self._saved)

    def action_delete_kpi(self) -> None:
        kid = self.selected_kpi()
        if kid is None or not self._may_edit():
            return
        from reviewtui.screens.kpi_form import ConfirmDeleteKpi

        self.app.push_screen(ConfirmDeleteKpi(kid), self._saved)

    def _saved(self, message: str | None) -> None:
        if message:
            self.notify(message)
            self.load()


class KpiHistoryScreen(Screen):
    """One KPI over time: a chart of the vendor's and the independent values, and a table."""

    CSS_PATH = "scorecard.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "back", "Back", id="kpi_history.back"),
        Binding("escape", "back", "Back", show=False, id="kpi_history.back_esc"),
        Binding("v", "enter_value", "Enter value", id="kpi_history.value"),
        Binding("p", "raise_plan", "Action plan", id="kpi_history.plan"),
    ]

    def __init__(self, kpi_id: int) -> None:
        super().__init__()
        self.kpi_id = kpi_id
        self.history = None

    def compose(self) -> ComposeResult:
        from textual_plotext import PlotextPlot

        yield Header()
        yield Static("Loading…", id="kh-head")
        yield PlotextPlot(id="kh-chart")
        yield Table(id="kh-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#kh-table", DataTable)
        for label, key, width in (
            ("Period", "period", 7),
            ("Status", "status", 8),
            ("Actual", "actual", 8),
            ("Gap", "gap", 7),
            ("Vendor", "vendor", 8),
            ("Independent", "independent", 11),
            ("Discrepancy", "discrepancy", 16),
            ("Misses", "misses", 6),
        ):
            t.add_column(label, key=key, width=width)
        self.load()

    @read_worker
    def load(self) -> None:
        app = review_app(self)
        with app.db.read() as s:
            h = kpi_history(self.kpi_id, session=s, settings=app.settings)
        show_newest(self, self._show, h)

    def _show(self, h) -> None:
        self.history = h
        k = h.kpi
        self.sub_title = f"{h.vendor} · {k.name}"
        better = "higher is better" if k.direction == "higher" else "lower is better"
        self.query_one("#kh-head", Static).update(
            Text.assemble(
                (f"{k.name}", "bold"),
                f" · {better} · {k.frequency} · weight {short(k.weight)}\n",
                chart_legend(k.target, k.threshold, k.unit),
            )
        )
        rows = list(reversed(h.results))  # oldest first for the chart
        self._chart(rows)
        t = self.query_one("#kh-table", DataTable)
        t.clear()
        for r in h.results:
            t.add_row(
                r.period,
                status_text(r.status),
                short(r.actual, k.unit),
                short(r.gap),
                short(r.vendor_value, k.unit),
                short(r.independent_value, k.unit),
                Text(
                    "—" if r.discrepancy_pct is None else f"{r.discrepancy_pct:+.1f}%",
                    style="bold magenta" if r.discrepancy else "",
                )
                + Text(" ≠ flagged" if r.discrepancy else ""),
                str(r.consecutive_misses),
                key=r.period,
            )
        if not h.results:
            self.query_one("#kh-head", Static).update(
                Text(f"{k.name} ({h.vendor}): no values yet. Press v to enter one.")
            )

    def _chart(self, rows) -> None:
        from textual_plotext import PlotextPlot

        plot = self.query_one("#kh-chart", PlotextPlot)
        # In 16 colours (or none) the app's theme colours are the terminal's own, which the
        # "auto" chart theme turned into black: black axes and labels on a black canvas. The
        # clear theme leaves canvas, axes and labels in the terminal's default colours,
        # readable on a dark and on a light background alike.
        plot.theme = "clear" if review_app(self).sixteen_colours else "auto"
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        assert self.history is not None
        k = self.history.kpi
        if rows:
            labels = [r.period for r in rows]
            xs = [float(x) for x in range(1, len(rows) + 1)]
            vend = [
                (x, r.vendor_value)
                for x, r in zip(xs, rows, strict=True)
                if r.vendor_value is not None
            ]
            ind = [
                (x, r.independent_value)
                for x, r in zip(xs, rows, strict=True)
                if r.independent_value is not None
            ]
            values = [y for _, y in vend + ind]
            lines = [("target", k.target)]
            if k.threshold is not None:
                lines.append(("threshold", k.threshold))
            lo = min(values + [v for _, v in lines])
            hi = max(values + [v for _, v in lines])
            pad = (hi - lo) * 0.08 or abs(hi) * 0.05 or 1.0
            plt.ylim(lo - pad, hi + pad)  # a margin: no line drawn on the frame itself
            # The lines first, so the measurements are drawn over them. Each line is a series
            # from the first period to the last, in its own glyph, and its value is a tick on
            # the y axis: the line sits on the row labelled with its value.
            left, right = xs[0], xs[-1] if len(xs) > 1 else xs[0] + 1
            for name, value in lines:
                glyph, colour, _ = SERIES[name]
                plt.plot([left, right], [value, value], marker=glyph, color=colour)
            for name, points in (("vendor", vend), ("independent", ind)):
                if points:
                    glyph, colour, _ = SERIES[name]
                    plt.plot(
                        [x for x, _ in points], [y for _, y in points], marker=glyph, color=colour
                    )
            ticks = {round(lo, 2): short(lo, k.unit), round(hi, 2): short(hi, k.unit)}
            for _, value in lines:  # last: the line's own label wins a shared row
                ticks[value] = short(value, k.unit)
            plt.yticks(list(ticks), list(ticks.values()))
            step = max(1, len(xs) // 4)  # few labels: they never crowd at 80 columns
            plt.xticks(xs[::step], labels[::step])
        plot.refresh()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_raise_plan(self) -> None:
        if self.history is not None:
            review_app(self).new_plan(vendor_id=self.history.vendor_id, kpi_id=self.kpi_id)

    def action_enter_value(self) -> None:
        if review_app(self).settings.role != "facilitator":
            self.notify("This session is read-only.", severity="error")
            return
        from reviewtui.screens.kpi_form import ValueFormScreen

        def done(message: str | None) -> None:
            if message:
                self.notify(message)
                self.load()

        self.app.push_screen(ValueFormScreen(self.kpi_id), done)
