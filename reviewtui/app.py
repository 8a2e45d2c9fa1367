"""The Textual App: screens, global bindings, the command palette, theme and clean exit."""

from __future__ import annotations

import dataclasses
import gc
import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.filter import LineFilter
from textual.screen import Screen
from textual.theme import BUILTIN_THEMES, Theme

from reviewtui.config import Settings
from reviewtui.screens.navigation import BetweenMeetingsNavigation
from reviewtui.screens.palette import BetweenMeetingsCommands, VendorCommands
from reviewtui.widgets.inert import INERT_TEXT

if TYPE_CHECKING:
    from textual.worker import Worker

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


class ReviewApp(BetweenMeetingsNavigation, App[int]):
    """reviewtui: the portfolio dashboard first; every other screen is pushed from there."""

    TITLE = "reviewtui"
    # Every style is in .tcss files: app.tcss here, a screen's own next to it (its CSS_PATH).
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {VendorCommands, BetweenMeetingsCommands}
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
        # (The table and footer the first screen shows come from the same module: no extra cost.)
        from reviewtui.textual_internals import report_worker_errors

        report_worker_errors(self, self._tell_user_error)
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
        from reviewtui import keymap as user_keymap

        self.keymap: dict[str, str] = {}
        """The user's keymap.toml (binding id -> keys), applied with ``set_keymap``."""
        self.keymap_problem: str | None = None
        """Why the keymap file was not used (told once the app shows), else None."""
        try:
            self.keymap = user_keymap.load()
        except user_keymap.KeymapError as exc:
            self.keymap_problem = f"{exc}; the default keys are used"
        if self.keymap:
            self.set_keymap(self.keymap)

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

    def get_line_filters(self) -> Sequence[LineFilter]:
        # Every line drawn, by every widget: no control character of stored text reaches the
        # terminal (widgets/inert.py).
        return [*super().get_line_filters(), INERT_TEXT]

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
        self._gc_threshold = gc.get_threshold()
        self.call_after_refresh(self._calm_the_garbage_collector)
        if self.sixteen_colours:
            for theme in sixteen_colour_themes():
                self.register_theme(theme)
            self.theme = ANSI_DARK
        if self.start_meeting_id is not None:
            self.open_meeting(self.start_meeting_id)
        if self.keymap_problem:
            self.notify(self.keymap_problem, severity="error", timeout=20)
        if self.keymap:
            self.run_worker(self._check_keymap_ids, thread=True, exit_on_error=False)

    def _check_keymap_ids(self) -> None:
        """Tell the ids of keymap.toml that no binding has (a typo must not pass for a remap),
        and the keys it takes from another binding.

        In a thread, after the first frame: it imports every screen to learn their bindings."""
        from reviewtui import keymap as user_keymap

        path = user_keymap.keymap_file()
        unknown = user_keymap.unknown_ids(self.keymap)
        if unknown:
            message = (
                f"{path}: no key has the id {', '.join(unknown)} "
                "(ignored; ? shows the id of each key)"
            )
            self.call_from_thread(self.notify, message, severity="error", timeout=20)
        taken = user_keymap.taken_keys(self.keymap)
        if taken:
            message = f"{path}: {'; '.join(taken)}, which is left without it"
            self.call_from_thread(self.notify, message, severity="warning", timeout=20)

    def _tell_user_error(self, worker: Worker) -> None:
        """A worker failed on a refusal or bad input (ReadOnly, NotFound ...): said in place.

        A screen's worker runs with ``exit_on_error=False``; without this, a write refused by
        the access guard would vanish silently on any screen that forgot to catch it.
        """
        from reviewtui.db.errors import UserError

        if isinstance(worker.error, UserError):
            self.notify(str(worker.error), severity="error", timeout=8)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # A blinking cursor repaints twice a second: bytes down a slow link for nothing.
        if not self.blink_cursors and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    def action_help(self) -> None:
        from reviewtui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

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
