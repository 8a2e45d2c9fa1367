"""The live meeting: agenda, timers, notes saved as they are typed, outcomes, attendance.

Keys work without a mouse at 80x24. Ctrl+N / Ctrl+B / Ctrl+O work everywhere, even while typing
notes; single letters are commands only on the agenda list, and only once the facilitator has
gone there on purpose (Escape or Ctrl+G from the notes; the list's border then says so). Every
other way in (opening or resuming the meeting, Ctrl+N/Ctrl+B, moving an item, any dialog
closing, Esc included) puts the focus in the current item's notes, and a letter typed on the list
that is no command goes into the notes too: typed prose lands in a note or does nothing.
Attendance changed here can be undone with ``u``.

Nothing typed is lost: every keystroke updates a draft (reviewtui.drafts.Drafts); a draft is
saved 0.3 s after the last keystroke, and at most 0.6 s after the first unsaved one (plus a
100 ms tick): within a second even of a kill -9. SIGHUP/SIGTERM and leaving the screen flush
what is left. Saves carry the notes
version they were typed on, so a save that crosses someone else's is shown both texts to merge.
Other sessions' changes arrive through ChangeWatch (reviewtui.db.watch): LISTEN/NOTIFY on
PostgreSQL, a cheap ``PRAGMA data_version`` check on SQLite; the screen reloads on its call.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static

from reviewtui.appref import review_app
from reviewtui.db import meetings as meeting_q
from reviewtui.db import outcomes as outcome_q
from reviewtui.db.errors import UserError
from reviewtui.db.meetings import AttendanceEntry
from reviewtui.domain import clock, enums, timer
from reviewtui.domain.when import WHEN_EXAMPLES, WhenError, parse_when
from reviewtui.screens.meeting_commands import MeetingCommands
from reviewtui.screens.meeting_modals import (
    ActionModal,
    AttendanceModal,
    Attendee,
    ConfirmModal,
    OutcomeKindModal,
    PromptModal,
    owner_choices,
)
from reviewtui.widgets.agenda import AgendaList
from reviewtui.widgets.footer import Footer
from reviewtui.widgets.notes import NotesEditor

if TYPE_CHECKING:
    from reviewtui.db.watch import ChangeWatch
    from reviewtui.drafts import Drafts
    from reviewtui.views.meetings import MeetingView


# The keys the hint line names, as shown by default; a key remapped in keymap.toml is shown
# as remapped (the hint must say what the key does now, as ? and the footer do).
HINT_KEYS = {
    "meeting.info": "i",
    "meeting.decision": "d",
    "meeting.action": "a",
    "meeting.park": "p",
    "meeting.add": "+",
    "meeting.rename": "r",
    "meeting.timebox": "t",
    "meeting.remove": "Del",
    "meeting.up": "[",
    "meeting.down": "]",
    "meeting.go": "g",
    "meeting.undo": "u",
    "meeting.agenda": "Esc or ^g",
    "meeting.next": "^n",
    "meeting.previous": "^b",
    "meeting.outcome": "^o",
}


def hint_agenda(k: Callable[[str], str]) -> str:
    """The hint line on the agenda list, ``k`` giving the keys of a binding id."""
    outcome = " ".join(k(f"meeting.{i}") for i in ("info", "decision", "action", "park"))
    edit = " ".join(k(f"meeting.{i}") for i in ("add", "rename", "timebox", "remove", "up", "down"))
    return (
        f"AGENDA KEYS · Enter notes · {outcome} outcome · {edit} edit agenda · "
        f"{k('meeting.go')} current · {k('meeting.undo')} undo"
    )


def hint_notes(k: Callable[[str], str]) -> str:
    """The hint line in the notes."""
    return (
        f"{k('meeting.agenda')} agenda · {k('meeting.next')} {k('meeting.previous')} "
        f"next/previous item · {k('meeting.outcome')} outcome · saved as you type"
    )


HINT_AGENDA = hint_agenda(HINT_KEYS.__getitem__)
HINT_NOTES = hint_notes(HINT_KEYS.__getitem__)

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

    COMMANDS = Screen.COMMANDS | {MeetingCommands}
    HELP_MORE = "On the agenda (once there: its border says so)"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "next_item", "Next item", id="meeting.next", priority=True),
        Binding("ctrl+b", "previous_item", "Prev item", id="meeting.previous", priority=True),
        Binding("ctrl+o", "outcome", "Outcome", id="meeting.outcome", priority=True),
        Binding("s", "start", "Start", id="meeting.start"),
        Binding("w", "attendance", "Attendance", id="meeting.attendance"),
        Binding("f", "feedback", "Feedback", id="meeting.feedback"),
        Binding("e", "end", "End", id="meeting.end"),
        Binding("q", "back", "Back", id="meeting.back"),
        # Works while typing notes too: a look at the facts, and back to the same cursor.
        # After end and back in the footer: at 80 columns those must stay in sight.
        Binding("ctrl+r", "facts", "Scorecard", id="meeting.facts", priority=True),
        Binding("escape,ctrl+g", "focus_agenda", "Agenda", show=False, id="meeting.agenda"),
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
        Binding("u", "undo", "Undo", show=False, id="meeting.undo"),
    ]

    CSS_PATH = "meeting.tcss"

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.view: MeetingView | None = None  # replaced whole on every load
        self.drafts: Drafts | None = None  # made when the database is open
        # Not "watch": that name is Textual's (DOMNode.watch) and must not be shadowed.
        self.change_watch: ChangeWatch | None = None
        self._timers_shown: tuple[str, tuple[object, ...]] | None = None  # the clocks' last text
        self._polling = False
        self._poll_pending = False
        self._write_lock = threading.Lock()
        self._resume: tuple[int, tuple[int, int]] | None = None
        self._agenda = AgendaList(id="agenda")
        self._editor = NotesEditor(id="notes")
        # What ``u`` puts back: the attendance before each change made in this session.
        self._undo: list[tuple[str, tuple]] = []

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
            yield Static(hint_agenda(self._hint_keys), id="hint")
            yield Static("", id="note-status")
        # At 80 columns the footer cuts off the keys past the edge: these stay.
        yield Footer(first=("next_item", "outcome", "end", "back", "facts"))

    @property
    def agenda(self) -> AgendaList:
        return self._agenda

    @property
    def editor(self) -> NotesEditor:
        return self._editor

    @property
    def can_edit(self) -> bool:
        return (
            review_app(self).settings.role == "facilitator"
            and self.view is not None
            and not self.view.read_only
        )

    def on_mount(self) -> None:
        # Until the meeting is loaded the list holds the focus and drops letters; then the
        # notes take it (set_focus, not focus(): a deferred focus could land after that).
        self.set_focus(self.agenda)
        self._load(initial=True)
        self.set_interval(1.0, self._tick_timers)

    def on_screen_resume(self) -> None:
        # Back from a dialog (confirmed or not) or another screen: the notes have the keys.
        if self.view is not None:
            self.notes_first()
            self._load()

    def notes_first(self) -> None:
        """Put the focus in the shown item's notes, when this session may write them."""
        if self.can_edit and self.editor.item_id is not None:
            self.set_focus(self.editor)

    def agenda_key(self, key: str, character: str | None) -> bool:
        """A printable key on the agenda list: a command only when bound, else text.

        Returns whether the key was taken (written into the notes, or dropped).
        """
        if self.view is not None and key in self.active_bindings:
            return False  # the list has the focus on purpose: a one-letter command
        if self.view is not None and self.can_edit and self.editor.item_id is not None:
            self.set_focus(self.editor)
            self.editor.post_message(events.Key(key, character))
        return True

    # -- loading and showing -----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def _load(self, initial: bool = False) -> None:
        from reviewtui import drafts as note_drafts
        from reviewtui import uistate
        from reviewtui.db.watch import ChangeWatch

        try:
            db = review_app(self).db
            with db.read() as s:
                view = meeting_q.get_meeting(self.meeting_id, session=s)
            if (
                initial
                and review_app(self).settings.role == "facilitator"
                and view.status == "planned"
                and view.type != "adhoc"
            ):
                # A meeting not yet started: its carried-over items as they stand today. Only
                # then: the refresh locks the meeting's row, a write (and on PostgreSQL a
                # commit to disk) that opening a running meeting need not pay.
                with db.session() as s:
                    changed = meeting_q.refresh_agenda(self.meeting_id, session=s)
                if changed:
                    with db.read() as s:
                        view = meeting_q.get_meeting(self.meeting_id, session=s)
            if initial:
                self.drafts = note_drafts.Drafts(db.url, db.user)
                note_drafts.register(self.drafts)
                self.change_watch = ChangeWatch(db, self.meeting_id)
                # What this load shows is what the watch starts from: a change committed since
                # the read is then told (reading the version now would mark it seen unshown).
                self.change_watch.seen(view.version)
                self._resume = uistate.recall(db.url, self.meeting_id)
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._apply, view, initial)

    def _apply(self, view, initial: bool = False) -> None:
        old = self.view
        if not initial and old is not None and view.version < old.version:
            # Read before a write whose own reload is already shown (a reload on coming back
            # from a dialog, a poll): showing it would take that write off the screen.
            return
        self.view = view
        if initial and self.drafts is not None:
            self.editor.attach(self.drafts, self.meeting_id)
        if initial and self.change_watch is not None:
            # Once the meeting is on the screen: on PostgreSQL the watch opens a connection of
            # its own (a server process forked), which on 2 cores slowed the first paint by up
            # to 90 ms. A change committed meanwhile is not missed: the watch compares versions
            # as soon as it listens.
            self.call_after_refresh(self.change_watch.start, self._changed_elsewhere)
        if self.change_watch is not None:
            self.change_watch.seen(view.version)
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
        elif review_app(self).settings.role != "facilitator":
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
        if initial:
            self.notes_first()  # opened or reopened: typing goes into the notes

    def _typing(self) -> bool:
        return self.editor.typing

    def _show_item(self, item_id: int | None, cursor=None) -> None:
        view = self.view
        item = view.item(item_id) if view is not None else None
        if item is None:
            self.editor.clear_item()
            self.query_one("#item-title", Static).update("No agenda item: + adds one.")
            self.query_one("#outcomes", Static).update("")
            return
        self.editor.show_item(item, editable=self.can_edit, cursor=cursor)
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

    @on(OptionList.OptionHighlighted, "#agenda")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_id is not None and int(event.option_id) != self.editor.item_id:
            self._show_item(int(event.option_id))

    def _hint_keys(self, binding_id: str) -> str:
        """The keys of a binding as the hint line shows them (keymap.toml applied)."""
        keys = getattr(self.app, "keymap", {}).get(binding_id)
        if not keys:
            return HINT_KEYS[binding_id]
        return " or ".join(
            self.app.get_key_display(Binding(key.strip(), "")) for key in keys.split(",")
        )

    def on_descendant_focus(self) -> None:
        on_list = self.focused is self._agenda
        hint = hint_agenda(self._hint_keys) if on_list else hint_notes(self._hint_keys)
        self.query_one("#hint", Static).update(hint)
        # Visible: the one place where single letters are commands.
        self.agenda.border_title = "Agenda · commands" if on_list else "Agenda"

    def edit_notes(self) -> None:
        """Enter on the agenda: type notes on the highlighted item."""
        if self.editor.item_id is not None:
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
                self.agenda.update_item(current, current=True, now=now)
        shown = (t.plain, tuple(t.spans))
        if shown != self._timers_shown:  # a planned meeting's line never changes: no repaint
            self._timers_shown = shown
            self.query_one("#timers", Static).update(t)

    def _status(self, message: str) -> None:
        self.query_one("#note-status", Static).update(message)

    # -- notes ------------------------------------------------------------------------------

    def on_notes_editor_status(self, event: NotesEditor.Status) -> None:
        self._status(event.text)

    def on_unmount(self) -> None:
        from reviewtui import drafts as note_drafts

        # The editor flushes its drafts as it goes; this screen only lets go of them.
        if self.drafts is not None:
            note_drafts.unregister(self.drafts)
        if self.change_watch is not None:
            self.change_watch.close()

    # -- watching other sessions -------------------------------------------------------------

    def _changed_elsewhere(self) -> None:
        """Called by the watch's thread: look at the meeting again, on the UI thread's word."""
        with contextlib.suppress(RuntimeError):  # the app is closing
            self.app.call_from_thread(self._poll_tick)

    def _poll_tick(self) -> None:
        # One reload at a time; a change announced during one is looked at right after it
        # (nothing would announce it again). Both flags live on the UI thread.
        if self.change_watch is None or not self.is_attached:
            return
        if self._polling:
            self._poll_pending = True
            return
        self._polling = True
        self._poll()

    def _poll_done(self) -> None:
        self._polling = False
        if self._poll_pending:
            self._poll_pending = False
            self._poll_tick()

    @work(thread=True, group="poll", exit_on_error=False)
    def _poll(self) -> None:
        try:
            if self.change_watch is not None and self.change_watch.changed():
                with review_app(self).db.read() as s:
                    view = meeting_q.get_meeting(self.meeting_id, session=s)
                self.app.call_from_thread(self._apply, view)
        except Exception:  # the watch calls again at the next change; a reload is cheap
            pass
        finally:
            with contextlib.suppress(RuntimeError):
                self.app.call_from_thread(self._poll_done)

    # -- writes -------------------------------------------------------------------------------

    def _guard(self) -> MeetingView | None:
        """The meeting when this session may change it now, else None (and the user is told)."""
        view = self.view
        if view is None:
            return None
        if view.read_only:
            self.notify("This meeting is signed off: it cannot be changed.", severity="warning")
            return None
        if review_app(self).settings.role != "facilitator":
            self.notify("This session is read-only.", severity="warning")
            return None
        return view

    def _write(self, fn, *args, message=None, then=None, **kwargs) -> None:
        """Run one db/meetings function as a unit of work, then reload the meeting.

        Not an exclusive worker: a newer one would cancel a write that has not started yet.
        """
        self._write_worker(fn, args, kwargs, message, then)

    @work(thread=True, group="write", exit_on_error=False)
    def _write_worker(self, fn, args, kwargs, message, then) -> None:
        with self._write_lock:
            try:
                db = review_app(self).db
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
        if then is not None:
            self.app.call_from_thread(then)

    def _item(self):
        return self.view.item(self.agenda.highlighted_id) if self.view is not None else None

    def action_start(self) -> None:
        view = self._guard()
        if view is None:
            return
        if view.status != "planned":
            self.notify(f"The meeting is {enums.label(view.status)}.")
            return

        def done(people) -> None:
            if people is not None:
                self._write(
                    meeting_q.start_meeting,
                    self.meeting_id,
                    attendance=[_entry(p) for p in people],
                    message="Meeting started: the clock is running.",
                    then=self.editor.focus,  # next: notes on the first item
                )

        self.app.push_screen(AttendanceModal(self._attendees(view)), done)

    def action_attendance(self) -> None:
        view = self._guard()
        if view is None:
            return

        before = tuple(_entry(p) for p in self._attendees(view)) if view.attendance else ()

        def done(people) -> None:
            if people is not None:
                entries = [_entry(p) for p in people]
                if tuple(entries) == before:
                    return
                self._undo.append(("attendance", before))
                self._write(
                    meeting_q.set_attendance,
                    self.meeting_id,
                    entries,
                    message="Attendance saved (u undoes).",
                )

        self.app.push_screen(AttendanceModal(self._attendees(view), "save"), done)

    def action_undo(self) -> None:
        """Put back what the last change of attendance made in this session replaced."""

        if not self._guard():
            return
        if not self._undo:
            self.notify("Nothing to undo: u puts back attendance changed in this session.")
            return
        _kind, before = self._undo.pop()
        self._write(
            meeting_q.set_attendance,
            self.meeting_id,
            list(before),
            message="Attendance put back as it was.",
        )

    def _attendees(self, view: MeetingView) -> list[Attendee]:
        if view.attendance:
            return [
                Attendee(a.name, a.side, a.status, a.contact_id, a.organisation, a.role)
                for a in view.attendance
            ]
        return [
            Attendee(p.name, p.side, "present", p.id, p.organisation, p.role) for p in view.people
        ]

    def action_end(self) -> None:
        view = self._guard()
        if view is None:
            return
        if view.status != "in_progress":
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
        view = self.view
        if view is None or not view.items:
            return
        base = view.current_item_id if view.status == "in_progress" else None
        index = view.index_of(base if base is not None else self.agenda.highlighted_id)
        index = 0 if index is None else max(0, min(len(view.items) - 1, index + delta))
        target = view.items[index]
        self.agenda.highlighted = index
        # Shown now, not when the highlight message comes round: keys typed straight after
        # Ctrl+N belong to the new item.
        self._show_item(target.id)
        self.notes_first()
        if self.can_edit and target.id != view.current_item_id:
            self._write(meeting_q.go_to_item, self.meeting_id, target.id)

    def action_next_item(self) -> None:
        self._step(1)

    def action_previous_item(self) -> None:
        self._step(-1)

    def action_go_here(self) -> None:
        item = self._item()
        if item is not None and self._guard():
            self.notes_first()
            self._write(meeting_q.go_to_item, self.meeting_id, item.id)

    def action_facts(self) -> None:
        """The scorecard as at the meeting's period and the agenda's actions (ctrl+r)."""
        from reviewtui.screens.meeting_facts import MeetingFactsModal

        if not isinstance(self.app.screen, MeetingFactsModal):
            self.app.push_screen(MeetingFactsModal(self.meeting_id))

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
        item, view = self._item(), self.view
        if item is None or view is None:
            return
        if kind in ("information", "decision"):

            def text_done(text: str | None) -> None:
                if text:
                    self._write(outcome_q.add_outcome, item.id, kind, text)

            self.app.push_screen(
                PromptModal(f"{enums.label(kind).capitalize()} on: {item.title}"), text_done
            )
        elif kind == "action":
            owners = owner_choices(view.people, view.attendance)

            def action_done(a) -> None:
                if a is not None:
                    self._write(
                        outcome_q.add_action,
                        item.id,
                        a.title,
                        a.owner,
                        a.due,
                        message=f"Action raised: {a.title} (due {a.due.isoformat()})",
                    )

            self.app.push_screen(ActionModal(owners), action_done)
        elif kind == "parked":

            def park_done(reason: str | None) -> None:
                if reason is not None:
                    self._write(
                        outcome_q.park_item,
                        item.id,
                        reason=reason,
                        settings=review_app(self).settings,
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
        if not self._guard():
            return
        after = self.agenda.highlighted_id

        def done(title: str | None) -> None:
            if title:
                self._write(meeting_q.add_item, self.meeting_id, title, after_item_id=after)

        self.app.push_screen(PromptModal("New agenda item (added below the selected one)"), done)

    def action_rename_item(self) -> None:
        item = self._item()
        if item is None or not self._guard():
            return

        def done(title: str | None) -> None:
            if title and title != item.title:
                self._write(meeting_q.rename_item, item.id, title)

        self.app.push_screen(PromptModal("Rename the item", value=item.title), done)

    def action_timebox(self) -> None:
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
        item = self._item()
        if item is not None and self._guard():
            self.notes_first()
            self._write(meeting_q.move_item, item.id, delta)

    def action_next_meeting_date(self) -> None:
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
    return AttendanceEntry(
        name=p.name,
        side=p.side,
        status=p.status,
        contact_id=p.contact_id,
        organisation=p.organisation,
        role=p.role,
    )
