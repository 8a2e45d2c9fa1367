"""The Textual App: screens, global bindings, the command palette, theme and clean exit."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from reviewtui.config import Settings
from reviewtui.screens.palette import VendorCommands

if TYPE_CHECKING:
    from reviewtui.db.engine import Database


class ReviewApp(App[int]):
    """reviewtui: the portfolio dashboard first; every other screen is pushed from there."""

    TITLE = "reviewtui"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {VendorCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("ctrl+t", "toggle_theme", "Theme", id="theme"),
    ]

    def __init__(self, settings: Settings, db_url: str) -> None:
        super().__init__()
        self.settings = settings
        self.db_url = db_url
        self._db: Database | None = None
        self._db_lock = threading.Lock()
        self.start_meeting_id: int | None = None

    @property
    def db(self) -> Database:
        """The database, opened on first use (from a worker thread: it imports SQLAlchemy)."""
        with self._db_lock:
            if self._db is None:
                from reviewtui.db import open_database

                self._db = open_database(self.db_url, user=self.settings.user)
            return self._db

    @property
    def vendor_scope(self) -> str | None:
        """The one vendor a restricted (vendor-role) session may see, else None."""
        return self.settings.vendor if self.settings.role == "vendor" else None

    def on_mount(self) -> None:
        from reviewtui.screens.dashboard import DashboardScreen

        self.push_screen(DashboardScreen())
        if self.start_meeting_id is not None:
            self.open_meeting(self.start_meeting_id)

    def action_help(self) -> None:
        from reviewtui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def open_vendor(self, vendor_id: int) -> None:
        """Show a vendor's page (from the dashboard or the command palette)."""
        from reviewtui.screens.vendor import VendorScreen

        self.push_screen(VendorScreen(vendor_id))

    def open_meeting(self, meeting_id: int) -> None:
        """Show the live meeting screen (from the meeting list or ``reviewtui meetings open``)."""
        from reviewtui.screens.meeting import MeetingScreen

        self.push_screen(MeetingScreen(meeting_id))

    def on_unmount(self) -> None:
        if self._db is not None:
            self._db.dispose()
