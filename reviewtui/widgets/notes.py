"""The notes of one agenda item, saved as they are typed, never overwriting anyone's.

Every change becomes a draft in the screen's :class:`reviewtui.drafts.Drafts` (which the
SIGHUP/SIGTERM handler flushes). A draft is saved 0.3 s after the last keystroke and at most
0.6 s after the first unsaved one, checked every 100 ms while anything is unsaved (the check
sleeps while nothing is, so an idle session costs nothing): well within a second, even of a
``kill -9``. One save is in flight at a time, carrying the notes version the text was typed on;
when someone else saved in between, their changes are merged into the editor
(:func:`reviewtui.domain.merge.merge3`) with the cursor kept in the typist's words; only words
both changed are kept twice, theirs first, for the typist to merge in place (the keys never
leave the editor, so nothing is reordered).

Threads: the draft is updated in the same call that changes the text (``edit``/``undo``/
``redo``), not when the posted ``Changed`` message is handled later, so a refresh that lands
between the two cannot take the words for "not typed". The version a draft is based on lives in
the Drafts registry, which the save worker updates in one locked step with the draft it drops.
"""

from __future__ import annotations

import contextlib
import time

from textual import work
from textual.message import Message
from textual.timer import Timer
from textual.widgets import TextArea

from reviewtui.appref import review_app
from reviewtui.db import meetings as meeting_q
from reviewtui.db.errors import ReadOnly, UserError
from reviewtui.domain import clock
from reviewtui.domain.merge import location_of, merge3, offset_of
from reviewtui.drafts import CONFLICT_SEPARATOR, Drafts

DEBOUNCE_S = 0.3  # save this long after the last keystroke...
MAX_WAIT_S = 0.6  # ...or this long after the first unsaved one, whichever comes first
TICK_S = 0.1
# The cursor blinks this long after the last key or the focus, then stays lit: each blink
# repaints the editor, 2-3% of a core for a session left open on a meeting (where the notes
# have the focus), against a budget of 1% (docs/performance.md). Over SSH it never blinks.
BLINK_FOR_S = 10.0


class NotesEditor(TextArea):
    """A TextArea bound to one agenda item at a time, with drafts and debounced saves."""

    DEFAULT_CSS = """
    NotesEditor { height: 1fr; border: round $primary-darken-2; }
    NotesEditor:focus { border: round $accent; }
    """

    class Status(Message):
        """What the notes are doing (typing, saved, not saved), for the screen to show."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, **kwargs) -> None:
        super().__init__("", soft_wrap=True, disabled=True, **kwargs)
        self.drafts: Drafts | None = None  # given by the screen once the database is open
        self.meeting_id: int | None = None
        self.item_id: int | None = None  # the item whose notes are shown
        self.editable = False
        self._shown_version = 0  # the stored version the shown text is based on...
        self._shown_text = ""  # ...and its stored text
        self._first_dirty: float | None = None
        self._last_change = 0.0
        self._saving = False
        self._save_blocked = False
        self._retry_at = 0.0
        self._woke = time.monotonic()  # the last key or focus, for the cursor's blinking
        self._ticker: Timer | None = None
        self._ticking = True  # whether the ticker runs (False: paused till something is due)

    def attach(self, drafts: Drafts, meeting_id: int) -> None:
        self.drafts = drafts
        self.meeting_id = meeting_id
        self._tick_again()

    def on_mount(self) -> None:
        self._ticker = self.set_interval(TICK_S, self._autosave_tick)

    def _tick_again(self) -> None:
        """Something may be due (words typed, a save ended, the cursor woke): check at ticks."""
        if self._ticker is not None and not self._ticking:
            self._ticking = True
            self._ticker.resume()

    @property
    def checking_saves(self) -> bool:
        """Whether the 100 ms save check runs (it sleeps while nothing is unsaved or blinking)."""
        return self._ticking

    @property
    def typing(self) -> bool:
        """Whether the shown item has words not saved yet."""
        return (
            self.drafts is not None
            and self.item_id is not None
            and (self.drafts.get(self.item_id) is not None)
        )

    # -- showing -----------------------------------------------------------------------------

    def clear_item(self) -> None:
        self.item_id = None
        self.disabled = True

    def show_item(self, item, *, editable: bool, cursor=None) -> None:
        """Show ``item``'s notes (a draft of it wins), or take in a newer stored version."""
        self.disabled = False
        self.editable = editable
        self.read_only = not editable or self._save_blocked
        draft = self.drafts.get(item.id) if self.drafts is not None else None
        # The view may have been read before this session's own last save landed: then what
        # this session stored is the newer text (versions of an item only grow).
        version, text = item.notes_version, item.notes
        mine = self.drafts.last_stored(item.id) if self.drafts is not None else None
        if mine is not None and mine[0] > version:
            version, text = mine
        if item.id != self.item_id:
            if self.typing:
                self._first_dirty = 0.0  # leaving an item: save its draft at the next tick
                self._tick_again()
            self.item_id = item.id
            if draft:
                self._shown_version, self._shown_text = draft.base_version, draft.base_text
            else:
                self._shown_version, self._shown_text = version, text
            self._load(draft.text if draft else text, cursor)
        elif draft is None:
            # Only a newer version replaces the text: an older view changes nothing.
            if version > self._shown_version:
                self._shown_version, self._shown_text = version, text
                if text != self.text:
                    # Another session's notes, nothing typed here: take them in, the cursor
                    # where it was in the words around it.
                    here = offset_of(self.text, self.cursor_location)
                    moved = merge3(self.text, self.text, text, separator="").place(here)
                    self._load(text, location_of(text, moved))
        elif item.notes_version > draft.base_version and item.notes not in draft.sent:
            who = item.notes_updated_by or "someone"
            self.post_message(self.Status(f"{who} saved newer notes: merged in at the next save"))

    def _load(self, text: str, cursor=None) -> None:
        self.load_text(text)
        if cursor is None:
            lines = text.split("\n")
            cursor = (len(lines) - 1, len(lines[-1]))
        row = max(0, min(cursor[0], self.document.line_count - 1))
        col = max(0, min(cursor[1], len(self.document.get_line(row))))
        self.move_cursor((row, col))

    # -- typing and saving -------------------------------------------------------------------

    def edit(self, edit):
        result = super().edit(edit)
        self._typed()
        return result

    def undo(self) -> None:
        super().undo()
        self._typed()

    def redo(self) -> None:
        super().redo()
        self._typed()

    def _wake_cursor(self) -> None:
        self._woke = time.monotonic()
        if not self.cursor_blink and review_app(self).blink_cursors:
            self.cursor_blink = True
        if self.cursor_blink:
            self._tick_again()  # to stop the blinking in BLINK_FOR_S

    def on_focus(self) -> None:
        self._wake_cursor()

    def on_key(self, event) -> None:
        self._wake_cursor()
        # Read-only notes take no text, and a letter typed into them is no command either.
        if self.read_only and event.is_printable:
            event.prevent_default()
            event.stop()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()  # the draft was updated when the text changed (see _typed)

    def _typed(self) -> None:
        """The text changed by an edit here: update the draft now, on the UI thread."""
        if self.item_id is None or self.drafts is None or self.meeting_id is None:
            return
        if not self.editable:
            return
        self.drafts.edit(
            self.meeting_id,
            self.item_id,
            self.text,
            self._shown_version,
            self.cursor_location,
            base_text=self._shown_text,
        )
        now = time.monotonic()
        self._last_change = now
        if self._first_dirty is None:
            self._first_dirty = now
        self._tick_again()
        self.post_message(self.Status("typing…"))

    def _autosave_tick(self) -> None:
        if self.cursor_blink and time.monotonic() - self._woke > BLINK_FOR_S:
            self.cursor_blink = False  # lit, not blinking, until the next key
        if self._saving:
            return  # its end (_save_finished, _save_failed, _conflict) wakes the ticks
        drafts = self.drafts
        pending = drafts.snapshot() if drafts is not None else []
        if drafts is None or self._save_blocked or not pending:
            if not self.cursor_blink and self._ticker is not None:
                self._ticking = False
                self._ticker.pause()  # nothing to save, nothing blinking: sleep till woken
            return
        now = time.monotonic()
        if now < self._retry_at:
            return
        for d in pending:
            due = d.item_id != self.item_id or (
                now - self._last_change >= DEBOUNCE_S
                or (self._first_dirty is not None and now - self._first_dirty >= MAX_WAIT_S)
            )
            if not due:
                continue
            sending = drafts.sending(d.item_id)
            if sending is None:
                continue
            if d.item_id == self.item_id:
                self._first_dirty = None
            self._saving = True
            self._save(drafts, sending)
            return

    @work(thread=True, group="notes", exit_on_error=False)
    def _save(self, drafts: Drafts, d) -> None:
        # Not exclusive: a newer save must never cancel one that has not started.
        from reviewtui import uistate

        try:
            with review_app(self).db.session() as s:
                version = meeting_q.save_notes(d.item_id, d.text, d.base_version, session=s)
        except meeting_q.NotesConflict as c:
            if c.theirs in d.sent:  # our own earlier save: base on it and go again
                drafts.rebase(d.item_id, c.version, c.theirs)
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
        drafts.stored(d.item_id, d.text, version)
        with contextlib.suppress(OSError):
            uistate.remember(drafts.db_url, d.meeting_id, d.item_id, d.cursor)
        self.app.call_from_thread(self._save_finished, (d.item_id, d.text, version))

    def _save_finished(self, saved) -> None:
        self._saving = False
        self._tick_again()  # words typed during the save, or a rebased draft, go next
        if saved is None:
            return
        item_id, text, version = saved
        if item_id == self.item_id and version > self._shown_version:
            self._shown_version, self._shown_text = version, text
        stamp = clock.now().astimezone().strftime("%H:%M:%S")
        self.post_message(self.Status(f"saved {stamp} v{version}"))

    def _save_failed(self, message: str, blocked: bool) -> None:
        self._saving = False
        self._tick_again()
        if blocked:
            self._save_blocked = True
            self.read_only = True
        else:
            self._retry_at = time.monotonic() + 2.0
        self.post_message(self.Status(f"NOT SAVED: {message}"))
        self.notify(message, severity="error", timeout=6)

    def _conflict(self, item_id: int, c) -> None:
        """Someone else saved this item first: merge their changes into what is typed here.

        The merge starts from the version both typed on (the draft's base), so each side's
        words are in the note once. The typist goes on typing where they were (the cursor
        stays in their words); the merged text is saved at the next tick like any draft, so it
        is autosaved and flushed on SIGHUP, SIGTERM and exit. Where both changed the same
        words, both versions are kept, theirs first, and a warning says so: merging is editing
        the note.
        """
        self._saving = False
        self._tick_again()
        drafts = self.drafts
        draft = drafts.get(item_id) if drafts is not None else None
        if drafts is None or draft is None:
            return
        separator = CONFLICT_SEPARATOR.format(who=drafts.user or "someone")
        if item_id == self.item_id:
            mine = self.text  # the words typed since the save left are in it too
            merged = merge3(draft.base_text, mine, c.theirs, separator=separator)
            # Based on their version first, then the edit: the draft follows the text.
            drafts.rebase(item_id, c.version, c.theirs)
            self._shown_version, self._shown_text = c.version, c.theirs
            if merged.text != mine:
                at = merged.place(offset_of(mine, self.cursor_location))
                self.replace(
                    merged.text, (0, 0), self.document.end, maintain_selection_offset=False
                )
                # Undo stops here: undoing the merge would take their words out of the note,
                # and the next save would store it so without a word to anyone.
                self.history.clear()
                self.move_cursor(location_of(merged.text, at))
        else:
            merged = merge3(draft.base_text, draft.text, c.theirs, separator=separator)
            drafts.rebase(item_id, c.version, c.theirs, merged.text)
        self._first_dirty = 0.0
        by = c.by or "someone"
        if merged.clean:
            self.post_message(self.Status(f"merged {by}'s notes (v{c.version}) with yours"))
            return
        self.post_message(self.Status(f"CONFLICT: {by}'s words kept above yours: merge here"))
        self.notify(
            f"{by} changed the same words while you were typing. Both are kept in the note, "
            f"{by}'s first: edit them into one.",
            title="Conflict",
            severity="warning",
            timeout=10,
        )

    def flush_now(self) -> int:
        """Write every draft synchronously (leaving the screen, the app closing)."""
        from reviewtui import drafts as note_drafts

        if self.drafts is None:
            return 0
        return note_drafts.flush(self.drafts)

    def on_unmount(self) -> None:
        from reviewtui import uistate

        self.flush_now()
        if self.drafts is not None and self.item_id is not None and self.meeting_id is not None:
            with contextlib.suppress(OSError):
                uistate.remember(
                    self.drafts.db_url, self.meeting_id, self.item_id, self.cursor_location
                )
