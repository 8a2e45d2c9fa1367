"""Every use of a Textual private name, in one place, each with what it buys.

reviewtui pins Textual exactly (see pyproject.toml). Three things here reach past Textual's public
API; nowhere else in the package does (tests/test_textual_internals.py checks that, and checks
the shape of every private name used here, so an upgrade that changes one fails loudly there
rather than quietly in front of a vendor). docs/textual-upgrade.md is the checklist for an
upgrade; ``python -m benchmarks.textual_internals_bench`` re-measures what each one buys.

1. :class:`SteadyDataTable` - DataTable's render caches dropped when its column widths are
   measured (Textual #4470: rows painted before the measuring stayed at header width), and
   one-line text cells painted without Rich's layout. Figures in its docstring.
2. :class:`QuietFooter` - the Footer recomposes once per refresh, and only when what it shows
   changed, instead of on every bindings signal.
3. :func:`report_worker_errors` - a worker that failed on something the user caused
   (a :class:`~reviewtui.db.errors.UserError`) is told in place, whatever screen it ran for.

Also re-exported for the tests: :data:`FooterKey` and :data:`Toast` (widgets Textual keeps in
private modules) and :func:`notifications` (the app's pending notifications).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast
from textual.widgets.data_table import RowKey
from textual.worker import Worker, WorkerState
from textual.worker_manager import WorkerManager

if TYPE_CHECKING:
    from textual.app import App, ComposeResult
    from textual.notifications import Notification
    from textual.pilot import Pilot
    from textual.screen import Screen

__all__ = [
    "TEXTUAL_VERSION",
    "FooterKey",
    "QuietFooter",
    "SteadyDataTable",
    "Toast",
    "notifications",
    "report_worker_errors",
    "wait_for_screen",
]

TEXTUAL_VERSION = "8.2.8"
"""The Textual release every private name here was checked against (the pin in pyproject)."""

_NULL = Style.null()
_NEWLINE = Text("\n")

CellLines = list[list[Segment]]
"""A rendered cell: one list of segments per line (Textual's private ``SegmentLines``)."""


# --- 1. DataTable -------------------------------------------------------------------------------


class SteadyDataTable(DataTable):
    """DataTable with its column widths kept in step with its paint, and fast one-line cells.

    **Stale widths (Textual #4470).** DataTable measures new rows on its idle; rows painted
    between ``add_row`` and that idle stay in its render caches at the old, header-only column
    widths (``stan`` for ``standard``) until something else invalidates them; on a busy server
    that paint often wins the race. Overriding ``_update_dimensions`` and
    ``_update_column_widths`` to drop the caches (``_clear_caches``) fixes it. Buys: correct
    columns (tests/test_textual_internals.py shows a stock DataTable still gets them wrong);
    costs one repaint of the visible rows when widths change.

    **Fast cells.** DataTable paints every cell through Rich (``Styled(Padding(cell))``
    rendered to lines): about a tenth of a millisecond a cell, again after every change of the
    table. A one-line text cell that fits its column comes out of that as: the cell padding,
    the text's segments, spaces up to the column width, the padding, all under the row's and
    the cursor's styles. ``_render_cell`` builds exactly that, from the same pieces Rich uses
    (the same styles, DataTable's own cell cache and cache key), and leaves every other cell
    (taller rows, text to crop or wrap, tabs, justified text, other renderables) to DataTable.
    Measured (benchmarks/textual_internals_bench.py, 2-core VM, 500 rows x 7 columns, 120x36):
    see docs/textual-upgrade.md for the figures.
    """

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        super()._update_dimensions(new_rows)
        self._clear_caches()
        self.refresh()

    def _update_column_widths(self, updated_cells: set) -> None:
        super()._update_column_widths(updated_cells)
        self._clear_caches()
        self.refresh()

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> CellLines:
        lines = self.render_text_cell(row_index, column_index, base_style, width, cursor, hover)
        if lines is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        return lines

    def _console_justify(self) -> str | None:
        """The justification the app's console gives text without one of its own."""
        try:
            return self._justify
        except AttributeError:
            self._justify: str | None = self.app.console_options.justify
            return self._justify

    def render_text_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool,
        hover: bool,
    ) -> CellLines | None:
        """The cell's one line, or None for DataTable to render it."""
        if column_index < 0:  # a row label
            return None
        header = row_index == -1
        row_key = self._header_row_key if header else self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None:  # no such cell: DataTable's path decides
            return None
        # DataTable's own cache and key: whichever path rendered a cell, it is reused and
        # invalidated alike.
        cache_key = (
            row_key,
            column_key,
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        cached = self._cell_render_cache.get(cache_key)
        if cached is not None:
            return cached
        if (self.header_height if header else self.rows[row_key].height) != 1:
            return None
        cell = self._get_row_renderables(row_index).cells[column_index]
        if type(cell) is not Text or cell.no_wrap is False:
            return None
        plain = cell.plain
        if "\n" in plain or "\t" in plain:
            return None
        if cell.justify not in (None, "default") or self._console_justify() not in (
            None,
            "default",
        ):
            return None
        padding = self.cell_padding
        inner = width - 2 * padding
        if cell.cell_len > inner:  # to crop: Rich's way (wide characters, ellipsis)
            return None
        fixed = not header and (row_index < self.fixed_rows or column_index < self.fixed_columns)
        component_style, post_style = self._get_styles_to_render_cell(
            header,
            False,
            fixed,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        pre_style = base_style + Style.from_meta({"row": row_index, "column": column_index})
        pre_style += component_style
        # As Text renders itself: its own style becomes a span of the joined line.
        text = list(_NEWLINE.join([cell]).render(self.app.console))
        line = Segment.adjust_line_length(text, inner, style=_NULL)
        if padding:
            pad = Segment(" " * padding, _NULL)
            line = [pad, *line, pad]
        lines = [list(Segment.apply_style(line, pre_style, post_style))]
        self._cell_render_cache[cache_key] = lines
        return lines

    def clear_render_caches(self) -> None:
        """Drop every render cache (as a change of the table does): the next paint is cold."""
        self._clear_caches()

    def stock_render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> CellLines:
        """The cell as DataTable itself renders it (what :meth:`render_text_cell` must match)."""
        return DataTable._render_cell(
            self, row_index, column_index, base_style, width, cursor, hover
        )

    def row_style(self, row_index: int) -> Style:
        """The base style DataTable paints row ``row_index`` with (zebra stripes included)."""
        return self._get_row_style(row_index, self.rich_style)


# --- 2. Footer ----------------------------------------------------------------------------------


class QuietFooter(TextualFooter):
    """Textual's Footer, shown the same, at a fraction of the cost when a screen opens.

    Textual's Footer recomposes (unmounts and mounts every key, each styled three times) on
    every bindings signal, and a screen sends several while it opens: the focus moves, the
    stack changes, and each focus change signals twice. This one recomposes at most once per
    refresh, and only when what it would show (keys, descriptions, enabled, tooltips) differs
    from what it shows. Private: the override of ``bindings_changed`` must set the Footer's
    ``_bindings_ready`` as Textual's does (compose shows nothing until it is set), and keys
    are Textual's ``FooterKey`` (from the private ``textual.widgets._footer``).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending = False
        self._shown: tuple | None = None

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._pending:
            self._pending = True
            self.call_after_refresh(self._recompose_if_changed)

    def _showing(self) -> tuple:
        """What compose would show now: enough to tell whether to compose again."""
        app = self.app
        return (
            self.compact,
            self.show_command_palette,
            tuple(
                (binding.key, app.get_key_display(binding), binding.description)
                + (binding.action, binding.group, enabled, tooltip)
                for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
                if binding.show or binding.key == app.COMMAND_PALETTE_BINDING
            ),
        )

    async def _recompose_if_changed(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        showing = self._showing()
        if showing != self._shown:
            self._shown = showing
            await self.recompose()

    def compose(self) -> ComposeResult:
        # A key starts compact and is then data-bound to the footer's ``compact``: two style
        # updates per key for nothing. Set it before it mounts instead. (The command palette's
        # key is not bound: it stays compact.)
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget


# --- 3. Worker errors ---------------------------------------------------------------------------


class _ReportingWorkers(WorkerManager):
    """The app's worker manager, calling ``on_error`` for each worker that ends in error.

    Private: WorkerManager has no public hook for a finished worker; ``_remove_worker`` is the
    done callback it gives every worker it starts, and the App keeps its manager in
    ``_workers``. (``Worker.StateChanged`` is public but does not bubble: it reaches the
    worker's own node only, and a screen that forgot to handle it lost the error.)
    """

    def __init__(self, app: App, on_error: Callable[[Worker], None]) -> None:
        super().__init__(app)
        self.on_error = on_error

    def _remove_worker(self, worker: Worker) -> None:
        super()._remove_worker(worker)
        if worker.state == WorkerState.ERROR:
            self.on_error(worker)


def report_worker_errors(app: App, on_error: Callable[[Worker], None]) -> None:
    """Call ``on_error(worker)`` for every worker of ``app`` that ends in error.

    Call from the App's ``__init__``, before any worker starts.
    """
    app._workers = _ReportingWorkers(app, on_error)


# --- For tests ----------------------------------------------------------------------------------


def notifications(app: App) -> list[Notification]:
    """The app's notifications not yet expired (Textual keeps them in ``App._notifications``)."""
    return list(app._notifications)


async def wait_for_screen(pilot: Pilot) -> None:
    """Until every widget of the screen has processed its pending messages (Pilot's private
    ``_wait_for_screen``; ``pilot.pause()`` guesses idleness from CPU time and sleeps)."""
    await pilot._wait_for_screen()
