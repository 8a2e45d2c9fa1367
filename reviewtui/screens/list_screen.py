"""The frame the list screens share: actions, plans, escalations, audits and meetings.

Each shows one or two tables of rows read in a worker, for every vendor or for one; opens with the
columns laid out and the first table focused; reloads when the user comes back from what it
opened (the rows may have changed there); and leaves with ``q``/Escape. What each lists, its
filters, its keys (bindings keep their per-screen ids) and how a row is drawn stay in its module.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from textual.screen import Screen
from textual.widgets import DataTable

#: A column: label, key, width (``None``: the rest of the line).
Column = tuple[str, str, int | None]


class ListScreen(Screen):
    """A screen of tables loaded in a worker; subclasses declare ``TABLES`` and write ``load``.

    Textual calls ``on_mount`` and ``on_screen_resume`` of every class in the MRO, so a subclass
    adds to the opening through :meth:`opened` rather than its own ``on_mount``.
    """

    #: The tables by id (without ``#``) with their columns; the first gets the focus.
    TABLES: ClassVar[dict[str, tuple[Column, ...]]] = {}
    #: The header's sub-title; ``None`` leaves it to the screen.
    SUB_TITLE: ClassVar[str | None] = None
    #: When coming back reloads: ``after_first`` (the first ScreenResume comes with the first
    #: show, which the mount loads already), ``always``, or ``never``.
    RELOAD_ON_RESUME: ClassVar[Literal["after_first", "always", "never"]] = "after_first"

    def __init__(self, vendor_id: int | None = None) -> None:
        super().__init__()
        self.vendor_id = vendor_id
        self._shown = False

    def on_mount(self) -> None:
        if self.SUB_TITLE is not None:
            self.sub_title = self.SUB_TITLE
        first: DataTable | None = None
        for table_id, columns in self.TABLES.items():
            table = self.query_one(f"#{table_id}", DataTable)
            for label, key, width in columns:
                table.add_column(label, key=key, width=width)
            first = first or table
        if first is not None:
            first.focus()
        self.opened()
        self.load()

    def opened(self) -> None:
        """Anything more to start when the screen opens, before the first load."""

    def on_screen_resume(self) -> None:
        if self.RELOAD_ON_RESUME == "always" or (
            self.RELOAD_ON_RESUME == "after_first" and self._shown
        ):
            self.load()
        self._shown = True

    def load(self) -> object:
        """Read the rows in a worker and show them (a ``@work`` method may be ``load`` itself)."""
        raise NotImplementedError

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()
