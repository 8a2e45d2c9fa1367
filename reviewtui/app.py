"""The Textual App: screens, global bindings, the command palette, theme and clean exit."""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import gc
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import BUILTIN_THEMES, Theme
from textual.worker import Worker, WorkerState
from textual.worker_manager import WorkerManager

from reviewtui.config import Settings
from reviewtui.screens.followup_commands import FollowUpCommands
from reviewtui.screens.navigation import FollowUpNavigation
from reviewtui.screens.palette import VendorCommands

if TYPE_CHECKING:
    from reviewtui.db.engine import Database
    from reviewtui.prefetch import Prefetch


def sixteen_colours() -> bool:
    """True when the terminal shows 16 colours (or none): TERM=xterm, linux, screen ...

    ``TEXTUAL_COLOR_SYSTEM`` decides when set (``standard`` is 16 colours), else the terminal's
    TERM and COLORTERM as Rich reads them.
    """
    forced = os.environ.get("TEXTUAL_COLOR_SYSTEM", "auto").strip().lower()
    if forced != "auto":
        return forced in ("standard", "windows")
    from rich.console import Console

    return Console(force_terminal=True).color_system in (None, "standard", "windows")


ANSI_DARK, ANSI_LIGHT = "reviewtui-ansi-dark", "reviewtui-ansi-light"
"""The themes of a 16-colour (or NO_COLOR) terminal."""


def sixteen_colour_themes() -> list[Theme]:
    """Textual's ANSI themes, with the frame of a field that is not focused in grey.

    Textual draws it black in the dark one and white in the light one, assuming the terminal's
    background matches; it is unknown (16-colour terminals are dark and light alike), and a
    black or white frame vanished on one of them: Input boxes looked like loose text. Grey
    (bright black) shows on both.
    """
    out = []
    for name, base in ((ANSI_DARK, "ansi-dark"), (ANSI_LIGHT, "ansi-light")):
        theme = BUILTIN_THEMES[base]
        grey = {"border-blurred": "ansi_bright_black"}
        out.append(dataclasses.replace(theme, name=name, variables={**theme.variables, **grey}))
    return out


class _ReportingWorkers(WorkerManager):
    """Tells the user, in place, any refusal or bad input a worker met (ReadOnly, NotFound ...).

    A screen's worker runs with ``exit_on_error=False``; without this, a write refused by the
    access guard would vanish silently on any screen that forgot to catch it.
    """

    def _remove_worker(self, worker: Worker) -> None:
        super()._remove_worker(worker)
        from reviewtui.db.errors import UserError

        if worker.state == WorkerState.ERROR and isinstance(worker.error, UserError):
            self._app.notify(str(worker.error), severity="error", timeout=8)


class _FreshContextExecutor(ThreadPoolExecutor):
    """The thread pool of the app's thread workers: each job runs in a context of its own.

    Textual sets its ``active_worker`` context variable in the pool thread and never unsets it,
    so each of the pool's threads kept its last worker alive, and through the worker's node and
    task the whole screen it ran for (six vendor pages, 26,000 objects each, rescanned by every
    full garbage collection). A fresh context per job is dropped when the job ends.
    """

    def submit(self, fn, /, *args, **kwargs):
        return super().submit(contextvars.Context().run, fn, *args, **kwargs)


class ReviewApp(FollowUpNavigation, App[int]):
    """reviewtui: the portfolio dashboard first; every other screen is pushed from there."""

    TITLE = "reviewtui"
    CSS_PATH = "app.tcss"
    # With NO_COLOR every colour is dropped, and with it the background that marks the cursor
    # row and the text cursor: reverse video marks them instead; the highlighted option (an
    # agenda item) is underlined (Textual 8 draws options without reverse video). In 16 colours the command
    # palette's frame and icon were black, unseen on a dark terminal: grey and the terminal's
    # own colour instead.
    DEFAULT_CSS = """
    App.-no-color DataTable > .datatable--cursor { text-style: reverse bold; }
    App.-no-color Input > .input--cursor { text-style: reverse; }
    App.-no-color OptionList > .option-list--option-highlighted { text-style: bold underline; }
    CommandPalette:ansi #--input { border: hkey ansi_bright_black; }
    CommandList:ansi { border-bottom: hkey ansi_bright_black; }
    SearchIcon:ansi { color: ansi_default; }
    """
    SCOPED_CSS = False  # the rules above start at the App itself
    COMMANDS = App.COMMANDS | {VendorCommands, FollowUpCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("ctrl+t", "toggle_theme", "Theme", id="theme"),
    ]

    def __init__(self, settings: Settings, db_url: str) -> None:
        self.over_ssh = bool(os.environ.get("SSH_CONNECTION"))
        """Started in an SSH session: no animation, no cursor blink."""
        self.sixteen_colours = sixteen_colours() or "NO_COLOR" in os.environ
        """A 16-colour (or NO_COLOR) terminal: the ANSI theme, in the terminal's own colours."""
        # Native ANSI colours also make NO_COLOR strip colour rather than paint it grey.
        super().__init__(ansi_color=True if self.sixteen_colours else None)
        self._workers = _ReportingWorkers(self)
        if "NO_COLOR" in os.environ:
            self.add_class("-no-color")
        self.settings = settings
        self.blink_cursors = not (self.over_ssh or settings.low_bandwidth)
        """False: cursors stay lit (over SSH, on slow links, and in snapshots, where a blink
        caught half-way would make the same screen differ)."""
        self.db_url = db_url
        self._db: Database | None = None
        self._db_lock = threading.Lock()
        if (self.over_ssh or settings.low_bandwidth) and "TEXTUAL_ANIMATIONS" not in os.environ:
            self.animation_level = "none"
        if settings.role == "viewer":
            self.sub_title = "viewer (read-only)"
        elif settings.role == "vendor":
            self.sub_title = f"vendor: {settings.vendor}"
        self.start_meeting_id: int | None = None
        self.prefetch: Prefetch | None = None
        """The dashboard's first rows, being computed in a child process (see reviewtui.tui)."""
        self.shown_vendors: list[tuple[int, str]] | None = None
        """(id, name) of the vendors the dashboard shows, by name (None until it has rows)."""

    @property
    def db(self) -> Database:
        """The database, opened on first use (from a worker thread: it imports SQLAlchemy)."""
        with self._db_lock:
            if self._db is None:
                from reviewtui.db import open_database

                self._db = open_database(
                    self.db_url,
                    user=self.settings.user,
                    role=self.settings.role,
                    vendor=self.settings.vendor,
                    name=self.settings.person().name,
                )
            return self._db

    @property
    def db_open(self) -> bool:
        """Whether the database is open (the data layer imported): a query would not wait."""
        return self._db is not None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Paste) and not event.is_forwarded:
            # A paste keeps its text, newlines and tabs (a note must never lose it); control
            # characters (ESC, NUL, ...) are dropped before any widget sees them.
            from reviewtui.domain.text import strip_controls

            event.text = strip_controls(event.text)
        await super().on_event(event)

    def scoped_vendor_id(self, requested: int | None) -> int | None:
        """The vendor a list shows: a vendor session's own (its id was resolved when the
        database opened), else ``requested`` (None: every vendor)."""
        return self.db.vendor_id if self.settings.role == "vendor" else requested

    @property
    def vendor_scope(self) -> str | None:
        """The one vendor a restricted (vendor-role) session may see, else None."""
        return self.settings.vendor if self.settings.role == "vendor" else None

    def get_default_screen(self) -> Screen:
        # The dashboard is the bottom of the stack: built with the app, it is on the first
        # frame (pushed from on_mount, it came one frame later).
        from reviewtui.screens.dashboard import DashboardScreen

        return DashboardScreen()

    def on_mount(self) -> None:
        loop = asyncio.get_running_loop()
        previous = getattr(loop, "_default_executor", None)
        loop.set_default_executor(_FreshContextExecutor(thread_name_prefix="reviewtui-worker"))
        if previous is not None:
            previous.shutdown(wait=False)
        self._gc_threshold = gc.get_threshold()
        self.call_after_refresh(self._calm_the_garbage_collector)
        if self.sixteen_colours:
            for theme in sixteen_colour_themes():
                self.register_theme(theme)
            self.theme = ANSI_DARK
        if self.start_meeting_id is not None:
            self.open_meeting(self.start_meeting_id)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # A blinking cursor repaints twice a second: bytes down a slow link for nothing.
        if not self.blink_cursors and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    def action_help(self) -> None:
        from reviewtui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        dark, light = (
            (ANSI_DARK, ANSI_LIGHT)
            if self.sixteen_colours
            else (
                "textual-dark",
                "textual-light",
            )
        )
        self.theme = light if self.theme == dark else dark

    def open_vendor(self, vendor_id: int) -> None:
        """Show a vendor's page (from the dashboard or the command palette)."""
        from reviewtui.screens.vendor import open_vendor

        open_vendor(self, vendor_id)

    def open_minutes(self, meeting_id: int | None = None, *, vendor_id: int | None = None) -> None:
        """Show a meeting's minutes (or, given a vendor, its latest meeting that took place)."""
        from reviewtui.screens.minutes import MinutesScreen

        self.push_screen(MinutesScreen(meeting_id, vendor_id=vendor_id))

    def open_meeting(self, meeting_id: int) -> None:
        """Show the live meeting screen (from the meeting list or ``reviewtui meetings open``)."""
        from reviewtui.screens.meeting import MeetingScreen

        self.push_screen(MeetingScreen(meeting_id))

    def schedule_meeting(self, vendor_id: int | None = None) -> None:
        """The schedule form (from the command palette), on ``vendor_id`` if given."""
        from reviewtui.screens.meetings import NewMeetingModal

        if self.settings.role != "facilitator":
            self.notify(
                "This session is read-only: meetings cannot be scheduled.", severity="error"
            )
            return

        def load() -> list[tuple[int, str]]:
            from reviewtui.db import vendors as vendor_q

            with self.db.read() as s:
                return vendor_q.names(session=s, only_vendor=self.vendor_scope)

        def done(meeting_id: int | None) -> None:
            if meeting_id is not None:
                self.notify(f"Meeting {meeting_id} scheduled with its default agenda.")

        def ask(names: list[tuple[int, str]]) -> None:
            if not names:
                self.notify("Add a vendor first (dashboard: a).", severity="warning")
                return
            self.push_screen(NewMeetingModal(names, vendor_id), done)

        self._load_then(load, ask)

    def _calm_the_garbage_collector(self) -> None:
        """Fewer and shorter full garbage collections while the app runs.

        The heap after start-up is some 130,000 objects (modules, styles, the first screen);
        a full collection walked all of them, 90 to 200 ms on a 2-core server, and one came
        every second screen opened: a stutter on every other key press. Frozen, they are left
        out of every collection; and a full collection waits for ten times as many younger
        ones. Undone on exit (tests run many apps in one process).
        """
        gc.freeze()
        young, middle, _ = self._gc_threshold
        gc.set_threshold(young, middle, 100)

    def on_unmount(self) -> None:
        gc.set_threshold(*self._gc_threshold)
        gc.unfreeze()
        if self._db is not None:
            self._db.dispose()
