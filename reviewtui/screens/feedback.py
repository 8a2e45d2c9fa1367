"""Feedback both ways: capture entries in a meeting, see the meeting's summary and the history.

Direction, category and an optional 1-5 rating are chosen with the selects (Tab moves between
fields, Enter opens a select); who gave it is typed (attendees and contacts are suggested); Enter
in the text field saves the entry. On the list, Enter or e edits an entry and Delete removes it,
until the meeting's minutes are signed off. h switches the list between this meeting and the
vendor's whole history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Header, Input, Select, Static

from reviewtui.appref import review_app
from reviewtui.db import feedback as feedback_q
from reviewtui.db import meetings as meeting_q
from reviewtui.db import vendors as vendor_q
from reviewtui.db.errors import UserError
from reviewtui.domain import enums
from reviewtui.screens.reads import read_worker, show_newest
from reviewtui.widgets.choice import chosen_int
from reviewtui.widgets.footer import Footer
from reviewtui.widgets.table import Table

if TYPE_CHECKING:
    from reviewtui.views.feedback import FeedbackRow

RATINGS = [("no rating", 0)] + [(f"{n} of 5", n) for n in range(1, 6)]


class FeedbackScreen(Screen):
    """Feedback of one vendor, captured in a meeting (or outside one)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,ctrl+g", "back", "Back", id="feedback.back"),
        Binding("h", "toggle_history", "History", id="feedback.history"),
        Binding("ctrl+s", "save", "Save", id="feedback.save"),
        Binding("e", "edit", "Edit", id="feedback.edit"),
        Binding("delete", "remove", "Remove", id="feedback.remove"),
    ]

    CSS_PATH = "feedback.tcss"

    def __init__(self, vendor_id: int, *, meeting_id: int | None = None) -> None:
        super().__init__()
        self.vendor_id = vendor_id
        self.meeting_id = meeting_id
        self.history = meeting_id is None
        self.read_only = False
        self.editing: int | None = None  # the entry being edited, None for a new one
        self._rows: dict[int, FeedbackRow] = {}
        self._people: list[str] = []

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
        with Horizontal(id="fb-line"):
            yield Input(placeholder="Given by (name)", id="fb-by")
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
        t.add_column("Given by", key="by", width=18)
        t.add_column("Text", key="text")
        self.query_one("#fb-text", Input).focus()
        self.load()

    @read_worker
    def load(self) -> None:
        try:
            with review_app(self).db.read() as s:
                vendor = vendor_q.get_detail(self.vendor_id, session=s).name
                meeting = (
                    meeting_q.get_meeting(self.meeting_id, session=s) if self.meeting_id else None
                )
                if self.history or self.meeting_id is None:
                    rows = feedback_q.history(self.vendor_id, session=s)
                else:
                    rows = feedback_q.for_meeting(self.meeting_id, session=s)
                summary = (
                    feedback_q.summary(self.meeting_id, session=s) if self.meeting_id else None
                )
                # Who may have given it: the meeting's attendees (guests too), then the contacts.
                people = [a.name for a in meeting.attendance] if meeting is not None else []
                people += [p.name for p in meeting_q.people(self.vendor_id, session=s)]
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        people = list(dict.fromkeys(people))
        show_newest(self, self._show, vendor, meeting, rows, summary, people)

    def _show(self, vendor: str, meeting, rows, summary, people=()) -> None:
        self.sub_title = vendor
        where = (
            f"meeting of {meeting.scheduled_at.astimezone():%d %b %Y}"
            if meeting is not None
            else "outside a meeting"
        )
        listing = "the vendor's history" if self.history else "this meeting's"
        switch = " (h: history)" if self.meeting_id is not None else ""
        self.query_one("#fb-title", Static).update(f"Feedback, {where} · listing {listing}{switch}")
        role_ok = review_app(self).settings.role == "facilitator"
        self.read_only = (meeting is not None and meeting.read_only) or not role_ok
        banner = self.query_one("#fb-banner", Static)
        banner.display = self.read_only
        if self.read_only:
            banner.update(
                "READ-ONLY: the minutes of this meeting are signed off."
                if role_ok
                else "READ-ONLY: this session cannot add feedback."
            )
        for wid in ("#fb-direction", "#fb-category", "#fb-rating", "#fb-by", "#fb-text"):
            self.query_one(wid).disabled = self.read_only
        if list(people) != self._people:
            self._people = list(people)
            self.query_one("#fb-by", Input).suggester = SuggestFromList(
                self._people, case_sensitive=False
            )
        self.query_one("#fb-summary", Static).update(_summary_text(summary))
        t = self.query_one("#fb-table", DataTable)
        keep = t.cursor_row
        t.clear()
        self._rows = {r.id: r for r in rows}
        for r in rows:
            day = (r.meeting_at or r.created_at).astimezone().strftime("%Y-%m-%d")
            rating = f"{r.rating}/5" if r.rating else "—"
            t.add_row(
                day,
                enums.label(r.direction),
                r.category,
                rating,
                r.given_by or "—",
                r.text,
                key=str(r.id),
            )
        if rows:
            t.move_cursor(row=min(keep, len(rows) - 1))
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
        self._save(
            self.editing,
            str(self.query_one("#fb-direction", Select).value),
            str(self.query_one("#fb-category", Select).value),
            chosen_int(self.query_one("#fb-rating", Select)) or None,
            text,
            self.query_one("#fb-by", Input).value.strip(),
        )

    @work(thread=True, group="write", exit_on_error=False)
    def _save(
        self,
        feedback_id: int | None,
        direction: str,
        category: str,
        rating: int | None,
        text: str,
        given_by: str,
    ) -> None:
        try:
            with review_app(self).db.session() as s:
                if feedback_id is None:
                    feedback_q.add(
                        self.vendor_id,
                        direction,
                        category,
                        text,
                        session=s,
                        meeting_id=self.meeting_id,
                        rating=rating,
                        given_by=given_by,
                    )
                else:
                    feedback_q.update(
                        feedback_id,
                        session=s,
                        direction=direction,
                        category=category,
                        text=text,
                        rating=rating,
                        given_by=given_by,
                    )
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=6)
            return
        self.app.call_from_thread(self._saved, feedback_id)

    def _saved(self, feedback_id: int | None = None) -> None:
        self.query_one("#fb-text", Input).value = ""
        self.editing = None
        self.query_one("#fb-text", Input).placeholder = "What was said (Enter saves)"
        self.notify("Feedback changed." if feedback_id is not None else "Feedback saved.")
        self.load()

    def _selected(self) -> FeedbackRow | None:
        t = self.query_one("#fb-table", Table)
        fid = t.cursor_id()
        return self._rows.get(fid) if fid is not None else None

    @on(DataTable.RowSelected, "#fb-table")
    def action_edit(self) -> None:
        """Put the entry under the cursor into the form; Enter in the text saves the change."""
        row = self._selected()
        if row is None:
            return
        if self.read_only:
            self.notify("This feedback cannot be changed here.", severity="warning")
            return
        self.editing = row.id
        self.query_one("#fb-direction", Select).value = row.direction
        self.query_one("#fb-category", Select).value = row.category
        self.query_one("#fb-rating", Select).value = row.rating or 0
        self.query_one("#fb-by", Input).value = row.given_by
        text = self.query_one("#fb-text", Input)
        text.value = row.text
        text.placeholder = "What was said (Enter saves the change, Escape leaves it)"
        text.focus()
        self.notify("Editing the entry: Enter saves the change, Escape leaves it as it was.")

    def action_remove(self) -> None:
        from reviewtui.screens.meeting_modals import ConfirmModal

        row = self._selected()
        if row is None or not self.query_one("#fb-table").has_focus:
            return
        if self.read_only:
            self.notify("This feedback cannot be removed here.", severity="warning")
            return

        def done(yes: bool | None) -> None:
            if yes:
                self._remove(row.id)

        review_app(self).push_screen(ConfirmModal(f"Remove this feedback? “{row.text}”"), done)

    @work(thread=True, group="write", exit_on_error=False)
    def _remove(self, feedback_id: int) -> None:
        try:
            with review_app(self).db.session() as s:
                feedback_q.remove(feedback_id, session=s)
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=6)
            return
        self.app.call_from_thread(self.notify, "Feedback removed.")
        self.app.call_from_thread(self.load)

    def action_toggle_history(self) -> None:
        if self.meeting_id is None:
            return
        self.history = not self.history
        self.load()

    def action_back(self) -> None:
        if self.editing is not None:  # Escape leaves the edit, not the screen
            self.editing = None
            text = self.query_one("#fb-text", Input)
            text.value = ""
            self.query_one("#fb-by", Input).value = ""
            text.placeholder = "What was said (Enter saves)"
            self.query_one("#fb-table").focus()
            return
        if self.query_one("#fb-text", Input).value.strip():
            from reviewtui.screens.form_guard import DISCARD_QUESTION
            from reviewtui.screens.meeting_modals import ConfirmModal

            def answered(yes: bool | None) -> None:
                if yes:
                    self.app.pop_screen()

            self.app.push_screen(ConfirmModal(DISCARD_QUESTION), answered)
            return
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
