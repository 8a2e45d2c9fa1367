"""Feedback both ways: capture entries in a meeting, see the meeting's summary and the history.

Direction, category and an optional 1-5 rating are chosen with the selects (Tab moves between
fields, Enter opens a select); Enter in the text field saves the entry. h switches the list
between this meeting and the vendor's whole history.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Select, Static

from reviewtui.domain import enums
from reviewtui.widgets.footer import Footer
from reviewtui.widgets.table import Table

RATINGS = [("no rating", 0)] + [(f"{n} of 5", n) for n in range(1, 6)]


class FeedbackScreen(Screen):
    """Feedback of one vendor, captured in a meeting (or outside one)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,ctrl+g", "back", "Back", id="feedback.back"),
        Binding("h", "toggle_history", "History", id="feedback.history"),
        Binding("ctrl+s", "save", "Save", id="feedback.save"),
    ]

    DEFAULT_CSS = """
    FeedbackScreen #fb-title { height: 1; padding: 0 1; text-style: bold; }
    FeedbackScreen #fb-banner { height: 1; padding: 0 1; background: $warning 30%; display: none; }
    FeedbackScreen #fb-form { height: 3; }
    FeedbackScreen #fb-direction { width: 26; }
    FeedbackScreen #fb-category { width: 22; }
    FeedbackScreen #fb-rating { width: 1fr; }
    FeedbackScreen #fb-summary { height: auto; max-height: 3; padding: 0 1; }
    FeedbackScreen DataTable { height: 1fr; }
    """

    def __init__(self, vendor_id: int, *, meeting_id: int | None = None) -> None:
        super().__init__()
        self.vendor_id = vendor_id
        self.meeting_id = meeting_id
        self.history = meeting_id is None
        self.read_only = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Feedback", id="fb-title")
        yield Static("", id="fb-banner")
        with Horizontal(id="fb-form"):
            yield Select(
                [(enums.label(d), d) for d in enums.FEEDBACK_DIRECTIONS],
                value=enums.FEEDBACK_DIRECTIONS[0],
                allow_blank=False,
                id="fb-direction",
            )
            yield Select(
                [(c, c) for c in enums.FEEDBACK_CATEGORIES],
                value=enums.FEEDBACK_CATEGORIES[0],
                allow_blank=False,
                id="fb-category",
            )
            yield Select(RATINGS, value=0, allow_blank=False, id="fb-rating")
        yield Input(placeholder="What was said (Enter saves)", id="fb-text")
        yield Static("", id="fb-summary")
        yield Table(id="fb-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#fb-table", DataTable)
        t.add_column("Date", key="date", width=10)
        t.add_column("Direction", key="direction", width=16)
        t.add_column("Category", key="category", width=11)
        t.add_column("Rating", key="rating", width=6)
        t.add_column("Text", key="text")
        self.query_one("#fb-text", Input).focus()
        self.load()

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def load(self) -> None:
        from reviewtui.db import feedback as feedback_q
        from reviewtui.db import meetings as meeting_q
        from reviewtui.db import vendors as vendor_q
        from reviewtui.db.errors import UserError

        try:
            with self.app.db.read() as s:  # type: ignore[attr-defined]
                vendor = vendor_q.get_detail(self.vendor_id, session=s).name
                meeting = (
                    meeting_q.get_meeting(self.meeting_id, session=s) if self.meeting_id else None
                )
                if self.history:
                    rows = feedback_q.history(self.vendor_id, session=s)
                else:
                    rows = feedback_q.for_meeting(self.meeting_id, session=s)
                summary = (
                    feedback_q.summary(self.meeting_id, session=s) if self.meeting_id else None
                )
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._show, vendor, meeting, rows, summary)

    def _show(self, vendor: str, meeting, rows, summary) -> None:
        self.sub_title = vendor
        where = (
            f"meeting of {meeting.scheduled_at.astimezone():%d %b %Y}"
            if meeting is not None
            else "outside a meeting"
        )
        listing = "the vendor's history" if self.history else "this meeting's"
        switch = " (h: history)" if self.meeting_id is not None else ""
        self.query_one("#fb-title", Static).update(f"Feedback, {where} · listing {listing}{switch}")
        role_ok = self.app.settings.role == "facilitator"  # type: ignore[attr-defined]
        self.read_only = (meeting is not None and meeting.read_only) or not role_ok
        banner = self.query_one("#fb-banner", Static)
        banner.display = self.read_only
        if self.read_only:
            banner.update(
                "READ-ONLY: the minutes of this meeting are signed off."
                if role_ok
                else "READ-ONLY: this session cannot add feedback."
            )
        for wid in ("#fb-direction", "#fb-category", "#fb-rating", "#fb-text"):
            self.query_one(wid).disabled = self.read_only
        self.query_one("#fb-summary", Static).update(_summary_text(summary))
        t = self.query_one("#fb-table", DataTable)
        t.clear()
        for r in rows:
            day = (r.meeting_at or r.created_at).astimezone().strftime("%Y-%m-%d")
            rating = f"{r.rating}/5" if r.rating else "—"
            t.add_row(day, enums.label(r.direction), r.category, rating, r.text, key=str(r.id))
        if self.read_only:
            t.focus()

    @on(Input.Submitted, "#fb-text")
    def action_save(self) -> None:
        if self.read_only:
            self.notify("Feedback cannot be added here.", severity="warning")
            return
        text = self.query_one("#fb-text", Input).value.strip()
        if not text:
            self.notify("Type what was said first.", severity="warning")
            return
        rating = self.query_one("#fb-rating", Select).value
        self._save(
            str(self.query_one("#fb-direction", Select).value),
            str(self.query_one("#fb-category", Select).value),
            int(rating) or None,  # type: ignore[arg-type]
            text,
        )

    @work(thread=True, group="write", exit_on_error=False)
    def _save(self, direction: str, category: str, rating: int | None, text: str) -> None:
        from reviewtui.db import feedback as feedback_q
        from reviewtui.db.errors import UserError

        try:
            with self.app.db.session() as s:  # type: ignore[attr-defined]
                feedback_q.add(
                    self.vendor_id,
                    direction,
                    category,
                    text,
                    session=s,
                    meeting_id=self.meeting_id,
                    rating=rating,
                )
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=6)
            return
        self.app.call_from_thread(self._saved)

    def _saved(self) -> None:
        self.query_one("#fb-text", Input).value = ""
        self.notify("Feedback saved.")
        self.load()

    def action_toggle_history(self) -> None:
        if self.meeting_id is None:
            return
        self.history = not self.history
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()


def _summary_text(summary) -> Text:
    if summary is None:
        return Text("")
    if not summary.lines:
        return Text("No feedback in this meeting yet.", style="dim")
    out = Text()
    for direction in enums.FEEDBACK_DIRECTIONS:
        lines = [x for x in summary.lines if x.direction == direction]
        if not lines:
            continue
        if out:
            out.append("\n")
        out.append(f"{enums.label(direction)}: ", style="bold")
        parts = []
        for x in lines:
            avg = f", avg {x.average_rating:g}" if x.average_rating is not None else ""
            parts.append(f"{x.category} {x.count}{avg}")
        out.append(" · ".join(parts))
    return out
