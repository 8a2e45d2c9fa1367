"""The live meeting: agenda, timers, notes saved as they are typed, outcomes, attendance.

Keys work without a mouse at 80x24. Ctrl+N / Ctrl+B / Ctrl+O work everywhere, even while typing
notes; single letters work on the agenda list (Escape goes back to it from the notes).

Nothing typed is lost: every keystroke updates a draft (reviewtui.lifeline.Drafts); a draft is
saved 0.3 s after the last keystroke, and at most 0.6 s after the first unsaved one (plus a
100 ms tick): within a second even of a kill -9. SIGHUP/SIGTERM and leaving the screen flush
what is left. Saves carry the notes
version they were typed on, so a save that crosses someone else's is shown both texts to merge.
Other sessions' changes arrive through a poll every half second (ChangeWatch).
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static, TextArea

from reviewtui.domain import clock, enums, timer
from reviewtui.screens.meeting_modals import (
    ActionModal,
    AttendanceModal,
    Attendee,
    ConfirmModal,
    MergeModal,
    OutcomeKindModal,
    PromptModal,
)
from reviewtui.widgets.agenda import AgendaList, item_prompt

DEBOUNCE_S = 0.3  # save this long after the last keystroke...
MAX_WAIT_S = 0.6  # ...or this long after the first unsaved one, whichever comes first
TICK_S = 0.1
POLL_S = 0.5

HINT_AGENDA = "Enter notes · i d a p outcome · + r t Del [ ] edit agenda · g make current"
HINT_NOTES = "Esc agenda · ^n ^b next/previous item · ^o outcome · saved as you type"

STATE_STYLE = {
    timer.OK: "bold green",
    timer.WARNING: "bold black on yellow",
    timer.OVERRUN: "bold white on red",
}
OUTCOME_LABEL = {
    "information": ("INFO", "cyan"),
    "decision": ("DECISION", "bold green"),
    "action": ("ACTION", "bold yellow"),
    "parked": ("PARKED", "magenta"),
}


def _when(dt) -> str:
    return dt.astimezone().strftime("%a %d %b %Y %H:%M") if dt else "—"


class MeetingScreen(Screen):
    """One meeting, live. q goes back; ? lists every key."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "next_item", "Next item", id="meeting.next", priority=True),
        Binding("ctrl+b", "previous_item", "Prev item", id="meeting.previous", priority=True),
        Binding("ctrl+o", "outcome", "Outcome", id="meeting.outcome", priority=True),
        Binding("s", "start", "Start", id="meeting.start"),
        Binding("w", "attendance", "Attendance", id="meeting.attendance"),
        Binding("f", "feedback", "Feedback", id="meeting.feedback"),
        Binding("e", "end", "End", id="meeting.end"),
        Binding("q", "back", "Back", id="meeting.back"),
        Binding("escape", "focus_agenda", "Agenda", show=False, id="meeting.agenda"),
        Binding("i", "quick('information')", "Information", show=False, id="meeting.info"),
        Binding("d", "quick('decision')", "Decision", show=False, id="meeting.decision"),
        Binding("a", "quick('action')", "Action", show=False, id="meeting.action"),
        Binding("p", "quick('parked')", "Park", show=False, id="meeting.park"),
        Binding("g", "go_here", "Make current", show=False, id="meeting.go"),
        Binding("plus,insert", "add_item", "Add item", show=False, id="meeting.add"),
        Binding("r", "rename_item", "Rename", show=False, id="meeting.rename"),
        Binding("t", "timebox", "Timebox", show=False, id="meeting.timebox"),
        Binding("delete", "remove_item", "Remove", show=False, id="meeting.remove"),
        Binding("shift+up,left_square_bracket", "move(-1)", "Up", show=False, id="meeting.up"),
        Binding(
            "shift+down,right_square_bracket", "move(1)", "Down", show=False, id="meeting.down"
        ),
        Binding("N", "next_meeting_date", "Next date", show=False, id="meeting.next_date"),
    ]

    DEFAULT_CSS = """
    MeetingScreen #meeting-head { height: 1; padding: 0 1; }
    MeetingScreen #timers { height: 1; padding: 0 1; }
    MeetingScreen #banner { height: 1; padding: 0 1; background: $warning 30%; display: none; }
    MeetingScreen #body { height: 1fr; }
    MeetingScreen #item-pane { width: 1fr; }
    MeetingScreen #item-title { height: 1; padding: 0 1; text-style: bold; }
    MeetingScreen #notes { height: 1fr; border: round $primary-darken-2; }
    MeetingScreen #notes:focus { border: round $accent; }
    MeetingScreen #outcomes { height: auto; max-height: 5; padding: 0 1; }
    MeetingScreen #status-row { height: 1; }
    MeetingScreen #hint {
        width: 1fr; padding: 0 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis;
    }
    MeetingScreen #note-status { width: auto; max-width: 60%; padding: 0 1; }
    """

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.view = None  # MeetingView, replaced whole on every load
        self.drafts = None  # lifeline.Drafts, made when the database is open
        self.watch = None  # meetings.ChangeWatch
        self._editing: int | None = None  # item whose notes are in the editor
        self._shown_text = ""
        self._shown_version = 0
        self._first_dirty: float | None = None
        self._last_change = 0.0
        self._saving = False
        self._save_blocked = False
        self._retry_at = 0.0
        self._conflict_open = False
        self._polling = False
        self._write_lock = threading.Lock()
        self._resume: tuple[int, tuple[int, int]] | None = None
        self._agenda = AgendaList(id="agenda")
        self._editor = TextArea("", id="notes", soft_wrap=True, disabled=True)

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="meeting-head")
        yield Static("", id="timers")
        yield Static("", id="banner")
        with Horizontal(id="body"):
            yield self._agenda
            with Vertical(id="item-pane"):
                yield Static("", id="item-title")
                yield self._editor
                yield Static("", id="outcomes")
        with Horizontal(id="status-row"):
            yield Static(HINT_AGENDA, id="hint")
            yield Static("", id="note-status")
        yield Footer()

    @property
    def agenda(self) -> AgendaList:
        return self._agenda

    @property
    def editor(self) -> TextArea:
        """The notes editor (kept as an attribute: on_unmount still reads its cursor)."""
        return self._editor

    @property
    def can_edit(self) -> bool:
        return (
            self.app.settings.role == "facilitator"  # type: ignore[attr-defined]
            and self.view is not None
            and not self.view.read_only
        )

    def on_mount(self) -> None:
        self.agenda.focus()
        self._load(initial=True)
        self.set_interval(TICK_S, self._autosave_tick)
        self.set_interval(1.0, self._tick_timers)
        self.set_interval(POLL_S, self._poll_tick)

    def on_screen_resume(self) -> None:
        if self.view is not None:
            self._load()

    # -- loading and showing -----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def _load(self, initial: bool = False) -> None:
        from reviewtui import lifeline, uistate
        from reviewtui.db import meetings as meeting_q
        from reviewtui.db.errors import UserError

        try:
            db = self.app.db  # type: ignore[attr-defined]
            with db.read() as s:
                view = meeting_q.get_meeting(self.meeting_id, session=s)
            if initial:
                self.drafts = lifeline.Drafts(db.url, db.user)
                lifeline.register(self.drafts)
                self.watch = meeting_q.ChangeWatch(db, self.meeting_id)
                self.watch.changed()
                self._resume = uistate.recall(db.url, self.meeting_id)
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._apply, view, initial)

    def _apply(self, view, initial: bool = False) -> None:
        old = self.view
        self.view = view
        if self.watch is not None:
            self.watch.seen(view.version)
        self.sub_title = view.vendor
        head = Text.assemble(
            (enums.label(view.status).upper(), "reverse bold"),
            f" {view.title} · {_when(view.scheduled_at)}",
        )
        if view.location:
            head.append(f" · {view.location}")
        self.query_one("#meeting-head", Static).update(head)
        banner = self.query_one("#banner", Static)
        if view.read_only:
            banner.update("READ-ONLY: the minutes of this meeting are signed off.")
            banner.display = True
        elif self.app.settings.role != "facilitator":  # type: ignore[attr-defined]
            banner.update("READ-ONLY: you are following this meeting; your session cannot edit.")
            banner.display = True
        else:
            banner.display = False
        keep = self.agenda.highlighted_id
        cursor = None
        if initial:
            keep = view.current_item_id
            if self._resume and view.item(self._resume[0]) is not None:
                keep, cursor = self._resume[0], self._resume[1]
        elif (
            old is not None
            and view.current_item_id != old.current_item_id
            and view.current_item_id is not None
            and not self._typing()
        ):
            keep = view.current_item_id  # someone moved the meeting on: follow
        self.agenda.show(view.items, view.current_item_id, keep, clock.now())
        self._show_item(self.agenda.highlighted_id, cursor=cursor)
        self._tick_timers()

    def _typing(self) -> bool:
        return (
            self.drafts is not None
            and self._editing is not None
            and (self.drafts.get(self._editing) is not None)
        )

    def _show_item(self, item_id: int | None, cursor=None) -> None:
        view = self.view
        editor = self.editor
        item = view.item(item_id) if view is not None else None
        if item is None:
            self._editing = None
            editor.disabled = True
            self.query_one("#item-title", Static).update("No agenda item: + adds one.")
            self.query_one("#outcomes", Static).update("")
            return
        editor.disabled = False
        editor.read_only = not self.can_edit
        draft = self.drafts.get(item.id) if self.drafts is not None else None
        if item.id != self._editing:
            if self._editing is not None:
                self._save_soon(self._editing)
            self._editing = item.id
            self._shown_version = draft.base_version if draft else item.notes_version
            self._load_editor(draft.text if draft else item.notes, cursor)
        elif draft is None:
            # Only a newer version replaces the text: a view loaded just before our own save
            # landed is older than what the editor shows.
            if item.notes_version > self._shown_version:
                self._shown_version = item.notes_version
                if item.notes != editor.text:
                    # Another session's notes, nothing typed here: take them in place.
                    self._load_editor(item.notes, editor.cursor_location)
        elif item.notes_version != draft.base_version and item.notes not in draft.sent:
            who = item.notes_updated_by or "someone"
            self._status(f"{who} saved newer notes: merge on next save")
        kind = enums.label(item.kind)
        self.query_one("#item-title", Static).update(
            Text.assemble(
                (f"{item.position}. {item.title}", "bold"),
                (f"  {kind} · {item.timebox_minutes} min", "dim"),
            )
        )
        lines = Text()
        for o in item.outcomes:
            label, style = OUTCOME_LABEL.get(o.kind, (o.kind.upper(), ""))
            if lines:
                lines.append("\n")
            lines.append(f"{label} ", style=style)
            lines.append(o.text)
        self.query_one("#outcomes", Static).update(lines)

    def _load_editor(self, text: str, cursor=None) -> None:
        editor = self.editor
        self._shown_text = text
        editor.load_text(text)
        if cursor is None:
            lines = text.split("\n")
            cursor = (len(lines) - 1, len(lines[-1]))
        row = max(0, min(cursor[0], editor.document.line_count - 1))
        col = max(0, min(cursor[1], len(editor.document.get_line(row))))
        editor.move_cursor((row, col))

    @on(OptionList.OptionHighlighted, "#agenda")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_id is not None and int(event.option_id) != self._editing:
            self._show_item(int(event.option_id))

    def on_descendant_focus(self) -> None:
        hint = HINT_NOTES if self.focused is self._editor else HINT_AGENDA
        self.query_one("#hint", Static).update(hint)

    def edit_notes(self) -> None:
        """Enter on the agenda: type notes on the highlighted item."""
        if self._editing is not None:
            self.set_focus(self.editor)  # now, not later: type-ahead follows the focus

    def _tick_timers(self) -> None:
        view = self.view
        if view is None:
            return
        now = clock.now()
        t = Text()
        planned = view.planned_minutes * 60
        if view.status == "planned":
            t.append(f"Not started · agenda {view.planned_minutes} min · s starts the meeting")
        else:
            end = view.ended_at if view.ended_at is not None else now
            spent = (end - view.started_at).total_seconds() if view.started_at else 0
            text, st = timer.describe(spent, planned)
            t.append("Meeting " if view.status == "in_progress" else "Took ")
            t.append(f" {text} ", style=STATE_STYLE[st])
            current = view.item(view.current_item_id)
            if current is not None and view.status == "in_progress":
                spent_i = timer.elapsed(current.elapsed_seconds, current.started_at, now)
                text_i, st_i = timer.describe(spent_i, current.timebox_minutes * 60)
                t.append(f"  Item {current.position}/{len(view.items)} ")
                t.append(f" {text_i} ", style=STATE_STYLE[st_i])
                self.agenda.replace_option_prompt(
                    str(current.id), item_prompt(current, current=True, now=now)
                )
        self.query_one("#timers", Static).update(t)

    def _status(self, message: str) -> None:
        self.query_one("#note-status", Static).update(message)

    # -- notes: drafts, debounced saves, conflicts --------------------------------------------

    @on(TextArea.Changed, "#notes")
    def _typed(self, event: TextArea.Changed) -> None:
        if self._editing is None or self.drafts is None or self.view is None:
            return
        text = event.text_area.text
        if text == self._shown_text and self.drafts.get(self._editing) is None:
            return  # the text we loaded, not typed
        if not self.can_edit:
            return
        self.drafts.edit(
            self.view.id,
            self._editing,
            text,
            self._shown_version,
            event.text_area.cursor_location,
        )
        now = time.monotonic()
        self._last_change = now
        if self._first_dirty is None:
            self._first_dirty = now
        self._status("typing…")

    def _save_soon(self, item_id: int) -> None:
        """Leaving an item: its draft is saved at the next tick, without waiting."""
        if self.drafts is not None and self.drafts.get(item_id) is not None:
            self._first_dirty = 0.0

    def _autosave_tick(self) -> None:
        if self.drafts is None or self._saving or self._conflict_open or self._save_blocked:
            return
        now = time.monotonic()
        if now < self._retry_at:
            return
        for d in self.drafts.snapshot():
            due = d.item_id != self._editing or (
                now - self._last_change >= DEBOUNCE_S
                or (self._first_dirty is not None and now - self._first_dirty >= MAX_WAIT_S)
            )
            if due:
                sending = self.drafts.sending(d.item_id)
                if sending is None:
                    continue
                if d.item_id == self._editing:
                    self._first_dirty = None
                self._saving = True
                self._save(sending)
                return

    @work(thread=True, group="notes", exit_on_error=False)
    def _save(self, d) -> None:
        from reviewtui import uistate
        from reviewtui.db import meetings as meeting_q
        from reviewtui.db.errors import ReadOnly, UserError

        try:
            with self.app.db.session() as s:  # type: ignore[attr-defined]
                version = meeting_q.save_notes(d.item_id, d.text, d.base_version, session=s)
        except meeting_q.NotesConflict as c:
            if c.theirs in d.sent:  # our own earlier save: base on it and go again
                self.drafts.rebase(d.item_id, c.version)
                self.app.call_from_thread(self._save_finished, None)
            else:
                self.app.call_from_thread(self._conflict, d.item_id, c)
            return
        except ReadOnly as exc:
            self.app.call_from_thread(self._save_failed, str(exc), True)
            return
        except UserError as exc:
            self.app.call_from_thread(self._save_failed, str(exc), False)
            return
        except Exception as exc:  # database away or locked: keep the draft, try again
            self.app.call_from_thread(self._save_failed, f"notes not saved yet ({exc})", False)
            return
        self.drafts.stored(d.item_id, d.text, version)
        with contextlib.suppress(OSError):
            uistate.remember(self.drafts.db_url, self.meeting_id, d.item_id, d.cursor)
        self.app.call_from_thread(self._save_finished, (d.item_id, d.text, version))

    def _save_finished(self, saved) -> None:
        self._saving = False
        if saved is None:
            return
        item_id, text, version = saved
        if item_id == self._editing:
            self._shown_version = version
            if self.drafts.get(item_id) is None:
                self._shown_text = text
        stamp = clock.now().astimezone().strftime("%H:%M:%S")
        self._status(f"saved {stamp} v{version}")

    def _save_failed(self, message: str, blocked: bool) -> None:
        self._saving = False
        if blocked:
            self._save_blocked = True
            self.editor.read_only = True
        else:
            self._retry_at = time.monotonic() + 2.0
        self._status(f"NOT SAVED: {message}")
        self.notify(message, severity="error", timeout=6)

    def _conflict(self, item_id: int, c) -> None:
        self._saving = False
        self._conflict_open = True
        draft = self.drafts.get(item_id)
        mine = draft.text if draft is not None else c.mine

        def done(result) -> None:
            self._conflict_open = False
            if result is None:
                return
            self.drafts.rebase(item_id, c.version, result.text)
            if item_id == self._editing:
                self._shown_version = c.version
                self._load_editor(result.text, self.editor.cursor_location)
            self._first_dirty = 0.0  # save the merge at the next tick

        me = self.app.settings.user  # type: ignore[attr-defined]
        self.app.push_screen(MergeModal(c.theirs, mine, c.by, me), done)

    def flush_now(self) -> int:
        """Write every draft synchronously (leaving the screen, the app closing)."""
        from reviewtui import lifeline

        if self.drafts is None:
            return 0
        return lifeline.flush(self.drafts)

    def on_unmount(self) -> None:
        from reviewtui import lifeline, uistate

        try:
            self.flush_now()
        finally:
            if self.drafts is not None:
                lifeline.unregister(self.drafts)
                if self._editing is not None:
                    with contextlib.suppress(OSError):
                        uistate.remember(
                            self.drafts.db_url,
                            self.meeting_id,
                            self._editing,
                            self.editor.cursor_location,
                        )
            if self.watch is not None:
                self.watch.close()

    # -- watching other sessions -------------------------------------------------------------

    def _poll_tick(self) -> None:
        if self.watch is not None and not self._polling:
            self._polling = True
            self._poll()

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _poll(self) -> None:
        from reviewtui.db import meetings as meeting_q

        try:
            if self.watch is not None and self.watch.changed():
                with self.app.db.read() as s:  # type: ignore[attr-defined]
                    view = meeting_q.get_meeting(self.meeting_id, session=s)
                self.app.call_from_thread(self._apply, view)
        except Exception:  # a missed poll is made up by the next one
            pass
        finally:
            self._polling = False

    # -- writes -------------------------------------------------------------------------------

    def _guard(self) -> bool:
        if self.view is None:
            return False
        if self.view.read_only:
            self.notify("This meeting is signed off: it cannot be changed.", severity="warning")
            return False
        if self.app.settings.role != "facilitator":  # type: ignore[attr-defined]
            self.notify("This session is read-only.", severity="warning")
            return False
        return True

    def _write(self, fn, *args, message=None, **kwargs) -> None:
        """Run one db/meetings function as a unit of work, then reload the meeting."""
        self._write_worker(fn, args, kwargs, message)

    @work(thread=True, group="write", exit_on_error=False)
    def _write_worker(self, fn, args, kwargs, message) -> None:
        from reviewtui.db import meetings as meeting_q
        from reviewtui.db.errors import UserError

        with self._write_lock:
            try:
                db = self.app.db  # type: ignore[attr-defined]
                with db.session() as s:
                    result = fn(*args, session=s, **kwargs)
                with db.read() as s:
                    view = meeting_q.get_meeting(self.meeting_id, session=s)
            except UserError as exc:
                self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=6)
                return
        self.app.call_from_thread(self._apply, view)
        if message is not None:
            text = message(result) if callable(message) else message
            self.app.call_from_thread(self.notify, text)
        if fn.__name__ == "start_meeting":
            # The facilitator's next move is to take notes on the first item.
            self.app.call_from_thread(self.editor.focus)

    def _item(self):
        return self.view.item(self.agenda.highlighted_id) if self.view is not None else None

    def action_start(self) -> None:
        from reviewtui.db import meetings as meeting_q

        if not self._guard():
            return
        if self.view.status != "planned":
            self.notify(f"The meeting is {enums.label(self.view.status)}.")
            return

        def done(people) -> None:
            if people is not None:
                self._write(
                    meeting_q.start_meeting,
                    self.meeting_id,
                    attendance=[_entry(p) for p in people],
                    message="Meeting started: the clock is running.",
                )

        self.app.push_screen(AttendanceModal(self._attendees()), done)

    def action_attendance(self) -> None:
        from reviewtui.db import meetings as meeting_q

        if not self._guard():
            return

        def done(people) -> None:
            if people is not None:
                self._write(
                    meeting_q.set_attendance,
                    self.meeting_id,
                    [_entry(p) for p in people],
                    message="Attendance saved.",
                )

        self.app.push_screen(AttendanceModal(self._attendees(), "save"), done)

    def _attendees(self) -> list[Attendee]:
        view = self.view
        if view.attendance:
            return [
                Attendee(a.name, a.side, a.status, a.contact_id, a.organisation, a.role)
                for a in view.attendance
            ]
        return [
            Attendee(p.name, p.side, "present", p.id, p.organisation, p.role) for p in view.people
        ]

    def action_end(self) -> None:
        from reviewtui.db import meetings as meeting_q

        if not self._guard():
            return
        if self.view.status != "in_progress":
            self.notify("Only a meeting in progress can be ended.")
            return

        def done(yes: bool | None) -> None:
            if yes:
                self._write(meeting_q.end_meeting, self.meeting_id, message="Meeting ended.")

        self.app.push_screen(
            ConfirmModal("End the meeting now? Notes and outcomes stay editable until sign-off."),
            done,
        )

    def _step(self, delta: int) -> None:
        from reviewtui.db import meetings as meeting_q

        view = self.view
        if view is None or not view.items:
            return
        base = view.current_item_id if view.status == "in_progress" else None
        index = view.index_of(base if base is not None else self.agenda.highlighted_id)
        index = 0 if index is None else max(0, min(len(view.items) - 1, index + delta))
        target = view.items[index]
        self.agenda.highlighted = index
        if self.can_edit and target.id != view.current_item_id:
            self._write(meeting_q.go_to_item, self.meeting_id, target.id)

    def action_next_item(self) -> None:
        self._step(1)

    def action_previous_item(self) -> None:
        self._step(-1)

    def action_go_here(self) -> None:
        from reviewtui.db import meetings as meeting_q

        item = self._item()
        if item is not None and self._guard():
            self._write(meeting_q.go_to_item, self.meeting_id, item.id)

    def action_focus_agenda(self) -> None:
        self.agenda.focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_feedback(self) -> None:
        from reviewtui.screens.feedback import FeedbackScreen

        if self.view is not None:
            self.app.push_screen(FeedbackScreen(self.view.vendor_id, meeting_id=self.meeting_id))

    def action_outcome(self) -> None:
        item = self._item()
        if item is None or not self._guard():
            return

        def done(kind: str | None) -> None:
            if kind:
                self._outcome(kind)

        self.app.push_screen(OutcomeKindModal(item.title), done)

    def action_quick(self, kind: str) -> None:
        if self._item() is not None and self._guard():
            self._outcome(kind)

    def _outcome(self, kind: str) -> None:
        from reviewtui.db import meetings as meeting_q

        item = self._item()
        if item is None:
            return
        if kind in ("information", "decision"):

            def text_done(text: str | None) -> None:
                if text:
                    self._write(meeting_q.add_outcome, item.id, kind, text)

            self.app.push_screen(
                PromptModal(f"{enums.label(kind).capitalize()} on: {item.title}"), text_done
            )
        elif kind == "action":
            view = self.view
            # Vendor-side people first: they own most corrective actions.
            owners = [(f"{p.name} ({p.side})", p.id) for p in view.people if p.side == "vendor"]
            owners += [(f"{p.name} ({p.side})", p.id) for p in view.people if p.side != "vendor"]

            def action_done(a) -> None:
                if a is not None:
                    self._write(
                        meeting_q.add_action,
                        item.id,
                        a.title,
                        a.owner_id,
                        a.due,
                        message=f"Action raised: {a.title} (due {a.due.isoformat()})",
                    )

            self.app.push_screen(ActionModal(owners), action_done)
        elif kind == "parked":

            def park_done(reason: str | None) -> None:
                if reason is not None:
                    self._write(
                        meeting_q.park_item,
                        item.id,
                        reason=reason,
                        settings=self.app.settings,  # type: ignore[attr-defined]
                        message=lambda r: (
                            "Parked to the meeting of "
                            + r.scheduled_at.astimezone().strftime("%d %b %Y %H:%M")
                            + (" (scheduled now)" if r.created_meeting else "")
                        ),
                    )

            self.app.push_screen(
                PromptModal(
                    f"Park to the next meeting: {item.title}",
                    placeholder="Why (optional); Enter parks",
                    allow_empty=True,
                ),
                park_done,
            )

    def action_add_item(self) -> None:
        from reviewtui.db import meetings as meeting_q

        if not self._guard():
            return
        after = self.agenda.highlighted_id

        def done(title: str | None) -> None:
            if title:
                self._write(meeting_q.add_item, self.meeting_id, title, after_item_id=after)

        self.app.push_screen(PromptModal("New agenda item (added below the selected one)"), done)

    def action_rename_item(self) -> None:
        from reviewtui.db import meetings as meeting_q

        item = self._item()
        if item is None or not self._guard():
            return

        def done(title: str | None) -> None:
            if title and title != item.title:
                self._write(meeting_q.rename_item, item.id, title)

        self.app.push_screen(PromptModal("Rename the item", value=item.title), done)

    def action_timebox(self) -> None:
        from reviewtui.db import meetings as meeting_q

        item = self._item()
        if item is None or not self._guard():
            return

        def check(value: str) -> str | None:
            if not value.isdigit() or not 0 <= int(value) <= 240:
                return "Give whole minutes, 0 to 240."
            return None

        def done(value: str | None) -> None:
            if value:
                self._write(meeting_q.set_timebox, item.id, int(value))

        self.app.push_screen(
            PromptModal(
                f"Timebox in minutes: {item.title}", value=str(item.timebox_minutes), check=check
            ),
            done,
        )

    def action_remove_item(self) -> None:
        from reviewtui.db import meetings as meeting_q

        item = self._item()
        if item is None or not self._guard():
            return

        def done(yes: bool | None) -> None:
            if yes:
                if self.drafts is not None:
                    self.drafts.discard(item.id)
                self._write(meeting_q.remove_item, item.id, message="Item removed.")

        self.app.push_screen(
            ConfirmModal(f"Remove “{item.title}” with its notes and outcomes?"), done
        )

    def action_move(self, delta: int) -> None:
        from reviewtui.db import meetings as meeting_q

        item = self._item()
        if item is not None and self._guard():
            self._write(meeting_q.move_item, item.id, delta)

    def action_next_meeting_date(self) -> None:
        from reviewtui.db import meetings as meeting_q
        from reviewtui.domain.when import WHEN_EXAMPLES, WhenError, parse_when

        if not self._guard():
            return

        def check(value: str) -> str | None:
            try:
                parse_when(value)
            except WhenError as exc:
                return str(exc)
            return None

        def done(value: str | None) -> None:
            if value:
                when = parse_when(value)
                self._write(
                    meeting_q.set_next_meeting,
                    self.meeting_id,
                    when,
                    message=f"Next meeting: {_when(when)}",
                )

        self.app.push_screen(
            PromptModal("Date of the next meeting", placeholder=WHEN_EXAMPLES, check=check), done
        )


def _entry(p: Attendee):
    from reviewtui.db.meetings import AttendanceEntry

    return AttendanceEntry(
        name=p.name,
        side=p.side,
        status=p.status,
        contact_id=p.contact_id,
        organisation=p.organisation,
        role=p.role,
    )
