"""The Textual App: screens, global bindings, the command palette, theme and clean exit."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from reviewtui.config import Settings
from reviewtui.screens.followup_commands import FollowUpCommands
from reviewtui.screens.navigation import FollowUpNavigation
from reviewtui.screens.palette import VendorCommands

if TYPE_CHECKING:
    from reviewtui.db.engine import Database


class ReviewApp(FollowUpNavigation, App[int]):
    """reviewtui: the portfolio dashboard first; every other screen is pushed from there."""

    TITLE = "reviewtui"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {VendorCommands, FollowUpCommands}
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

    def open_minutes(self, meeting_id: int | None = None, *, vendor_id: int | None = None) -> None:
        """Show a meeting's minutes (or, given a vendor, its latest meeting that took place)."""
        from reviewtui.screens.minutes import MinutesScreen

        self.push_screen(MinutesScreen(meeting_id, vendor_id=vendor_id))

    def raise_plan(self, vendor_id: int, *, kpi_id: int | None = None) -> None:
        """Raise a corrective action plan for a vendor (from a KPI when ``kpi_id`` is given)."""
        self.new_plan(vendor_id=vendor_id, kpi_id=kpi_id)

    def on_unmount(self) -> None:
        if self._db is not None:
            self._db.dispose()
